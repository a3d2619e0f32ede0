"""The append-only, hash-chained audit log (seed prop 42).

Each entry's hash covers its content and the previous entry's hash, so editing or deleting
any record breaks :func:`verify_chain`; the ORM also refuses updates and deletes outright.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from domain.store.models import AuditEntry, utcnow

GENESIS = "0" * 64


class AuditLogViolation(RuntimeError):
    """Raised when code tries to update or delete an audit entry."""


def _digest(prev_hash: str, ts: str, actor: str, action: str, target: str, details: Any) -> str:
    body = json.dumps(
        [prev_hash, ts, actor, action, target, details], sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _ts_text(entry: AuditEntry) -> str:
    # SQLite drops tzinfo on read; hash the naive UTC wall time so both backends agree.
    return entry.ts.replace(tzinfo=None).isoformat(timespec="microseconds")


def append(
    session: Session, *, actor: str, action: str, target: str, details: dict[str, Any] | None = None
) -> AuditEntry:
    """Append one entry chained to the last one, within the caller's transaction."""
    last = session.scalars(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1).with_for_update()
    ).first()
    prev_hash = last.hash if last else GENESIS
    entry = AuditEntry(
        ts=utcnow(), actor=actor, action=action, target=target, details=details or {},
        prev_hash=prev_hash, hash="",
    )
    entry.hash = _digest(prev_hash, _ts_text(entry), actor, action, target, entry.details)
    session.add(entry)
    session.flush()
    return entry


def verify_chain(session: Session) -> tuple[bool, int | None]:
    """Check every link; returns ``(True, None)`` or ``(False, id of the first bad entry)``."""
    prev = GENESIS
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        expected = _digest(
            prev, _ts_text(entry), entry.actor, entry.action, entry.target, entry.details
        )
        if entry.prev_hash != prev or entry.hash != expected:
            return False, entry.id
        prev = entry.hash
    return True, None


def _refuse(_mapper, _conn, target: AuditEntry) -> None:  # SQLAlchemy hook
    raise AuditLogViolation(f"audit entry {target.id} is append-only")


def install_append_only_guard() -> None:
    """Make the ORM refuse UPDATE and DELETE of audit entries (idempotent)."""
    if not event.contains(AuditEntry, "before_update", _refuse):
        event.listen(AuditEntry, "before_update", _refuse)
        event.listen(AuditEntry, "before_delete", _refuse)
