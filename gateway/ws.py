"""``/ws/chat``: the conversation protocol of contracts §4 over one websocket.

One reader task takes frames off the socket so ``interrupt`` and ``ping`` are answered while a
turn is running; turns run one at a time. Every error is a frame of the §3 shape and the socket
stays open for the next turn, except when authentication fails. A turn over the user's rate
limit is answered with ``RATE_LIMITED`` and ``turn_end``; ping, interrupt and confirm are free.
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
from tools.registry import ToolError

log = logging.getLogger(__name__)
router = APIRouter()

AUTH_TIMEOUT_S = 10.0
CLIENT_FRAMES = {"user_message", "audio_start", "audio_end", "confirm", "interrupt", "ping", "auth"}
# Frames that start a new turn of the user's own; a confirm answers a turn already counted.
TURN_FRAMES = {"user_message", "audio_start"}


class Connection:
    """One client: its socket, identity, session and the turn in flight."""

    def __init__(self, ws: WebSocket, principal: Principal, session_id: str) -> None:
        self.ws = ws
        self.principal = principal
        self.session_id = session_id
        self.app = ws.app
        self.turn: asyncio.Task | None = None
        self.send_lock = asyncio.Lock()

    async def send(self, frame: dict[str, Any]) -> None:
        async with self.send_lock:
            await self.ws.send_text(json.dumps(frame, ensure_ascii=False))

    async def error(self, code: str, message: str, **details: Any) -> None:
        self.app.state.metrics.ws_errors.labels(code).inc()
        await self.send({"type": "error", **envelope(code, message, details)})

    async def run_turn(self, *, text: str | None = None, confirm: bool | None = None,
                       message_id: str | None = None) -> None:
        """Stream one turn's events to the client; always ends with ``turn_end``."""
        assistant = self.app.state.assistant
        metrics = self.app.state.metrics
        started = time.perf_counter()
        outcome = "ok"
        ended = False
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
                if kind == "turn_end":
                    ended = True
                await self.send(event)
                if kind == "tool_result":
                    metrics.tool_calls.labels(event["name"], str(event["ok"]).lower()).inc()
                    if not event["ok"]:
                        outcome = "tool_error"
                        err = event["result"].get("error", {})
                        await self.error(err.get("code", "ERROR"), err.get("message", ""),
                                         **(err.get("details") or {}))
        except asyncio.CancelledError:
            outcome = "interrupted"
            with contextlib.suppress(Exception):
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
        elif kind in ("audio_start", "audio_end"):
            await self.error("VOICE_UNAVAILABLE",
                             "voice turns are not enabled on this server yet; send user_message frames")
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
    await conn.send({"type": "session", "session_id": session_id,
                     "user_id": principal.user_id, "role": principal.role})
    settings = ws.app.state.settings
    queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

    async def reader() -> None:
        try:
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                if message.get("bytes") is not None:
                    await conn.error("VOICE_UNAVAILABLE", "audio frames need an audio_start first")
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
        if conn.turn is not None and not conn.turn.done():
            conn.turn.cancel()
