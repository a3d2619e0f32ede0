"""Places named in Devanagari resolve like their English names (issue 13, weak spot 1)."""

from __future__ import annotations

import pytest

from domain.devanagari import to_latin, transliterate
from domain.errors import UnknownPlace
from domain.places import Gazetteer, Place
from tools.common import resolve_place
from tools.heritage_map import state_named


@pytest.mark.parametrize(
    ("hindi", "english"),
    [
        ("जयपुर", "Jaipur"),  # GeoNames' Hindi name, matched as written
        ("भोपाल", "Bhopal"),
        ("वाराणसी", "Varanasi"),
        ("बनारस", "Varanasi"),  # by transliteration: "banaras", an English alias
        ("लखनऊ", "Lucknow"),
        ("जोधपुर", "Jodhpur"),
        ("भुज", "Bhuj"),  # a craft cluster GeoNames has no Hindi name for
        ("चन्नपटना", "Channapatna"),
        ("मधुबनी", "Madhubani"),
        ("जयपुर, राजस्थान", "Jaipur"),
    ],
)
def test_towns_in_devanagari_resolve(hindi: str, english: str) -> None:
    assert resolve_place(hindi).name == english
    assert Gazetteer.default().exact(hindi.split(",")[0]) is not None


@pytest.mark.parametrize(
    ("hindi", "state"),
    [
        ("राजस्थान", "Rajasthan"),
        ("गुजरात", "Gujarat"),
        ("कर्नाटक", "Karnataka"),
        ("उत्तर प्रदेश", "Uttar Pradesh"),
        ("पश्चिम बंगाल", "West Bengal"),
        ("तमिलनाडु", "Tamil Nadu"),
    ],
)
def test_states_in_devanagari_are_named(hindi: str, state: str) -> None:
    assert state_named(hindi) == state


def test_a_town_in_devanagari_is_not_a_state() -> None:
    assert state_named("जयपुर") is None


def test_the_online_geocoder_is_asked_in_latin_letters() -> None:
    asked: list[str] = []

    def online(name: str) -> Place | None:
        asked.append(name)
        return None

    with pytest.raises(UnknownPlace) as err:
        Gazetteer.default().resolve("क्ष्ज्ञ्ट्ठ्ड", online)
    assert asked and asked[0].isascii() and asked[0]
    assert len(err.value.details["suggestions"]) == 3


def test_transliteration_keeps_words_and_other_text() -> None:
    assert transliterate("जयपुर") == "jaipur"
    assert to_latin("उत्तर प्रदेश") == "uttar pradesh"
    assert to_latin("Jaipur") == "Jaipur"


def test_a_town_s_own_name_wins_over_another_town_s_alternate_name() -> None:
    assert Gazetteer.default().resolve("Visakhapatnam").name == "Visakhapatnam"
