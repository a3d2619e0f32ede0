"""Voice activity detection while audio streams in.

Silero VAD (the ONNX model faster-whisper ships) run 32 ms at a time, and an :class:`Endpointer`
that decides when an utterance ends.

The model keeps its recurrent state between calls, so a stream is scored once, as it arrives,
for about 0.1 ms of CPU per 32 ms window.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from voice.audio import STT_RATE, VoiceUnavailable

WINDOW = 512  # samples per Silero decision at 16 kHz (32 ms)
CONTEXT = 64  # samples of the previous window the model sees with each one
WINDOW_MS = WINDOW * 1000 / STT_RATE


@lru_cache(maxsize=1)
def _session() -> Any:
    """The Silero ONNX session (one per process; runs are serialized by the caller's lock)."""
    try:
        import onnxruntime
        from faster_whisper.utils import get_assets_path
    except ImportError as exc:
        raise VoiceUnavailable(
            "faster-whisper and onnxruntime are needed for VAD (pip install 'qalakar[voice]')"
        ) from exc
    path = next(Path(get_assets_path()).glob("silero_vad*.onnx"), None)
    if path is None:
        raise VoiceUnavailable("faster-whisper's Silero VAD model is missing from its assets")
    opts = onnxruntime.SessionOptions()
    opts.inter_op_num_threads = 1
    opts.intra_op_num_threads = 1
    opts.log_severity_level = 4
    return onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"],
                                        sess_options=opts)


_RUN_LOCK = threading.Lock()


class SileroStream:
    """Speech probabilities of one 16 kHz stream, one per 32 ms window, state kept across calls."""

    def __init__(self) -> None:
        self._session = _session()
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)

    def feed(self, samples: np.ndarray) -> np.ndarray:
        """Probabilities for every whole window completed by ``samples`` (16 kHz float32)."""
        buf = np.concatenate([self._pending, samples.astype(np.float32, copy=False)])
        whole = len(buf) // WINDOW * WINDOW
        self._pending = buf[whole:]
        if whole == 0:
            return np.zeros(0, dtype=np.float32)
        windows = buf[:whole].reshape(-1, WINDOW)
        contexts = np.vstack([self._context[None, :], windows[:-1, -CONTEXT:]])
        self._context = windows[-1, -CONTEXT:].copy()
        batch = np.concatenate([contexts, windows], axis=1)
        with _RUN_LOCK:
            out, self._h, self._c = self._session.run(
                None, {"input": batch, "h": self._h, "c": self._c})
        return np.asarray(out, dtype=np.float32).reshape(-1)


@dataclass
class Endpoint:
    """What the endpointer saw in one call: speech began, a pause began, or the utterance ended.

    Times are seconds from the start of the stream.
    """

    speech_started: float | None = None
    pause_started: float | None = None
    ended: float | None = None


@dataclass
class Endpointer:
    """Turns speech probabilities into utterance boundaries.

    Speech starts after ``min_speech_ms`` of windows above ``threshold``; it ends after
    ``silence_ms`` below ``threshold - 0.15`` (hysteresis). ``pause_started`` (the time the quiet
    began) is reported once the quiet has lasted ``speculate_ms``, so a caller can start
    transcribing before the end is certain without doing so at every gap between words.
    """

    silence_ms: float = 500.0
    # Four windows: the speculated transcript then holds at least ``streaming.MIN_TAIL_S`` of
    # audio after the last word, so finishing reuses it.
    speculate_ms: float = 128.0
    threshold: float = 0.5
    min_speech_ms: float = 96.0
    windows: int = 0
    in_speech: bool = False
    _loud: int = 0
    _quiet: int = 0
    heard_speech: bool = False
    last_speech_end: float = 0.0
    _stream: SileroStream | None = field(default=None, repr=False)

    def feed(self, samples: np.ndarray) -> Endpoint:
        """Score ``samples`` (16 kHz float32) and report boundaries they complete."""
        if self._stream is None:
            self._stream = SileroStream()
        return self.observe(self._stream.feed(samples))

    def observe(self, probabilities: np.ndarray) -> Endpoint:
        """Advance over already-computed window probabilities."""
        event = Endpoint()
        need_loud = max(1, round(self.min_speech_ms / WINDOW_MS))
        need_quiet = max(1, round(self.silence_ms / WINDOW_MS))
        need_pause = max(1, min(need_quiet - 1, round(self.speculate_ms / WINDOW_MS)))
        for p in probabilities:
            self.windows += 1
            now = self.windows * WINDOW_MS / 1000
            if not self.in_speech:
                self._loud = self._loud + 1 if p >= self.threshold else 0
                if self._loud >= need_loud:
                    self.in_speech, self.heard_speech, self._quiet = True, True, 0
                    event.speech_started = now - self._loud * WINDOW_MS / 1000
                continue
            if p < self.threshold - 0.15:
                self._quiet += 1
                if self._quiet == 1:
                    self.last_speech_end = now - WINDOW_MS / 1000
                if self._quiet == need_pause:
                    event.pause_started = self.last_speech_end
                if self._quiet >= need_quiet:
                    self.in_speech, self._loud = False, 0
                    event.ended = self.last_speech_end
            else:
                self._quiet = 0
        return event

    def end_now(self) -> None:
        """The caller has decided the utterance is over: the next speech starts a new one."""
        self.in_speech, self._loud, self._quiet = False, 0, 0

    @property
    def pausing(self) -> bool:
        """Whether the speaker has gone quiet inside an utterance (the end may be coming)."""
        return self.in_speech and self._quiet > 0

    @property
    def seconds(self) -> float:
        """Audio scored so far."""
        return self.windows * WINDOW_MS / 1000
