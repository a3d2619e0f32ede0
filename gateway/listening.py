"""Live voice on ``/ws/chat``: PCM16 frames transcribed while they arrive.

An ``audio_start`` with ``format: "pcm_s16le"`` opens a :class:`LiveRecording`. Its frames go to
a :class:`voice.streaming.Listener` (Silero VAD + faster-whisper) in a worker thread; while the
user speaks, ``transcript`` frames with ``final: false`` carry the words so far; when the
speaker pauses, the final transcription starts at once, so when the silence grows long enough
to end the utterance (``vad_silence_ms``, hands-free) or ``audio_end`` arrives (push to talk),
little is left to do. Each finished utterance becomes one voice turn.

Hands-free, a pause of ``vad_complete_silence_ms`` already ends the utterance when its speculated
transcript sounds finished (:func:`voice.streaming.sounds_finished`), so a whole request does not
wait out the full silence that a sentence broken off mid-way needs.

``mode: "hands_free"`` keeps the recording open across utterances until ``audio_end``; speech
that starts while a reply plays interrupts it (barge-in, ``voice_barge_in``). An utterance over
``voice_max_utterance_s`` is dropped with a ``PAYLOAD_TOO_LARGE`` error frame and listening goes
on. Frames are bounded by the socket's frame limit; the sample rate is validated at start.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from gateway.speech import AudioRejected, Recording, Speech
from voice.audio import STT_RATE, VoiceUnavailable, from_pcm16
from voice.streaming import Heard, Listener, UtteranceTooLong, sounds_finished

MODES = ("push_to_talk", "hands_free")

Send = Callable[[dict[str, Any]], Awaitable[None]]
Error = Callable[..., Awaitable[None]]


@dataclass
class Utterance:
    """A finished utterance on its way to becoming a voice turn."""

    heard: Heard
    language: str | None
    ended_at: float  # perf_counter when the utterance was known to be over
    speech_end_at: float  # perf_counter estimate of when the speaker stopped
    stt_ms: float  # transcription time left after the end was known


class LiveRecording:
    """One open PCM16 recording: VAD, partial transcripts, utterances out."""

    def __init__(self, *, speech: Speech, recording: Recording, mode: str, home: str | None,
                 send: Send,
                 error: Error, on_utterance: Callable[[Utterance], Awaitable[None]],
                 on_speech: Callable[[], Awaitable[None]], partial_every_s: float,
                 complete_silence_ms: float = 0.0) -> None:
        self.speech = speech
        self.recording = recording
        self.mode = mode
        self.home = home
        self.send = send
        self.error = error
        self.on_utterance = on_utterance
        self.on_speech = on_speech
        self.partial_every_s = partial_every_s
        self.complete_silence_ms = complete_silence_ms
        self.listener: Listener | None = None
        self._resample_tail = b""
        self._work: asyncio.Task | None = None  # the transcription running now (one at a time)
        self._final: tuple[float, asyncio.Future] | None = None  # speculative final (end_s, task)
        self._next_final: float | None = None  # a later pause waiting for that one to finish
        self._last_partial_s = 0.0
        self._last_partial_text = ""
        self._stream_t0: float | None = None  # perf_counter of stream time 0
        self._early: asyncio.Task | None = None  # an early end waiting for its turn
        # Frames and an early end take turns: each may finish the utterance.
        self._turns = asyncio.Lock()
        self.closed = False

    @classmethod
    def mode_of(cls, frame: dict[str, Any]) -> str:
        """The recording mode an ``audio_start`` asks for (:class:`AudioRejected` if unknown)."""
        mode = frame.get("mode", "push_to_talk")
        if mode not in MODES:
            raise AudioRejected("VALIDATION_ERROR",
                                f"invalid value for 'mode': one of {', '.join(MODES)}",
                                field="mode", allowed=list(MODES))
        return mode

    async def open(self) -> None:
        """Load the recognizer (first use loads the model: about a second)."""
        self.listener = await asyncio.to_thread(
            self.speech.listener, self.recording.language, self.home, self.mode == "hands_free")

    @property
    def hands_free(self) -> bool:
        """Whether utterances end by themselves."""
        return self.mode == "hands_free"

    def _samples(self, data: bytes) -> np.ndarray:
        """16 kHz float32 samples of one frame (another rate is resampled per frame)."""
        data = self._resample_tail + data
        usable = len(data) - len(data) % 2
        self._resample_tail = data[usable:]
        audio = from_pcm16(data[:usable], self.recording.sample_rate)
        return audio.resampled(STT_RATE).samples if audio.sample_rate != STT_RATE else \
            audio.samples

    async def feed(self, data: bytes) -> None:
        """One binary frame: score it, maybe refresh the partial, maybe finish an utterance."""
        async with self._turns:
            await self._feed(data)

    async def _feed(self, data: bytes) -> None:
        if self.listener is None or self.closed:
            return
        listener = self.listener
        if self._stream_t0 is None:
            self._stream_t0 = time.perf_counter()
        samples = self._samples(data)
        try:
            event = await asyncio.to_thread(listener.push, samples)
        except UtteranceTooLong as exc:
            self._drop_work()
            await self.error("PAYLOAD_TOO_LARGE",
                             f"the utterance is longer than {exc.limit:g} s; it was dropped",
                             field="audio", max_seconds=exc.limit)
            if not self.hands_free:
                self.closed = True  # the rest of this push-to-talk upload is dropped
            return
        if event.speech_started is not None:
            await self.on_speech()
        if event.pause_started is not None and listener.in_utterance:
            self._speculate(event.pause_started)
        if event.ended is not None and self.hands_free and listener.in_utterance:
            await self._finish(event.ended)
            return
        if await self._finished_early():
            return
        # No partial once the speaker pauses: it would hold the recognizer while the final
        # transcription, speculated at the pause, waits for it.
        if (listener.endpointer.in_speech and not listener.endpointer.pausing
                and self._work is None
                and listener.endpointer.seconds - self._last_partial_s >= self.partial_every_s):
            self._last_partial_s = listener.endpointer.seconds
            self._work = asyncio.ensure_future(self._partial())

    async def _partial(self) -> None:
        try:
            assert self.listener is not None
            text = await asyncio.to_thread(self.listener.transcribe, None, partial=True)
            if text and text != self._last_partial_text and not self.closed:
                self._last_partial_text = text
                await self.send({"type": "transcript", "text": text, "final": False})
        except Exception as exc:  # a partial is a courtesy; the final will say what went wrong
            with contextlib.suppress(Exception):
                await self.error("VOICE_UNAVAILABLE", f"live transcript failed: {exc}")
        finally:
            self._work = None

    def _speculate(self, end_s: float) -> None:
        """Start the final transcription up to a pause, before knowing the pause ends it.

        While an earlier pause's transcription runs, the latest pause waits for it (one at a
        time, so a halting speaker cannot pile them up) and starts when it is done.
        """
        if self._final is not None and not self._final[1].done():
            self._next_final = end_s if end_s != self._final[0] else None
            return
        assert self.listener is not None
        self._next_final = None
        task = asyncio.ensure_future(asyncio.to_thread(self.listener.transcribe, end_s))
        task.add_done_callback(self._speculated)
        self._final = (end_s, task)

    def _speculated(self, _task: asyncio.Future) -> None:
        if self._next_final is not None and not self.closed and self.listener is not None:
            self._speculate(self._next_final)
        elif self.complete_silence_ms and self.hands_free and not self.closed:
            self._early = asyncio.ensure_future(self._end_early())

    async def _end_early(self) -> None:
        """A speculation has finished between frames: maybe the utterance is over already."""
        async with self._turns:
            await self._finished_early()

    async def _finished_early(self) -> bool:
        """Whether the pause so far ends the utterance because its words sound finished.

        Hands-free only, once the quiet has lasted ``complete_silence_ms`` and the transcript
        speculated at the start of this very pause (no speech since) is ready.
        """
        listener, final = self.listener, self._final
        if (not self.complete_silence_ms or not self.hands_free or self.closed
                or listener is None or final is None or not final[1].done()
                or self._next_final is not None or not listener.in_utterance):
            return False
        endpointer = listener.endpointer
        end_s = final[0]
        if (not endpointer.pausing or endpointer.last_speech_end != end_s
                or (endpointer.seconds - end_s) * 1000 < self.complete_silence_ms
                or final[1].cancelled() or final[1].exception() is not None
                or not sounds_finished(final[1].result())):
            return False
        endpointer.end_now()
        await self._finish(end_s)
        return True

    def _drop_work(self) -> None:
        self._final = None
        self._next_final = None
        self._last_partial_s = 0.0
        self._last_partial_text = ""

    async def _finish(self, end_s: float | None) -> None:
        assert self.listener is not None
        known = time.perf_counter()
        if end_s is None and self._final is not None and not self.listener.endpointer.in_speech:
            # released in a pause: what follows its latest pause is silence
            end_s = self._final[0] if self._next_final is None else self._next_final
        if self._final is not None and (end_s is None or self._final[0] == end_s):
            with contextlib.suppress(Exception):
                await self._final[1]  # the speculative transcription fills the cache
        if self._work is not None:
            with self.listener.hurried(), contextlib.suppress(Exception):
                await self._work  # a running partial gives way
        heard = await asyncio.to_thread(self.listener.finish, end_s)
        self._drop_work()
        speech_end = known if end_s is None or self._stream_t0 is None else \
            self._stream_t0 + end_s
        self._last_partial_s = self.listener.endpointer.seconds
        await self.on_utterance(Utterance(heard, heard.language, known, min(speech_end, known),
                                          round((time.perf_counter() - known) * 1000, 2)))

    async def close(self) -> None:
        """``audio_end``: push to talk finishes its utterance; hands-free one in progress too."""
        if self.closed or self.listener is None:
            self.closed = True
            return
        self.closed = True
        async with self._turns:
            if self.hands_free and not self.listener.in_utterance:
                return
            await self._finish(None)

    def cancel(self) -> None:
        """The socket is going away: forget pending work."""
        self.closed = True
        for task in (self._work, self._final[1] if self._final else None, self._early):
            if task is not None:
                task.cancel()


def refuse_unavailable(exc: VoiceUnavailable) -> AudioRejected:
    """The §3 error for a missing speech model."""
    return AudioRejected("VOICE_UNAVAILABLE", f"voice turns are not available here: {exc}")
