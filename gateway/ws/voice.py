"""Voice on ``/ws/chat``: the recording state machine and the spoken reply.

The reader feeds ``audio_start``, binary frames and ``audio_end`` in as they arrive (so audio
is never queued behind a turn); a finished :class:`~gateway.speech.Recording` becomes one
turn, which sends ``transcript``, runs as a typed message would, and speaks the reply
(``audio_start``, PCM16 binary frames, ``audio_end``) before ``turn_end``. Limits and
validation live in :mod:`gateway.speech`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

from gateway.speech import (
    NO_SPEECH_REPLY,
    AudioRejected,
    Recording,
    Speech,
    pcm_frames,
    voice_problem,
)
from gateway.ws.protocol import elapsed_ms, turn_end
from voice.audio import VoiceUnavailable

if TYPE_CHECKING:
    from gateway.ws.session import Connection

log = logging.getLogger(__name__)


class Voice:
    """One connection's voice: the open recording, and whether a reply is being spoken."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.recording: Recording | None = None
        # After a refused audio_start or an over-limit upload, the rest of that upload is dropped
        # quietly (up to its audio_end) instead of answering every frame with an error.
        self.discarding = False
        self.speaking = False

    @property
    def speech(self) -> Speech:
        """The process's speech engines (loaded on first use)."""
        state = self.conn.app.state
        if getattr(state, "speech", None) is None:
            state.speech = Speech(state.settings)
        return state.speech

    async def start(self, frame: dict[str, Any]) -> None:
        """``audio_start``: open a recording (or say why not)."""
        conn = self.conn
        if self.recording is not None:
            await conn.error("BAD_REQUEST", "audio_start while a recording was open; the earlier "
                             "audio was dropped", field="type")
        self.recording, self.discarding = None, True
        problem = voice_problem()
        if problem:
            await conn.error("VOICE_UNAVAILABLE", f"voice turns are not available here: {problem}; "
                             "send user_message frames")
            return
        try:
            self.recording = Recording.start(frame, conn.app.state.settings)
        except AudioRejected as exc:
            await conn.error(exc.code, exc.message, **exc.details)
            return
        self.discarding = False

    async def add(self, data: bytes) -> None:
        """A binary frame: buffer it in the open recording."""
        if self.recording is None:
            if not self.discarding:
                await self.conn.error("BAD_REQUEST",
                                      "binary frames are audio: send audio_start first",
                                      field="(frame)")
            return
        try:
            self.recording.add(data)
        except AudioRejected as exc:
            self.recording, self.discarding = None, True
            await self.conn.error(exc.code, exc.message, **exc.details)

    async def end(self) -> Recording | None:
        """``audio_end``: close the recording; returns it when there is one to transcribe."""
        recording, self.recording = self.recording, None
        if recording is None and not self.discarding:
            await self.conn.error("BAD_REQUEST", "audio_end without an audio_start", field="type")
        self.discarding = False
        return recording

    async def speak(self, text: str, started: float, latency: dict[str, float]) -> None:
        """Send ``text`` as speech: ``audio_start``, PCM16 binary frames, ``audio_end``.

        A failing voice costs the audio, not the turn: the text reply has already gone out.
        """
        conn = self.conn
        try:
            async for part in self.speech.speak(text):
                if not self.speaking:
                    latency["first_audio"] = elapsed_ms(started)
                    await conn.send({"type": "audio_start", "format": "pcm_s16le",
                                     "sample_rate": part.sample_rate})
                    self.speaking = True
                for chunk in pcm_frames(part):
                    await conn.send_bytes(chunk)
        except (VoiceUnavailable, OSError, RuntimeError, ValueError) as exc:
            log.warning("speaking the reply failed: %s", exc)
            await conn.error("VOICE_UNAVAILABLE", "the reply could not be spoken; the text stands")
        finally:
            task = asyncio.current_task()
            if self.speaking and not (task is not None and task.cancelling()):
                self.speaking = False
                await conn.send({"type": "audio_end"})

    async def stop_speaking(self) -> None:
        """After an interrupt: close the audio that was being sent."""
        if self.speaking:
            self.speaking = False
            await self.conn.send({"type": "audio_end", "interrupted": True})

    async def turn(self, recording: Recording) -> None:
        """Transcribe an upload, then run it as a typed turn that is also answered aloud."""
        conn = self.conn
        started = time.perf_counter()
        try:
            audio = recording.audio()
            text = await self.speech.transcribe(audio, recording.language)
        except AudioRejected as exc:
            await conn.error(exc.code, exc.message, **exc.details)
            await conn.send(turn_end(started))
            return
        except VoiceUnavailable as exc:
            await conn.error("VOICE_UNAVAILABLE", f"voice turns are not available here: {exc}")
            await conn.send(turn_end(started))
            return
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await conn.send(turn_end(started, interrupted=True))
            raise
        latency = {"stt": elapsed_ms(started), "audio_s": round(audio.seconds, 2)}
        await conn.send({"type": "transcript", "text": text, "final": True})
        if not text:
            await conn.send({"type": "assistant_message",
                             "message_id": f"m-nospeech-{int(started * 1000)}",
                             "text": NO_SPEECH_REPLY, "citations": []})
            try:
                if conn.app.state.settings.speak_replies:
                    await self.speak(NO_SPEECH_REPLY, started, latency)
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await self.stop_speaking()
                    await conn.send(turn_end(started, interrupted=True))
                raise
            await conn.send(turn_end(started, latency, no_speech=True))
            return
        await conn.run_turn(text=text, spoken=True, started=started, latency=latency)
