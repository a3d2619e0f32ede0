"""Chat socket caps shared through Redis: per user and per address across workers and replicas.

The counters are real Redis (127.0.0.1:6379, shared with other sessions: every test uses its own
key prefix or user ids); "Redis down" is a loopback port nothing listens on.
"""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
import redis
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from gateway.limits import SharedSocketCounts, SocketTicket, TooManySockets
from gateway.settings import Settings
from tests.live import free_port
from tests.processes import SECRET, GatewayProcess, gateway_env

pytestmark = pytest.mark.integration

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module", autouse=True)
def redis_up() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS_URL} ({exc})")


def _settings(**caps: int) -> Settings:
    return Settings(env="test", jwt_secret=SECRET, _env_file=None, **caps)


def _counts(prefix: str, **options: float) -> SharedSocketCounts:
    return SharedSocketCounts(REDIS_URL, prefix=prefix, **options)


async def _fill(counts: SharedSocketCounts, settings: Settings, user: str, n: int,
                address: str = "10.0.0.1") -> list[SocketTicket]:
    return [await counts.open(settings, user, address) for _ in range(n)]


def test_two_processes_counters_share_the_caps() -> None:
    settings = _settings(max_sockets_per_user=8, max_sockets_per_address=10)
    prefix = f"test:ws:{uuid.uuid4().hex}:"

    async def scenario() -> None:
        one, two = _counts(prefix), _counts(prefix)
        held = await _fill(one, settings, "u-1", 5) + await _fill(two, settings, "u-1", 3)
        assert all(t.shared for t in held)
        for counts in (one, two):
            with pytest.raises(TooManySockets, match="8 open chat sockets per user"):
                await counts.open(settings, "u-1", "10.0.0.1")
        await one.close(held.pop())  # closed on the other process's count: one place frees up
        held.append(await two.open(settings, "u-1", "10.0.0.1"))
        other = await _fill(one, settings, "u-2", 2)  # same address: 10 in all
        with pytest.raises(TooManySockets, match="10 open chat sockets per address"):
            await two.open(settings, "u-3", "10.0.0.1")
        assert (await two.open(settings, "u-3", "10.0.0.2")).shared
        assert len(other) == 2
        for counts in (one, two):
            await counts.aclose()

    asyncio.run(scenario())


def test_a_killed_process_sockets_stop_counting_when_their_lease_ends() -> None:
    settings = _settings(max_sockets_per_user=2)
    prefix = f"test:ws:{uuid.uuid4().hex}:"

    async def scenario() -> None:
        alive, killed = _counts(prefix, lease_s=0.6), _counts(prefix, lease_s=0.6)
        await _fill(alive, settings, "u-1", 1)
        await _fill(killed, settings, "u-1", 1)
        await killed.aclose()  # no close, no renewal: what SIGKILL leaves behind
        with pytest.raises(TooManySockets):
            await alive.open(settings, "u-1", "10.0.0.1")
        await asyncio.sleep(1.2)  # two leases long: the live socket was renewed, the dead not
        await alive.open(settings, "u-1", "10.0.0.1")
        with pytest.raises(TooManySockets):
            await alive.open(settings, "u-1", "10.0.0.1")
        await alive.aclose()

    asyncio.run(scenario())


def test_with_redis_down_sockets_are_counted_in_the_process() -> None:
    settings = _settings(max_sockets_per_user=3)

    async def scenario() -> None:
        counts = SharedSocketCounts(f"redis://127.0.0.1:{free_port()}/0")
        held = await _fill(counts, settings, "u-1", 3)
        assert not any(t.shared for t in held)
        with pytest.raises(TooManySockets):
            await counts.open(settings, "u-1", "10.0.0.1")
        await counts.close(held.pop())
        await counts.open(settings, "u-1", "10.0.0.1")
        await counts.aclose()

    asyncio.run(scenario())


async def _chat(server: GatewayProcess, token: str) -> tuple[ClientConnection, dict]:
    ws = await connect(f"{server.ws}?token={token}")
    return ws, json.loads(await asyncio.wait_for(ws.recv(), 30))


def test_the_ninth_socket_of_a_user_across_two_gateways_is_refused(
    seeded_store, data_dir, database_url, tmp_path,
) -> None:
    env = gateway_env(data_dir, database_url, redis_url=REDIS_URL, rate_limit_per_minute=0)
    one = GatewayProcess(env, log=tmp_path / "one.log")
    two = GatewayProcess(env, log=tmp_path / "two.log")
    user = f"b-caps-{uuid.uuid4().hex[:8]}"

    async def scenario() -> None:
        token = one.token(user, "buyer")
        held = [await _chat(server, token) for server in (one, two) * 4]
        assert [hello["type"] for _, hello in held] == ["session"] * 8
        for server in (one, two):
            ws, refused = await _chat(server, token)
            assert refused["type"] == "error" and refused["error"]["code"] == "RATE_LIMITED"
            assert "8 open chat sockets per user" in refused["error"]["message"]
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
        await held.pop(0)[0].close()  # one closed on the first lets one in on the second
        await asyncio.sleep(0.3)
        ws, hello = await _chat(two, token)
        assert hello["type"] == "session"
        for w in [ws, *(w for w, _ in held)]:
            await w.close()

    with one:  # builds the heritage index when the data folder has none; the second reuses it
        with two:
            asyncio.run(scenario())
