"""The in-app inbox (contracts §3): ``GET /api/v1/notifications``, newest first, and marking read.

Each item says what actually happened to it on every channel (``deliveries``) and overall
(``delivery_status``: pending, delivered or failed).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from sqlalchemy import func, select

from domain.store import Notification, Store
from domain.store.models import utcnow
from gateway.deps import CurrentUser, StoreDep
from tools.registry import ToolError

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


def item(note: Notification) -> dict[str, Any]:
    """One notification as the inbox shows it."""

    def iso(value: Any) -> str | None:
        if value is None:
            return None
        # SQLite hands back naive datetimes; every stored time is UTC.
        return (value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)).isoformat()

    return {
        "id": note.id, "kind": note.kind, "channel": note.channel, "message": note.message,
        "payload": note.payload or {}, "created_at": iso(note.created_at),
        "read_at": iso(note.read_at), "delivery_status": note.delivery_status,
        "deliveries": note.deliveries or {}, "delivered_at": iso(note.delivered_at),
    }


def _page(store: Store, user_id: str, limit: int, offset: int, unread: bool) -> dict[str, Any]:
    where = [Notification.user_id == user_id]
    if unread:
        where.append(Notification.read_at.is_(None))
    with store.session() as s:
        total = s.scalar(select(func.count()).select_from(Notification).where(*where)) or 0
        unread_count = s.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == user_id, Notification.read_at.is_(None))) or 0
        rows = s.scalars(select(Notification).where(*where)
                         .order_by(Notification.created_at.desc(), Notification.id.desc())
                         .limit(limit).offset(offset))
        items = [item(n) for n in rows]
    return {"items": items, "total": total, "unread": unread_count, "limit": limit,
            "offset": offset}


@router.get("")
async def inbox(
    user: CurrentUser, store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    unread: Annotated[bool, Query(description="Only unread ones")] = False,
) -> dict[str, Any]:
    """The caller's notifications, newest first."""
    return await asyncio.to_thread(_page, store, user.user_id, limit, offset, unread)


def _mark_read(store: Store, user_id: str, note_id: int) -> dict[str, Any]:
    with store.session() as s:
        note = s.get(Notification, note_id)
        if note is None or note.user_id != user_id:  # another user's id reads as absent
            raise ToolError("NOT_FOUND", f"no notification {note_id}", {"field": "id"})
        if note.read_at is None:
            note.read_at = utcnow()
        return item(note)


@router.post("/{note_id}/read")
async def mark_read(
    user: CurrentUser, store: StoreDep,
    note_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> dict[str, Any]:
    """Mark one of the caller's notifications read (idempotent)."""
    return await asyncio.to_thread(_mark_read, store, user.user_id, note_id)
