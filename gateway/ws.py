"""``/ws/chat``: the conversation protocol of contracts §4 over one websocket.

One reader task takes frames off the socket so ``interrupt`` and ``ping`` are answered while a
turn is running; turns run one at a time. Every error is a frame of the §3 shape and the socket
stays open for the next turn, except when authentication fails. A turn over the user's rate
limit is answered with ``RATE_LIMITED`` and ``turn_end``; ping, interrupt and confirm are free.

Voice: a ``pcm_s16le`` recording is heard while it arrives (:mod:`gateway.listening`): partial
``transcript`` frames while the user speaks, ``speech_started`` when the VAD hears speech, and
one voice turn per utterance (at ``audio_end``, or after a pause in ``mode: "hands_free"``). A
``wav`` upload is buffered to ``audio_end`` (:mod:`gateway.speech`). Either way the turn is
counted against the rate limit like a message, sends the final ``transcript``, runs as a typed
message would, and speaks the reply (``audio_start``, PCM16 binary frames, ``audio_end``) a
phrase at a time before ``turn_end``. A help request is answered with the spoken guide in the
user's preferred language (property 26); a critical action's result adds a ``notification``
frame and speaks it (property 27).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from gateway.auth import Principal, verify_token
from gateway.errors import envelope
from gateway.listening import LiveRecording, Utterance
from gateway.speech import (
    AudioRejected,
    Recording,
    Speech,
    pcm_frames,
    profile_language,
    voice_problem,
)
from tools.registry import ToolError
from voice import phrases
from voice.audio import VoiceUnavailable

log = logging.getLogger(__name__)
router = APIRouter()

AUTH_TIMEOUT_S = 10.0
CLIENT_FRAMES = {"user_message", "audio_start", "audio_end", "confirm", "interrupt", "ping", "auth"}
# Frames that start a new turn of the user's own; a confirm answers a turn already counted.
# ``voice_turn`` is internal: the reader queues one for each finished recording (clients cannot
# send it; ``_parse`` accepts only CLIENT_FRAMES).
TURN_FRAMES = {"user_message", "voice_turn"}


class Connection:
    """One client: its socket, identity, session and the turn in flight."""

    def __init__(self, ws: WebSocket, principal: Principal, session_id: str) -> None:
        self.ws = ws
        self.principal = principal
        self.session_id = session_id
        self.app = ws.app
        self.turn: asyncio.Task | None = None
        self.send_lock = asyncio.Lock()
        self.recording: Recording | None = None
        # After a refused audio_start or an over-limit upload, the rest of that upload is dropped
        # quietly (up to its audio_end) instead of answering every frame with an error.
        self.discarding = False
        self.speaking = False
        self.live: LiveRecording | None = None
        self.queue: asyncio.Queue[dict[str, Any] | None] | None = None
        self.language: str | None = None  # the profile's preferred language, read at connect

    @property
    def speech(self) -> Speech:
        state = self.app.state
        if getattr(state, "speech", None) is None:
            state.speech = Speech(state.settings)
        return state.speech

    async def send_bytes(self, data: bytes) -> None:
        async with self.send_lock:
            await self.ws.send_bytes(data)

    async def send(self, frame: dict[str, Any]) -> None:
        async with self.send_lock:
            await self.ws.send_text(json.dumps(frame, ensure_ascii=False))

    async def error(self, code: str, message: str, **details: Any) -> None:
        self.app.state.metrics.ws_errors.labels(code).inc()
        await self.send({"type": "error", **envelope(code, message, details)})

    async def run_turn(self, *, text: str | None = None, confirm: bool | None = None,
                       message_id: str | None = None, spoken: bool = False,
                       started: float | None = None,
                       latency: dict[str, float] | None = None,
                       language: str | None = None) -> None:
        """Stream one turn's events to the client; always ends with ``turn_end``.

        ``spoken`` turns also speak the reply before ``turn_end``; ``started`` and ``latency``
        carry the time already spent on the turn (transcription) into ``turn_end``. A help
        request is answered aloud with the guide in the user's preferred language (prop 26);
        a critical action's notification is shown and spoken (prop 27), typed turn or not.
        """
        assistant = self.app.state.assistant
        metrics = self.app.state.metrics
        started = started if started is not None else time.perf_counter()
        latency = dict(latency or {})
        outcome = "ok"
        ended = False
        reply = ""
        held_end: dict[str, Any] | None = None
        notices: list[tuple[str, str]] = []  # (text, language) spoken after the reply
        guide = phrases.say_in("guide", self.language) if text and phrases.asks_for_help(text) \
            else None
        try:
            async for event in assistant.stream(
                user_id=self.principal.user_id, role=self.principal.role,
                session_id=self.session_id, text=text, confirm=confirm,
            ):
                kind = event["type"]
                if kind.startswith("_"):
                    continue
                if kind == "assistant_message" and message_id:
                    event = {**event, "reply_to": message_id}
                if kind == "assistant_message" or (kind == "confirm_request" and not reply):
                    reply = event.get("text") or event.get("prompt") or reply
                if kind == "turn_end":
                    held_end = event  # whatever is spoken goes out first
                    continue
                await self.send(event)
                if kind == "tool_result":
                    if event["ok"] and (notice := self._notification(event)) is not None:
                        await self.send(notice)
                        notices.append(phrases.say_in("price_changed", self.language,
                                                      **notice["values"]))
                    metrics.tool_calls.labels(event["name"], str(event["ok"]).lower()).inc()
                    if not event["ok"]:
                        outcome = "tool_error"
                        err = event["result"].get("error", {})
                        await self.error(err.get("code", "ERROR"), err.get("message", ""),
                                         **(err.get("details") or {}))
            if self.app.state.settings.speak_replies:
                said: list[tuple[str, str | None]] = []
                if guide is not None:
                    said.append(guide)
                elif spoken and reply:
                    said.append((reply, phrases.script_of(reply, language)))
                said.extend(notices)
                for words, lang in said:
                    await self.speak(words, started, latency, lang)
            if held_end is not None:
                await self.send({**held_end, "latency_ms": {
                    **held_end.get("latency_ms", {}), **latency,
                    "total": round((time.perf_counter() - started) * 1000, 2)}})
                ended = True
        except asyncio.CancelledError:
            outcome = "interrupted"
            with contextlib.suppress(Exception):
                if self.speaking:
                    self.speaking = False
                    await self.send({"type": "audio_end", "interrupted": True})
                await self.send({"type": "turn_end", "interrupted": True,
                                 "latency_ms": {"total": round((time.perf_counter() - started) * 1000, 2)}})
            raise
        except Exception:
            outcome = "error"
            log.exception("turn failed")
            await self.error("INTERNAL_ERROR", "the turn failed on our side; please try again")
        finally:
            metrics.turns.labels("websocket", outcome).inc()
            metrics.turn_latency.labels("websocket").observe(time.perf_counter() - started)
        if not ended:
            await self.send({"type": "turn_end",
                             "latency_ms": {"total": round((time.perf_counter() - started) * 1000, 2)}})

    def _notification(self, event: dict[str, Any]) -> dict[str, Any] | None:
        """The visual alert for a critical tool's result that notified someone, else ``None``."""
        registry = self.app.state.registry
        name = event.get("name")
        result = event.get("result") or {}
        if name not in registry or not registry.get(name).critical:
            return None
        if not any(n.get("kind") == "voice_notification" for n in result.get("notifications", [])):
            return None
        values = {"title": result.get("product_id", ""),
                  "old": f"{float(result.get('old_price', 0)):,.0f}",
                  "new": f"{float(result.get('new_price', 0)):,.0f}"}
        text, _ = phrases.say_in("price_changed", "en", **values)
        return {"type": "notification", "kind": "visual_alert", "level": "critical",
                "tool": name, "text": text, "values": values}

    async def speak(self, text: str, started: float, latency: dict[str, float],
                    language: str | None = None) -> None:
        """Send ``text`` as speech: ``audio_start``, PCM16 binary frames, ``audio_end``.

        The voice is the one for ``language``. A failing voice costs the audio, not the turn:
        the text has already gone out.
        """
        try:
            async for part in self.speech.speak(text, language):
                if not self.speaking:
                    latency.setdefault(
                        "first_audio", round((time.perf_counter() - started) * 1000, 2))
                    await self.send({"type": "audio_start", "format": "pcm_s16le",
                                     "sample_rate": part.sample_rate,
                                     "language": language or "en", "text": text})
                    self.speaking = True
                for chunk in pcm_frames(part):
                    await self.send_bytes(chunk)
        except (VoiceUnavailable, OSError, RuntimeError, ValueError) as exc:
            log.warning("speaking the reply failed: %s", exc)
            await self.error("VOICE_UNAVAILABLE", "the reply could not be spoken; the text stands")
        finally:
            if self.speaking and not asyncio.current_task().cancelling():
                self.speaking = False
                await self.send({"type": "audio_end"})

    async def voice_turn(self, recording: Recording) -> None:
        """Transcribe an upload, then run it as a typed turn that is also answered aloud."""
        started = time.perf_counter()
        try:
            audio = recording.audio()
            text, language = await self.speech.transcribe(
                audio, recording.language, self.language)
        except AudioRejected as exc:
            await self.error(exc.code, exc.message, **exc.details)
            await self._end_turn(started)
            return
        except VoiceUnavailable as exc:
            await self.error("VOICE_UNAVAILABLE", f"voice turns are not available here: {exc}")
            await self._end_turn(started)
            return
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await self._end_turn(started, interrupted=True)
            raise
        latency = {"stt": round((time.perf_counter() - started) * 1000, 2),
                   "audio_s": round(audio.seconds, 2)}
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
        await self.send({"type": "transcript", "text": text, "final": True,
                         "language": language or "en"})
        if not text:
            polite, lang = phrases.say_in("no_speech", language or self.language)
            await self.send({"type": "assistant_message",
                             "message_id": f"m-nospeech-{int(started * 1000)}",
                             "text": polite, "citations": []})
            try:
                if self.app.state.settings.speak_replies:
                    await self.speak(polite, started, latency, lang)
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    if self.speaking:
                        self.speaking = False
                        await self.send({"type": "audio_end", "interrupted": True})
                    await self._end_turn(started, interrupted=True)
                raise
            await self._end_turn(started, no_speech=True, **latency)
            return
        await self.run_turn(text=text, spoken=True, started=started, latency=latency,
                            language=language)

    async def _end_turn(self, started: float, interrupted: bool = False, no_speech: bool = False,
                        **latency: float) -> None:
        frame: dict[str, Any] = {"type": "turn_end", "latency_ms": {
            **latency, "total": round((time.perf_counter() - started) * 1000, 2)}}
        if interrupted:
            frame["interrupted"] = True
        if no_speech:
            frame["no_speech"] = True
        await self.send(frame)

    async def audio_start(self, frame: dict[str, Any]) -> None:
        """Open a recording (called by the reader, so binary frames are never queued)."""
        if self.recording is not None:
            await self.error("BAD_REQUEST", "audio_start while a recording was open; the earlier "
                             "audio was dropped", field="type")
        self.recording, self.discarding = None, True
        problem = voice_problem()
        if problem:
            await self.error("VOICE_UNAVAILABLE", f"voice turns are not available here: {problem}; "
                             "send user_message frames")
            return
        if self.live is not None:
            self.live.cancel()
            self.live = None
        try:
            self.recording = Recording.start(frame, self.app.state.settings)
            if self.recording.format == "pcm_s16le":
                self.live = LiveRecording(
                    speech=self.speech, recording=self.recording,
                    mode=LiveRecording.mode_of(frame), home=self.language, send=self.send,
                    error=self.error, on_utterance=self._utterance, on_speech=self._speech,
                    partial_every_s=self.app.state.settings.voice_partial_interval_s)
                await self.live.open()
        except AudioRejected as exc:
            self.recording, self.live = None, None
            await self.error(exc.code, exc.message, **exc.details)
            return
        except VoiceUnavailable as exc:
            self.recording, self.live = None, None
            await self.error("VOICE_UNAVAILABLE", f"voice turns are not available here: {exc}")
            return
        self.discarding = False

    async def _utterance(self, utterance: Utterance) -> None:
        """A finished live utterance: queue it as a turn (rate-limited like a message)."""
        if self.queue is not None:
            await self.queue.put({"type": "voice_turn", "utterance": utterance})

    async def _speech(self) -> None:
        """The VAD heard speech start: tell the client; hands-free barge-in stops the reply."""
        await self.send({"type": "speech_started"})
        live = self.live
        if (live is not None and live.hands_free and self.speaking
                and self.app.state.settings.voice_barge_in
                and self.turn is not None and not self.turn.done()):
            self.turn.cancel()

    async def audio_bytes(self, data: bytes) -> None:
        """Hear (live PCM) or buffer (WAV) one binary frame of the open recording."""
        if self.live is not None:
            await self.live.feed(data)
            if self.live is not None and self.live.closed:  # over the limit: drop the rest
                self.live.cancel()
                self.live, self.recording, self.discarding = None, None, True
            return
        if self.recording is None:
            if not self.discarding:
                await self.error("BAD_REQUEST", "binary frames are audio: send audio_start first",
                                 field="(frame)")
            return
        try:
            self.recording.add(data)
        except AudioRejected as exc:
            self.recording, self.discarding = None, True
            await self.error(exc.code, exc.message, **exc.details)

    async def audio_end(self) -> Recording | None:
        """Close the recording; returns a WAV recording to transcribe (a live one finishes here
        and queues its own turn)."""
        if self.live is not None:
            live, self.live, self.recording = self.live, None, None
            await live.close()
            return None
        recording, self.recording = self.recording, None
        if recording is None and not self.discarding:
            await self.error("BAD_REQUEST", "audio_end without an audio_start", field="type")
        self.discarding = False
        return recording

    async def within_turn_limit(self) -> bool:
        """Count one turn; when over the limit, say so with an error and ``turn_end``."""
        started = time.perf_counter()
        decision = await self.app.state.rate_limits.check_turn(self.principal.user_id)
        if decision is None or decision.allowed:
            return True
        self.app.state.metrics.rate_limited.labels("turn").inc()
        await self.error("RATE_LIMITED",
                         f"too many messages; try again in {decision.retry_after_header} s",
                         **decision.details())
        await self.send({"type": "turn_end", "rate_limited": True,
                         "latency_ms": {"total": round((time.perf_counter() - started) * 1000, 2)}})
        return False

    async def handle(self, frame: dict[str, Any]) -> None:
        """Act on one (already parsed) frame."""
        kind = frame.get("type")
        settings = self.app.state.settings
        if kind in TURN_FRAMES and not await self.within_turn_limit():
            return
        if kind == "user_message":
            text = frame.get("text")
            if not isinstance(text, str) or not text.strip():
                await self.error("VALIDATION_ERROR", "invalid value for 'text': a non-empty string is required",
                                 field="text")
                return
            if len(text) > settings.max_message_chars:
                await self.error("PAYLOAD_TOO_LARGE",
                                 f"the message is longer than {settings.max_message_chars} characters",
                                 field="text", limit=settings.max_message_chars)
                return
            await self.run_turn(text=text.strip(), message_id=frame.get("message_id"))
        elif kind == "confirm":
            approved = frame.get("approved")
            if not isinstance(approved, bool):
                await self.error("VALIDATION_ERROR", "invalid value for 'approved': true or false",
                                 field="approved")
                return
            pending = await self.app.state.assistant.pending_confirmation(
                self.principal.user_id, self.session_id)
            if pending is None or (frame.get("action_id") and frame["action_id"] != pending.get("action_id")):
                await self.error("CONFLICT", "there is no action waiting for that confirmation",
                                 field="action_id")
                return
            await self.run_turn(confirm=approved)
        elif kind == "voice_turn" and "utterance" in frame:
            await self.utterance_turn(frame["utterance"])
        elif kind == "voice_turn":
            await self.voice_turn(frame["recording"])
        elif kind == "auth":
            await self.error("VALIDATION_ERROR", "already authenticated", field="type")
        else:
            await self.error("UNKNOWN_FRAME_TYPE", f"unknown frame type {kind!r}",
                             field="type", allowed=sorted(CLIENT_FRAMES))


