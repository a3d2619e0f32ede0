"""A replica killed mid-turn: the client reconnects to another one and the turn is answered once.

Two ``qalakar serve`` processes share one PostgreSQL (store and checkpoints) and Redis. The kill
lands at the worst moment, deterministically: the test holds a lock that lets the checkpoint
tables be read but not written, waits until the replica blocks writing the turn's checkpoint
(so every effect of the turn is already committed), and SIGKILLs it there. The client then does
what the widget does: reconnect to another replica with its session id and resend what was not
answered (the message with its ``message_id``, the confirmation with its ``action_id``).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from domain.store import AuditEntry, Product, Store
from tests.postgres import seeded_database
from tests.processes import GatewayProcess, gateway_env

pytestmark = pytest.mark.integration

DB = "faults_replica_db"
REDIS_URL = "redis://127.0.0.1:6379/0"
CHECKPOINT_TABLES = "checkpoints, checkpoint_blobs, checkpoint_writes"


class CheckpointHold:
    """A transaction holding the checkpoint tables in EXCLUSIVE mode: reads pass, writes wait."""

    def __init__(self, url: str) -> None:
        self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        self.conn.execute(f"LOCK TABLE {CHECKPOINT_TABLES} IN EXCLUSIVE MODE")

    def blocked(self) -> list[int]:
        """Server processes waiting for this lock (a gateway writing a checkpoint)."""
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))"
        ).fetchall()
        return [r[0] for r in rows]

    def wait_for_writer(self, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while not self.blocked():
            assert time.monotonic() < deadline, "no checkpoint write reached the lock"
            time.sleep(0.02)

    def release(self) -> None:
        """End the writes the killed replica left waiting (never written), then the lock."""
        for pid in self.blocked():
            self.conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        self.conn.rollback()
        self.conn.close()


async def _open(server: GatewayProcess, token: str, session_id: str
                ) -> tuple[ClientConnection, list[dict[str, Any]]]:
    """Connect with the session id; the opening frames (session, history) up to a pong."""
    ws = await connect(f"{server.ws}?token={token}&session_id={session_id}")
    await ws.send(json.dumps({"type": "ping"}))
    opening = []
    while not opening or opening[-1]["type"] != "pong":
        opening.append(json.loads(await asyncio.wait_for(ws.recv(), 30)))
    assert opening[0] == {**opening[0], "type": "session", "session_id": session_id}
    return ws, opening[:-1]


async def _turn(ws: ClientConnection, frame: dict[str, Any]) -> list[dict[str, Any]]:
    await ws.send(json.dumps(frame))
    frames = []
    while not frames or frames[-1]["type"] != "turn_end":
        if isinstance(data := await asyncio.wait_for(ws.recv(), 60), str):  # not speech
            frames.append(json.loads(data))
    return frames


async def _killed_while_checkpointing(ws: ClientConnection, frame: dict[str, Any],
                                      server: GatewayProcess, url: str) -> None:
    """Send ``frame`` and SIGKILL ``server`` once its turn is done but not yet checkpointed."""
    hold = CheckpointHold(url)
    try:
        await ws.send(json.dumps(frame))
        await asyncio.to_thread(hold.wait_for_writer)
        server.kill()
    finally:
        hold.release()
    with pytest.raises(ConnectionClosed):
        while True:
            await asyncio.wait_for(ws.recv(), 30)


def _history(opening: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for f in opening if f["type"] == "history" for m in f["messages"]]


def _kinds(frames: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [f for f in frames if f["type"] == kind]


def _price_changes(store: Store, pid: str) -> tuple[int, float]:
    with store.session() as s:
        audits = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "price_update", AuditEntry.target == pid))
        return audits or 0, float(s.get(Product, pid).price)


async def _scenario(a: GatewayProcess, b: GatewayProcess, spare: GatewayProcess, url: str,
                    store: Store, pid: str, prices: tuple[float, float]) -> None:
    token = a.token("c-0001", "creator")
    sid = f"s-kill-{uuid.uuid4().hex[:8]}"
    audits, _ = _price_changes(store, pid)
    first, second = prices

    # 1. On A: one plain turn, then a price change asked for; its confirmation is cut by the kill.
    ws, _ = await _open(a, token, sid)
    assert not _kinds(await _turn(ws, {"type": "user_message", "text": "show my pending orders",
                                       "message_id": "m-1"}), "error")
    asked = _kinds(await _turn(ws, {"type": "user_message", "message_id": "m-2",
                                    "text": f"change the price of {pid} to {first:.0f}"}),
                   "confirm_request")
    assert len(asked) == 1, asked
    confirm = {"type": "confirm", "action_id": asked[0]["action_id"], "approved": True}
    await _killed_while_checkpointing(ws, confirm, a, url)
    assert _price_changes(store, pid) == (audits + 1, first)  # the effect is in, the turn not
    spare.launch()  # A comes back (as a new process) for the second kill

    # 2. On B: the conversation is there; the resent confirmation is answered, the price
    # changed once; sent once more (an answer lost again), the same reply is replayed.
    ws, opening = await _open(b, token, sid)
    said = _history(opening)
    assert "show my pending orders" in said and f"change the price of {pid} to {first:.0f}" in said
    frames = await _turn(ws, confirm)
    assert not _kinds(frames, "error"), frames
    (result,) = _kinds(frames, "tool_result")
    assert result["ok"] and result["result"]["new_price"] == first
    assert len(_kinds(frames, "assistant_message")) == 1
    frames = await _turn(ws, confirm)
    assert not _kinds(frames, "tool_result") and not _kinds(frames, "error"), frames
    (reply,) = _kinds(frames, "assistant_message")
    assert reply["replayed"] is True and reply["text"]
    assert _price_changes(store, pid) == (audits + 1, first)

    # 3. B is killed as it checkpoints the question of a second change: nothing of that turn
    # was kept, so the message resent to the restarted A runs (once), and is then replayed.
    ask = {"type": "user_message", "message_id": "m-3",
           "text": f"change the price of {pid} to {second:.0f}"}
    await _killed_while_checkpointing(ws, ask, b, url)
    await asyncio.to_thread(spare.wait_ready)
    ws, opening = await _open(spare, token, sid)
    assert ask["text"] not in _history(opening) and "show my pending orders" in _history(opening)
    asked = _kinds(await _turn(ws, ask), "confirm_request")
    assert len(asked) == 1, asked
    frames = await _turn(ws, {"type": "confirm", "action_id": asked[0]["action_id"],
                              "approved": True})
    assert [r["result"]["new_price"] for r in _kinds(frames, "tool_result")] == [second]
    frames = await _turn(ws, ask)
    assert not _kinds(frames, "confirm_request") and not _kinds(frames, "tool_result")
    assert [f.get("replayed") for f in _kinds(frames, "assistant_message")] == [True]
    assert _price_changes(store, pid) == (audits + 2, second)
    await ws.close()


def test_a_turn_cut_by_a_killed_replica_is_answered_once_by_another(data_dir, tmp_path) -> None:
    url = seeded_database(DB)
    store = Store.from_url(url)
    with store.session() as s:
        row = s.scalars(select(Product).where(Product.creator_id == "c-0001",
                                              Product.status == "active")
                        .order_by(Product.id)).first()
        pid, old_price = row.id, float(row.price)
    env = gateway_env(data_dir, url, checkpoint_url=url, redis_url=REDIS_URL,
                      rate_limit_per_minute=0, rate_limit_turns_per_minute=0,
                      speak_replies=False)
    a, b, spare = (GatewayProcess(env, log=tmp_path / f"{name}.log") for name in "ab2")
    try:
        a.start()  # builds the heritage index when the data folder has none; B reuses it
        b.start()
        prices = (round(old_price * 2 + 11), round(old_price * 2 + 23))
        asyncio.run(_scenario(a, b, spare, url, store, pid, prices))
    finally:
        for server in (a, b, spare):
            server.stop()
        with store.session() as s:
            s.get(Product, pid).price = old_price
        store.dispose()
