"""Comparisons are answered from both sides and how-to questions from the help guides.

The questions here are the team's own, written from the corpus titles (the independent
knowledge set ``evals/datasets/heritage_independent.jsonl`` is measured, not tested).
"""

from __future__ import annotations

import pytest

from knowledge.questions import comparison_sides, in_notes_words, is_how_to


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
