"""Read the marketplace over REST: creators, products, orders (paginated, own orders only)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from domain.store import Store
from domain.store.models import Creator, Order, Product
from gateway.deps import CurrentUser, StoreDep
from tools.common import media_url
from tools.registry import ToolError

router = APIRouter(prefix="/api/v1", tags=["marketplace"])

Limit = Annotated[int, Query(ge=1, le=200)]
# Past a billion rows an offset is an attack, not a page (2**63 overflowed the database).
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]

_CREATOR_FIELDS = ("id", "name", "region", "cluster_id", "primary_craft", "category", "lat", "lon",
                   "years_experience", "bio", "average_rating", "review_count",
                   "authenticity_score",
                   "status", "preferred_language")
_PRODUCT_FIELDS = ("id", "creator_id", "title", "description", "category", "craft", "materials",
                   "techniques", "colors", "length_cm", "width_cm", "height_cm", "weight_kg",
                   "price",
                   "golden_price", "price_min", "price_optimal", "price_max", "currency",
                   "production_hours", "authenticity_score", "images", "rating", "status")
_ORDER_FIELDS = ("id", "buyer_id", "creator_id", "product_id", "quantity", "product_price",
                 "shipping_cost", "total_amount", "currency", "ship_city", "ship_state", "provider",
                 "tracking_number", "estimated_delivery", "status", "timeline", "created_at")


def _row(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    if isinstance(obj, Product):  # where the photos and the page are served
        keys = [i["key"] if isinstance(i, dict) else str(i) for i in obj.images or []]
        out["image_urls"] = [media_url(k) for k in keys]
        out["thumbnail_urls"] = [media_url(k, thumb=True) for k in keys]
        out["url"] = f"/p/{obj.id}"
    return out


def _page(store: Store, model: Any, fields: tuple[str, ...], where: list, limit: int,
          offset: int) -> dict[str, Any]:
    with store.session() as s:
        total = s.scalar(select(func.count()).select_from(model).where(*where)) or 0
        rows = s.scalars(select(model).where(*where).order_by(model.id).limit(limit).offset(offset))
        items = [_row(r, fields) for r in rows]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def _one(store: Store, model: Any, fields: tuple[str, ...], item_id: str) -> dict[str, Any]:
    with store.session() as s:
        obj = s.get(model, item_id)
        if obj is None:
            what = model.__tablename__[:-1]
            raise ToolError("NOT_FOUND", f"no {what} {item_id}", {"id": item_id})
        return _row(obj, fields)


@router.get("/creators")
async def creators(store: StoreDep, user: CurrentUser, limit: Limit = 50, offset: Offset = 0,
                   cluster_id: str | None = None) -> dict[str, Any]:
    """Creators, by id; optionally of one cluster."""
    where = [Creator.cluster_id == cluster_id] if cluster_id else []
    return await asyncio.to_thread(_page, store, Creator, _CREATOR_FIELDS, where, limit, offset)


@router.get("/creators/{creator_id}")
async def creator(store: StoreDep, user: CurrentUser, creator_id: str) -> dict[str, Any]:
    """One creator's public profile."""
    return await asyncio.to_thread(_one, store, Creator, _CREATOR_FIELDS, creator_id)


@router.get("/products")
async def products(store: StoreDep, user: CurrentUser, limit: Limit = 50, offset: Offset = 0,
                   category: str | None = None, creator_id: str | None = None) -> dict[str, Any]:
    """Active listings (admins and their owners also see the rest)."""
    where: list = []
    if category:
        where.append(Product.category == category)
    if creator_id:
        where.append(Product.creator_id == creator_id)
    if user.role != "admin" and creator_id != user.user_id:
        where.append(Product.status == "active")
    return await asyncio.to_thread(_page, store, Product, _PRODUCT_FIELDS, where, limit, offset)


@router.get("/products/{product_id}")
async def product(store: StoreDep, user: CurrentUser, product_id: str) -> dict[str, Any]:
    """One listing."""
    return await asyncio.to_thread(_one, store, Product, _PRODUCT_FIELDS, product_id)


def _own_orders(user: CurrentUser) -> list:
    if user.role == "admin":
        return []
    if user.role == "creator":
        return [Order.creator_id == user.user_id]
    return [Order.buyer_id == user.user_id]


@router.get("/orders")
async def orders(store: StoreDep, user: CurrentUser, limit: Limit = 50, offset: Offset = 0,
                 status: str | None = None) -> dict[str, Any]:
    """The caller's orders (admins: all)."""
    where = _own_orders(user) + ([Order.status == status] if status else [])
    return await asyncio.to_thread(_page, store, Order, _ORDER_FIELDS, where, limit, offset)


@router.get("/orders/{order_id}")
async def order(store: StoreDep, user: CurrentUser, order_id: str) -> dict[str, Any]:
    """One of the caller's orders; someone else's is NOT_FOUND, not FORBIDDEN (no probing)."""
    data = await asyncio.to_thread(_one, store, Order, _ORDER_FIELDS, order_id)
    if user.role != "admin" and user.user_id not in (data["buyer_id"], data["creator_id"]):
        raise ToolError("NOT_FOUND", f"no order {order_id}", {"id": order_id})
    return data
