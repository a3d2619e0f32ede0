"""Size and count limits at the door: request bodies, request ids, open sockets.

:class:`BodyLimit` refuses a body over the limit by its ``Content-Length`` before reading a byte,
and stops reading a body sent without one (chunked) as soon as it passes the limit: both are a
``413 PAYLOAD_TOO_LARGE`` envelope. :class:`SocketCounts` caps the chat sockets one user and one
client address may hold open in this process; :class:`SharedSocketCounts` caps them across
every process on one Redis.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from gateway.errors import envelope, new_request_id
from gateway.ratelimit import redact_url
from gateway.settings import Settings
from tools.registry import ToolError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
log = logging.getLogger(__name__)

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


class TooManySockets(Exception):
    """A socket over the per-user or per-address cap; the message says which."""


@dataclass(frozen=True)
class SocketTicket:
    """One counted socket: whose, from where, and where it is counted (Redis or here)."""

    user_id: str
    address: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    shared: bool = False


def _refusal(settings: Settings, which: str) -> TooManySockets:
    if which == "user":
        return TooManySockets(f"at most {settings.max_sockets_per_user} open chat sockets per user")
    return TooManySockets(
        f"at most {settings.max_sockets_per_address} open chat sockets per address")


class SocketCounts:
    """Open chat sockets per user and per client address, in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users: Counter[str] = Counter()
        self._addresses: Counter[str] = Counter()

    async def open(self, settings: Settings, user_id: str, address: str) -> SocketTicket:
        """Count one more socket, or raise :class:`TooManySockets` (and count nothing)."""
        with self._lock:
            if self._users[user_id] >= settings.max_sockets_per_user:
                raise _refusal(settings, "user")
            if self._addresses[address] >= settings.max_sockets_per_address:
                raise _refusal(settings, "address")
            self._users[user_id] += 1
            self._addresses[address] += 1
        return SocketTicket(user_id, address)

    async def close(self, ticket: SocketTicket) -> None:
        """Count one socket fewer."""
        with self._lock:
            for counter, key in ((self._users, ticket.user_id),
                                 (self._addresses, ticket.address)):
                counter[key] -= 1
                if counter[key] <= 0:
                    del counter[key]

    async def aclose(self) -> None:
        """Nothing to release."""


# KEYS: the user's and the address's sorted sets of sockets, scored by when each lease ends.
# ARGV: user limit, address limit, socket id, lease in ms. Returns 0 (counted), 1 (user full)
# or 2 (address full). Redis's clock, so every process agrees on what has expired.
_OPEN_SOCKET = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[4])
for i = 1, 2 do redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now) end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 1 end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return 2 end
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], now + lease, ARGV[3])
  redis.call('PEXPIRE', KEYS[i], lease)
end
return 0
"""

# KEYS: user and address set of each socket, in pairs; ARGV: lease in ms, then the socket ids.
_RENEW_SOCKETS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
for i = 2, #ARGV do
  for j = 2 * i - 3, 2 * i - 2 do
    redis.call('ZADD', KEYS[j], now + lease, ARGV[i])
    redis.call('PEXPIRE', KEYS[j], lease)
  end
end
return 0
"""


class SharedSocketCounts:
    """The same caps counted in Redis, across every worker and replica.

    Each open socket is a lease in two sorted sets (its user's, its address's) that this
    process renews every ``lease_s / 3`` seconds while the socket is open, so the sockets of a
    killed process stop counting ``lease_s`` seconds later. Redis being down never refuses a
    socket for that reason: it is counted in this process instead (as without Redis) and
    Redis is tried again after ``retry_s`` seconds.
    """

    def __init__(self, url: str, *, prefix: str = "qalakar:ws:", lease_s: float = 30.0,
                 timeout_s: float = 0.25, retry_s: float = 30.0) -> None:
        self._redis = Redis.from_url(url, socket_timeout=timeout_s,
                                     socket_connect_timeout=timeout_s,
                                     retry=Retry(NoBackoff(), 0))
        self._open_script = self._redis.register_script(_OPEN_SOCKET)
        self._renew_script = self._redis.register_script(_RENEW_SOCKETS)
        self.prefix = prefix
        self.lease_ms = max(1, round(lease_s * 1000))
        self.retry_s = retry_s
        self.local = SocketCounts()
        self._held: dict[str, SocketTicket] = {}
        self._renewing: asyncio.Task[None] | None = None
        self._down_until = 0.0
        self._url = url

    def _keys(self, ticket: SocketTicket) -> list[str]:
        return [f"{self.prefix}user:{ticket.user_id}", f"{self.prefix}ip:{ticket.address}"]

    async def open(self, settings: Settings, user_id: str, address: str) -> SocketTicket:
        """Count one more socket in Redis (here while Redis is down), or raise TooManySockets."""
        if time.monotonic() >= self._down_until:
            ticket = SocketTicket(user_id, address, shared=True)
            try:
                full = await self._open_script(keys=self._keys(ticket), args=[
                    settings.max_sockets_per_user, settings.max_sockets_per_address,
                    ticket.id, self.lease_ms])
            except (RedisError, OSError) as exc:
                self._down(exc)
            else:
                if full:
                    raise _refusal(settings, "user" if full == 1 else "address")
                self._held[ticket.id] = ticket
                if self._renewing is None or self._renewing.done():
                    self._renewing = asyncio.create_task(self._renew())
                return ticket
        return await self.local.open(settings, user_id, address)

    async def close(self, ticket: SocketTicket) -> None:
        """Count one socket fewer, where it was counted."""
        if not ticket.shared:
            await self.local.close(ticket)
            return
        self._held.pop(ticket.id, None)
        try:
            for key in self._keys(ticket):
                await self._redis.zrem(key, ticket.id)
        except (RedisError, OSError) as exc:
            self._down(exc)  # its lease runs out by itself

    async def _renew(self) -> None:
        """Renew the leases of this process's open sockets until it holds none."""
        while self._held:
            await asyncio.sleep(self.lease_ms / 3000)
            held = list(self._held.values())
            if not held:
                return
            try:
                await self._renew_script(
                    keys=[k for t in held for k in self._keys(t)],
                    args=[self.lease_ms, *(t.id for t in held)])
            except (RedisError, OSError) as exc:
                self._down(exc)

    def _down(self, exc: BaseException) -> None:
        if time.monotonic() >= self._down_until:
            log.warning("socket caps: Redis at %s is unavailable (%s); counting in-process "
                        "for %.0f s", redact_url(self._url), type(exc).__name__, self.retry_s)
        self._down_until = time.monotonic() + self.retry_s

    async def aclose(self) -> None:
        """Stop renewing and close the connection pool."""
        if self._renewing is not None:
            self._renewing.cancel()
        try:
            await self._redis.aclose()
        except (RedisError, OSError):
            pass


def make_socket_counts(settings: Settings) -> SocketCounts | SharedSocketCounts:
    """Shared through Redis when ``QALAKAR_REDIS_URL`` is set, else in this process."""
    if settings.redis_url:
        return SharedSocketCounts(settings.redis_url)
    return SocketCounts()
