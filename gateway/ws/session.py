"""One ``/ws/chat`` connection: authenticate, read frames, run turns one at a time.

One reader task takes frames off the socket so ``interrupt`` and ``ping`` are answered while a
turn is running. Every error is a frame of the §3 shape and the socket stays open for the next
turn, except when authentication fails. A turn over the user's rate limit is answered with
``RATE_LIMITED`` and ``turn_end``; ping, interrupt and confirm are free. A finished recording
or live utterance is queued as one turn, counted against the rate limit like a message. A help
request is answered with the spoken guide in the user's preferred language (property 26); a
critical action's result adds a ``notification`` frame and speaks it (property 27).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlalchemy.exc import SQLAlchemyError

from agents.assistant import SESSION_ID
from domain.errors import quote
from gateway.auth import Principal, is_guest, verify_token
from gateway.channels.voice_inbox import (
    mark_spoken,
    spoken_with_notices,
    take_spoken_notices,
    voice_notification_ids,
)
from gateway.errors import UNAVAILABLE_MESSAGE, unavailable
from gateway.limits import TooManySockets
from gateway.listening import Utterance
from gateway.sessions import bind_session
from gateway.speech import Recording, profile_language
from gateway.ws.protocol import (
    AUTH_TIMEOUT_S,
    CLIENT_FRAMES,
    FrameProblem,
    encode,
    error_frame,
    parse_frame,
    turn_end,
)
from gateway.ws.voice import Voice
from tools.registry import ToolError
from voice import phrases

log = logging.getLogger(__name__)
# A client message id is echoed as reply_to and deduplicates a resent message (a reconnect).
MAX_MESSAGE_ID = 64
# A confirmation names the action it answers (the id of its confirm_request; the idempotency
# record of a critical action allows 120 characters).
MAX_ACTION_ID = 120
REPLY_LANGUAGES = frozenset({"en", "hi"})
router = APIRouter()

# What the turn loop runs: a client frame that starts or answers a turn, a finished WAV
# recording, or a live utterance. Voice items are objects, not frames: no client can forge one.
TurnItem = dict[str, Any] | Recording | Utterance


class Connection:
    """One client: its socket, identity, session, voice and the turn in flight."""

    def __init__(self, ws: WebSocket, principal: Principal, session_id: str) -> None:
        self.ws = ws
        self.principal = principal
        self.session_id = session_id
        self.app = ws.app
        self.turn: asyncio.Task[None] | None = None
        self.send_lock = asyncio.Lock()
        self.language: str | None = None  # the profile's preferred language, read at connect
        self.turns: asyncio.Queue[TurnItem | None] = asyncio.Queue()
        self.voice = Voice(self)
        self.address = ws.client.host if ws.client else "unknown"
        self.frame_limited_at = 0.0

    async def queue_turn(self, item: TurnItem | None) -> None:
        """Queue a turn for the turn loop (``None`` ends the loop)."""
        await self.turns.put(item)

    async def send_bytes(self, data: bytes) -> None:
        """One binary frame."""
        async with self.send_lock:
            await self.ws.send_bytes(data)

    async def send(self, frame: dict[str, Any]) -> None:
        """One JSON frame."""
        async with self.send_lock:
            await self.ws.send_text(encode(frame))

    async def error(self, code: str, message: str, **details: Any) -> None:
        """An ``error`` frame (counted in the metrics); the socket stays open."""
        self.app.state.metrics.ws_errors.labels(code).inc()
        await self.send(error_frame(code, message, details))

    async def run_turn(self, *, text: str | None = None, confirm: bool | None = None,
                       message_id: str | None = None, action_id: str | None = None,
                       spoken: bool = False,
                       started: float | None = None,
                       latency: dict[str, float] | None = None,
                       language: str | None = None,
                       reply_language: str | None = None) -> None:
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
        spoken_ids: list[int] = []  # the voice notifications those notices deliver
        guide = phrases.say_in("guide", self.language) if text and phrases.asks_for_help(text) \
            else None
        try:
            async for event in assistant.stream(
                user_id=self.principal.user_id, role=self.principal.role,
                session_id=self.session_id, text=text, confirm=confirm,
                message_id=message_id, action_id=action_id, reply_language=reply_language,
                spoken=spoken,
            ):
                kind = event["type"]
                if kind.startswith("_"):
                    continue
                if kind == "error":  # a planner's refusal: sent in the §3 envelope like any error
                    err = event.get("error") or {}
                    await self.error(err.get("code", "ERROR"), err.get("message", ""),
                                     **(err.get("details") or {}))
                    continue
                if kind == "assistant_message" and message_id:
                    event = {**event, "reply_to": message_id}
                if kind == "assistant_message" or (kind == "confirm_request" and not reply):
                    reply = event.get("text") or event.get("prompt") or reply
                if kind == "turn_end":
                    held_end = event  # whatever is spoken (reply, help, notices) goes out first
                    # the agent's own time; ``total`` below is the whole turn's
                    if spoken and "total" in (event.get("latency_ms") or {}):
                        latency["turn"] = event["latency_ms"]["total"]
                    continue
                if kind == "error":  # the planner refused: the §3 envelope, like every error
                    err = event.get("error") or {}
                    outcome = "refused"
                    await self.error(err.get("code", "ERROR"), err.get("message", ""),
                                     **(err.get("details") or {}))
                    continue
                await self.send(event)
                if kind == "tool_result":
                    if event["ok"] and (notice := self._notification(event)) is not None:
                        await self.send(notice)
                        notices.append(phrases.say_in("price_changed", self.language,
                                                      **notice["values"]))
                        spoken_ids.extend(voice_notification_ids(event["result"]))
                    metrics.tool_calls.labels(event["name"], str(event["ok"]).lower()).inc()
                    if not event["ok"]:
                        outcome = "tool_error"
                        err = event["result"].get("error", {})
                        await self.error(err.get("code", "ERROR"), err.get("message", ""),
                                         **(err.get("details") or {}))
            if self.app.state.settings.speak_replies:
                said: list[tuple[str, str | None]] = []
                if spoken:  # voice notifications the worker queued while the user was away
                    queued = await asyncio.to_thread(take_spoken_notices, self.app.state.store,
                                                     self.principal.user_id)
                    if queued:
                        said.append((spoken_with_notices(queued, ""), None))
                if guide is not None:
                    said.append(guide)
                elif spoken and reply:
                    said.append((reply, phrases.script_of(reply, language)))
                said.extend(notices)
                for words, lang in said:
                    await self.voice.speak(words, started, latency, lang)
                if spoken_ids and notices:
                    await asyncio.to_thread(mark_spoken, self.app.state.store, spoken_ids)
            if held_end is not None:
                await self.send(
                    {**held_end, **turn_end(started, {**held_end.get("latency_ms", {}), **latency})}
                )
                ended = True
        except asyncio.CancelledError:
            outcome = "interrupted"
            with contextlib.suppress(Exception):
                await self.voice.stop_speaking()
                await self.send(turn_end(started, interrupted=True))
            raise
        except WebSocketDisconnect:
            # The client left mid-turn: nothing to tell it, and no fault of ours. The turn is
            # not checkpointed, so a resend after reconnecting runs it (effects exactly once).
            outcome = "disconnected"
            raise
        except Exception as exc:
            outcome = "error"
            if unavailable(exc):
                log.warning("turn failed: a backing service is unavailable (%s)",
                            type(exc).__name__)
                await self.error("UPSTREAM_UNAVAILABLE", UNAVAILABLE_MESSAGE)
            else:
                log.exception("turn failed")
                await self.error("INTERNAL_ERROR", "the turn failed on our side; please try again")
        finally:
            metrics.turns.labels("websocket", outcome).inc()
            metrics.turn_latency.labels("websocket").observe(time.perf_counter() - started)
        if not ended:
            await self.send(turn_end(started))

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

    @property
    def rate_key(self) -> str:
        """Whom limits count: the user, or for a guest (tokens are free) the client address."""
        if is_guest(self.principal.user_id):
            return f"ip:{self.address}"
        return self.principal.user_id

    async def within_frame_limit(self, binary: bool) -> bool:
        """Count one frame of any kind; over the limit, say so (once a second) and drop it."""
        decision = await self.app.state.rate_limits.check_frame(self.rate_key, binary)
        if decision is None or decision.allowed:
            return True
        now = time.monotonic()
        if now - self.frame_limited_at >= 1.0:
            self.frame_limited_at = now
            self.app.state.metrics.rate_limited.labels("frame").inc()
            await self.error("RATE_LIMITED",
                             f"too many frames; try again in {decision.retry_after_header} s",
                             **decision.details())
        return False

    async def within_turn_limit(self) -> bool:
        """Count one turn; when over the limit, say so with an error and ``turn_end``."""
        started = time.perf_counter()
        decision = await self.app.state.rate_limits.check_turn(self.rate_key)
        if decision is None or decision.allowed:
            return True
        self.app.state.metrics.rate_limited.labels("turn").inc()
        await self.error("RATE_LIMITED",
                         f"too many messages; try again in {decision.retry_after_header} s",
                         **decision.details())
        await self.send(turn_end(started, rate_limited=True))
        return False

    async def handle(self, item: TurnItem) -> None:
        """Act on one queued item: a parsed client frame or a finished recording."""
        if isinstance(item, Recording | Utterance):
            if not await self.within_turn_limit():
                return
            if isinstance(item, Recording):
                await self.voice.recording_turn(item)
            else:
                await self.voice.utterance_turn(item)
            return
        kind = item.get("type")
        if kind == "user_message":
            if await self.within_turn_limit():
                await self.user_message(item)
        elif kind == "confirm":
            await self.confirm(item)
        elif kind == "auth":
            await self.error("VALIDATION_ERROR", "already authenticated", field="type")
        else:
            # Internal items (voice turns) are objects, never frames: any other type is refused.
            await self.error("UNKNOWN_FRAME_TYPE", f"unknown frame type {quote(kind)}",
                             field="type", allowed=sorted(CLIENT_FRAMES))

    async def user_message(self, frame: dict[str, Any]) -> None:
        """A typed message: checked, then run as a turn."""
        limit = self.app.state.settings.max_message_chars
        text = frame.get("text")
        if not isinstance(text, str) or not text.strip():
            await self.error("VALIDATION_ERROR",
                             "invalid value for 'text': a non-empty string is required",
                             field="text")
            return
        if len(text) > limit:
            await self.error("PAYLOAD_TOO_LARGE", f"the message is longer than {limit} characters",
                             field="text", limit=limit)
            return
        message_id = frame.get("message_id")
        if message_id is not None and (
            not isinstance(message_id, str) or not 0 < len(message_id) <= MAX_MESSAGE_ID
        ):
            await self.error("VALIDATION_ERROR",
                             f"invalid value for 'message_id': 1 to {MAX_MESSAGE_ID} characters",
                             field="message_id")
            return
        language = frame.get("language")  # the page's reply-language switch (an extension)
        if language is not None and language not in REPLY_LANGUAGES:
            await self.error("VALIDATION_ERROR", "invalid value for 'language': 'en' or 'hi'",
                             field="language", allowed=sorted(REPLY_LANGUAGES))
            return
        await self.run_turn(text=text.strip(), message_id=message_id, reply_language=language)

    async def confirm(self, frame: dict[str, Any]) -> None:
        """The answer to a ``confirm_request``: resumes the waiting action (or refuses).

        A confirmation sent again after its turn ended (a client that lost the answer with
        its connection, maybe to a replica that died) is answered with that turn's reply.
        """
        approved = frame.get("approved")
        if not isinstance(approved, bool):
            await self.error("VALIDATION_ERROR", "invalid value for 'approved': true or false",
                             field="approved")
            return
        action_id = frame.get("action_id")
        if action_id is not None and (
            not isinstance(action_id, str) or not 0 < len(action_id) <= MAX_ACTION_ID
        ):
            await self.error("VALIDATION_ERROR", "invalid value for 'action_id': 1 to "
                             f"{MAX_ACTION_ID} characters", field="action_id")
            return
        assistant = self.app.state.assistant
        user_id = self.principal.user_id
        pending = await assistant.pending_confirmation(user_id, self.session_id)
        if pending is None or (action_id and action_id != pending.get("action_id")):
            if action_id and await assistant.acted(user_id, self.session_id, action_id):
                await self.run_turn(confirm=approved, action_id=action_id)
                return
            await self.error("CONFLICT", "there is no action waiting for that confirmation",
                             field="action_id")
            return
        await self.run_turn(confirm=approved, action_id=action_id)


async def _authenticate(ws: WebSocket) -> Principal | None:
    settings = ws.app.state.settings
    token = ws.query_params.get("token")
    try:
        if token is None:
            raw = await asyncio.wait_for(ws.receive_text(), AUTH_TIMEOUT_S)
            frame = parse_frame(raw, settings.max_frame_bytes)
            if isinstance(frame, FrameProblem) or frame.get("type") != "auth":
                raise ToolError("UNAUTHORIZED", "send ?token=… or an auth frame first")
            token = frame.get("token")
        return verify_token(settings, token)
    except (TimeoutError, ToolError) as exc:
        code, message, details = (
            (exc.code, exc.message, exc.details) if isinstance(exc, ToolError)
            else ("UNAUTHORIZED", "no auth frame arrived in time", {})
        )
        ws.app.state.metrics.ws_errors.labels(code).inc()
        await ws.send_text(encode(error_frame(code, message, details)))
        await ws.close(code=4401, reason="unauthorized")
        return None


async def _read(ws: WebSocket, conn: Connection) -> None:
    """Take frames off the socket: answer ping, interrupt and audio at once, queue turns."""
    limit = ws.app.state.settings.max_frame_bytes
    try:
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                break
            if not await conn.within_frame_limit(message.get("bytes") is not None):
                continue
            if message.get("bytes") is not None:
                await conn.voice.add(message["bytes"])
                continue
            frame = parse_frame(message.get("text") or "", limit)
            if isinstance(frame, FrameProblem):
                await conn.error(frame.code, frame.message, **frame.details)
                continue
            kind = frame["type"]
            if kind == "ping":
                await conn.send({"type": "pong"})
            elif kind == "interrupt":
                if conn.turn is not None and not conn.turn.done():
                    conn.turn.cancel()
            elif kind == "audio_start":
                await conn.voice.start(frame)
            elif kind == "audio_end":
                if (recording := await conn.voice.end()) is not None:
                    await conn.queue_turn(recording)
            else:
                await conn.queue_turn(frame)
    except WebSocketDisconnect:
        pass
    finally:
        await conn.queue_turn(None)


HISTORY_MESSAGES = 40


async def _history(assistant: Any, user_id: str, session_id: str) -> list[dict[str, str]]:
    """The session's recent user messages and replies (not tool traffic), oldest first."""
    out: list[dict[str, str]] = []
    try:
        messages = await assistant.history(user_id, session_id)
    except Exception:  # a session the checkpointer cannot read starts empty, not broken
        log.exception("history of %s could not be read", session_id)
        return out
    for msg in messages:
        text = msg.content if isinstance(msg.content, str) else ""
        if msg.type == "human" and text:
            out.append({"role": "user", "text": text})
        elif msg.type == "ai" and text and not getattr(msg, "tool_calls", None):
            out.append({"role": "assistant", "text": text})
    return out[-HISTORY_MESSAGES:]


