"""One real turn over /ws/chat: the websockets client against the gateway under uvicorn.

Covers the two example turns of the spine (a creator's pending orders, a buyer's radius
search), the error frames for bad input with the socket staying usable, and a restart that
resumes the conversation from the checkpointer.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import select
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from domain.places import Gazetteer, distance_km
from domain.store import Creator, Product
from tests.live import LiveServer

pytestmark = pytest.mark.integration


async def turn(
    ws, frame: dict[str, Any], limit_s: float = 30, to_end: bool = False
) -> list[dict[str, Any]]:
    """Send one frame and read frames up to and including ``turn_end``.

    A frame refused before any turn starts is answered by one error frame alone; unless
    ``to_end``, an error before any tool call ends the reading.
    """
    await ws.send(json.dumps(frame) if isinstance(frame, dict) else frame)
    frames: list[dict[str, Any]] = []
    async with asyncio.timeout(limit_s):
        while True:
            msg = json.loads(await ws.recv())
            frames.append(msg)
            if msg["type"] == "turn_end":
                return frames
            if (msg["type"] == "error" and not to_end
                    and not any(f["type"] == "tool_call" for f in frames)):
                return frames


def kinds(frames: list[dict[str, Any]]) -> list[str]:
    return [f["type"] for f in frames]


async def open_chat(live: LiveServer, user: str, role: str, session: str | None = None):
    url = f"{live.ws}?token={live.token(user, role)}" + (
        f"&session_id={session}" if session else ""
    )
    ws = await connect(url, max_size=8_000_000)
    hello = json.loads(await ws.recv())
    assert hello["type"] == "session" and hello["user_id"] == user and hello["role"] == role
    return ws, hello["session_id"]


def test_creator_asks_for_pending_orders(live: LiveServer) -> None:
    async def scenario() -> list[dict[str, Any]]:
        ws, _ = await open_chat(live, "c-0001", "creator")
        async with ws:
            return await turn(ws, {"type": "user_message", "text": "show my pending orders"})

    frames = asyncio.run(scenario())
    assert kinds(frames)[0] == "tool_call" and kinds(frames)[-2:] == [
        "assistant_message",
        "turn_end",
    ]
    call = frames[0]
    assert call["name"] == "list_orders" and call["args"] == {"status": "pending"}
    result = next(f for f in frames if f["type"] == "tool_result")
    assert result["ok"] and result["call_id"] == call["call_id"]
    orders = result["result"]["orders"]
    assert orders and all(o["status"] == "pending" and o["creator_id"] == "c-0001" for o in orders)
    reply = frames[-2]["text"]
    assert "pending" in reply and orders[0]["id"] in reply
    assert any(f["type"] == "assistant_delta" for f in frames)
    assert frames[-1]["latency_ms"]["total"] > 0


def test_buyer_searches_within_50_km_of_jaipur(live: LiveServer, seeded_store) -> None:
    token = httpx.post(f"{live.http}/auth/guest").json()["token"]

    async def scenario() -> list[dict[str, Any]]:
        async with connect(f"{live.ws}?token={token}") as ws:
            assert json.loads(await ws.recv())["role"] == "buyer"
            return await turn(
                ws, {"type": "user_message", "text": "blue pottery near Jaipur within 50 km"}
            )

    frames = asyncio.run(scenario())
    call = next(f for f in frames if f["type"] == "tool_call")
    assert call["name"] == "search_products"
    assert call["args"]["location"] == "Jaipur" and call["args"]["radius_km"] == 50
    products = next(f for f in frames if f["type"] == "tool_result")["result"]["products"]
    assert products, "the seed has blue pottery creators in Jaipur"
    jaipur = Gazetteer.default().resolve("Jaipur")
    with seeded_store.session() as s:
        for p in products:
            creator = s.scalar(select(Creator).join(Product).where(Product.id == p["id"]))
            # Property 15, checked independently of the tool's own distance field.
            assert distance_km((jaipur.lat, jaipur.lon), (creator.lat, creator.lon)) <= 50
            assert p["distance_km"] <= 50
    assert "Jaipur" in frames[-2]["text"]


def test_bad_input_gets_error_frames_and_the_socket_stays_usable(
    live: LiveServer, seeded_store
) -> None:
    with seeded_store.session() as s:
        price_before = s.get(Product, "p-00012").price

    async def scenario() -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        ws, _ = await open_chat(live, "b-0001", "buyer")
        async with ws:
            out["malformed"] = await turn(ws, "{not json")
            out["unknown_type"] = await turn(ws, {"type": "dance"})
            # an internal frame type: a client cannot forge a voice turn
            out["forged_voice"] = await turn(ws, {"type": "voice_turn", "recording": {}})
            out["empty_text"] = await turn(ws, {"type": "user_message", "text": "   "})
            out["huge"] = await turn(ws, {"type": "user_message", "text": "x" * 1_000_001})
            # refused in words with FORBIDDEN, as a turn: read it to its turn_end
            out["forbidden"] = await turn(
                ws, {"type": "user_message", "text": "change the price of p-00012 to 950"},
                to_end=True,
            )
            out["bad_status"] = await turn(
                ws, {"type": "user_message", "text": "show my returned orders"}
            )
            out["confirm_nothing"] = await turn(
                ws, {"type": "confirm", "action_id": "x", "approved": True}
            )
            out["good"] = await turn(ws, {"type": "user_message", "text": "show my orders"})
        return out

    out = asyncio.run(scenario())

    def error_code(frames: list[dict[str, Any]]) -> str:
        err = next(f for f in frames if f["type"] == "error")["error"]
        assert set(err) == {"code", "message", "details", "timestamp", "request_id"}
        return err["code"]

    assert error_code(out["malformed"]) == "BAD_REQUEST"
    assert error_code(out["unknown_type"]) == "UNKNOWN_FRAME_TYPE"
    assert error_code(out["forged_voice"]) == "UNKNOWN_FRAME_TYPE"
    assert error_code(out["empty_text"]) == "VALIDATION_ERROR"
    assert error_code(out["huge"]) == "PAYLOAD_TOO_LARGE"
    assert error_code(out["forbidden"]) == "FORBIDDEN"
    assert "confirm_request" not in kinds(out["forbidden"]), "a refused call is not put to the user"
    assert error_code(out["bad_status"]) == "VALIDATION_ERROR"
    bad = next(f for f in out["bad_status"] if f["type"] == "error")["error"]
    assert bad["details"]["field"] == "status"
    assert error_code(out["confirm_nothing"]) == "CONFLICT"
    good = out["good"]
    assert kinds(good)[-1] == "turn_end" and any(
        f["type"] == "tool_result" and f["ok"] for f in good
    )
    with seeded_store.session() as s:
        assert s.get(Product, "p-00012").price == price_before, "nothing was written"


def test_missing_and_expired_tokens_are_refused(live: LiveServer) -> None:
    async def first_frame(url: str) -> tuple[dict[str, Any], int | None]:
        async with connect(url) as ws:
            frame = json.loads(await ws.recv())
            try:
                await ws.recv()
            except ConnectionClosed as closed:
                return frame, closed.rcvd.code if closed.rcvd else None
        return frame, None

    async def via_auth_frame(token: str) -> dict[str, Any]:
        async with connect(live.ws) as ws:
            await ws.send(json.dumps({"type": "auth", "token": token}))
            return json.loads(await ws.recv())

    expired = jwt.encode(
        {"sub": "c-0001", "role": "creator", "exp": int(time.time()) - 10},
        live.settings.jwt_secret,
        algorithm="HS256",
    )
    frame, code = asyncio.run(first_frame(f"{live.ws}?token={expired}"))
    assert (
        frame["error"]["code"] == "UNAUTHORIZED"
        and frame["error"]["details"]["reason"] == "expired"
    )
    assert code == 4401
    frame, code = asyncio.run(first_frame(f"{live.ws}?token=garbage"))
    assert frame["error"]["code"] == "UNAUTHORIZED" and code == 4401
    assert asyncio.run(via_auth_frame(live.token("c-0001", "creator")))["type"] == "session"


def test_conversation_resumes_after_a_restart(seeded_store, data_dir, database_url) -> None:
    from gateway.settings import Settings

    settings = Settings(
        env="test",
        data_dir=data_dir,
        database_url=database_url,
        dev_auth=True,
        jwt_secret="test-secret-0123456789abcdef-0123456789",
        _env_file=None,
    )
    session = f"s-restart-{int(time.time() * 1000)}"

    async def say(server: LiveServer, text: str) -> list[dict[str, Any]]:
        ws, sid = await open_chat(server, "c-0001", "creator", session)
        assert sid == session
        async with ws:
            return await turn(ws, {"type": "user_message", "text": text})

    first = LiveServer(settings).start()
    try:
        frames = asyncio.run(say(first, "show my pending orders"))
        assert next(f for f in frames if f["type"] == "tool_call")["args"] == {"status": "pending"}
    finally:
        first.stop()
    second = LiveServer(settings).start()
    try:
        # "what about shipped ones" names no tool: only the restored state says it means orders.
        frames = asyncio.run(say(second, "what about shipped ones"))
        call = next(f for f in frames if f["type"] == "tool_call")
        assert call["name"] == "list_orders" and call["args"] == {"status": "shipped"}
    finally:
        second.stop()
