"""The creator console's dashboard: one read of the caller's sales, orders and listings.

Figures come straight from the store (orders and products of the signed-in creator); the
demand forecast is the ``demand_forecast`` tool, which the page calls on its own.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from typing import Any

from fastapi import APIRouter
from sqlalchemy import select

from domain.store import Store
from domain.store.models import Creator, Order, Product
from gateway.deps import CurrentUser, StoreDep
from tools.registry import ToolError

router = APIRouter(prefix="/api/v1", tags=["creators"])
TOP_PRODUCTS = 5


def dashboard_of(store: Store, creator_id: str) -> dict[str, Any]:
    """Sales per month, orders by status, top products, listings and their golden-price status."""
    with store.session() as s:
        creator = s.get(Creator, creator_id)
        if creator is None:
            raise ToolError("NOT_FOUND", f"no creator {creator_id}", {"field": "creator_id"})
        orders = list(s.scalars(select(Order).where(Order.creator_id == creator_id)))
        products = {p.id: p for p in s.scalars(select(Product).where(
            Product.creator_id == creator_id))}
        sales: dict[str, float] = defaultdict(float)
        revenue: Counter[str] = Counter()
        for o in orders:
            if o.status == "cancelled":
                continue
            sales[o.created_at.strftime("%Y-%m")] += float(o.total_amount)
            revenue[o.product_id] += float(o.product_price) * o.quantity
        top = [{"product_id": pid, "title": products[pid].title if pid in products else pid,
                "revenue": round(amount, 2)}
               for pid, amount in revenue.most_common(TOP_PRODUCTS)]
        listings = Counter(p.status for p in products.values())
        pricing = [_price_status(p) for p in products.values() if p.status == "active"]
        return {
            "creator_id": creator_id, "name": creator.name, "category": creator.category,
            "craft": creator.primary_craft, "currency": "INR",
            "sales_by_month": [
                {"month": m, "total": round(v, 2)} for m, v in sorted(sales.items())
            ],
            "orders_by_status": dict(Counter(o.status for o in orders)),
            "top_products": top,
            "listings_by_status": dict(listings),
            "golden_price_status": dict(Counter(p["status"] for p in pricing)),
            "off_golden_price": [p for p in pricing if p["status"] in ("below", "above")][:5],
        }


def _price_status(p: Product) -> dict[str, Any]:
    """A listing's price against its golden price range (``qalakar refresh`` writes it)."""
    if p.golden_price is None or p.price_min is None or p.price_max is None:
        status = "unpriced"
    elif p.price < p.price_min:
        status = "below"
    elif p.price > p.price_max:
        status = "above"
    else:
        status = "within"
    return {"product_id": p.id, "title": p.title, "price": float(p.price),
            "golden_price": p.golden_price, "status": status}


@router.get("/creators/me/dashboard")
async def my_dashboard(store: StoreDep, user: CurrentUser) -> dict[str, Any]:
    """The signed-in creator's dashboard figures."""
    if user.role != "creator":
        raise ToolError("FORBIDDEN", "the dashboard is for creators", {"field": "role"})
    return await asyncio.to_thread(dashboard_of, store, user.user_id)