@router.websocket("/ws/chat")
async def chat(ws: WebSocket) -> None:
    """The chat socket: auth, then frames until the client leaves."""
    await ws.accept()
    principal = await _authenticate(ws)
    if principal is None:
        return
    settings = ws.app.state.settings
    address = ws.client.host if ws.client else "unknown"
    try:
        ticket = await ws.app.state.sockets.open(settings, principal.user_id, address)
    except TooManySockets as refused:
        ws.app.state.metrics.ws_errors.labels("RATE_LIMITED").inc()
        await ws.send_text(encode(error_frame("RATE_LIMITED", str(refused), {})))
        await ws.close(code=1008, reason="too many sockets")
        return
    try:
        await _converse(ws, principal)
    finally:
        await ws.app.state.sockets.close(ticket)


async def _session_id(ws: WebSocket, principal: Principal) -> tuple[str, dict[str, Any] | None]:
    """The client's session id when valid and theirs (bound on first use).

    Otherwise a fresh one, and the error frame that says why.
    """
    assistant = ws.app.state.assistant
    asked = ws.query_params.get("session_id")
    problem = None
    if asked is not None:
        if not SESSION_ID.fullmatch(asked):
            problem = error_frame("VALIDATION_ERROR", "a session id is 1-64 letters, digits, "
                                  "'-' or '_'; a new session was opened", {"field": "session_id"})
        elif await asyncio.to_thread(bind_session, ws.app.state.store, asked, principal.user_id):
            return asked, None
        else:
            problem = error_frame("FORBIDDEN", "that session belongs to someone else; a new "
                                  "session was opened", {"field": "session_id"})
    while True:
        fresh = assistant.new_session_id()
        if await asyncio.to_thread(bind_session, ws.app.state.store, fresh, principal.user_id):
            return fresh, problem


