"""Size and count limits at the door: request bodies, request ids, open sockets.

:class:`BodyLimit` refuses a body over the limit by its ``Content-Length`` before reading a byte,
and stops reading a body sent without one (chunked) as soon as it passes the limit: both are a
``413 PAYLOAD_TOO_LARGE`` envelope. :class:`SocketCounts` caps the chat sockets one user and one
client address may hold open in this process.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from gateway.errors import envelope, new_request_id
from gateway.settings import Settings
from tools.registry import ToolError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_PATHS = ("/api/v1/uploads",)
# A multipart form around the file: boundaries, headers, a few small fields.
FORM_OVERHEAD_BYTES = 256 * 1024
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id(header: str | None) -> str:
    """The client's ``X-Request-ID`` when it is a short plain token, else a fresh one."""
    if header and _REQUEST_ID.fullmatch(header):
        return header
    return new_request_id()


class BodyTooLarge(ToolError):
    """The body passed the limit while it was being read."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            "PAYLOAD_TOO_LARGE", f"the request body is larger than {limit:,} bytes",
            {"field": "(body)", "limit_bytes": limit},
        )


class BodyLimit:
    """ASGI middleware bounding every HTTP request body (finding 7 of issue 12)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    def limit_for(self, path: str) -> int:
        """Uploads may carry one image and its form; everything else the request limit."""
        if path.startswith(UPLOAD_PATHS):
            return self.settings.max_upload_bytes + FORM_OVERHEAD_BYTES
        return self.settings.max_request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse by ``Content-Length``, else count what is read."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and (declared < 0 or declared > limit):
            await _refuse(send, BodyTooLarge(limit) if declared > limit else ToolError(
                "BAD_REQUEST", "Content-Length is not a size", {"field": "Content-Length"}))
            return
        received = 0
        started = exceeded = False

        async def counted() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if exceeded:
                # The app turned the aborted read into an answer of its own (FastAPI: "error
                # parsing the body"); the client gets the 413 instead.
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _refuse(send, BodyTooLarge(limit))
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge as exc:
            if not started:
                await _refuse(send, exc)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return -1
    return None


async def _refuse(send: Send, exc: ToolError) -> None:
    body = json.dumps(envelope(exc.code, exc.message, exc.details)).encode()
    await send({"type": "http.response.start", "status": exc.status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": body})


class SocketCounts:
    """Open chat sockets per user and per client address, in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users: Counter[str] = Counter()
        self._addresses: Counter[str] = Counter()

    def open(self, settings: Settings, user_id: str, address: str) -> str | None:
        """Count one more socket, or say why not (and count nothing)."""
        with self._lock:
            if self._users[user_id] >= settings.max_sockets_per_user:
                return f"at most {settings.max_sockets_per_user} open chat sockets per user"
            if self._addresses[address] >= settings.max_sockets_per_address:
                return f"at most {settings.max_sockets_per_address} open chat sockets per address"
            self._users[user_id] += 1
            self._addresses[address] += 1
            return None

    def close(self, user_id: str, address: str) -> None:
        """Count one socket fewer."""
        with self._lock:
            for counter, key in ((self._users, user_id), (self._addresses, address)):
                counter[key] -= 1
                if counter[key] <= 0:
                    del counter[key]
