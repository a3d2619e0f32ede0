"""Voice notifications: queued by the dispatcher, spoken at the start of the next voice reply.

:func:`take_spoken_notices` claims the user's queued voice notifications (marking them
delivered in the same transaction, so two sockets never speak one twice) and returns the
sentences to say before the reply.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from domain.store import Notification, Store
from domain.store.models import utcnow

MAX_NOTICES = 3


def take_spoken_notices(store: Store, user_id: str) -> list[str]:
    """The user's voice notifications waiting to be spoken, oldest first; marked delivered."""
    with store.session() as s:
        rows = list(s.scalars(
            select(Notification).where(
                Notification.user_id == user_id, Notification.channel == "voice",
            ).order_by(Notification.id).limit(50).with_for_update(skip_locked=True)
        ))
        out: list[str] = []
        now = utcnow()
        for row in rows:
            state = (row.deliveries or {}).get("voice", {})
            if state.get("status") != "queued" or len(out) >= MAX_NOTICES:
                continue
            row.deliveries = {**(row.deliveries or {}), "voice": {
                **state, "status": "delivered", "spoken_at": now.isoformat()}}
            out.append(row.message)
        return out


def spoken_with_notices(notices: list[str], reply: str) -> str:
    """The text to speak: the notices first, then the reply."""
    if not notices:
        return reply
    head = ("You have a new notification." if len(notices) == 1
            else f"You have {len(notices)} new notifications.")
    return " ".join([head, *notices, reply]).strip()


def voice_notification_ids(result: dict[str, Any]) -> list[int]:
    """Ids of the voice notifications a tool result says it wrote."""
    return [int(n["id"]) for n in result.get("notifications", [])
            if n.get("channel") == "voice" and isinstance(n.get("id"), int)]


def mark_spoken(store: Store, ids: list[int]) -> None:
    """Record voice notifications as delivered: they were just spoken in the session."""
    if not ids:
        return
    with store.session() as s:
        for row in s.scalars(select(Notification).where(Notification.id.in_(ids))
                             .with_for_update()):
            state = (row.deliveries or {}).get("voice", {})
            row.deliveries = {**(row.deliveries or {}), "voice": {
                **state, "status": "delivered", "spoken_at": utcnow().isoformat(),
                "in_session": True}}
            # Only voice rows: nothing else to deliver, so the row is settled.
            row.delivery_status = "delivered"
            row.delivered_at = row.delivered_at or utcnow()
