"""Changing listings: price updates with ownership checks, notifications and audit (prop 27).

A price update is a critical action: it notifies the creator twice (a visual in-app alert and
a voice notification) and is written to the audit log in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from domain.store import audit
from domain.store.models import Notification, Product


@dataclass(frozen=True)
class PriceChange:
    """What changed and who was told."""

    product_id: str
    old_price: float
    new_price: float
    notifications: list[dict[str, Any]]


def update_price(
    session: Session, *, actor_id: str, role: str, product_id: str, new_price: float
) -> PriceChange:
    """Set a listing's price; creators may change only their own listings."""
    if new_price <= 0:
        raise InvalidInput("the new price must be above zero", field="new_price")
    product = session.get(Product, product_id)
    if product is None:
        raise NotFound(f"no product {product_id}", field="product_id")
    if role != "admin" and product.creator_id != actor_id:
        raise PermissionDenied(f"{product_id} belongs to another creator", field="product_id")
    if product.status == "archived":
        raise Conflict(f"{product_id} is archived; restore it before changing its price")
    old = float(product.price)
    product.price = float(new_price)
    text = f"Price of {product.title} ({product_id}) changed from ₹{old:,.0f} to ₹{new_price:,.0f}."
    notes = []
    for channel, kind in (("in_app", "visual_alert"), ("voice", "voice_notification")):
        note = Notification(
            user_id=product.creator_id, channel=channel, kind=kind, message=text,
            payload={"product_id": product_id, "old_price": old, "new_price": float(new_price)},
        )
        session.add(note)
        notes.append({"user_id": product.creator_id, "channel": channel, "kind": kind})
    audit.append(
        session, actor=actor_id, action="price_update", target=product_id,
        details={"old_price": old, "new_price": float(new_price), "role": role},
    )
    return PriceChange(product_id, old, float(new_price), notes)
