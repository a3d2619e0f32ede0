"""Similar listings and buyer-preference matches.

Every recommendation shares at least one attribute with the viewed listing: its craft, a
material, or a creator within 50 km, and names which (prop 16). A buyer whose stated
preferences (craft or category, and price range) match a listing gets a notification, and so
does the listing's creator (prop 34).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.discovery import ProductDoc
from domain.geodesy import haversine_km

NEARBY_KM = 50.0


@dataclass(frozen=True)
class Recommendation:
    """A similar listing and what it has in common with the viewed one."""

    doc: ProductDoc
    shared: list[str]
    distance_km: float
    score: float


def shared_attributes(seen: ProductDoc, other: ProductDoc) -> tuple[list[str], float]:
    """What ``other`` shares with ``seen`` (craft, materials, ``nearby``) and the distance."""
    shared: list[str] = []
    if seen.craft and seen.craft.casefold() == other.craft.casefold():
        shared.append(f"craft:{seen.craft}")
    mine = {m.casefold() for m in seen.materials}
    shared += [f"material:{m}" for m in sorted({m.casefold() for m in other.materials} & mine)]
    km = float(haversine_km(other.lat, other.lon, seen.lat, seen.lon))
    # The sphere may be 0.6 % off the geodesic; stay on the safe side of 50 km.
    if km <= NEARBY_KM * 0.994:
        shared.append("nearby")
    return shared, km


def recommend(
    seen: ProductDoc, candidates: Iterable[ProductDoc], limit: int = 6
) -> list[Recommendation]:
    """Listings sharing the most with ``seen``: same craft first, then materials and proximity."""
    recs = []
    for other in candidates:
        if other.id == seen.id:
            continue
        shared, km = shared_attributes(seen, other)
        if not shared:
            continue
        score = (
            3.0 * any(s.startswith("craft:") for s in shared)
            + sum(s.startswith("material:") for s in shared)
            + 1.5 * ("nearby" in shared)
            + 0.5 * (other.category == seen.category)
            + 0.5 * other.quality
            + 0.3 * (other.creator_id != seen.creator_id)
        )
        recs.append(Recommendation(other, shared, round(km, 1), round(score, 3)))
    recs.sort(key=lambda r: (-r.score, r.distance_km, r.doc.id))
    return recs[:limit]


def matches_preferences(prefs: Mapping[str, Any], doc: ProductDoc) -> bool:
    """Whether a listing fits a buyer's crafts or categories and price range."""
    crafts = {c.casefold() for c in prefs.get("crafts", []) or []}
    categories = set(prefs.get("categories", []) or [])
    kind_ok = doc.craft.casefold() in crafts or doc.category in categories
    low = float(prefs.get("min_price") or 0)
    high = float(prefs.get("max_price") or float("inf"))
    return bool(kind_ok and low <= doc.price <= high)


def match_notices(
    buyer_id: str, prefs: Mapping[str, Any], docs: Iterable[ProductDoc]
) -> list[dict[str, Any]]:
    """One notice for the buyer and one for the creator per matching listing."""
    notices = []
    for doc in docs:
        if not matches_preferences(prefs, doc):
            continue
        maker = doc.creator_name or doc.creator_id
        payload = {"product_id": doc.id, "buyer_id": buyer_id, "creator_id": doc.creator_id}
        notices.append(
            {
                "user_id": buyer_id,
                "kind": "preference_match",
                "payload": payload,
                "message": f"{doc.title} (₹{doc.price:,.0f}) by {maker} matches what you like.",
            }
        )
        notices.append(
            {
                "user_id": doc.creator_id,
                "kind": "preference_match",
                "payload": payload,
                "message": f"A buyer ({buyer_id}) looking for {doc.craft or doc.category} "
                f"in your price range may like {doc.title}.",
            }
        )
    return notices
