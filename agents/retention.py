"""Session retention: idle conversations expire, and old checkpoints of a live one are pruned.

LangGraph writes a checkpoint at every step of every turn and never deletes one, so the
store grows with each message. The newest checkpoint of a thread holds its whole state (the
messages, a pending confirmation), so older ones can go; a thread nobody has touched for
``ttl_days`` goes entirely. Checkpoint ids are UUIDv6, whose leading bits are the time they
were written: the age of a thread is read from its newest id, with no table of our own.
Works on the SQLite and the PostgreSQL savers (the two the assistant opens).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

# 100-ns intervals between the UUID epoch (1582-10-15) and the Unix epoch.
_UUID_EPOCH_OFFSET = 0x01B21DD213814000


def checkpoint_time(checkpoint_id: str) -> float:
    """When a checkpoint was written (Unix seconds), from its UUIDv6 id."""
    value = uuid.UUID(checkpoint_id).int
    ticks = ((value >> 80) << 12) | ((value >> 64) & 0x0FFF)
    return (ticks - _UUID_EPOCH_OFFSET) / 1e7


@dataclass
class RetentionReport:
    """What one pass removed."""

    threads_seen: int = 0
    threads_expired: int = 0
    checkpoints_pruned: int = 0


async def prune_sessions(saver: Any, *, ttl_days: float, keep_last: int = 20,
                         now: float | None = None) -> RetentionReport:
    """Delete threads idle for ``ttl_days`` and all but the newest ``keep_last`` checkpoints.

    Of each namespace of the others.

    Args:
        saver: an ``AsyncSqliteSaver`` or ``AsyncPostgresSaver``.
        ttl_days: a thread whose newest checkpoint is older than this is deleted (0 = never).
        keep_last: checkpoints kept per thread and namespace (at least 1).
        now: the current time (Unix seconds), for tests.
    """
    if keep_last < 1:
        raise ValueError("keep_last must be at least 1")
    moment = time.time() if now is None else now
    backend = _Postgres(saver) if _is_postgres(saver) else _Sqlite(saver)
    report = RetentionReport()
    latest = await backend.latest_per_thread()
    report.threads_seen = len(latest)
    for thread_id, newest in latest.items():
        if ttl_days > 0 and moment - checkpoint_time(newest) > ttl_days * 86400:
            await saver.adelete_thread(thread_id)
            report.threads_expired += 1
            continue
        report.checkpoints_pruned += await backend.prune_thread(thread_id, keep_last)
    return report


def _is_postgres(saver: Any) -> bool:
    return type(saver).__module__.startswith("langgraph.checkpoint.postgres")


class _Sqlite:
    """LangGraph's SQLite tables: ``checkpoints`` and ``writes``."""

    def __init__(self, saver: Any) -> None:
        self.saver = saver

    async def latest_per_thread(self) -> dict[str, str]:
        await self.saver.setup()
        async with self.saver.lock, self.saver.conn.execute(
            "SELECT thread_id, MAX(checkpoint_id) FROM checkpoints GROUP BY thread_id"
        ) as cur:
            return {str(t): str(c) for t, c in await cur.fetchall()}

    async def prune_thread(self, thread_id: str, keep_last: int) -> int:
        conn = self.saver.conn
        removed = 0
        async with self.saver.lock:
            async with conn.execute(
                "SELECT DISTINCT checkpoint_ns FROM checkpoints WHERE thread_id = ?", (thread_id,)
            ) as cur:
                namespaces = [row[0] for row in await cur.fetchall()]
            for ns in namespaces:
                async with conn.execute(
                    "SELECT checkpoint_id FROM checkpoints WHERE thread_id = ?"
                    " AND checkpoint_ns = ? ORDER BY checkpoint_id DESC LIMIT 1 OFFSET ?",
                    (thread_id, ns, keep_last - 1),
                ) as cur:
                    row = await cur.fetchone()
                if row is None:
                    continue
                cur = await conn.execute(
                    "DELETE FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ?"
                    " AND checkpoint_id < ?", (thread_id, ns, row[0]))
                removed += cur.rowcount
                await conn.execute(
                    "DELETE FROM writes WHERE thread_id = ? AND checkpoint_ns = ?"
                    " AND checkpoint_id < ?", (thread_id, ns, row[0]))
            await conn.commit()
        return removed


class _Postgres:
    """LangGraph's Postgres tables: ``checkpoints``, ``checkpoint_writes``, ``checkpoint_blobs``.

    Channel values live in blobs keyed by version; a blob no remaining checkpoint names in
    its ``channel_versions`` belonged only to pruned checkpoints and goes with them.
    """

    def __init__(self, saver: Any) -> None:
        self.saver = saver

    async def latest_per_thread(self) -> dict[str, str]:
        async with self.saver._cursor() as cur:
            await cur.execute(
                "SELECT thread_id, max(checkpoint_id) AS newest FROM checkpoints"
                " GROUP BY thread_id")
            return {str(r["thread_id"]): str(r["newest"]) for r in await cur.fetchall()}

    async def prune_thread(self, thread_id: str, keep_last: int) -> int:
        removed = 0
        async with self.saver._cursor() as cur:
            await cur.execute(
                "SELECT DISTINCT checkpoint_ns FROM checkpoints WHERE thread_id = %s", (thread_id,))
            namespaces = [r["checkpoint_ns"] for r in await cur.fetchall()]
            for ns in namespaces:
                await cur.execute(
                    "SELECT checkpoint_id FROM checkpoints WHERE thread_id = %s"
                    " AND checkpoint_ns = %s ORDER BY checkpoint_id DESC LIMIT 1 OFFSET %s",
                    (thread_id, ns, keep_last - 1))
                row = await cur.fetchone()
                if row is None:
                    continue
                oldest_kept = row["checkpoint_id"]
                await cur.execute(
                    "DELETE FROM checkpoints WHERE thread_id = %s AND checkpoint_ns = %s"
                    " AND checkpoint_id < %s", (thread_id, ns, oldest_kept))
                removed += cur.rowcount
                await cur.execute(
                    "DELETE FROM checkpoint_writes WHERE thread_id = %s AND checkpoint_ns = %s"
                    " AND checkpoint_id < %s", (thread_id, ns, oldest_kept))
                await cur.execute(
                    "DELETE FROM checkpoint_blobs b WHERE b.thread_id = %s"
                    " AND b.checkpoint_ns = %s AND NOT EXISTS (SELECT 1 FROM checkpoints c"
                    " WHERE c.thread_id = b.thread_id AND c.checkpoint_ns = b.checkpoint_ns"
                    " AND c.checkpoint -> 'channel_versions' ->> b.channel = b.version)",
                    (thread_id, ns))
        return removed
