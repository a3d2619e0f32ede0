"""Slot extractors: numbers with units, ids, statuses, places (including mis-heard ones)."""

from __future__ import annotations

import pytest

from agents.nlu.entities import parse
from agents.planners.embedded import EmbeddedPlanner


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
    assert [p.name for p in parse(text, vocab).places][:1] == [place]


@pytest.mark.parametrize("text", ["show my pending orders", "madhubani paintings please", "thank you"])
def test_no_place_is_invented(text: str, vocab: frozenset[str]) -> None:
    assert parse(text, vocab).places == []
