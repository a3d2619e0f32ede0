"""Rate limits (contracts §3, ``429 RATE_LIMITED``): a sliding-window log per key.

One interface, :class:`Limiter`, with two backends: :class:`InProcessLimiter` (the default) and
:class:`RedisLimiter` (when ``QALAKAR_REDIS_URL`` is set, shared by every gateway process).
:class:`RateLimits` is the gateway's policy on top: who is counted, for what, and what is exempt.
Redis being down never fails a request: the gateway then counts in-process and says so once.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from fastapi import Request
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from gateway.auth import is_guest, verify_token
from gateway.errors import envelope
from gateway.settings import Settings
from tools.registry import ToolError

log = logging.getLogger(__name__)

EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/", "/creator", "/favicon.ico"})
# Webhooks come from a provider's few addresses for every sender: they are limited per sender
# (chat turns of the phone's user), not per address.
EXEMPT_PREFIXES = ("/static/", "/channels/")


@dataclass(frozen=True)
class Decision:
    """The answer to one hit: admitted or not, and when to try again if not."""

    allowed: bool
    limit: int
    remaining: int
    window_s: float
    retry_after_s: float = 0.0

    @property
    def retry_after_header(self) -> str:
        """Whole seconds for ``Retry-After`` (at least 1, so a client never retries at once)."""
        return str(max(1, math.ceil(self.retry_after_s)))

    def details(self) -> dict[str, float | int]:
        """The ``details`` of a ``RATE_LIMITED`` error."""
        return {"retry_after_s": round(self.retry_after_s, 3), "limit": self.limit,
                "window_s": self.window_s}


class Limiter(Protocol):
    """Counts hits per key over a sliding window of ``window_s`` seconds."""

    async def hit(self, key: str, limit: int, window_s: float) -> Decision:
        """Record a hit on ``key`` if fewer than ``limit`` were admitted in the last window."""
        ...

    async def aclose(self) -> None:
        """Release connections, if any."""
        ...


class InProcessLimiter:
    """Exact sliding-window log in this process's memory.

    A hit is admitted only when fewer than ``limit`` hits were admitted in the ``window_s``
    seconds before it, so no window of that length ever holds more than ``limit``; refused
    hits are not recorded. A lock makes it safe from threads and tasks alike (nothing awaits
    while holding it). ``clock`` is injectable for tests.
    """

    SWEEP_EVERY = 1024

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._log: dict[str, deque[float]] = {}
        self._windows: dict[str, float] = {}
        self._hits = 0

    async def hit(self, key: str, limit: int, window_s: float) -> Decision:
        """See :meth:`Limiter.hit`."""
        return self.hit_sync(key, limit, window_s)

    def hit_sync(self, key: str, limit: int, window_s: float) -> Decision:
        """:meth:`hit` without the coroutine, for threads and property tests."""
        with self._lock:
            now = self._clock()
            self._hits += 1
            if self._hits % self.SWEEP_EVERY == 0:
                self._sweep(now)
            stamps = self._log.setdefault(key, deque())
            self._windows[key] = window_s
            while stamps and stamps[0] <= now - window_s:
                stamps.popleft()
            if len(stamps) < limit:
                stamps.append(now)
                return Decision(True, limit, limit - len(stamps), window_s)
            retry_after = min(window_s, max(0.0, stamps[0] + window_s - now))  # float noise
            return Decision(False, limit, 0, window_s, retry_after)

    def _sweep(self, now: float) -> None:
        # Idle keys would otherwise pile up forever (one per client address ever seen).
        stale = [k for k, s in self._log.items() if not s or s[-1] <= now - self._windows[k]]
        for key in stale:
            del self._log[key], self._windows[key]

    def __len__(self) -> int:
        return len(self._log)

    async def aclose(self) -> None:
        """Nothing to release."""


# KEYS[1]: the key; ARGV: limit, window in microseconds, a unique member.
# Redis's own clock, so every gateway process agrees on what "now" is.
_SLIDING_WINDOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
  return {1, limit - count - 1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, 0, tonumber(oldest[2]) + window - now}
"""


