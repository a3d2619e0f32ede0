"""``voice/audio.py``: PCM16 and WAV in and out, mono mixing, resampling (no models needed)."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voice.audio import Audio, AudioFormatError, decode_wav, from_pcm16

samples = st.lists(st.floats(-1.0, 1.0, allow_nan=False, width=32), min_size=0, max_size=400)


@settings(max_examples=100, deadline=None)
@given(values=samples, rate=st.sampled_from([8_000, 16_000, 22_050, 48_000]))
def test_wav_round_trip_keeps_rate_length_and_samples(values: list[float], rate: int) -> None:
    audio = Audio(np.array(values, dtype=np.float32), rate)
    back = decode_wav(audio.to_wav())
    assert back.sample_rate == rate and len(back.samples) == len(values)
    # 16-bit quantisation: within one step of the original
    assert np.all(np.abs(back.samples - audio.samples) <= 2 / 32768 + 1e-6)


def test_stereo_is_averaged_to_mono_and_an_odd_byte_dropped() -> None:
    left, right = np.int16(16384), np.int16(-16384)
    frame = np.array([left, right, left, left], dtype="<i2").tobytes()
    audio = from_pcm16(frame + b"\x01", 16_000, channels=2)
    assert audio.samples.tolist() == [0.0, 0.5]


def test_only_16_bit_wav_is_accepted() -> None:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wf:
        wf.setnchannels(1)
        wf.setsampwidth(1)
        wf.setframerate(8_000)
        wf.writeframes(b"\x80" * 100)
    with pytest.raises(AudioFormatError, match="16-bit"):
        decode_wav(buf.getvalue())
    with pytest.raises(AudioFormatError, match="not a readable WAV"):
        decode_wav(b"RIFF-not-really")


def test_resampling_keeps_duration_and_pitch() -> None:
    rate = 48_000
    t = np.arange(rate) / rate
    tone = Audio((0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), rate)
    down = tone.resampled(16_000)
    assert down.sample_rate == 16_000 and abs(down.seconds - tone.seconds) < 1e-3
    spectrum = np.abs(np.fft.rfft(down.samples))
    assert abs(np.argmax(spectrum) * 16_000 / len(down.samples) - 440) < 2
    assert tone.resampled(rate) is tone