async def _converse(ws: WebSocket, principal: Principal) -> None:
    """The authenticated part of a connection."""
    try:
        session_id, problem = await _session_id(ws, principal)
    except SQLAlchemyError:
        log.warning("chat: the store is unavailable; refusing the connection", exc_info=True)
        ws.app.state.metrics.ws_errors.labels("UPSTREAM_UNAVAILABLE").inc()
        await ws.send_text(encode(error_frame(
            "UPSTREAM_UNAVAILABLE", "the store is unavailable; try again shortly", {})))
        await ws.close(code=1013, reason="try again later")
        return
    conn = Connection(ws, principal, session_id)
    try:
        conn.language = await asyncio.to_thread(
            profile_language, ws.app.state.store, principal.user_id, principal.role)
    except Exception as exc:
        if not unavailable(exc):
            raise
        # The database is away: the socket still opens (English until it is back) and each
        # turn answers UPSTREAM_UNAVAILABLE until then.
        log.warning("profile language unavailable (%s)", type(exc).__name__)
        conn.language = None
    await conn.send({"type": "session", "session_id": session_id,
                     "user_id": principal.user_id, "role": principal.role,
                     "language": conn.language or "en"})
    # A page reloaded mid-conversation shows where it was (an extension of §4: clients that
    # do not know the frame ignore it).
    history = await _history(ws.app.state.assistant, principal.user_id, session_id)
    if history:
        await conn.send({"type": "history", "messages": history})
    if problem is not None:
        ws.app.state.metrics.ws_errors.labels(problem["error"]["code"]).inc()
        await conn.send(problem)
    reading = asyncio.create_task(_read(ws, conn))
    try:
        while (item := await conn.turns.get()) is not None:
            conn.turn = asyncio.create_task(conn.handle(item))
            with contextlib.suppress(asyncio.CancelledError):
                await conn.turn
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        reading.cancel()
        conn.voice.cancel_live()
        if conn.turn is not None and not conn.turn.done():
            conn.turn.cancel()