def _parse(raw: str, limit: int) -> tuple[dict[str, Any] | None, tuple[str, str, dict] | None]:
    """A frame, or the error to send instead."""
    if len(raw.encode()) > limit:
        return None, ("PAYLOAD_TOO_LARGE", f"frames are limited to {limit} bytes", {"limit": limit})
    try:
        frame = json.loads(raw)
    except json.JSONDecodeError as exc:
        return None, ("BAD_REQUEST", f"the frame is not valid JSON ({exc.msg})", {"field": "(frame)"})
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        return None, ("VALIDATION_ERROR", "a frame is a JSON object with a string 'type'", {"field": "type"})
    return frame, None


async def _authenticate(ws: WebSocket) -> Principal | None:
    settings = ws.app.state.settings
    token = ws.query_params.get("token")
    try:
        if token is None:
            raw = await asyncio.wait_for(ws.receive_text(), AUTH_TIMEOUT_S)
            frame, problem = _parse(raw, settings.max_frame_bytes)
            if problem or frame.get("type") != "auth":
                raise ToolError("UNAUTHORIZED", "send ?token=… or an auth frame first")
            token = frame.get("token")
        return verify_token(settings, token)
    except (TimeoutError, ToolError) as exc:
        code, message, details = (
            (exc.code, exc.message, exc.details) if isinstance(exc, ToolError)
            else ("UNAUTHORIZED", "no auth frame arrived in time", {})
        )
        ws.app.state.metrics.ws_errors.labels(code).inc()
        await ws.send_text(json.dumps({"type": "error", **envelope(code, message, details)}))
        await ws.close(code=4401, reason="unauthorized")
        return None


