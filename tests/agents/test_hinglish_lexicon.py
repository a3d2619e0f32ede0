"""Hinglish as it is typed on WhatsApp: every spelling of a word glosses to the same English.

The spelling families below are written here, not read from ``agents.nlu.hindi``, so that they
check the lexicon rather than repeat it. Hypothesis puts a random member of a family into a
random request (with a random town, number and filler) and checks the English gloss that the
classifier and the slot extractors read.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.nlu.entities import parse
from agents.nlu.hindi import (
    _HINGLISH_MARKERS,
    _LEXICON,
    _VARIANTS,
    _canonical,
    is_hindi,
    to_english,
)

TOWNS = ["jaipur", "delhi", "lucknow", "bhuj", "varanasi", "mumbai", "patna", "kolkata"]
ITEMS = ["saree", "diya", "dupatta", "shawl", "kurta", "gamla", "parcel", "maal"]
FILLERS = ["", "bhai ", "bhaiya ", "ji ", "sir "]

# verb families: every form a person types, and the English the gloss must say
SHIP = ["bhejna", "bhejo", "bhej", "bhejdo", "bhejiye", "bhijwana", "bhijwao", "bhijwaiye",
        "bhejwana", "bhejunga", "bhejungi", "bhejenge", "bhejega", "bhejni", "bhejne",
        "bhijwani", "भेजना", "भिजवाना"]
MAKE = ["banana", "banau", "banaun", "banaye", "banao", "banani", "banane", "banwana", "banwani",
        "banaunga", "बनाना", "बनवाना"]
SELL = ["bechna", "bechu", "bechun", "bech", "bechni", "bechne", "bechunga", "bechta", "बेचना"]
SELLS = ["bikega", "bikegi", "bikenge", "bikta", "bikti", "बिकेगा", "बिकता"]
WANT = ["chahiye", "chaiye", "chahie", "chaye", "chahiyee", "chaahiye", "चाहिए", "चाहिये"]
SHOW = ["dikhao", "dikha", "dikhado", "dikhaiye", "dikhaye", "dikhana", "dikhlao", "दिखाओ"]
TELL = ["batao", "btao", "bata", "batado", "bataiye", "bataye", "batana", "btana", "bta",
        "बताओ", "बताइए"]
GETS = ["milega", "milegi", "milta", "milti", "milenge", "मिलेगा", "मिलेगी"]
HOW_MUCH = ["kitna", "kitne", "kitni", "ktna", "kitnaa", "kitana", "कितना", "कितने"]
WHEN = ["kab", "kb", "कब"]
WHERE = ["kahan", "kaha", "kahaan", "kidhar", "कहाँ", "कहां"]
WHICH = ["kaun", "kon", "kaunsa", "konsa", "kaunsi", "konsi", "kis", "कौन"]
HOW = ["kaise", "kese", "kaisa", "kesa", "कैसे"]
NOT = ["nahi", "nhi", "nahin", "nai", "nhin", "नहीं"]
NEAR = ["ke paas", "ke pas", "k pass", "ke aas paas", "के पास"]
THOUSAND = ["hazaar", "hazar", "hajar", "hajaar", "हज़ार", "हजार"]
LAKH = ["lakh", "lac", "lacs", "lakhs", "लाख"]
RUPEES = ["rupaye", "rupay", "rupye", "rupiya", "rupaiya", "rs", "रुपये"]
PRICE = ["daam", "dam", "rate", "bhav", "bhaav", "keemat", "kimat", "kimmat", "दाम", "कीमत"]


def _gloss(text: str) -> str:
    """The gloss; a Devanagari word is put in a Devanagari sentence, as people write it."""
    if re.search(r"[\u0900-\u097f]", text):
        text = " ".join(_IN_DEVANAGARI.get(w, w) for w in text.split())
    return to_english(text)


# The Latin words of the templates below in Devanagari, for the Devanagari members of a family.
_IN_DEVANAGARI = {
    "bhai": "भाई", "saree": "साड़ी", "diya": "दीया", "dupatta": "दुपट्टा", "shawl": "शॉल",
    "kurta": "कुर्ता", "gamla": "गमला", "parcel": "पार्सल", "maal": "माल", "jaipur": "जयपुर",
    "delhi": "दिल्ली", "lucknow": "लखनऊ", "bhuj": "भुज", "varanasi": "वाराणसी",
    "mumbai": "मुंबई", "patna": "पटना", "kolkata": "कोलकाता", "hai": "है", "agle": "अगले",
    "mahine": "महीने", "kya": "क्या", "mera": "मेरा", "kitne": "कितने", "me": "में",
    "mujhe": "मुझे", "ka": "का", "is": "इस", "pital": "पीतल", "order": "ऑर्डर",
    "ji": "जी", "sir": "सर",
}


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(SHIP), st.sampled_from(ITEMS), st.sampled_from(TOWNS),
       st.sampled_from(FILLERS))
def test_every_form_of_bhejna_is_ship(verb: str, item: str, town: str, filler: str) -> None:
    assert "ship" in _gloss(f"{filler}{item} {town} {verb} hai").split()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(MAKE), st.integers(min_value=5, max_value=500), st.sampled_from(ITEMS))
def test_every_form_of_banana_is_make(verb: str, n: int, item: str) -> None:
    gloss = _gloss(f"agle mahine {n} {item} {verb} hai kya")
    assert "make" in gloss.split()
    assert str(n) in gloss.split()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SELL + SELLS), st.sampled_from(ITEMS))
def test_every_form_of_bechna_and_bikna_is_sell(verb: str, item: str) -> None:
    assert "sell" in _gloss(f"mera {item} kitne me {verb}").split()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(WANT), st.sampled_from(SHOW), st.sampled_from(ITEMS),
       st.sampled_from(TOWNS))
def test_wanting_and_showing(want: str, show: str, item: str, town: str) -> None:
    assert "want" in _gloss(f"mujhe {town} ka {item} {want}").split()
    assert "show" in _gloss(f"{town} ka {item} {show}").split()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(TELL), st.sampled_from(PRICE), st.sampled_from(ITEMS))
def test_asking_to_be_told_a_price(tell: str, price: str, item: str) -> None:
    gloss = _gloss(f"is {item} ka {price} {tell}").split()
    assert "tell" in gloss
    assert "price" in gloss


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(GETS), st.sampled_from(TOWNS))
def test_milega_is_available(verb: str, town: str) -> None:
    assert "available" in _gloss(f"{town} me pital ka diya {verb} kya")


@pytest.mark.parametrize(("family", "english"), [
    (HOW_MUCH, "how much"), (WHEN, "when"), (WHERE, "where"), (WHICH, "which"), (HOW, "how"),
    (NOT, "not"),
])
def test_question_words_and_not(family: list[str], english: str) -> None:
    for word in family:
        assert english in _gloss(f"mera order {word} hai"), word


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NEAR), st.sampled_from(TOWNS))
def test_near_a_town_in_every_spelling(near: str, town: str) -> None:
    utt = parse(_gloss(f"{town} {near} blue pottery dikhao"))
    assert f"near {town}" in utt.text
    assert [p.lower() for p in utt.place_names][:1] == [town] or utt.places


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=1, max_value=99), st.sampled_from(THOUSAND),
       st.sampled_from(RUPEES))
def test_thousands_in_every_spelling(n: int, scale: str, rupees: str) -> None:
    assert f"under {n * 1000}" in _gloss(f"saree dikhao {n} {scale} {rupees} tak")


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=9), st.sampled_from(LAKH))
def test_lakhs_in_every_spelling(n: int, scale: str) -> None:
    assert str(n * 100_000) in _gloss(f"mere paas {n} {scale} hai, kitne banau").split()


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=99))
def test_a_k_after_a_number_is_thousands(n: int) -> None:
    assert f"under {n * 1000}" in _gloss(f"koi gift dikhao {n}k tak")
    assert "near" in _gloss("blue pottery jaipur k pass dikhao")


@pytest.mark.parametrize(("text", "english"), [
    ("agle mahine ki demand batao", "next month"),
    ("is saal kitna bikega", "this year"),
    ("pichle hafte ke orders", "last week"),
    ("agle 3 mahine", "next 3 months"),
    ("saare orders mila ke bhejna hai", "together"),
    ("kaunsa maal nahi bik raha", "not selling"),
    ("mera order abhi tak nahi mila", "not got"),
    ("channapatna ke khilone 500 me mil jayenge kya", "available"),
    ("mujhe ek banarasi saree leni hai", "buy"),
    ("guwahati mangana hai ek dupatta, aadha kilo", "to guwahati ship"),
    ("pital ka diya, 5 ghante ki mehnat", "5 hours work"),
    ("kya aap bata sakte ho", "tell can"),
    ("kitne mazdoor lagenge", "workers"),
])
def test_time_and_trade_phrases(text: str, english: str) -> None:
    assert english in _gloss(text)


@pytest.mark.parametrize("text", [
    "jaipur me kal mausam kaisa rahega", "naukri chahiye jaipur me", "mere orders nhi aaye",
    "saree bhijwani hai delhi", "kitny ka bikega", "bhej do", "blue pottery jaipur k pass dikhao",
])
def test_short_hinglish_messages_are_read_as_hindi(text: str) -> None:
    assert is_hindi(text)


@pytest.mark.parametrize("text", [
    "ship my saree to a hotel in Jaipur", "price for a wedding order of 40 diyas",
    "do you have rain-proof packing for pottery", "show me kurta and dupatta sets",
    "is there a match for my photo on another shop",
])
def test_english_messages_stay_english(text: str) -> None:
    assert not is_hindi(text)
    assert to_english(text) == text


def test_every_spelling_family_belongs_to_a_word_of_the_lexicon() -> None:
    words = {w for w, _, _ in _LEXICON}
    assert set(_VARIANTS) <= words


def test_no_spelling_is_claimed_by_two_words() -> None:
    """A spelling that two rows list would silently go to the first one."""
    owners: dict[str, set[str]] = {}
    for word, _, others in _LEXICON:
        for form in (word, *others.split(), *_VARIANTS.get(word, "").split()):
            owners.setdefault(form.rstrip("_"), set()).add(word.rstrip("_"))
    shared = {form: sorted(o) for form, o in owners.items() if len(o) > 1}
    # Known: "nai" is nahi (not) before naya (new, नई).
    assert set(shared) <= {"nai"}, shared
    assert _canonical()["nhi"] == "nahi"


def test_hinglish_markers_are_not_english_words() -> None:
    """A marker makes a message Hindi; an English word among them would gloss English text."""
    english = set(re.findall(r"[a-z]+", """the is to do me he she in on a an and or of for
        with pass bike main man may might will shall be been mil dam bus bank hotel train
        ticket order list stock rate price match score film photo draft live publish sale
        sell made make show tell want near kid kids key hi ha han bat bad""".lower()))
    assert not (_HINGLISH_MARKERS & english)
