"""``update_price``: change a listing's price (critical: the agent confirms first)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from domain import listings
from tools.common import ProductId
from tools.registry import ToolContext, tool


class UpdatePriceArgs(BaseModel):
    """Arguments of ``update_price``."""

    product_id: ProductId = Field(description="The listing id, like p-00012")
    new_price: float = Field(gt=0, le=10_000_000, description="The new price in INR")


class UpdatePriceResult(BaseModel):
    """Old and new price and the notifications sent."""

    product_id: str
    old_price: float
    new_price: float
    currency: str = "INR"
    notifications: list[dict]


@tool("update_price", roles=("creator", "admin"), critical=True)
def update_price(ctx: ToolContext, args: UpdatePriceArgs) -> UpdatePriceResult:
    """Change the price of one of the caller's listings (admins: any listing).

    A critical action: confirm with the user before calling it.
    """
    with ctx.store.session() as s:
        change = listings.update_price(
            s, actor_id=ctx.user_id, role=ctx.role, product_id=args.product_id,
            new_price=args.new_price,
        )
    return UpdatePriceResult(
        product_id=change.product_id, old_price=change.old_price, new_price=change.new_price,
        notifications=change.notifications,
    )