@router.websocket("/ws/chat")
async def chat(ws: WebSocket) -> None:
    """The chat socket: auth, then frames until the client leaves."""
    await ws.accept()
    principal = await _authenticate(ws)
    if principal is None:
        return
    assistant = ws.app.state.assistant
    session_id = ws.query_params.get("session_id") or assistant.new_session_id()
    conn = Connection(ws, principal, session_id)
    conn.language = await asyncio.to_thread(
        profile_language, ws.app.state.store, principal.user_id, principal.role)
    await conn.send({"type": "session", "session_id": session_id,
                     "user_id": principal.user_id, "role": principal.role,
                     "language": conn.language or "en"})
    settings = ws.app.state.settings
    queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
    conn.queue = queue

    async def reader() -> None:
        try:
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                if message.get("bytes") is not None:
                    await conn.audio_bytes(message["bytes"])
                    continue
                frame, problem = _parse(message.get("text") or "", settings.max_frame_bytes)
                if problem:
                    await conn.error(problem[0], problem[1], **problem[2])
                    continue
                if frame["type"] == "ping":
                    await conn.send({"type": "pong"})
                elif frame["type"] == "interrupt":
                    if conn.turn is not None and not conn.turn.done():
                        conn.turn.cancel()
                elif frame["type"] == "audio_start":
                    await conn.audio_start(frame)
                elif frame["type"] == "audio_end":
                    if (recording := await conn.audio_end()) is not None:
                        # Queued as one turn frame: counted by the rate limit like a message.
                        await queue.put({"type": "voice_turn", "recording": recording})
                else:
                    await queue.put(frame)
        except WebSocketDisconnect:
            pass
        finally:
            await queue.put(None)

    reading = asyncio.create_task(reader())
    try:
        while (frame := await queue.get()) is not None:
            conn.turn = asyncio.create_task(conn.handle(frame))
            with contextlib.suppress(asyncio.CancelledError):
                await conn.turn
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        reading.cancel()
        if conn.live is not None:
            conn.live.cancel()
        if conn.turn is not None and not conn.turn.done():
            conn.turn.cancel()
