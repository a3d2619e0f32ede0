"""Self-corrections inside one message ("2.5 kg no wait 3 kg"): the value meant is the one read.

Unit tests of ``resolve`` on the corrections people write and on messages it must leave alone,
Hypothesis over values and units, and a few turns through the real embedded planner.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.assistant import Assistant
from agents.nlu.corrections import resolve
from tests.agents.planner_support import embedded_assistant, say


@pytest.mark.parametrize(("said", "meant"), [
    ("send glass lamp to Mumbai, 2.5 kg no wait 3 kg after bubble wrap, price 3350",
     "send glass lamp to Mumbai, 3 kg after bubble wrap, price 3350"),
    ("kolhapuri chappal pair, leather, 600 gm, 8 hours. sorry not 8, 5 hours only, my brother "
     "did the stitching part. what price?",
     "kolhapuri chappal pair, leather, 600 gm, 5 hours. only, my brother did the stitching part. "
     "what price?"),
    ("banarasi silk saree hai, zari ka kaam, weight 900 gram... nahi wait fall lagake 1.1 kg hai,"
     " loom pe karib 120 ghante lage. price batao kitna rakhu",
     "banarasi silk saree hai, zari ka kaam, weight 1.1 kg... hai, loom pe karib 120 ghante lage."
     " price batao kitna rakhu"),
    ("kundan necklace set hai, 80 gram, 35 hours lagte hain... arre nahi 45 hours, stone setting "
     "mein bahut time jaata hai",
     "kundan necklace set hai, 80 gram, 45 hours lagte hain... stone setting mein bahut time "
     "jaata hai"),
    ("check c-0110 for fraud, no sorry, I meant c-0101", "check c-0101 for fraud"),
    ("theft check: image img-1be523061ff321a2, seller c-0051... no sorry, c-0297 is the one "
     "reported",
     "theft check: image img-1be523061ff321a2, seller c-0297... is the one reported"),
    ("similar to p-00266... sorry I mean p-00268", "similar to p-00268..."),
    ("brass lamps under 3000, actually make it 2500", "brass lamps under 2500"),
    ("clusters within 100 km of Jaipur, no make it 150", "clusters within 150 km of Jaipur"),
    ("forecast for glass items for 2 weeks... no make it one month, for UP",
     "forecast for glass items for one month... for UP"),
    ("100 brass diyas, 180 rs per piece cost, wait I mean 150 diyas not 100. stock is zero right "
     "now. ok to make?",
     "150 brass diyas, 180 rs per piece cost. stock is zero right now. ok to make?"),
    ("khurja ka mug set, 1.8 kilo, 2 din laga... matlab 16 ghante. kitna lagau?",
     "khurja ka mug set, 1.8 kilo, 16 ghante laga. kitna lagau?"),
    ("kolhapuri chappal, size 8, 700 gm no wait 650 gm, 6 hours work, 1100 rs",
     "kolhapuri chappal, size 8, 650 gm, 6 hours work, 1100 rs"),
    ("publish p-00220, sorry, p-00222 I mean, the vase", "publish p-00222, the vase"),
    ("p-00496 ka price 1500 kar do, nahi nahi 1400 karo", "p-00496 ka price 1400 kar do, karo"),
    ("do kilo ka bowl, nahi nahi teen kilo", "teen kilo ka bowl"),
    ("₹500 ka, sorry 600", "₹600 ka"),
    ("मेरा 2 किलो का बर्तन, नहीं नहीं 3 किलो", "मेरा 3 किलो का बर्तन"),
    # no correction word: a value said instead of one said before it
    ("100 diyas at 180 rs each, 150 diyas not 100", "150 diyas at 180 rs each"),
    # two corrections in one message
    ("2 kg, no wait 3 kg, to Pune, 5 days sorry 4 days", "3 kg, to Pune, 4 days"),
])
def test_the_corrected_value_replaces_the_first(said: str, meant: str) -> None:
    assert resolve(said) == meant


@pytest.mark.parametrize("said", [
    "no fake reviews",
    "sorry to bother you, price for 2 kg bowl",
    "actually I have 3 pieces",
    "2 kg not 3 kg bowls",  # "not 3 kg" was never said before: it says which bowls
    "5 kg bowl, actually I want 3 of them",  # a bare number after words states, not corrects
    "show shipped orders... no, the ones not shipped yet, pending ones",
    "oh and the colour is red and yellow, not just red",
    "similar to p-00266, sorry, any 2 kg ones?",  # no earlier weight to correct
    "check c-0110 for fraud, sorry I mean the image img-1be523061ff321a2",  # no earlier image
    "that one, sorry",
    "",
])
def test_nothing_to_correct_changes_nothing(said: str) -> None:
    assert resolve(said) == said


_FILLER = st.sampled_from(["send", "bowl", "to", "Jaipur", "price", "brass", "lamp", "hai",
                           "ka", "what", "is", "the", "for", "and", "under", "within", ",", "."])
_UNITS = st.sampled_from(["kg", "gm", "hours", "ghante", "days", "km", "rs", "pieces"])
_MARKERS = st.sampled_from(["no wait", "sorry", "no sorry, I meant", "actually", "arre nahi",
                            "nahi wait", "oops", "I mean", "make it"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_FILLER, st.integers(0, 5000).map(str), _UNITS,
                          st.from_regex(r"[pc]-0\d{3}", fullmatch=True)), max_size=14))
def test_a_message_without_a_correction_word_is_unchanged(words: list[str]) -> None:
    """Numbers, units and ids with no correction word (nor "not") between them stay as said."""
    text = " ".join(words)
    assert resolve(text) == text


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 900), st.integers(1, 900), _UNITS, _MARKERS, _FILLER)
def test_a_corrected_value_is_read_where_the_first_was(old: int, new: int, unit: str,
                                                       marker: str, word: str) -> None:
    """"<old unit>, <marker> <new unit>" reads the new value, once, where the old one stood."""
    text = f"bowl {old} {unit} {word} {marker} {new} {unit}"
    got = resolve(text)
    assert got.startswith(f"bowl {new} {unit}")
    assert len(re.findall(rf"\b{new} {unit}\b", got)) == 1
    assert old == new or not re.search(rf"\b{old} {unit}\b", got)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return embedded_assistant(tmp_path_factory.mktemp("corrections") / "empty.db")


@pytest.mark.parametrize(("said", "role", "user", "tool", "args"), [
    ("kolhapuri chappal pair, leather, 600 gm, 8 hours. sorry not 8, 5 hours only. what price?",
     "creator", "c-0001", "golden_price", {"weight_kg": 0.6, "production_hours": 5}),
    ("kundan necklace set hai, silver pe gold polish, 80 gram, 35 hours lagte hain... arre nahi "
     "45 hours. rate kya rakhun", "creator", "c-0001", "golden_price",
     {"weight_kg": 0.08, "production_hours": 45}),
    ("send glass lamp to Mumbai, 2.5 kg no wait 3 kg after bubble wrap, price 3350",
     "creator", "c-0001", "shipping_quote", {"weight_kg": 3, "declared_price": 3350}),
    ("clusters within 100 km of Jaipur, no make it 150", "buyer", "b-0001", "craft_clusters",
     {"radius_km": 150}),
    ("brass lamps under 3000, actually make it 2500", "buyer", "b-0001", "search_products",
     {"price_max": 2500}),
    ("check c-0110 for fraud, no sorry, I meant c-0101", "admin", "admin-1", "fraud_check",
     {"seller_id": "c-0101"}),
])
def test_the_planner_calls_with_the_corrected_value(assistant: Assistant, said: str, role: str,
                                                     user: str, tool: str,
                                                     args: dict[str, object]) -> None:
    turn = say(assistant, said, session=f"correction-{said}", role=role, user=user)
    assert [c["name"] for c in turn.tool_calls] == [tool]
    called = turn.tool_calls[0]["args"]
    assert {k: called.get(k) for k in args} == args
