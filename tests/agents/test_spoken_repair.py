"""Transcript repair for voice turns: misheard domain words back by sound, English left alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from agents.nlu.spoken import lexicon, repair, sound_key, spoken_training_pairs, unloop


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        # what tiny.en wrote for Piper and espeak-ng recordings of bench texts
        ("What does mean, Nakari and Kondan Jewori?",
         "What does mean, Nakari and kundan jewellery?"),
        ("Listen to my new Vicet Sarri, Hachampally, Loo and Moroon, Kottan, 3200.",
         "Listen to my new Vicet saree, Pochampally, Loo and maroon, cotton, 3200."),
        ("Kondagavari chamels, Nir Khawapur.", "Kondagavari chamels, Nir Kolhapur."),
        ("Tap your mashbox as near-sreenagar.", "Tap your mashbox as near-Srinagar."),
        ("Got anything in the same style as P01 905?",
         "Got anything in the same style as p-01905?"),
        ("Need risk score of creator C0163.", "Need risk score of creator c-0163."),
        ("Baronassie silk sarees", "Varanasi silk sarees"),
    ],
)
def test_misheard_words_come_back(heard: str, meant: str) -> None:
    assert repair(heard) == meant


@pytest.mark.parametrize(
    "said",
    [
        "show my pending orders",
        "which of my orders are still in production?",
        "Golden price check for a kutch embroidered, cotton kurta, 350 GM, 30 hours",
        "shipping cost to Bangalore, 3 kilo, item price 2200",
        "I want to produce 500 glass bangle sets at 40 rupees each",
        "how much will i save if i send in bulk? show consolidation",
        "any suggestions for my old stock that is stuck?",
        "what is the series of events",  # a common word is never a saree
        "c 12 and p 3",  # too few digits for an id
    ],
)
def test_right_or_ordinary_text_is_left_alone(said: str) -> None:
    assert repair(said) == said


def test_the_sound_key_hears_aspirates_and_b_v() -> None:
    assert sound_key("Varanasi") == sound_key("Baranasi")
    assert sound_key("Bhuj") == sound_key("Buj")
    assert sound_key("ikat") != sound_key("kat")


COMMON = sorted(lexicon().common)


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(COMMON), min_size=1, max_size=8, unique=True))
def test_common_english_is_never_rewritten(words: list[str]) -> None:
    """(Distinct words: a word said three times running is a decoding loop, cut by design.)"""
    text = " ".join(words)
    assert repair(text) == text


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(sorted({t.text for t in lexicon().terms})), unique=True, min_size=1,
                max_size=4))
def test_vocabulary_terms_are_already_right(terms: list[str]) -> None:
    text = ", ".join(terms)
    assert repair(text) == text


def test_training_pairs_load() -> None:
    pairs = spoken_training_pairs()
    assert all(isinstance(text, str) and isinstance(intent, str) for text, intent in pairs)


@pytest.mark.parametrize(
    ("heard", "kept"),
    [
        ("Kondakara, Kondakara, Kondakara, Kondakara", "Kondakara"),
        ("Srin, Kari, Kari, Kari, Kari.", "Srin, Kari."),
        ("very very good", "very very good"),  # twice is speech, three times a decoding loop
    ],
)
def test_decoding_loops_are_cut(heard: str, kept: str) -> None:
    assert unloop(heard) == kept


@pytest.mark.parametrize("heard", ["Hhhh.", "hhhhh", "Hmm, hhhh, brass lamps"])
def test_silent_letters_alone_have_no_sound(heard: str) -> None:
    # Whisper writes a breath as "Hhhh": its sound key is empty and the word is left as it is
    assert sound_key("hhhh") == ""
    assert "hhhh" in repair(heard).lower() or "hhhhh" in repair(heard).lower()


@hsettings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdhjkmnrstuwyz ,.-0123456789PCH"), max_size=60))
def test_any_transcript_is_repaired_without_error(heard: str) -> None:
    # whatever the recognizer writes, repair returns text (a voice turn must never fail here)
    assert isinstance(repair(heard), str)
