"""Change versions: how caches in every worker and replica learn that the store changed.

A session that flushes rows of a tracked table (products, creators, orders, sales, image
signatures, stored forecasts) remembers the topic and the keys; just before it commits it bumps
the topic's row in ``change_versions`` and logs the keys in ``change_log``, in that same
transaction. A cache reads one row per topic (:func:`read_versions`) and, when the version
moved, asks which keys changed (:func:`changed_keys`).

Why this is exact: the bump is an ``UPDATE … SET version = version + 1``, so it holds the
topic's row lock until commit and versions commit in order; once a reader sees version ``v``,
every change up to ``v`` is visible to its next statement. Bumping at commit, topics in sorted
order, keeps the lock short and free of deadlocks. ORM bulk statements count as "everything
changed"; raw SQL text is not seen (nothing in the product writes that way).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, event, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from domain.store.models_changes import ChangeLogEntry, ChangeVersion

EVERYTHING = "*"
# Versions of a topic whose keys stay in the log; a cache further behind rebuilds in full.
KEEP_VERSIONS = 2048
_PRUNE_EVERY = 256
_PENDING = "qalakar_changes"


def _id(prefix: str) -> Callable[[Any], str]:
    return lambda row: f"{prefix}{row.id}"


# table -> (topic, key of a changed row, or None when the topic needs no keys)
TRACKED: dict[str, tuple[str, Callable[[Any], str] | None]] = {
    "products": ("catalog", _id("p:")),
    "creators": ("catalog", _id("c:")),
    "orders": ("sales", None),
    "daily_sales": ("sales", None),
    "image_signatures": ("images", _id("")),
    "forecast_cache": ("forecasts", None),
}


@dataclass(frozen=True)
class Version:
    """Where a topic stands: the table's epoch (new after a reset) and a counter."""

    epoch: str | None
    number: int


NEVER = Version(None, -1)


def _pending(session: Session) -> dict[str, set[str]]:
    return session.info.setdefault(_PENDING, {})


def _record(session: Session, rows: Iterable[Any]) -> None:
    for row in rows:
        table = getattr(row, "__tablename__", None)
        if table in TRACKED:
            topic, key = TRACKED[table]
            keys = _pending(session).setdefault(topic, set())
            if key is not None:
                keys.add(key(row))


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    dirty = [row for row in session.dirty if session.is_modified(row)]
    _record(session, [*session.new, *dirty, *session.deleted])


def _bulk(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(getattr(state.statement, "table", None), "name", None)
        if table in TRACKED:
            _pending(state.session).setdefault(TRACKED[table][0], set()).add(EVERYTHING)


def _before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()
    pending = session.info.pop(_PENDING, None)
    if pending:
        for topic in sorted(pending):
            bump(session, topic, pending[topic])


def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_PENDING, None)


def bump(session: Session, topic: str, keys: Iterable[str] = ()) -> Version:
    """Advance ``topic`` by one and log ``keys`` at the new version, in the caller's transaction."""
    conn = session.connection()
    stmt = (
        update(ChangeVersion)
        .where(ChangeVersion.topic == topic)
        .values(version=ChangeVersion.version + 1)
        .returning(ChangeVersion.epoch, ChangeVersion.version)
    )
    row = conn.execute(stmt).first()
    if row is None:  # first write of this topic since the table was made
        dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(
            dialect_insert(ChangeVersion)
            .values(topic=topic, epoch=uuid.uuid4().hex, version=0)
            .on_conflict_do_nothing(index_elements=["topic"])
        )
        row = conn.execute(stmt).one()
    version = Version(row[0], int(row[1]))
    rows = [{"topic": topic, "version": version.number, "key": k[:64]} for k in sorted(set(keys))]
    if rows:
        conn.execute(insert(ChangeLogEntry), rows)
    if version.number % _PRUNE_EVERY == 0:
        conn.execute(
            delete(ChangeLogEntry).where(
                ChangeLogEntry.topic == topic,
                ChangeLogEntry.version <= version.number - KEEP_VERSIONS,
            )
        )
    return version


def read_versions(session: Session, topics: Iterable[str]) -> dict[str, Version]:
    """The current version of each topic (``Version(None, 0)`` for one never written)."""
    wanted = sorted(set(topics))
    rows = session.execute(
        select(ChangeVersion.topic, ChangeVersion.epoch, ChangeVersion.version).where(
            ChangeVersion.topic.in_(wanted)
        )
    ).all()
    found = {t: Version(e, int(v)) for t, e, v in rows}
    return {t: found.get(t, Version(None, 0)) for t in wanted}


def read_version(session: Session, topic: str) -> Version:
    """The current version of one topic."""
    return read_versions(session, [topic])[topic]


def changed_keys(session: Session, topic: str, since: Version, now: Version) -> set[str] | None:
    """Keys of ``topic`` changed after ``since`` up to ``now``; ``None``: rebuild everything."""
    if since.epoch != now.epoch or since.number < 0 or now.number < since.number:
        return None
    if now.number - since.number > KEEP_VERSIONS - _PRUNE_EVERY:
        return None
    keys = set(
        session.scalars(
            select(ChangeLogEntry.key).where(
                ChangeLogEntry.topic == topic,
                ChangeLogEntry.version > since.number,
                ChangeLogEntry.version <= now.number,
            )
        )
    )
    return None if EVERYTHING in keys else keys


def install_change_tracking() -> None:
    """Make every ORM session record and publish changes of tracked tables (idempotent)."""
    if event.contains(Session, "after_flush", _after_flush):
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _bulk)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_rollback", _forget)
