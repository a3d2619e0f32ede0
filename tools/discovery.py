"""``recommend_similar``: listings like the one being viewed, each saying what it shares."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select

from domain.errors import NotFound
from domain.recommend import match_notices, recommend
from domain.store.models import Buyer, Notification
from tools.common import ProductId
from tools.registry import ToolContext, tool
from tools.search import product_index


class RecommendSimilarArgs(BaseModel):
    """Arguments of ``recommend_similar``."""

    product_id: ProductId = Field(description="The listing being viewed, like p-00012")
    limit: int = Field(default=6, ge=1, le=30)


class SimilarProduct(BaseModel):
    """A recommended listing and the attributes it shares with the viewed one."""

    id: str
    title: str
    price: float
    craft: str
    creator_id: str
    creator_name: str = ""
    authenticity_score: float | None = None
    rating: float = 0.0
    distance_km: float
    shared: list[str]


class RecommendSimilarResult(BaseModel):
    """Similar listings, and who was told about a preference match."""

    product_id: str
    products: list[SimilarProduct]
    notified: list[str] = []


@tool("recommend_similar", roles="any")
def recommend_similar(ctx: ToolContext, args: RecommendSimilarArgs) -> RecommendSimilarResult:
    """Recommend listings similar to a product.

    Similar means the same craft, a shared material, or made within 50 km. Each result names what it
    shares ("craft:…", "material:…", "nearby").
    """
    index = product_index(ctx.store)
    slot = index.slot.get(args.product_id)
    if slot is None:
        raise NotFound(f"no active product {args.product_id}", field="product_id")
    seen = index.docs[slot]
    live = (index.docs[i] for i in index.slot.values())
    recs = recommend(seen, live, args.limit)
    notified: list[str] = []
    with ctx.store.session() as s:
        buyer = s.get(Buyer, ctx.user_id) if ctx.role == "buyer" else None
        if buyer is not None and buyer.preferences:
            told = {
                (n.user_id, (n.payload or {}).get("product_id"))
                for n in s.scalars(
                    select(Notification).where(
                        Notification.kind == "preference_match",
                        Notification.payload.is_not(None),
                        Notification.user_id == buyer.id,
                    )
                )
            }
            for notice in match_notices(buyer.id, buyer.preferences, [r.doc for r in recs]):
                if (buyer.id, notice["payload"]["product_id"]) in told:
                    continue  # this buyer already heard about this listing
                s.add(
                    Notification(
                        user_id=notice["user_id"],
                        channel="in_app",
                        kind=notice["kind"],
                        message=notice["message"],
                        payload=notice["payload"],
                    )
                )
                notified.append(notice["user_id"])
    return RecommendSimilarResult(
        product_id=args.product_id,
        products=[
            SimilarProduct(
                id=r.doc.id,
                title=r.doc.title,
                price=r.doc.price,
                craft=r.doc.craft,
                creator_id=r.doc.creator_id,
                creator_name=r.doc.creator_name,
                authenticity_score=r.doc.authenticity_score,
                rating=r.doc.rating,
                distance_km=r.distance_km,
                shared=r.shared,
            )
            for r in recs
        ],
        notified=notified,
    )
