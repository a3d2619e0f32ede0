"""Typing slips are put right before the planner reads a typed message; known words never change."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.nlu.spelling import correct, dictionary
from agents.planners.embedded import default_classifier
from tests.agents.planner_support import embedded_assistant, say


@pytest.fixture(scope="module")
def trained() -> frozenset[str]:
    return default_classifier().vocabulary


@pytest.mark.parametrize(("typed", "meant"), [
    ("show me blue potery from jaipr", "show me blue pottery from jaipur"),
    ("whats the histroy of madhubani paintng", "whats the history of madhubani painting"),
    ("any endagered crafts near varansi", "any endangered crafts near varanasi"),
    ("shiping cost to banglore", "shipping cost to bangalore"),
    ("how much to chrage for a terracota horse", "how much to charge for a terracota horse"),
    ("any endagered crafts in kutch", "any endangered crafts in kutch"),
    ("ikt saree", "ikat saree"),
    ("blue pottery from jaipr", "blue pottery from jaipur"),
    ("brass lamp banglore bhejna hai", "brass lamp bangalore bhejna hai"),  # a city's other name
])
def test_slips_become_the_words_meant(typed: str, meant: str, trained: frozenset[str]) -> None:
    assert correct(typed, trained) == meant


@pytest.mark.parametrize("text", [
    "kitne me bechu bhai ye dupatta",  # Hinglish the lexicon knows
    "mera beta typing kar raha hai, dhokra ki murti ka daam batao",
    "chikankari kurti from lucknow",  # a form of a term ("kurti" is not "kurta")
    "embroidering weavers of molela",  # inflections of known words; a craft village
    "ship p-00012 to b-0003 at 560001",  # ids and numbers
    "a wall hanging for my hostel room, something colourful",  # English the lists know
    "banaras me ganga aarti kitne baje hoti hai",  # short Hinglish words no list holds
    "banarsi silk near baranasi",  # after "near" only a place; the gazetteer reads it by sound
    "बारह सौ में भेज दो",  # Devanagari is the Hindi reader's to gloss
    "",
])
def test_known_words_are_left_alone(text: str, trained: frozenset[str]) -> None:
    assert correct(text, trained) == text


def test_a_slip_of_a_training_word_is_not_a_target(trained: frozenset[str]) -> None:
    """The corpus holds slips on purpose ("potery"); they are not what other slips become."""
    words = dictionary(trained)
    assert "potery" not in words.known
    assert words.correct("potery") == "pottery"


def test_the_first_letter_must_agree(trained: frozenset[str]) -> None:
    assert dictionary(trained).correct("raise") is None  # known English
    assert dictionary(trained).correct("xottery") is None  # no x-word is near


def test_a_misspelt_request_reaches_the_right_tool(tmp_path: Path) -> None:
    """Through the real planner: the slips no longer lose the place or the question."""
    assistant = embedded_assistant(tmp_path / "s.db")
    turn = say(assistant, "any endagered crafts near varansi", "spell-1", role="buyer",
               user="b-0001")
    assert [c["name"] for c in turn.tool_calls] == ["craft_clusters"]
    args = turn.tool_calls[0]["args"]
    assert args["location"] == "Varanasi" and args.get("endangered_only") is True


def test_a_short_word_with_a_letter_too_many_is_a_word_of_its_own(trained: frozenset[str]) -> None:
    """"aarti" is not "aari" (an embroidery) mistyped; "silkk" is silk."""
    words = dictionary(trained)
    assert words.correct("aarti") is None
    assert words.correct("silkk") == "silk"
