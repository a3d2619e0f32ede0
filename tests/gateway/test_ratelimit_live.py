"""Rate limits through the real gateway under uvicorn: 429 over HTTP, RATE_LIMITED on /ws/chat.

Each test starts its own server with small limits (the knowledge index is already built by then,
so a start costs well under a second) and real clients: httpx and the websockets client.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import redis
from websockets.asyncio.client import connect

from gateway.auth import issue_token
from gateway.settings import Settings
from tests.live import LiveServer, free_port

pytestmark = pytest.mark.integration

REDIS_URL = "redis://127.0.0.1:6379/0"
EXEMPT = ["/healthz", "/readyz", "/metrics", "/", "/creator", "/static/chat.js"]


@pytest.fixture()
def serve(seeded_store, data_dir, database_url):
    """``serve(**settings)``: a running gateway over the seeded marketplace with those settings."""

    @contextmanager
    def run(**overrides: Any) -> Iterator[LiveServer]:
        settings = Settings(env="test", data_dir=data_dir, database_url=database_url, dev_auth=True,
                            jwt_secret="test-secret-0123456789abcdef-0123456789", _env_file=None,
                            **overrides)
        server = LiveServer(settings).start()
        try:
            yield server
        finally:
            server.stop()

    return run


def assert_rate_limited(response: httpx.Response, window_s: float) -> dict[str, Any]:
    assert response.status_code == 429, response.text
    err = response.json()["error"]
    assert set(err) == {"code", "message", "details", "timestamp", "request_id"}
    assert err["code"] == "RATE_LIMITED" and "try again" in err["message"]
    assert 0 < err["details"]["retry_after_s"] <= window_s
    assert 1 <= int(response.headers["retry-after"]) <= window_s
    assert response.headers["x-request-id"] == err["request_id"]
    assert "Traceback" not in response.text
    return err


def test_over_the_limit_is_429_with_the_envelope_and_retry_after(serve) -> None:
    with serve(rate_limit_per_minute=3) as live, httpx.Client(base_url=live.http) as http:
        assert [http.get("/api/v1/tools").status_code for _ in range(3)] == [200] * 3
        assert_rate_limited(http.get("/api/v1/tools"), 60)
        token_request = {"user_id": "x", "role": "buyer"}
        assert_rate_limited(http.post("/auth/dev-token", json=token_request), 60)
        for path in EXEMPT * 2:
            assert http.get(path).status_code == 200, f"{path} is exempt"
        metrics = http.get("/metrics").text
        assert 'qalakar_rate_limited_total{scope="http"} 2.0' in metrics


def test_callers_with_a_token_are_counted_by_subject(serve) -> None:
    with serve(rate_limit_per_minute=3) as live, httpx.Client(base_url=live.http) as http:
        alice, bob = live.token("b-0001", "buyer"), live.token("c-0001", "creator")  # 2 by address
        as_alice = {"Authorization": f"Bearer {alice}"}
        codes = [http.get("/api/v1/creators", headers=as_alice).status_code for _ in range(3)]
        assert codes == [200] * 3
        assert_rate_limited(http.get("/api/v1/creators", headers=as_alice), 60)
        as_bob = {"Authorization": f"Bearer {bob}"}
        assert http.get("/api/v1/orders", headers=as_bob).status_code == 200
        # A token that does not verify counts against the address, which has one request left.
        bad = {"Authorization": "Bearer nonsense"}
        assert http.get("/api/v1/tools", headers=bad).status_code == 200
        assert_rate_limited(http.get("/api/v1/tools"), 60)


def test_limits_of_zero_are_off(serve) -> None:
    with serve(rate_limit_per_minute=0) as live, httpx.Client(base_url=live.http) as http:
        assert {http.get("/api/v1/tools").status_code for _ in range(20)} == {200}


async def recv_turn(ws, within_s: float = 30) -> list[dict[str, Any]]:
    """Frames up to and including ``turn_end``."""
    frames: list[dict[str, Any]] = []
    async with asyncio.timeout(within_s):
        while True:
            frames.append(json.loads(await ws.recv()))
            if frames[-1]["type"] == "turn_end":
                return frames


def test_a_turn_over_the_limit_is_refused_and_the_socket_stays_usable(serve) -> None:
    window = 3.0  # the two admitted turns must both fit in it, even on a slow machine

    async def scenario(live: LiveServer) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        async with connect(f"{live.ws}?token={live.token('c-0001', 'creator')}") as ws:
            assert json.loads(await ws.recv())["type"] == "session"
            ask = json.dumps({"type": "user_message", "text": "show my pending orders"})
            for _ in range(2):
                await ws.send(ask)
                frames = await recv_turn(ws)
                assert [f["type"] for f in frames][-2:] == ["assistant_message", "turn_end"]
            await ws.send(ask)
            seen["limited"] = await recv_turn(ws)
            # ping and confirm are not turns: they are answered as ever while the user is limited
            await ws.send(json.dumps({"type": "ping"}))
            seen["pong"] = json.loads(await ws.recv())
            await ws.send(json.dumps({"type": "confirm", "action_id": "a-none", "approved": True}))
            seen["confirm"] = json.loads(await ws.recv())
            async with connect(f"{live.ws}?token={live.token('c-0002', 'creator')}") as other:
                await other.recv()
                await other.send(ask)
                seen["other_user"] = await recv_turn(other)
            await asyncio.sleep(seen["limited"][0]["error"]["details"]["retry_after_s"] + 0.05)
            await ws.send(ask)
            seen["after_window"] = await recv_turn(ws)
        return seen

    with serve(rate_limit_turns_per_minute=2, rate_limit_window_s=window) as live:
        seen = asyncio.run(scenario(live))
        metrics = httpx.get(f"{live.http}/metrics").text

    error, end = seen["limited"]
    assert error["type"] == "error" and error["error"]["code"] == "RATE_LIMITED"
    assert set(error["error"]) == {"code", "message", "details", "timestamp", "request_id"}
    assert 0 < error["error"]["details"]["retry_after_s"] <= window
    assert end["type"] == "turn_end" and end["rate_limited"] is True
    assert seen["pong"] == {"type": "pong"}
    assert seen["confirm"]["error"]["code"] == "CONFLICT"
    assert seen["other_user"][-1]["type"] == "turn_end"
    assert not any(f["type"] == "error" for f in seen["other_user"]), "limits are per user"
    after = seen["after_window"]
    assert [f["type"] for f in after][-2:] == ["assistant_message", "turn_end"]
    assert next(f for f in after if f["type"] == "tool_call")["name"] == "list_orders"
    assert 'qalakar_rate_limited_total{scope="turn"} 1.0' in metrics
    assert 'qalakar_ws_errors_total{code="RATE_LIMITED"} 1.0' in metrics


def test_requests_still_answer_when_redis_is_down(serve) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    with serve(redis_url=dead, rate_limit_per_minute=2) as live, \
            httpx.Client(base_url=live.http) as http:
        assert [http.get("/api/v1/tools").status_code for _ in range(2)] == [200, 200]
        assert_rate_limited(http.get("/api/v1/tools"), 60)
        assert http.get("/readyz").status_code == 200


def test_gateways_on_one_redis_share_the_budget(serve) -> None:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at {REDIS_URL} ({type(exc).__name__}); the CI runs one")
    user = f"b-rl-{uuid.uuid4().hex[:10]}"  # a fresh subject: its own key, whatever ran before
    try:
        with serve(redis_url=REDIS_URL, rate_limit_per_minute=4) as one, \
                serve(redis_url=REDIS_URL, rate_limit_per_minute=4) as two:
            # Signed here, not fetched: only this subject's key is touched in the shared Redis.
            headers = {"Authorization": f"Bearer {issue_token(one.settings, user, 'buyer')}"}
            codes = [httpx.get(f"{live.http}/api/v1/tools", headers=headers).status_code
                     for live in (one, two, one, two)]
            assert codes == [200] * 4
            assert_rate_limited(httpx.get(f"{two.http}/api/v1/tools", headers=headers), 60)
            assert_rate_limited(httpx.get(f"{one.http}/api/v1/tools", headers=headers), 60)
        assert client.exists(f"qalakar:rl:http:user:{user}")
    finally:
        client.delete(f"qalakar:rl:http:user:{user}")
        client.close()
