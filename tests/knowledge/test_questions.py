"""Comparisons are answered from both sides and how-to questions from the help guides.

The questions here are the team's own, written from the corpus titles (the independent
knowledge set ``evals/datasets/heritage_independent.jsonl`` is measured, not tested).
"""

from __future__ import annotations

import pytest

from knowledge.answer import shares_a_form, stem
from knowledge.questions import (
    asks_to_compare,
    comparison_sides,
    guide_topic,
    in_notes_words,
    is_how_to,
)


@pytest.mark.parametrize(("question", "sides"), [
    ("what's the difference between bandhani and leheriya?", ("bandhani", "leheriya")),
    ("Difference between Kota Doria and Maheshwari sarees", ("kota doria", "maheshwari")),
    ("compare bidriware with moradabad brass", ("bidriware", "moradabad brass")),
    ("how is kalamkari different from block printing", ("kalamkari", "block printing")),
    ("pashmina vs shahtoosh", ("pashmina", "shahtoosh")),
    ("Molela or Bankura terracotta, which should I gift?", ("molela", "bankura terracotta")),
    ("patola aur ikat mein kya fark hai", ("patola", "ikat")),
    ("मधुबनी और वारली में क्या अंतर है", ("मधुबनी", "वारली")),
])
def test_comparison_sides_are_found(question: str, sides: tuple[str, str]) -> None:
    assert comparison_sides(question) == sides


@pytest.mark.parametrize("question", [
    "what is bandhani", "history of blue pottery and its colours", "tea and biscuits",
    "how are chanderi sarees woven", "difference between",
])
def test_other_questions_compare_nothing(question: str) -> None:
    assert comparison_sides(question) is None


@pytest.mark.parametrize(("question", "how_to"), [
    ("how do I pack terracotta for shipping", True),
    ("tips for pricing my dokra figures", True),
    ("should i take a bulk order from a hotel", True),
    ("how is dhokra cast", False),
    ("what is the history of phad painting", False),
])
def test_how_to_questions_are_recognised(question: str, how_to: bool) -> None:
    assert is_how_to(question) is how_to


def test_a_comparison_cites_both_sides(kb) -> None:  # KnowledgeBase
    answer = kb.ask("what is the difference between bandhani and kalamkari")
    cited = [c.doc_id for c in answer.citations]
    assert "technique-bandhani" in cited and "technique-kalamkari" in cited
    assert answer.text.index("andhani") < answer.text.index("alamkari"), "sides in asked order"


def test_a_comparison_with_an_unknown_side_is_answered_normally(kb) -> None:
    answer = kb.ask("difference between pochampally ikat and quantum computing")
    assert "technique-quantum" not in {c.doc_id for c in answer.citations}


def test_a_makers_how_to_reaches_the_help_guide(kb) -> None:
    answer = kb.ask("how should I pack terracotta horses so they survive the courier")
    assert answer.citations and answer.citations[0].doc_id == "help-shipping-fragile"


def test_an_off_topic_how_to_is_still_not_answered(kb) -> None:
    for question in ("how do I change the oil in my scooter", "how to apply for a passport"):
        answer = kb.ask(question)
        assert not answer.confident and not answer.citations, question


@pytest.mark.parametrize(("question", "added"), [
    ("why is bell metal work in danger of dying out", "endangered"),
    ("is sikki grass craft disappearing", "endangered"),
    ("what is kantha", None),
    ("which crafts are endangered in odisha", None),  # already in the notes' words
])
def test_a_question_gains_the_notes_word_for_what_it_says(question: str,
                                                          added: str | None) -> None:
    out = in_notes_words(question)
    assert out == (f"{question} {added}" if added else question)


# -- kinds the blind set independent_dev13 found (own wordings, not its cases) ----------------
@pytest.mark.parametrize(("question", "topic"), [
    ("mobile se saree ki photo kaise lu, kaunsa background?", "photos"),
    ("मैं अपने दीयों की फोटो कैसे खींचूं", "photos"),
    ("any tips for packing brass lamps for courier", "packing"),
    ("a school wants 50 custom made bags, how do I take an advance", "custom orders"),
    ("which season is best for selling lamps", "seasons"),
    ("silk saree ko iron kaise kare", "care"),
    ("how do I write a good title for my listing", "listings"),
    ("what does a GI tag mean for me", "gi tags"),
])
def test_a_makers_practical_question_names_its_guide(question: str, topic: str) -> None:
    assert guide_topic(question) == topic


@pytest.mark.parametrize("question", [
    "show me GI tagged sarees",  # a search, not a question about the tag
    "check authenticity of this photo",
    "how many diyas should I make",
    "what is the history of kalamkari",
])
def test_other_questions_name_no_guide(question: str) -> None:
    assert guide_topic(question) is None


def test_a_comparison_asked_any_way_cites_both_named_crafts(kb) -> None:
    question = "bandhani aur kalamkari dono rangeen hain, fark kya hai"
    assert comparison_sides(question) is None and asks_to_compare(question)
    cited = [c.doc_id for c in kb.ask(question).citations]
    assert "technique-bandhani" in cited and "technique-kalamkari" in cited


@pytest.mark.parametrize(("word", "meets"), [
    ("packing", "pack"), ("photos", "photograph"), ("reflective", "reflect"), ("lamps", "lamp"),
])
def test_a_word_meets_its_other_forms(word: str, meets: str) -> None:
    assert shares_a_form(word, {stem(meets)})
    assert not shares_a_form("cook", {stem("weave")})


def test_a_hinglish_how_to_reaches_its_guide(kb) -> None:
    answer = kb.ask("listing ka title kaise likhu (listing title how likhu)")
    assert answer.citations and answer.citations[0].doc_id == "help-writing-listings"


def test_a_question_on_a_guides_topic_in_hindi_reaches_the_guide(kb) -> None:
    answer = kb.ask("अपनी साड़ी की फोटो कैसे खींचूं (own saree photo how khinchun)")
    assert answer.citations and answer.citations[0].doc_id == "help-photographing-crafts"


def test_the_page_of_the_craft_a_question_names_comes_first(kb) -> None:
    answer = kb.ask("which motifs show up in madhubani")
    assert answer.citations and answer.citations[0].doc_id == "cluster-madhubani-painting"


@pytest.mark.parametrize("question", ["daam kaise tay karu handmade saamaan ka",
                                      "how should I price my handmade work"])
def test_a_pricing_how_to_names_the_pricing_guide(question: str) -> None:
    assert guide_topic(question) == "pricing"
