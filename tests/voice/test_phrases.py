"""``voice/phrases.py``: what the voice says on its own, in the listener's language."""

from __future__ import annotations

import pytest

from voice import phrases


@pytest.mark.parametrize(
    ("code", "language"),
    [("hi-IN", "hi"), ("ta_IN", "ta"), ("ks", "ur"), ("xx", "en"), (None, "en"), ("EN", "en")],
)
def test_language_codes_map_to_the_phrase_book(code: str | None, language: str) -> None:
    assert phrases.language_of(code) == language


def test_every_language_has_a_guide_and_falls_back_to_english_elsewhere() -> None:
    for lang in phrases.LANGUAGES:
        text, said = phrases.say_in("guide", lang)
        assert said == lang and text
    # Tamil has a guide of its own but no price phrase: the English words are said as English.
    text, said = phrases.say_in("price_changed", "ta", title="p-1", new="950", old="900")
    assert said == "en" and "950" in text and "900" in text
    text, said = phrases.say_in("price_changed", "hi", title="p-1", new="950", old="900")
    assert said == "hi" and "रुपये" in text


@pytest.mark.parametrize(
    ("text", "asks"),
    [("help", True), ("what can you do?", True), ("मदद करो", True), ("show my orders", False),
     ("helpful lamp", False)],
)
def test_help_requests_are_recognised(text: str, asks: bool) -> None:
    assert phrases.asks_for_help(text) is asks


def test_latin_text_is_read_with_the_english_voice() -> None:
    assert phrases.script_of("Your orders are ready", "hi") == "en"
    assert phrases.script_of("आपके ऑर्डर तैयार हैं", "hi") == "hi"
    assert phrases.script_of("आपके ऑर्डर तैयार हैं", None) == "en"
