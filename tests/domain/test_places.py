"""Place resolution bounds its input (issue 12, finding 1): no 100 kB fuzzy search, no echo."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput, UnknownPlace, quote
from domain.places import MAX_FUZZY_CHARS, MAX_NAME_CHARS, Gazetteer


def test_quote_cuts_long_values() -> None:
    assert quote("Jaipur") == "'Jaipur'"
    assert quote("x" * 1000) == repr("x" * 60 + "…")


def test_an_overlong_name_is_refused_without_matching(monkeypatch: pytest.MonkeyPatch) -> None:
    gaz = Gazetteer.default()

    def no_fuzzy(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("fuzzy matching ran on an overlong name")

    monkeypatch.setattr(Gazetteer, "fuzzy", no_fuzzy)
    monkeypatch.setattr(Gazetteer, "suggestions", no_fuzzy)
    with pytest.raises(InvalidInput) as err:
        gaz.resolve("Xq" * 50_000)
    assert err.value.field == "place" and f"at most {MAX_NAME_CHARS}" in err.value.message
    assert len(err.value.message) < 120


def test_unknown_names_are_quoted_by_prefix() -> None:
    name = "Zzqx " * 23  # 115 characters: allowed, unknown
    with pytest.raises(UnknownPlace) as err:
        Gazetteer.default().resolve(name)
    assert "…" in err.value.message and len(err.value.message) < 100
    assert len(err.value.details["suggestions"]) == 3


def test_fuzzy_matching_skips_what_is_longer_than_any_town() -> None:
    gaz = Gazetteer.default()
    assert gaz.fuzzy("Baronassie") is not None  # speech-recognition misspellings still resolve
    assert gaz.fuzzy("Varanasi" * (MAX_FUZZY_CHARS // 8 + 1)) is None


def test_names_still_resolve() -> None:
    gaz = Gazetteer.default()
    assert gaz.resolve("Channapatna, Karnataka").name == "Channapatna"
    assert gaz.resolve("Jaipurr").name == "Jaipur"


def test_a_state_named_as_a_place_is_its_largest_town() -> None:
    """"ship to Goa": a state stands for its most populous town, never a craft cluster."""
    from domain.places import Gazetteer

    place = Gazetteer.default().resolve("Goa")
    assert place.state == "Goa" and place.kind != "cluster" and place.population > 0
