"""Slot extractors: numbers with units, ids, statuses, places (including mis-heard ones)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.nlu.entities import STATUS_SYNONYMS, asks_advice, is_question, parse, price_bounds
from agents.planners.embedded import EmbeddedPlanner
from domain.places import Gazetteer


@pytest.fixture(scope="module")
def vocab() -> frozenset[str]:
    return EmbeddedPlanner().vocabulary


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("within 50 km", "km", 50), ("within fifty kilometres", "km", 50), ("2 kg", "kg", 2),
        ("took me 40 hours", "h", 40), ("₹1,200", "inr", 1200), ("1200 rupees", "inr", 1200),
        ("next three months", "mo", 3), ("twenty five km", "km", 25), ("500 grams", "g", 500),
    ],
)
def test_quantities_with_units(text: str, unit: str, value: float) -> None:
    assert parse(text).first(unit) == value


@pytest.mark.parametrize(
    ("text", "ids"),
    [("change p-00012 to 950", ["p-00012"]), ("set p 12 to 900", ["p-00012"]),
     ("order o-000123 status", ["o-000123"]), ("creator c-0001", ["c-0001"])],
)
def test_ids_are_normalised_and_not_numbers(text: str, ids: list[str]) -> None:
    utt = parse(text)
    assert utt.ids == ids
    assert all(q.value not in (12, 123, 1) for q in utt.quantities)


@pytest.mark.parametrize(
    ("text", "status"),
    [("show my pending orders", "pending"), ("what has been dispatched", "shipped"),
     ("orders being made", "in_production"), ("which were canceled", "cancelled"),
     ("delivered ones", "delivered")],
)
def test_status_synonyms(text: str, status: str) -> None:
    assert parse(text).statuses[:1] == [status]


@pytest.mark.parametrize(
    ("text", "place"),
    [("blue pottery near Jaipur", "Jaipur"), ("golden prize for silk from Baronassie", "Varanasi"),
     ("toys from chenapatna", "Channapatna"), ("near bangalore", "Bengaluru"),
     ("crafts in Benares", "Varanasi")],
)
def test_places_resolve_through_misspellings(text: str, place: str, vocab: frozenset[str]) -> None:
    found = parse(text, vocab).places[:1]
    town = Gazetteer.default().exact(place)
    assert town is not None and found and (found[0].lat, found[0].lon) == (town.lat, town.lon)


@pytest.mark.parametrize(
    ("text", "name"),
    [("ship to Panaji", "Panaji"), ("near bangalore", "Bangalore"), ("near Jaipur", "Jaipur"),
     ("from Baronassie", "Varanasi"), ("crafts in Benares", "Varanasi")],
)
def test_a_town_keeps_the_name_the_user_wrote(text: str, name: str, vocab: frozenset[str]) -> None:
    """Another of the town's names stays as written; a misspelling or a cluster's alias does not."""
    assert [p.name for p in parse(text, vocab).places][:1] == [name]


def test_a_craft_is_not_read_as_its_cluster_town(vocab: frozenset[str]) -> None:
    assert [p.name for p in parse("dhokra elephant to Raipur", vocab).places] == ["Raipur"]


@pytest.mark.parametrize(
    "text", ["show my pending orders", "madhubani paintings please", "thank you"]
)
def test_no_place_is_invented(text: str, vocab: frozenset[str]) -> None:
    assert parse(text, vocab).places == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("fourteen hundred", 1400),
        ("two thousand five hundred rupees", 2500),
        ("one lakh twenty thousand", 120_000),
        ("a thousand", 1000),
        ("15 hundred", 1500),
        ("5k", 5000),
        ("2.5 lakh", 250_000),
        ("one hundred and fifty", 150),
        ("two and a half", 2.5),
        ("ninety nine", 99),
    ],
)
def test_spoken_amounts_become_one_number(text: str, value: float) -> None:
    assert [q.value for q in parse(text).quantities] == [value]


def test_digits_spoken_one_by_one_stay_separate() -> None:
    assert [q.value for q in parse("zero zero two three").quantities] == [0, 0, 2, 3]


@pytest.mark.parametrize(
    ("text", "ids", "amounts"),
    [
        ("set price of p zero zero two three four to fourteen hundred", ["p-00234"], [1400]),
        ("p 0 0 1 7 should be 900", ["p-00017"], [900]),
        ("change P-234 to 1200", ["p-00234"], [1200]),
        ("make p 00234 cost 999", ["p-00234"], [999]),
        ("p zero zero two three four fourteen hundred", ["p-00234"], [1400]),
    ],
)
def test_spoken_ids_keep_the_price_number(text: str, ids: list[str], amounts: list[float]) -> None:
    utt = parse(text)
    assert utt.ids == ids
    assert [q.value for q in utt.quantities] == amounts


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("show me my shiped orders", "shipped"),
        ("pendng orders", "pending"),
        ("deliverd ones", "delivered"),
        ("cancled orders", "cancelled"),
        ("which parcels are on their way", "shipped"),
        ("anything still being crafted", "in_production"),
        ("orders out for delivery", "shipped"),
        ("what has arrived", "delivered"),
    ],
)
def test_status_misspellings_and_paraphrases(text: str, status: str) -> None:
    assert parse(text).statuses[:1] == [status]


@pytest.mark.parametrize("text", ["show my purple orders", "spending too much", "ending soon"])
def test_no_status_is_invented_from_near_words(text: str, vocab: frozenset[str]) -> None:
    assert parse(text, vocab).statuses == []


def test_a_word_the_corpus_knows_is_no_typo() -> None:
    assert parse("shipper contact").statuses == ["shipped"]
    assert parse("shipper contact", frozenset({"shipper"})).statuses == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            "show my orders shiped shipd pendin pending oders delivred cancel canceled confirmd "
            "produc being made on the way purple frozen sale parcels xyzzy in production".split()
        ),
        max_size=8,
    )
)
def test_statuses_are_always_enum_values(words: list[str]) -> None:
    """Whatever is said, a status is one the list_orders tool accepts."""
    assert set(parse(" ".join(words)).statuses) <= set(STATUS_SYNONYMS)


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("kanchipuram silk sarees between 5000 and 15000 rupees", (5000, 15000)),
        ("sarees from 2k to 5k", (2000, 5000)),
        ("pots 3000-6000 rupees", (3000, 6000)),
        ("under 2500", (None, 2500)),
        ("less than five thousand", (None, 5000)),
        ("above 10000", (10000, None)),
        ("more than ₹1,500", (1500, None)),
        ("500 rupees or more", (500, None)),
        ("between rs 900 and rs 500", (500, 900)),
        ("within 25 km", (None, None)),
        ("over 4 kg", (None, None)),
        ("between 10 and 20 km", (None, None)),
        ("authenticity above 80", (None, None)),
    ],
)
def test_price_bounds(text: str, bounds: tuple[float | None, float | None]) -> None:
    assert price_bounds(parse(text).digits) == bounds


@pytest.mark.parametrize(
    ("text", "question", "advice"),
    [
        ("who revived blue pottery", True, False),
        ("blue pottery?", True, False),
        ("chanderi sarees", False, False),
        ("a buyer got a broken vase what now", False, True),
        ("what should i do if an order is late", True, True),
    ],
)
def test_questions_and_requests_for_advice(text: str, question: bool, advice: bool) -> None:
    utt = parse(text)
    assert (is_question(utt), asks_advice(utt)) == (question, advice)


@pytest.mark.parametrize(("text", "bounds"), [
    ("brass lamps, not more than 1500", (None, 1500)),
    ("sarees not less than 4000", (4000, None)),
    ("rugs no more than 9000, score min 60", (None, 9000)),
])
def test_a_negated_bound_is_the_other_bound(text: str, bounds: tuple) -> None:
    assert price_bounds(parse(text).digits) == bounds
