"""Listening while audio arrives: utterances found by the VAD, transcribed as they grow.

:class:`Listener` takes 16 kHz samples as a microphone sends them. It scores each 32 ms window
with Silero VAD, keeps only a little audio before speech starts, and can transcribe the
utterance so far at any moment (a partial transcript) or up to where the speaker paused (the
final transcript, often already computed when the pause began, so little is left to do when
the silence is long enough to call the utterance over).

The class does CPU work in whatever thread calls it; :mod:`gateway` calls it from worker
threads. Its audio is guarded by a lock, so pushing and transcribing may overlap.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from voice.audio import STT_RATE, Audio
from voice.stt import Abandoned
from voice.vad import Endpoint, Endpointer

LEAD_S = 0.3  # audio kept before the VAD's speech start (Silero starts a little late)
TAIL_S = 0.25  # audio kept after the last speech window (the end of the last word)
MIN_TAIL_S = 0.1  # a transcription with at least this much after the speech end will do
# Transcriptions remembered: a partial that runs after the speculative final must not push it
# out, or the final is transcribed twice.
CACHED = 4


# Words after which a sentence cannot end: an utterance whose transcript ends in one of them is
# waiting for more (English, Hinglish and Hindi function words).
DANGLING = frozenset("""
a an the and or but because if of to from for in on at by with near under over than about
into around within between my your our their his her its is are was were be am i we he she
they which who whom whose where when how like um uh er hmm each per some any
aur ya ki ka ke ko se mein me par tak liye jo kya kaun kahan kab kaise
और या की का के को से में पर तक लिए जो कि क्या कौन कहाँ कब कैसे
""".split())
FINAL_MARKS = (".", "?", "!", "\u0964", "\u0965")  # Latin sentence ends, Devanagari danda


def sounds_finished(text: str) -> bool:
    """Whether a transcript reads as a whole request, so a short pause may end it.

    Whisper ends a sentence it hears as complete with a full stop or question mark (it writes a
    comma or an ellipsis where speech breaks off); a last word such as "and", "near" or "se"
    says more is coming whatever the punctuation.
    """
    text = text.strip()
    if not text or text.endswith("...") or not text.endswith(FINAL_MARKS):
        return False
    words = re.findall(r"[\w\u0900-\u097f]+", text.lower())
    return bool(words) and words[-1] not in DANGLING


class Transcriber(Protocol):
    """Anything that writes down speech in a language (``voice.stt.WhisperSTT``)."""

    def transcribe(self, audio: Audio, language: str | None = None, *,
                   cancelled: Callable[[], bool] | None = None) -> str:
        """The words heard in ``audio``; raises ``voice.stt.Abandoned`` once ``cancelled()``."""
        ...


class UtteranceTooLong(Exception):
    """The speaker went on past the limit; the utterance so far was dropped."""

    def __init__(self, seconds: float, limit: float) -> None:
        super().__init__(f"an utterance of {seconds:.1f} s is over the {limit:g} s limit")
        self.seconds, self.limit = seconds, limit


@dataclass(frozen=True)
class Heard:
    """A finished utterance: its words and where it lay in the stream (seconds)."""

    text: str
    start: float
    end: float
    language: str | None = None

    @property
    def seconds(self) -> float:
        """How long the utterance lasted."""
        return self.end - self.start


class Listener:
    """One microphone stream, cut into utterances.

    ``hands_free`` listeners end an utterance themselves after ``silence_ms`` of quiet; otherwise
    the caller ends it (push to talk) with :meth:`finish`. ``max_seconds`` bounds an utterance.
    """

    def __init__(
        self,
        stt: Transcriber,
        *,
        language: str | None = None,
        silence_ms: float = 500.0,
        max_seconds: float = 30.0,
        hands_free: bool = True,
    ) -> None:
        self.stt = stt
        self.language = language
        self.max_seconds = max_seconds
        self.hands_free = hands_free
        self.endpointer = Endpointer(silence_ms=silence_ms)
        self._lock = threading.Lock()
        self._audio = np.zeros(0, dtype=np.float32)
        self._offset = 0  # stream sample index of self._audio[0]
        self._start: int | None = None if hands_free else 0  # utterance start (stream samples)
        self._cache: list[tuple[int, int, str]] = []  # (start, end, text), newest last
        self.transcriptions = 0
        self.abandoned = 0  # partials that gave way to a final transcription
        self._finals = 0  # final transcriptions asked for and not yet done
        self._finals_lock = threading.Lock()

    @property
    def in_utterance(self) -> bool:
        """Whether speech has started and not yet been cut off."""
        return self._start is not None and self.endpointer.heard_speech

    @property
    def utterance_seconds(self) -> float:
        """Audio held for the current utterance."""
        with self._lock:
            if self._start is None:
                return 0.0
            return (self._offset + len(self._audio) - self._start) / STT_RATE

    def push(self, samples: np.ndarray) -> Endpoint:
        """Add 16 kHz float32 samples; what the VAD saw in them.

        Raises :class:`UtteranceTooLong` (and forgets the utterance) past ``max_seconds``.
        """
        event = self.endpointer.feed(samples)
        with self._lock:
            self._audio = np.concatenate([self._audio, samples.astype(np.float32, copy=False)])
            if self._start is None and event.speech_started is not None:
                self._start = max(self._offset, int((event.speech_started - LEAD_S) * STT_RATE))
            if self._start is None:  # nothing said yet: keep only the lead-in
                self._drop_before(self._offset + len(self._audio) - int(LEAD_S * STT_RATE))
            held = (self._offset + len(self._audio) - (self._start or 0)) / STT_RATE
        if self._start is not None and held > self.max_seconds:
            self.reset()
            raise UtteranceTooLong(held, self.max_seconds)
        return event

    def _drop_before(self, sample: int) -> None:
        cut = min(max(0, sample - self._offset), len(self._audio))
        if cut:
            self._audio = self._audio[cut:]
            self._offset += cut

    def _span(self, end_s: float | None) -> tuple[int, int, np.ndarray]:
        with self._lock:
            start = self._start if self._start is not None else self._offset
            start = max(start, self._offset)
            stop = self._offset + len(self._audio)
            if end_s is not None:
                stop = min(stop, int((end_s + TAIL_S) * STT_RATE))
            stop = max(stop, start)
            return start, stop, self._audio[start - self._offset:stop - self._offset].copy()

    def transcribe(self, end_s: float | None = None, *, partial: bool = False) -> str | None:
        """The words of the current utterance up to ``end_s`` (stream seconds; ``None``: all).

        The last few results are remembered, so asking again for the same span costs nothing.
        A ``partial`` (a live transcript, a courtesy) gives way to any other transcription asked
        for while it waits or encodes, and then returns ``None``: the speculated final at a pause
        must not wait for a partial's decoding.
        """
        if partial:
            return self._transcribe(end_s, cancelled=lambda: self._finals > 0)
        with self.hurried():
            return self._transcribe(end_s)

    @contextlib.contextmanager
    def hurried(self) -> Iterator[None]:
        """While inside, a running partial gives way (push to talk's release waits for it)."""
        with self._finals_lock:
            self._finals += 1
        try:
            yield
        finally:
            with self._finals_lock:
                self._finals -= 1

    def _transcribe(self, end_s: float | None,
                    cancelled: Callable[[], bool] | None = None) -> str | None:
        start, stop, samples = self._span(end_s)
        for c_start, c_stop, text in reversed(self._cache):
            if c_start == start and (c_stop == stop or (
                    end_s is not None and (end_s + MIN_TAIL_S) * STT_RATE <= c_stop <= stop)):
                return text
        if not len(samples):
            return ""
        audio = Audio(samples, STT_RATE)
        try:
            text = self.stt.transcribe(audio, self.language, cancelled=cancelled)
        except Abandoned:
            self.abandoned += 1
            return None
        self.transcriptions += 1
        with self._lock:
            self._cache = [*self._cache[1 - CACHED:], (start, stop, text)]
        return text

    def finish(self, end_s: float | None = None) -> Heard:
        """The utterance up to ``end_s`` (``None``: everything so far); the listener moves on."""
        start, stop, _ = self._span(end_s)
        text = self.transcribe(end_s) or ""
        with self._lock:
            self._drop_before(stop)
            self._start = None if self.hands_free else self._offset
            self._cache = []
        self.endpointer.heard_speech = self.endpointer.in_speech
        language = getattr(self.stt, "last_language", None) or self.language
        return Heard(text, start / STT_RATE, stop / STT_RATE, language)

    def reset(self) -> None:
        """Forget the utterance in progress (keeps listening)."""
        with self._lock:
            self._drop_before(self._offset + len(self._audio))
            self._start = None if self.hands_free else self._offset
            self._cache = []
        self.endpointer.heard_speech = False
