"""Hostile websocket clients (issue 12, findings 4, 8, 9 and the CI fuzz test).

A real gateway under uvicorn (the same options ``qalakar serve`` uses) and the websockets
client: malformed, oversized, internal and flooding frames are answered with error frames, the
socket stays usable for a ping and a real turn; sockets per user are capped; session ids are
validated and belong to the user who opened them.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from agents.assistant import Assistant
from gateway.settings import Settings
from tests.live import LiveServer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def live(seeded_store, data_dir, database_url) -> Iterator[LiveServer]:
    settings = Settings(env="test", data_dir=data_dir, database_url=database_url, dev_auth=True,
                        jwt_secret="test-secret-0123456789abcdef-0123456789", _env_file=None,
                        rate_limit_per_minute=0, max_sockets_per_user=3,
                        rate_limit_frames_per_minute=400)
    server = LiveServer(settings).start()
    yield server
    server.stop()


async def recv(ws: Any, within: float = 30) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), within))


async def until(ws: Any, kind: str, within: float = 60) -> list[dict[str, Any]]:
    frames = []
    async with asyncio.timeout(within):
        while True:
            frames.append(await recv(ws))
            if frames[-1]["type"] == kind:
                return frames


async def open_chat(live: LiveServer, user: str, role: str, session: str | None = None,
                    token: str | None = None) -> tuple[Any, dict[str, Any]]:
    url = f"{live.ws}?token={token or live.token(user, role)}"
    if session is not None:
        url += f"&session_id={session}"
    ws = await connect(url, max_size=None)
    return ws, await recv(ws)


async def still_answers(ws: Any) -> None:
    await ws.send(json.dumps({"type": "ping"}))
    assert (await until(ws, "pong"))[-1] == {"type": "pong"}
    await ws.send(json.dumps({"type": "user_message", "text": "show my pending orders"}))
    frames = await until(ws, "turn_end")
    assert any(f["type"] == "assistant_message" and f["text"] for f in frames)


HOSTILE: list[str | bytes] = [
    "", "not json", "{", "[]", "null", "42", '"text"', '{"type": 7}', '{"type": null}',
    '{"type": "voice_turn"}', '{"type": "voice_turn", "audio": "AAAA"}', '{"type": "_asks_for"}',
    '{"type": "tool_result", "ok": true}', '{"type": "auth", "token": "x"}',
    '{"type": "confirm"}', '{"type": "confirm", "approved": "yes"}',
    '{"type": "confirm", "approved": true, "action_id": "call_x"}',
    '{"type": "user_message"}', '{"type": "user_message", "text": 5}',
    '{"type": "user_message", "text": ""}', '{"type": "audio_end"}',
    '{"type": "audio_start", "format": "../../etc/passwd", "sample_rate": -1}',
    '{"type": "' + "t" * 100_000 + '"}', '{"type": "user_message", "text": "' + "x" * 5000 + '"}',
    '{"type": "ping", "x": ' + "[" * 5000 + "]" * 5000 + "}", "\x00\x01\x02", "\ud7ff" * 10,
    b"\x00" * 10, b"RIFF" + b"\xff" * 100,
]


def test_hostile_frames_get_error_frames_and_the_socket_still_answers(live: LiveServer) -> None:
    rng = random.Random(12)
    frames = HOSTILE + [json.dumps({"type": rng.choice(["confirm", "ping", "x", "audio_end"]),
                                    "text": "".join(rng.choice("ab:\x00é€") for _ in range(20)),
                                    "approved": rng.choice([True, None, 3])}) for _ in range(20)]

    async def scenario() -> None:
        ws, hello = await open_chat(live, "c-0001", "creator")
        async with ws:
            for frame in frames:
                await ws.send(frame)
            # A real turn queues behind what they caused; the socket must not close.
            await ws.send(json.dumps({"type": "user_message", "text": "show my pending orders"}))
            seen = await until(ws, "assistant_message", within=180)
            codes = {f["error"]["code"] for f in seen if f["type"] == "error"}
            assert {"BAD_REQUEST", "VALIDATION_ERROR", "UNKNOWN_FRAME_TYPE"} <= codes
            assert "INTERNAL_ERROR" not in codes
            long_type = [f for f in seen if f["type"] == "error"
                         and f["error"]["code"] == "UNKNOWN_FRAME_TYPE"]
            assert all(len(f["error"]["message"]) < 200 for f in long_type)
            await still_answers(ws)

    asyncio.run(scenario())


def test_a_5_mb_text_frame_is_a_payload_too_large_frame(live: LiveServer) -> None:
    async def scenario() -> None:
        ws, _ = await open_chat(live, "c-0001", "creator")
        async with ws:
            await ws.send(json.dumps({"type": "user_message", "text": "x" * 5_000_000}))
            error = await recv(ws)
            assert error["type"] == "error" and error["error"]["code"] == "PAYLOAD_TOO_LARGE"
            await still_answers(ws)

    asyncio.run(scenario())


def test_every_frame_counts_against_the_limit(live: LiveServer) -> None:
    async def scenario() -> None:
        ws, _ = await open_chat(live, "c-0009", "creator")
        async with ws:
            for _ in range(450):
                await ws.send(json.dumps({"type": "ping"}))
            seen = await until(ws, "error", within=60)
            assert seen[-1]["error"]["code"] == "RATE_LIMITED"
            assert sum(f["type"] == "pong" for f in seen) <= 400

    asyncio.run(scenario())


def test_sockets_per_user_are_capped(live: LiveServer) -> None:
    async def scenario() -> None:
        token = live.token("b-0007", "buyer")
        held = [await open_chat(live, "b-0007", "buyer", token=token) for _ in range(3)]
        assert all(hello["type"] == "session" for _, hello in held)
        ws, refused = await open_chat(live, "b-0007", "buyer", token=token)
        assert refused["type"] == "error" and refused["error"]["code"] == "RATE_LIMITED"
        with pytest.raises(ConnectionClosed):
            await recv(ws, within=10)
        await held[0][0].close()
        await asyncio.sleep(0.5)
        again, hello = await open_chat(live, "b-0007", "buyer", token=token)
        assert hello["type"] == "session"
        for w in [again, *(w for w, _ in held[1:])]:
            await w.close()

    asyncio.run(scenario())


def test_a_session_belongs_to_the_user_who_opened_it(live: LiveServer) -> None:
    async def scenario() -> None:
        owner, hello = await open_chat(live, "c-0001", "creator", session="s-owned-1")
        assert hello["session_id"] == "s-owned-1"
        await owner.close()
        other, hello = await open_chat(live, "c-0002", "creator", session="s-owned-1")
        problem = await recv(other)
        assert hello["session_id"] != "s-owned-1"
        assert problem["type"] == "error" and problem["error"]["code"] == "FORBIDDEN"
        await other.close()
        odd, hello = await open_chat(live, "c-0001", "creator", session="x:y")
        problem = await recv(odd)
        assert hello["session_id"] != "x:y" and problem["error"]["code"] == "VALIDATION_ERROR"
        await odd.close()
        back, hello = await open_chat(live, "c-0001", "creator", session="s-owned-1")
        assert hello["session_id"] == "s-owned-1"
        await back.close()

    asyncio.run(scenario())


def test_thread_keys_cannot_collide() -> None:
    assert Assistant.thread_id("a:x", "y") != Assistant.thread_id("a", "y")
    with pytest.raises(ValueError):
        Assistant.thread_id("a", "x:y")
