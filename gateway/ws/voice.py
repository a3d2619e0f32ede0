"""Voice on ``/ws/chat``: the recording state machine, voice turns and the spoken reply.

A ``pcm_s16le`` recording is heard while it arrives (:mod:`gateway.listening`): partial
``transcript`` frames while the user speaks, ``speech_started`` when the VAD hears speech, and
one voice turn per utterance (at ``audio_end``, or after a pause in ``mode: "hands_free"``). A
``wav`` upload is buffered to ``audio_end`` (:mod:`gateway.speech`). Either way the turn sends
the final ``transcript`` (an English one repaired first: misheard craft, place and product words
put back by sound, :mod:`agents.nlu.spoken`), runs as a typed message would, and speaks the reply
(``audio_start``, PCM16 binary frames, ``audio_end``) a phrase at a time before ``turn_end``.
The reader feeds audio in as it arrives, so audio is never queued behind a turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

from agents.nlu.spoken import lexicon, repair
from gateway.listening import LiveRecording, Utterance
from gateway.speech import AudioRejected, Recording, Speech, pcm_frames, voice_problem
from gateway.ws.protocol import elapsed_ms, turn_end
from voice import phrases
from voice.audio import VoiceUnavailable, release_free_memory

if TYPE_CHECKING:
    from gateway.ws.session import Connection

log = logging.getLogger(__name__)


class Voice:
    """One connection's voice: the open recording, live hearing, and the reply being spoken."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.recording: Recording | None = None
        self.live: LiveRecording | None = None
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
        settings = conn.app.state.settings
        if self.recording is not None:
            await conn.error("BAD_REQUEST", "audio_start while a recording was open; the earlier "
                             "audio was dropped", field="type")
        self.recording, self.discarding = None, True
        problem = voice_problem()
        if problem:
            await conn.error("VOICE_UNAVAILABLE", f"voice turns are not available here: {problem}; "
                             "send user_message frames")
            return
        self.cancel_live()
        try:
            self.recording = Recording.start(frame, settings)
            if self.recording.format == "pcm_s16le":
                self.live = LiveRecording(
                    speech=self.speech, recording=self.recording,
                    mode=LiveRecording.mode_of(frame), home=conn.language, send=conn.send,
                    error=conn.error, on_utterance=self._utterance, on_speech=self._speech,
                    partial_every_s=settings.voice_partial_interval_s,
                    complete_silence_ms=settings.vad_complete_silence_ms)
                await self.live.open()
            if settings.stt_repair:  # its vocabulary loads now, not in the first voice turn
                await asyncio.to_thread(lexicon)
        except AudioRejected as exc:
            self.recording, self.live = None, None
            await conn.error(exc.code, exc.message, **exc.details)
            return
        except VoiceUnavailable as exc:
            self.recording, self.live = None, None
            await conn.error("VOICE_UNAVAILABLE", f"voice turns are not available here: {exc}")
            return
        self.discarding = False

    async def add(self, data: bytes) -> None:
        """A binary frame: hear it (live PCM) or buffer it (WAV)."""
        if self.live is not None:
            await self.live.feed(data)
            if self.live is not None and self.live.closed:  # over the limit: drop the rest
                self.live.cancel()
                self.live, self.recording, self.discarding = None, None, True
            return
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
        """``audio_end``: close the recording; returns a WAV recording to transcribe.

        A live recording finishes here and queues its own turn.
        """
        if self.live is not None:
            live, self.live, self.recording = self.live, None, None
            await live.close()
            return None
        recording, self.recording = self.recording, None
        if recording is None and not self.discarding:
            await self.conn.error("BAD_REQUEST", "audio_end without an audio_start", field="type")
        self.discarding = False
        return recording

    def cancel_live(self) -> None:
        """Stop hearing (a new recording, or the client left)."""
        if self.live is not None:
            self.live.cancel()
            self.live = None

    async def _utterance(self, utterance: Utterance) -> None:
        """A finished live utterance: queue it as a turn (rate-limited like a message)."""
        await self.conn.queue_turn(utterance)

    async def _speech(self) -> None:
        """The VAD heard speech start: tell the client; hands-free barge-in stops the reply."""
        conn = self.conn
        await conn.send({"type": "speech_started"})
        live = self.live
        if (live is not None and live.hands_free and self.speaking
                and conn.app.state.settings.voice_barge_in
                and conn.turn is not None and not conn.turn.done()):
            conn.turn.cancel()

    async def speak(self, text: str, started: float, latency: dict[str, float],
                    language: str | None = None) -> None:
        """Send ``text`` as speech: ``audio_start``, PCM16 binary frames, ``audio_end``.

        The voice is the one for ``language``. A failing voice costs the audio, not the turn:
        the text has already gone out.
        """
        conn = self.conn
        try:
            async for part in self.speech.speak(text, language):
                if not self.speaking:
                    latency.setdefault("first_audio", elapsed_ms(started))
                    await conn.send({"type": "audio_start", "format": "pcm_s16le",
                                     "sample_rate": part.sample_rate,
                                     "language": language or "en", "text": text})
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

    async def recording_turn(self, recording: Recording) -> None:
        """Transcribe a WAV upload, then answer it as a voice turn."""
        conn = self.conn
        started = time.perf_counter()
        try:
            audio = recording.audio()
            text, language = await self.speech.transcribe(
                audio, recording.language, conn.language)
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
        await self.answer_heard(text, language, started, latency)

    async def utterance_turn(self, utterance: Utterance) -> None:
        """A live utterance, already transcribed: answer it as a voice turn."""
        heard = utterance.heard
        latency = {"stt": utterance.stt_ms, "audio_s": round(heard.seconds, 2),
                   "endpoint": round((utterance.ended_at - utterance.speech_end_at) * 1000, 2)}
        await self.answer_heard(heard.text, heard.language, utterance.ended_at, latency)

    async def answer_heard(self, text: str, language: str | None, started: float,
                           latency: dict[str, float]) -> None:
        """Send the final transcript, then answer it aloud (or say nothing was heard)."""
        try:
            await self._answer_heard(text, language, started, latency)
        finally:  # the turn's buffers are free now (voice.audio.release_free_memory)
            await asyncio.to_thread(release_free_memory)

    async def _answer_heard(self, text: str, language: str | None, started: float,
                            latency: dict[str, float]) -> None:
        conn = self.conn
        if text and language in (None, "en") and conn.app.state.settings.stt_repair:
            text = await asyncio.to_thread(repair, text)
        await conn.send({"type": "transcript", "text": text, "final": True,
                         "language": language or "en"})
        if not text:
            polite, lang = phrases.say_in("no_speech", language or conn.language)
            await conn.send({"type": "assistant_message",
                             "message_id": f"m-nospeech-{int(started * 1000)}",
                             "text": polite, "citations": []})
            try:
                if conn.app.state.settings.speak_replies:
                    await self.speak(polite, started, latency, lang)
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await self.stop_speaking()
                    await conn.send(turn_end(started, interrupted=True))
                raise
            await conn.send(turn_end(started, latency, no_speech=True))
            return
        await conn.run_turn(text=text, spoken=True, started=started, latency=latency,
                            language=language)