class RedisLimiter:
    """The same sliding-window log in a Redis sorted set, atomic in one Lua script.

    Needs Redis 5 or later (``TIME`` inside a script that writes). Keys expire one window
    after their last admitted hit. Redis being down never fails a
    request: on any Redis error this limiter logs one warning, answers from an in-process
    limiter instead, and tries Redis again after ``retry_s`` seconds.
    """

    def __init__(self, url: str, *, prefix: str = "qalakar:rl:", timeout_s: float = 0.25,
                 retry_s: float = 30.0, fallback: InProcessLimiter | None = None) -> None:
        # No client-side retries: a dead Redis must cost a request milliseconds, not seconds.
        self._redis = Redis.from_url(url, socket_timeout=timeout_s,
                                     socket_connect_timeout=timeout_s,
                                     retry=Retry(NoBackoff(), 0))
        self._script = self._redis.register_script(_SLIDING_WINDOW)
        self.prefix = prefix
        self.retry_s = retry_s
        self.fallback = fallback or InProcessLimiter()
        self._down_until = 0.0
        self._warned = False
        self._url = url

    @property
    def degraded(self) -> bool:
        """True while answers come from the in-process fallback."""
        return time.monotonic() < self._down_until

    async def hit(self, key: str, limit: int, window_s: float) -> Decision:
        """See :meth:`Limiter.hit`."""
        if self.degraded:
            return await self.fallback.hit(key, limit, window_s)
        try:
            allowed, remaining, retry_us = await self._script(
                keys=[self.prefix + key],
                args=[limit, max(1, round(window_s * 1_000_000)), uuid.uuid4().hex],
            )
        except (RedisError, OSError) as exc:
            self._down_until = time.monotonic() + self.retry_s
            if not self._warned:
                self._warned = True
                log.warning("rate limits: Redis at %s is unavailable (%s: %s); counting "
                            "in-process until it answers", redact_url(self._url),
                            type(exc).__name__, exc)
            return await self.fallback.hit(key, limit, window_s)
        if self._warned:
            self._warned = False
            log.info("rate limits: Redis answers again; counting there")
        retry_after = min(window_s, max(0.0, int(retry_us) / 1_000_000))
        return Decision(bool(allowed), limit, int(remaining), window_s, retry_after)

    async def aclose(self) -> None:
        """Close the connection pool."""
        try:
            await self._redis.aclose()
        except (RedisError, OSError):
            pass


def redact_url(url: str) -> str:
    """``url`` without the password it may carry (for logs)."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme}{sep}{rest.rpartition('@')[2]}" if sep else url


def make_limiter(settings: Settings) -> Limiter:
    """Redis when ``QALAKAR_REDIS_URL`` is set, else in-process."""
    if settings.redis_url:
        return RedisLimiter(settings.redis_url)
    return InProcessLimiter()


class RateLimits:
    """The gateway's policy: HTTP requests per identity, chat turns per user."""

    def __init__(self, settings: Settings, limiter: Limiter | None = None) -> None:
        self.settings = settings
        self.limiter = limiter or make_limiter(settings)

    @staticmethod
    def exempt(path: str) -> bool:
        """Health, metrics and the static pages are never limited."""
        return path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)

    def identity(self, request: Request) -> str:
        """The token's ``sub`` when it verifies, else the client address.

        Guests are counted by address too: a fresh guest token is free, a fresh address is not.
        """
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            try:
                user_id = verify_token(self.settings, header[7:].strip()).user_id
                if not is_guest(user_id):
                    return f"user:{user_id}"
            except ToolError:
                pass  # a bad token is refused by the route; count it against the address
        # Behind a proxy, uvicorn's --proxy-headers puts the real client here.
        return f"ip:{request.client.host if request.client else 'unknown'}"

    async def check_http(self, request: Request) -> Decision | None:
        """The decision for one HTTP request, or None when it is not limited at all."""
        limit = self.settings.rate_limit_per_minute
        if limit <= 0 or self.exempt(request.url.path):
            return None
        return await self.limiter.hit(f"http:{self.identity(request)}", limit,
                                      self.settings.rate_limit_window_s)

    async def check_guest_token(self, request: Request) -> Decision | None:
        """The decision for one more guest token to this client address."""
        limit = self.settings.guest_tokens_per_minute
        if limit <= 0:
            return None
        address = request.client.host if request.client else "unknown"
        return await self.limiter.hit(f"guest:{address}", limit, self.settings.rate_limit_window_s)

    async def check_frame(self, key: str, binary: bool) -> Decision | None:
        """The decision for one websocket frame of ``key`` (a user, or a guest's address)."""
        limit = (self.settings.rate_limit_binary_frames_per_minute if binary
                 else self.settings.rate_limit_frames_per_minute)
        if limit <= 0:
            return None
        kind = "bin" if binary else "text"
        return await self.limiter.hit(f"frame:{kind}:{key}", limit,
                                      self.settings.rate_limit_window_s)

    async def check_turn(self, user_id: str) -> Decision | None:
        """The decision for one chat turn of ``user_id``, or None when turns are unlimited."""
        limit = self.settings.rate_limit_turns_per_minute
        if limit <= 0:
            return None
        return await self.limiter.hit(f"turn:{user_id}", limit, self.settings.rate_limit_window_s)

    async def aclose(self) -> None:
        """Release the backend."""
        await self.limiter.aclose()


def too_many_requests(decision: Decision, request_id: str) -> JSONResponse:
    """The 429 answer: the §3 envelope with ``RATE_LIMITED`` and a ``Retry-After`` header."""
    body = envelope("RATE_LIMITED",
                    f"too many requests; try again in {decision.retry_after_header} s",
                    decision.details(), request_id)
    return JSONResponse(body, status_code=429, headers={"Retry-After": decision.retry_after_header})
