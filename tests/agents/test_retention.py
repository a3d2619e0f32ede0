"""Session retention on the real savers: idle threads expire, old checkpoints are pruned.

Runs on SQLite always and on PostgreSQL when ``QALAKAR_TEST_DATABASE_URL`` names one (CI).
Turns go through the real assistant (embedded planner, small talk needs no store rows).
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from langgraph.checkpoint.base.id import uuid6

from agents.assistant import Assistant
from agents.retention import checkpoint_time, prune_sessions
from domain.store import Store
from gateway.settings import Settings
from gateway.wiring import open_assistant

PG_URL = os.environ.get("QALAKAR_TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not PG_URL, reason="set QALAKAR_TEST_DATABASE_URL to a PostgreSQL database"))]


def make_settings(backend: str, tmp_path: Path) -> Settings:
    return Settings(env="test", data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/s.db",
                    checkpoint_url=PG_URL if backend == "postgres" else None,
                    jwt_secret="test-secret-0123456789abcdef-0123456789", _env_file=None)


async def say(assistant: Assistant, user: str, session: str, text: str) -> None:
    async for _ in assistant.stream(user_id=user, role="buyer", session_id=session, text=text):
        pass


async def newest(saver: Any, thread_id: str) -> str:
    tup = await saver.aget_tuple({"configurable": {"thread_id": thread_id}})
    assert tup is not None
    return str(tup.config["configurable"]["checkpoint_id"])


async def count(saver: Any, thread_id: str) -> int:
    return len([c async for c in saver.alist({"configurable": {"thread_id": thread_id}})])


@hsettings(max_examples=100, deadline=None)
@given(st.floats(min_value=0, max_value=2e9))
def test_checkpoint_time_reads_the_uuid6_clock(seconds: float) -> None:
    """A UUIDv6 written at a moment decodes to that moment (to its 100 ns resolution)."""
    ticks = int(seconds * 1e7) + 0x01B21DD213814000
    value = ((ticks >> 12) << 80) | (0x6 << 76) | ((ticks & 0x0FFF) << 64) | 0x8000_0000_0000_0001
    assert abs(checkpoint_time(str(uuid.UUID(int=value))) - seconds) < 1e-6 + seconds * 1e-15
    assert abs(checkpoint_time(str(uuid6())) - time.time()) < 5


@pytest.mark.parametrize("backend", BACKENDS)
def test_idle_threads_expire_and_live_ones_keep_their_newest_checkpoints(
    backend: str, tmp_path: Path, store: Store,
) -> None:
    settings = make_settings(backend, tmp_path)
    tag = uuid.uuid4().hex[:8]
    idle_user, live_user = f"b-idle-{tag}", f"b-live-{tag}"

    async def scenario() -> None:
        async with open_assistant(settings, store=store) as assistant:
            saver = assistant.graph.checkpointer
            idle = assistant.thread_id(idle_user, "s-1")
            live = assistant.thread_id(live_user, "s-1")
            await say(assistant, idle_user, "s-1", "hello")
            await asyncio.sleep(0.2)
            for text in ("hello", "thank you", "what can you do", "hi again"):
                await say(assistant, live_user, "s-1", text)
            idle_at = checkpoint_time(await newest(saver, idle))
            live_at = checkpoint_time(await newest(saver, live))
            before_live = await count(saver, live)
            messages_before = len((await assistant.graph.aget_state(
                {"configurable": {"thread_id": live}})).values["messages"])
            assert before_live > 3

            ttl_days = 30.0
            now = idle_at + ttl_days * 86400 + (live_at - idle_at) / 2
            report = await prune_sessions(saver, ttl_days=ttl_days, keep_last=3, now=now)

            assert report.threads_expired >= 1
            assert await count(saver, idle) == 0, "the idle thread is gone"
            assert await count(saver, live) == 3, "the live thread keeps its newest three"
            assert report.checkpoints_pruned >= before_live - 3
            state = await assistant.graph.aget_state({"configurable": {"thread_id": live}})
            assert len(state.values["messages"]) == messages_before, "nothing of it was lost"
            await say(assistant, live_user, "s-1", "thanks")  # and it carries on
            state = await assistant.graph.aget_state({"configurable": {"thread_id": live}})
            assert len(state.values["messages"]) == messages_before + 2

            # a second pass with nothing to do removes nothing
            again = await prune_sessions(saver, ttl_days=ttl_days, keep_last=3, now=now)
            assert again.threads_expired == 0
            await prune_sessions(saver, ttl_days=0, keep_last=1)
            assert await count(saver, live) == 1, "ttl 0 keeps threads; keep_last still prunes"

    asyncio.run(scenario())


def test_keep_last_must_be_positive() -> None:
    with pytest.raises(ValueError, match="keep_last"):
        asyncio.run(prune_sessions(object(), ttl_days=1, keep_last=0))
