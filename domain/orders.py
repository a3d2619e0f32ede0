"""Reading orders: who may see which, filtered by status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.store.models import Order, Product


@dataclass(frozen=True)
class OrderPage:
    """A page of orders and the count per status for the same owner."""

    orders: list[dict[str, Any]]
    total: int
    counts_by_status: dict[str, int]


def list_orders(
    session: Session, *, user_id: str, role: str, status: str | None, limit: int = 20
) -> OrderPage:
    """Orders the caller owns (creators: sold by them; buyers: bought by them; admins: all)."""
    owner = []
    if role == "creator":
        owner.append(Order.creator_id == user_id)
    elif role != "admin":
        owner.append(Order.buyer_id == user_id)
    counts = dict(
        session.execute(
            select(Order.status, func.count()).where(*owner).group_by(Order.status)
        ).all()
    )
    wanted = [*owner, Order.status == status] if status else owner
    rows = session.execute(
        select(Order, Product.title)
        .join(Product, Product.id == Order.product_id)
        .where(*wanted)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(limit)
    ).all()
    orders = [
        {
            "id": o.id,
            "status": o.status,
            "product_id": o.product_id,
            "product_title": title,
            "buyer_id": o.buyer_id,
            "creator_id": o.creator_id,
            "quantity": o.quantity,
            "total_amount": round(o.total_amount, 2),
            "currency": o.currency,
            "ship_city": o.ship_city,
            "created_at": o.created_at.date().isoformat() if o.created_at else None,
            "estimated_delivery": o.estimated_delivery.isoformat()
            if o.estimated_delivery
            else None,
        }
        for o, title in rows
    ]
    total = counts.get(status, 0) if status else sum(counts.values())
    return OrderPage(orders, total, {k: int(v) for k, v in counts.items()})
