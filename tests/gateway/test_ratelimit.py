"""The limiter backends: the in-process sliding window, Redis, and the fallback when Redis is down.

Redis tests talk to the real server at 127.0.0.1:6379 (the CI runs one) under a key prefix of
their own, removed afterwards; they skip, saying why, only when nothing answers there.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from gateway.ratelimit import InProcessLimiter, RateLimits, RedisLimiter, make_limiter
from gateway.settings import Settings
from tests.live import free_port

REDIS_URL = "redis://127.0.0.1:6379/0"
# These tests are about counting, not timeouts: a loaded CI machine can take longer than the
# product's 0.25 s to open 30 connections at once, and one timeout sends a limiter in-process.
TIMEOUT_S = 5.0


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_in_process_admits_the_limit_then_says_when_to_retry() -> None:
    clock = Clock()
    limiter = InProcessLimiter(clock)
    decisions = []
    for _ in range(3):
        decisions.append(limiter.hit_sync("k", 3, 10.0))
        clock.now += 1
    assert [d.allowed for d in decisions] == [True, True, True]
    assert [d.remaining for d in decisions] == [2, 1, 0]
    refused = limiter.hit_sync("k", 3, 10.0)
    assert not refused.allowed and refused.retry_after_s == pytest.approx(7.0)
    assert refused.retry_after_header == "7" and refused.details()["retry_after_s"] == 7.0
    assert limiter.hit_sync("other", 3, 10.0).allowed, "keys are counted apart"
    clock.now += 7  # the first hit leaves the window
    assert limiter.hit_sync("k", 3, 10.0).allowed
    assert not limiter.hit_sync("k", 3, 10.0).allowed


def test_in_process_refusals_do_not_extend_the_wait() -> None:
    clock = Clock()
    limiter = InProcessLimiter(clock)
    limiter.hit_sync("k", 1, 5.0)
    for _ in range(49):
        clock.now += 0.1
        assert not limiter.hit_sync("k", 1, 5.0).allowed
    clock.now += 0.11  # 5.01 s after the one admitted hit
    assert limiter.hit_sync("k", 1, 5.0).allowed


def test_in_process_forgets_idle_keys() -> None:
    clock = Clock()
    limiter = InProcessLimiter(clock)
    for i in range(InProcessLimiter.SWEEP_EVERY - 1):
        limiter.hit_sync(f"ip:{i}", 5, 1.0)
    assert len(limiter) == InProcessLimiter.SWEEP_EVERY - 1
    clock.now += 2
    limiter.hit_sync("fresh", 5, 1.0)
    assert len(limiter) == 1


def test_in_process_is_safe_across_tasks() -> None:
    limiter = InProcessLimiter()

    async def burst() -> int:
        decisions = await asyncio.gather(*(limiter.hit("k", 25, 60.0) for _ in range(200)))
        return sum(d.allowed for d in decisions)

    assert asyncio.run(burst()) == 25


@settings(max_examples=200, deadline=None)
@given(
    limit=st.integers(min_value=1, max_value=8),
    window=st.floats(min_value=0.5, max_value=10.0),
    gaps=st.lists(st.floats(min_value=0.0, max_value=3.0), min_size=1, max_size=120),
)
def test_never_more_than_the_limit_in_any_window(
    limit: int, window: float, gaps: list[float]
) -> None:
    """No window of ``window_s`` seconds ever holds more than ``limit`` admitted hits, and a hit
    is refused only when the window before it is already full (the limiter is exact, not stingy).
    """
    clock = Clock()
    limiter = InProcessLimiter(clock)
    admitted: list[float] = []
    for gap in gaps:
        clock.now += gap
        in_window = sum(1 for t in admitted if t > clock.now - window)
        decision = limiter.hit_sync("k", limit, window)
        assert decision.allowed == (in_window < limit)
        if decision.allowed:
            admitted.append(clock.now)
        else:
            assert 0 < decision.retry_after_s <= window
    for i, start in enumerate(admitted):
        assert sum(1 for t in admitted[i:] if t < start + window) <= limit


# -- Redis -------------------------------------------------------------------------------------


@pytest.fixture()
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own on the real Redis; its keys are deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        pytest.skip(f"needs Redis at {REDIS_URL} ({type(exc).__name__}); the CI runs one")
    prefix = f"qalakar-test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_redis_admits_the_limit_and_keys_expire(redis_prefix: str) -> None:
    async def scenario() -> tuple[list[bool], float, int, bool]:
        limiter = RedisLimiter(REDIS_URL, prefix=redis_prefix, timeout_s=TIMEOUT_S)
        try:
            decisions = [await limiter.hit("user:a", 3, 30.0) for _ in range(4)]
            other = await limiter.hit("user:b", 3, 30.0)
            ttl = await limiter._redis.pttl(redis_prefix + "user:a")
            return [d.allowed for d in decisions], decisions[-1].retry_after_s, ttl, other.allowed
        finally:
            await limiter.aclose()

    allowed, retry_after, ttl, other = asyncio.run(scenario())
    assert allowed == [True, True, True, False] and other
    assert 29.0 < retry_after <= 30.0
    assert 0 < ttl <= 30_000, "the key expires one window after its last admitted hit"


def test_redis_window_slides(redis_prefix: str) -> None:
    async def scenario() -> tuple[bool, bool, bool]:
        limiter = RedisLimiter(REDIS_URL, prefix=redis_prefix, timeout_s=TIMEOUT_S)
        try:
            await limiter.hit("k", 2, 0.3)
            await limiter.hit("k", 2, 0.3)
            refused = await limiter.hit("k", 2, 0.3)
            await asyncio.sleep(refused.retry_after_s + 0.05)
            again = await limiter.hit("k", 2, 0.3)
            await asyncio.sleep(0.4)
            gone = await limiter._redis.exists(redis_prefix + "k")
            return refused.allowed, again.allowed, bool(gone)
        finally:
            await limiter.aclose()

    refused, again, exists = asyncio.run(scenario())
    assert not refused and again
    assert not exists, "an idle key expires"


def test_redis_is_shared_by_every_process(redis_prefix: str) -> None:
    """Two limiters (two gateway processes) on one Redis count against one budget, atomically."""

    async def scenario() -> int:
        one = RedisLimiter(REDIS_URL, prefix=redis_prefix, timeout_s=TIMEOUT_S)
        two = RedisLimiter(REDIS_URL, prefix=redis_prefix, timeout_s=TIMEOUT_S)
        try:
            decisions = await asyncio.gather(
                *(limiter.hit("user:shared", 10, 30.0) for limiter in [one, two] * 30)
            )
            return sum(d.allowed for d in decisions)
        finally:
            await one.aclose()
            await two.aclose()

    assert asyncio.run(scenario()) == 10


def test_redis_down_falls_back_in_process_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there

    async def scenario() -> list[bool]:
        limiter = RedisLimiter(url, prefix="qalakar-test:down:")
        try:
            return [(await limiter.hit("user:a", 3, 30.0)).allowed for _ in range(5)]
        finally:
            await limiter.aclose()

    with caplog.at_level(logging.WARNING, logger="gateway.ratelimit"):
        allowed = asyncio.run(scenario())
    assert allowed == [True, True, True, False, False], "limits still hold while Redis is down"
    warnings = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(warnings) == 1 and url.rsplit(":", 1)[0] in warnings[0].getMessage()


def test_redis_is_asked_again_after_the_retry_delay(redis_prefix: str) -> None:
    async def scenario() -> tuple[bool, bool]:
        limiter = RedisLimiter(REDIS_URL, prefix=redis_prefix, retry_s=0.1, timeout_s=TIMEOUT_S)
        try:
            limiter._down_until = time.monotonic() + 3600  # as after a failure
            await limiter.hit("k", 5, 30.0)
            limiter._down_until = 0.0
            degraded = limiter.degraded
            await limiter.hit("k", 5, 30.0)
            return degraded, bool(await limiter._redis.exists(redis_prefix + "k"))
        finally:
            await limiter.aclose()

    degraded, counted_in_redis = asyncio.run(scenario())
    assert not degraded and counted_in_redis


def test_backend_follows_the_settings() -> None:
    defaults = Settings(_env_file=None)
    assert (defaults.rate_limit_per_minute, defaults.rate_limit_turns_per_minute) == (240, 30)
    assert isinstance(make_limiter(defaults), InProcessLimiter)
    assert isinstance(make_limiter(Settings(redis_url=REDIS_URL, _env_file=None)), RedisLimiter)
    with pytest.raises(ValidationError):
        Settings(rate_limit_per_minute=-1, _env_file=None)
    with pytest.raises(ValidationError):
        Settings(rate_limit_window_s=0, _env_file=None)


def test_limits_of_zero_switch_them_off() -> None:
    limits = RateLimits(Settings(rate_limit_per_minute=0, rate_limit_turns_per_minute=0,
                                 _env_file=None))
    assert asyncio.run(limits.check_turn("u")) is None
    assert RateLimits.exempt("/healthz") and RateLimits.exempt("/static/chat.js")
    assert not RateLimits.exempt("/api/v1/tools")
