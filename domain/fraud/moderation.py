"""The review queue and moderator decisions (props 11, 40, 42).

Detections open review items; a moderator's decision closes them. Confirmed fraud suspends
the seller, withdraws their active listings and notifies every buyer who bought from them.
Every detection and every decision is appended to the hash-chained audit log in the same
transaction as the change it records.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.errors import Conflict, InvalidInput, NotFound, quote
from domain.store import audit
from domain.store.models import Creator, Notification, Order, Product, utcnow
from domain.store.models_verification import ReviewItem

# What a moderator may decide, per kind of case, and the status each decision leaves.
DECISIONS: dict[str, dict[str, str]] = {
    "fraud": {"confirm_fraud": "confirmed_fraud", "warn": "warned", "dismiss": "dismissed"},
    "image_theft": {"confirm_fraud": "confirmed_fraud", "warn": "warned", "dismiss": "dismissed"},
    "authenticity": {
        "approve": "approved",
        "reject": "rejected",
        "confirm_fraud": "confirmed_fraud",
    },
}


def enqueue(
    session: Session,
    *,
    kind: str,
    target_type: str,
    target_id: str,
    seller_id: str | None,
    reason: str,
    score: float | None,
    evidence: dict[str, Any],
    actor: str,
) -> tuple[ReviewItem, bool]:
    """Open a case unless one is already open for the same target; audit the detection."""
    open_item = session.scalars(
        select(ReviewItem).where(
            ReviewItem.kind == kind, ReviewItem.target_id == target_id, ReviewItem.status == "open"
        )
    ).first()
    if open_item is not None:
        open_item.evidence = evidence
        open_item.score = score
        return open_item, False
    item = ReviewItem(
        kind=kind,
        target_type=target_type,
        target_id=target_id,
        seller_id=seller_id,
        reason=reason,
        score=score,
        evidence=evidence,
        status="open",
        created_by=actor,
    )
    session.add(item)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="review_opened",
        target=target_id,
        details={"review_id": item.id, "kind": kind, "reason": reason, "score": score},
    )
    return item, True


def list_queue(
    session: Session,
    *,
    status: str | None = "open",
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ReviewItem], int]:
    """Cases newest first, and how many match."""
    query = select(ReviewItem)
    if status:
        query = query.where(ReviewItem.status == status)
    if kind:
        query = query.where(ReviewItem.kind == kind)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(session.scalars(query.order_by(ReviewItem.id.desc()).limit(limit).offset(offset)))
    return items, int(total)


def decide(
    session: Session, *, item_id: int, decision: str, actor: str, note: str = ""
) -> dict[str, Any]:
    """Apply a moderator's decision to an open case; returns what it changed."""
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise NotFound(f"no review item {item_id}", field="id")
    allowed = DECISIONS.get(item.kind, {})
    if decision not in allowed:
        raise InvalidInput(
            f"{quote(decision)} is not a decision for a {item.kind} case",
            field="decision",
            allowed=sorted(allowed),
        )
    if item.status != "open":
        raise Conflict(f"review item {item_id} was already decided ({item.status})")
    item.status = allowed[decision]
    item.decided_by = actor
    item.decided_at = utcnow()
    item.decision_note = note
    effects: dict[str, Any] = {}
    if decision == "confirm_fraud":
        seller = item.seller_id or item.target_id
        effects = suspend_seller(session, seller, actor=actor, review_id=item.id)
    elif decision == "reject" and item.target_type == "product":
        product = session.get(Product, item.target_id)
        if product is not None:
            product.status = "archived"
            effects = {"archived_products": [product.id]}
    elif decision == "warn" and item.seller_id:
        session.add(
            Notification(
                user_id=item.seller_id,
                channel="in_app",
                kind="fraud_warning",
                message="A moderator reviewed your account and issued a warning: "
                + (note or item.reason),
                payload={"review_id": item.id},
            )
        )
        effects = {"warned": item.seller_id}
    audit.append(
        session,
        actor=actor,
        action="moderation_decision",
        target=item.target_id,
        details={
            "review_id": item.id,
            "kind": item.kind,
            "decision": decision,
            "status": item.status,
            "note": note,
            **_brief(effects),
        },
    )
    return {"id": item.id, "status": item.status, "decision": decision, **effects}


def _brief(effects: dict[str, Any]) -> dict[str, Any]:
    return {k: (len(v) if isinstance(v, list) else v) for k, v in effects.items()}


def suspend_seller(
    session: Session, seller_id: str, *, actor: str, review_id: int | None = None
) -> dict[str, Any]:
    """Prop 40: suspend the account, withdraw its listings, tell every buyer who bought."""
    creator = session.get(Creator, seller_id)
    if creator is None:
        raise NotFound(f"no creator {seller_id}", field="seller_id")
    creator.status = "suspended"
    withdrawn = []
    for product in session.scalars(
        select(Product).where(Product.creator_id == seller_id, Product.status == "active")
    ):
        product.status = "archived"
        withdrawn.append(product.id)
    buyers = sorted(
        set(session.scalars(select(Order.buyer_id).where(Order.creator_id == seller_id)))
    )
    for buyer_id in buyers:
        session.add(
            Notification(
                user_id=buyer_id,
                channel="in_app",
                kind="seller_suspended",
                message=(
                    f"A seller you bought from ({creator.name}, {seller_id}) was suspended after "
                    "a fraud review. If an order has a problem, contact support for a refund."
                ),
                payload={"seller_id": seller_id, "review_id": review_id},
            )
        )
    session.add(
        Notification(
            user_id=seller_id,
            channel="in_app",
            kind="account_suspended",
            message="Your account was suspended after a fraud review.",
            payload={"review_id": review_id},
        )
    )
    audit.append(
        session,
        actor=actor,
        action="account_suspended",
        target=seller_id,
        details={
            "review_id": review_id,
            "buyers_notified": len(buyers),
            "listings_withdrawn": len(withdrawn),
        },
    )
    return {"suspended": seller_id, "buyers_notified": buyers, "archived_products": withdrawn}
