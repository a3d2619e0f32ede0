"""Product search, first version: text match plus a geodesic radius filter.

The Access engines replace the internals (spatial index, BM25, ranking signals) behind the same
function; what stays is the contract that every result lies within the radius (prop 15).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.places import Place, distance_km
from domain.store.models import Cluster, Creator, Product

STOPWORDS = frozenset(
    "a an and the of for in on at to with by from near me my show find search looking want "
    "some any buy get items item products product things craft crafts handmade made".split()
)
KM_PER_DEG_LAT = 110.574


def terms(text: str) -> list[str]:
    """Lowercase word terms without stopwords, crudely singularised."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
            for w in words if w not in STOPWORDS]


@dataclass
class SearchQuery:
    """What to look for; ``center`` and ``radius_km`` together restrict by distance."""

    text: str = ""
    center: Place | None = None
    radius_km: float | None = None
    craft_types: list[str] = field(default_factory=list)
    price_min: float | None = None
    price_max: float | None = None
    min_authenticity: float | None = None
    limit: int = 10


@dataclass
class SearchHits:
    """Ranked products plus the creators and clusters they come from."""

    products: list[dict[str, Any]]
    creators: list[dict[str, Any]]
    clusters: list[dict[str, Any]]
    total: int


def _bbox(center: Place, radius_km: float) -> tuple[float, float, float, float]:
    dlat = radius_km / KM_PER_DEG_LAT
    dlon = radius_km / max(1e-6, 111.320 * math.cos(math.radians(center.lat)))
    return center.lat - dlat, center.lat + dlat, center.lon - dlon, center.lon + dlon


def search(session: Session, q: SearchQuery) -> SearchHits:
    """Active products matching the text and filters, within the radius when one is given."""
    cond = [Product.status == "active", Creator.status == "active"]
    if q.price_min is not None:
        cond.append(Product.price >= q.price_min)
    if q.price_max is not None:
        cond.append(Product.price <= q.price_max)
    if q.min_authenticity is not None:
        cond.append(Product.authenticity_score >= q.min_authenticity)
    if q.center is not None and q.radius_km is not None:
        # A cheap box first; the exact geodesic check below decides.
        lat0, lat1, lon0, lon1 = _bbox(q.center, q.radius_km * 1.01 + 1)
        cond += [Creator.lat.between(lat0, lat1), Creator.lon.between(lon0, lon1)]
    rows = session.execute(
        select(Product, Creator).join(Creator, Creator.id == Product.creator_id).where(*cond)
    ).all()

    wanted = terms(q.text)
    crafts = [c.lower() for c in q.craft_types]
    distances: dict[str, float | None] = {}
    scored: list[tuple[float, float, Product, Creator]] = []
    for product, creator in rows:
        if creator.id not in distances:
            distances[creator.id] = (
                distance_km((q.center.lat, q.center.lon), (creator.lat, creator.lon))
                if q.center is not None else None
            )
        dist = distances[creator.id]
        if q.radius_km is not None and dist is not None and dist > q.radius_km:
            continue
        haystack = " ".join(
            [product.title, product.description, product.craft, product.category,
             " ".join(product.materials or []), " ".join(product.techniques or []),
             creator.primary_craft]
        ).lower()
        if crafts and not any(c in haystack for c in crafts):
            continue
        hay_terms = set(terms(haystack))
        matched = sum(1 for t in wanted if t in hay_terms)
        if wanted and matched == 0:
            continue
        relevance = matched / len(wanted) if wanted else 1.0
        quality = (product.authenticity_score or 0) / 100 * 0.3 + (product.rating or 0) / 5 * 0.2
        scored.append((relevance + quality, dist if dist is not None else 0.0, product, creator))

    scored.sort(key=lambda s: (-s[0], s[1], s[2].id))
    top = scored[: q.limit]
    products = [
        {
            "id": p.id, "title": p.title, "price": round(p.price, 2), "category": p.category,
            "craft": p.craft, "authenticity_score": p.authenticity_score,
            "creator_id": c.id, "creator_name": c.name, "rating": p.rating,
            "distance_km": round(distances[c.id], 2) if distances[c.id] is not None else None,
        }
        for _, _, p, c in top
    ]
    seen: dict[str, dict[str, Any]] = {}
    for _, _, _, c in top:
        seen.setdefault(c.id, {
            "id": c.id, "name": c.name, "primary_craft": c.primary_craft, "region": c.region,
            "lat": c.lat, "lon": c.lon,
            "distance_km": round(distances[c.id], 2) if distances[c.id] is not None else None,
        })
    cluster_ids = {c.cluster_id for _, _, _, c in top if c.cluster_id}
    clusters = [
        {"id": k.id, "name": k.name, "lat": k.lat, "lon": k.lon, "craft": k.craft}
        for k in session.scalars(select(Cluster).where(Cluster.id.in_(cluster_ids)).order_by(Cluster.id))
    ] if cluster_ids else []
    return SearchHits(products, list(seen.values()), clusters, len(scored))
