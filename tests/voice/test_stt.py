"""The shortened encoder window of :class:`voice.stt.WhisperSTT`."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voice.stt import MAX_FRAMES, encoder_frames


@settings(max_examples=200)
@given(n_samples=st.integers(0, 16000 * 60), window=st.sampled_from([200, 1000, 1500, 3000]))
def test_window_holds_the_audio_and_a_second(n_samples: int, window: int) -> None:
    frames = encoder_frames(n_samples, window)
    assert frames <= MAX_FRAMES
    assert frames % window == 0 or frames == MAX_FRAMES
    assert frames >= min(MAX_FRAMES, n_samples / 160 + 100)


def test_short_window_hears_the_same_words() -> None:
    pytest.importorskip("faster_whisper")
    from voice.audio import STT_RATE, Audio
    from voice.stt import WhisperSTT
    from voice.tts import shared_tts

    speech = shared_tts(steady=True).synthesize("show me my pending orders please")
    audio = Audio(speech.resampled(STT_RATE).samples, STT_RATE)
    short, full = WhisperSTT(window_s=15), WhisperSTT(window_s=30)
    heard = re.findall(r"[a-z]+", short.transcribe(audio, "en").lower())
    assert "pending" in heard
    assert heard == re.findall(r"[a-z]+", full.transcribe(audio, "en").lower())
    assert short.transcribe(Audio(audio.samples * 0, STT_RATE), "en") == ""


def test_long_recording_goes_through_every_window() -> None:
    pytest.importorskip("faster_whisper")
    import numpy as np

    from voice.audio import STT_RATE, Audio
    from voice.stt import WhisperSTT
    from voice.tts import shared_tts

    speech = shared_tts(steady=True).synthesize("show me my pending orders please")
    words = Audio(speech.resampled(STT_RATE).samples, STT_RATE).samples
    gap = np.zeros(STT_RATE * 30, dtype=np.float32)
    heard = WhisperSTT().transcribe(Audio(np.concatenate([words, gap, words]), STT_RATE), "en")
    assert heard.lower().count("pending") == 2


def test_a_cancelled_transcription_gives_way_and_frees_the_model() -> None:
    pytest.importorskip("faster_whisper")
    from voice.audio import STT_RATE
    from voice.stt import Abandoned, shared_stt
    from voice.tts import shared_tts

    audio = shared_tts(steady=True).synthesize("show me my pending orders please")
    audio = audio.resampled(STT_RATE)
    stt = shared_stt()
    asked: list[int] = []

    def after_the_encoder() -> bool:  # false before the encoder, true after it
        asked.append(1)
        return len(asked) > 1

    for cancelled in (lambda: True, after_the_encoder):
        with pytest.raises(Abandoned):
            stt.transcribe(audio, "en", cancelled=cancelled)
    assert len(asked) == 2
    assert "pending" in stt.transcribe(audio, "en", cancelled=lambda: False).lower()
