"""``list_orders``: a creator's, buyer's or admin's orders, optionally by status."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from domain import orders
from tools.registry import ToolContext, tool

OrderStatus = Literal["pending", "confirmed", "in_production", "shipped", "delivered", "cancelled"]


class ListOrdersArgs(BaseModel):
    """Arguments of ``list_orders``."""

    status: OrderStatus | None = Field(default=None, description="Only orders in this status")
    limit: int = Field(default=20, ge=1, le=100, description="At most this many orders")


class OrderSummary(BaseModel):
    """One order as the assistant shows it."""

    id: str
    status: str
    product_id: str
    product_title: str
    buyer_id: str
    creator_id: str
    quantity: int
    total_amount: float
    currency: str = "INR"
    ship_city: str = ""
    created_at: str | None = None
    estimated_delivery: str | None = None


class ListOrdersResult(BaseModel):
    """Orders newest first, the total matching, and counts per status."""

    orders: list[OrderSummary]
    total: int
    status: str | None = None
    counts_by_status: dict[str, int] = {}


@tool("list_orders", roles=("creator", "buyer", "admin"))
def list_orders(ctx: ToolContext, args: ListOrdersArgs) -> ListOrdersResult:
    """List the caller's orders (a creator's sales, a buyer's purchases), newest first.

    Use it for "show my pending orders", "which orders have shipped", "my orders".
    """
    with ctx.store.session() as s:
        page = orders.list_orders(
            s, user_id=ctx.user_id, role=ctx.role, status=args.status, limit=args.limit
        )
    return ListOrdersResult(
        orders=[OrderSummary(**o) for o in page.orders],
        total=page.total,
        status=args.status,
        counts_by_status=page.counts_by_status,
    )
