"""The moderators' review queue: list open cases and decide them (admin only, props 40, 42)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from domain.fraud import moderation
from domain.store.models_verification import ReviewItem
from gateway.deps import AdminUser, StoreDep

router = APIRouter(prefix="/api/v1/review-queue", tags=["verification"])


class DecisionBody(BaseModel):
    """A moderator's decision on one case."""

    decision: Literal["confirm_fraud", "warn", "dismiss", "approve", "reject"]
    note: str = Field(default="", max_length=2000)


def _item(item: ReviewItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "target_type": item.target_type,
        "target_id": item.target_id,
        "seller_id": item.seller_id,
        "reason": item.reason,
        "score": item.score,
        "status": item.status,
        "evidence": item.evidence,
        "created_by": item.created_by,
        "created_at": item.created_at.isoformat(),
        "decided_by": item.decided_by,
        "decision_note": item.decision_note,
        "decided_at": item.decided_at.isoformat() if item.decided_at else None,
    }


@router.get("")
async def review_queue(
    user: AdminUser,
    store: StoreDep,
    status: Annotated[
        str | None, Query(pattern="^(open|confirmed_fraud|dismissed|warned|approved|rejected|all)$")
    ] = "open",
    kind: Annotated[str | None, Query(pattern="^(fraud|image_theft|authenticity)$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> dict[str, Any]:
    """Cases for moderators, newest first."""

    def run() -> dict[str, Any]:
        with store.session() as s:
            items, total = moderation.list_queue(
                s, status=None if status == "all" else status, kind=kind, limit=limit, offset=offset
            )
            return {
                "items": [_item(i) for i in items],
                "total": total,
                "limit": limit,
                "offset": offset,
            }

    return await asyncio.to_thread(run)


@router.post("/{item_id}/decision")
async def decide(
    item_id: int, body: DecisionBody, user: AdminUser, store: StoreDep
) -> dict[str, Any]:
    """Decide a case; confirmed fraud suspends the seller and notifies their buyers."""

    def run() -> dict[str, Any]:
        with store.session() as s:
            return moderation.decide(
                s, item_id=item_id, decision=body.decision, actor=user.user_id, note=body.note
            )

    return await asyncio.to_thread(run)
