"""``search_products``: find crafts by words, place and radius, price and authenticity."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import discovery
from domain.discovery_store import live_index
from domain.errors import InvalidInput
from domain.store import Store
from domain.store.models import Cluster
from domain.vision.library import product_images
from tools.common import PlaceArg, Word, home_of, media_url, resolve_place
from tools.registry import ToolContext, tool


class SearchProductsArgs(BaseModel):
    """Arguments of ``search_products``; all optional."""

    query: str | None = Field(
        default=None, max_length=300, description="What the buyer wants, in words"
    )
    location: PlaceArg | None = None
    radius_km: float | None = Field(
        default=None,
        gt=0,
        le=5000,
        description="Only results within this distance; none = nationwide",
    )
    craft_types: list[Word] = Field(
        default_factory=list, max_length=10, description="e.g. ['blue pottery']"
    )
    price_min: float | None = Field(default=None, ge=0)
    price_max: float | None = Field(default=None, ge=0)
    min_authenticity: float | None = Field(default=None, ge=0, le=100)
    limit: int = Field(default=10, ge=1, le=50)


class ProductHit(BaseModel):
    """One product in the results."""

    id: str
    title: str
    price: float
    category: str
    craft: str = ""
    authenticity_score: float | None = None
    creator_id: str
    creator_name: str = ""
    region: str = ""  # where the maker works (state)
    rating: float = 0.0
    distance_km: float | None = None
    trending: bool = False
    quality: bool = False
    url: str = ""
    image_urls: list[str] = []


class SearchProductsResult(BaseModel):
    """Ranked products and where they come from."""

    products: list[ProductHit]
    creators: list[dict] = []
    craft_clusters: list[dict] = []
    heritage_trails: list[dict] = []
    total: int = 0
    center: dict | None = None
    radius_km: float | None = None


def product_index(store: Store, session: Session | None = None) -> discovery.ProductIndex:
    """The live index of ``store``, refreshed with whatever was written since the last look.

    ``session``: read through that open session instead of a new one.
    """
    live = live_index(f"{store.url}#{id(store.engine)}")
    if session is not None:
        return live.refresh(session)
    with store.session() as s:
        return live.refresh(s)


def _clusters(session: Session, ids: list[str]) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows = {k.id: k for k in session.execute(
        select(Cluster.id, Cluster.name, Cluster.lat, Cluster.lon, Cluster.craft)
        .where(Cluster.id.in_(ids)))}
    return [
        {
            "id": k.id,
            "name": k.name,
            "lat": k.lat,
            "lon": k.lon,
            "craft": k.craft,
            "heritage_trail": f"heritage_trail(cluster_id={k.id})",
        }
        for k in (rows[i] for i in ids if i in rows)
    ]


@tool("search_products", roles="any")
def search_products(ctx: ToolContext, args: SearchProductsArgs) -> SearchProductsResult:
    """Search active handicraft listings by words, place, radius (km), crafts, price, authenticity.

    With a radius every result lies within it of the location; without one the search is nationwide.
    Quality listings (authenticity over 80, rating over 4) rank first, trending ones next.
    """
    if (
        args.price_min is not None
        and args.price_max is not None
        and args.price_min > args.price_max
    ):
        raise InvalidInput("price_min is above price_max", field="price_min")
    center = resolve_place(args.location, ctx) if args.location is not None else None
    if center is None and args.radius_km is not None:
        center = home_of(ctx.store, ctx.user_id)
        if center is None:
            raise InvalidInput("a radius needs a location to measure from", field="location")
    query = discovery.SearchQuery(
        text=args.query or "",
        center=center,
        radius_km=args.radius_km,
        craft_types=args.craft_types,
        price_min=args.price_min,
        price_max=args.price_max,
        min_authenticity=args.min_authenticity,
        limit=args.limit,
    )
    # One transaction for the index's version check, the clusters and the photos: each
    # session is a pool checkout (and a ping on PostgreSQL), a BEGIN and a COMMIT.
    with ctx.store.session() as s:
        hits = product_index(ctx.store, s).search(query)
        clusters = _clusters(s, hits.cluster_ids)
        photos = product_images(s, [p["id"] for p in hits.products])
    return SearchProductsResult(
        products=[
            ProductHit(**p, url=f"/p/{p['id']}",
                       image_urls=[media_url(k) for k in photos.get(p["id"], [])[:4]])
            for p in hits.products
        ],
        creators=hits.creators,
        craft_clusters=clusters,
        heritage_trails=[
            {"cluster_id": k["id"], "name": f"{k['name']} heritage trail"} for k in clusters[:3]
        ],
        total=hits.total,
        center={"name": center.name, "lat": center.lat, "lon": center.lon} if center else None,
        radius_km=args.radius_km,
    )
