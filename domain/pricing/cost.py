"""The cost side of the golden price: materials, labour, overhead and transport, in INR.

Materials come from the material table, labour from the state wage table, transport from the
logistics rate cards: the expected cheapest courier charge to the creator's main markets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from domain.errors import InvalidInput
from domain.logistics.providers import zone_of
from domain.logistics.rate_cards import METROS, RATE_CARDS, price
from domain.places import Place
from domain.pricing.tables import CostTables, default_tables

# Workshop costs that scale with the work: tools, light, rent share, packing material.
OVERHEAD_MULTIPLIER = 0.15
# Offcuts, breakage in firing or casting, dye baths: material bought beyond what ends up in
# the piece.
MATERIAL_WASTAGE = 1.10
# Accent materials never make up more than this share of a piece's weight together.
MAX_ACCENT_SHARE = 0.6
# Materials this dear per kg are plating, foil or leaf, never the body of a piece.
PRECIOUS_INR_PER_KG = 1_000_000
# The body of a piece whose listed materials are all accents: a brass-like base metal.
UNNAMED_BASE_INR_PER_KG = 600.0
FRAGILE_CATEGORIES = frozenset({"pottery", "glass", "stonework"})

# Where handicraft orders go when a creator has no history: the metros of the rate cards.
_METRO_STATES = {"Delhi": "Delhi", "Mumbai": "Maharashtra", "Kolkata": "West Bengal",
                 "Chennai": "Tamil Nadu", "Bengaluru": "Karnataka", "Hyderabad": "Telangana",
                 "Ahmedabad": "Gujarat", "Pune": "Maharashtra"}
DEFAULT_MARKETS: tuple[tuple[Place, float], ...] = tuple(
    (Place(name, lat, lon, _METRO_STATES.get(name, ""), kind="metro"), 1.0)
    for name, (lat, lon) in METROS.items()
)


# Zones depend only on the two places; geodesic distances are the slow part of a quote.
_zone = lru_cache(maxsize=8192)(zone_of)


@dataclass(frozen=True)
class CostBreakdown:
    """What making and sending one piece costs the creator."""

    materials: float
    labor: float
    overhead: float
    transport: float
    hourly_rate: float
    wage_state: str | None

    @property
    def total(self) -> float:
        """Materials + labour + overhead + transport."""
        return self.materials + self.labor + self.overhead + self.transport


def material_cost(materials: Sequence[str], weight_kg: float,
                  tables: CostTables | None = None) -> float:
    """INR of the materials in a piece of ``weight_kg``.

    Accent materials (zari, gold, mirror…) take their typical share of the weight; bulk
    materials split the rest equally. With no bulk material listed, the rest is costed at the
    cheapest listed material that is not precious (gold never fills a piece: "gold" on a kundan
    necklace is foil over a base), else at :data:`UNNAMED_BASE_INR_PER_KG`.
    """
    if weight_kg <= 0:
        raise InvalidInput("weight must be positive", field="weight_kg")
    if not materials:
        raise InvalidInput("at least one material is needed", field="materials")
    tables = tables or default_tables()
    rows = list({m.name: m for m in (tables.material(name) for name in materials)}.values())
    accents = [m for m in rows if m.share is not None]
    bulk = [m for m in rows if m.share is None]
    accent_share = sum(m.share or 0.0 for m in accents)
    scale = min(1.0, MAX_ACCENT_SHARE / accent_share) if accent_share else 1.0
    cost = sum(weight_kg * (m.share or 0.0) * scale * m.inr_per_kg for m in accents)
    rest = weight_kg * (1.0 - accent_share * scale)
    if bulk:
        cost += sum(rest / len(bulk) * m.inr_per_kg for m in bulk)
    else:
        fillers = [m.inr_per_kg for m in accents if m.inr_per_kg < PRECIOUS_INR_PER_KG]
        cost += rest * (min(fillers) if fillers else UNNAMED_BASE_INR_PER_KG)
    return cost * MATERIAL_WASTAGE


def transport_cost(origin: Place, weight_kg: float, category: str,
                   dims_cm: tuple[float, float, float] | None = None,
                   declared_price: float = 0.0,
                   markets: Sequence[tuple[Place, float]] = DEFAULT_MARKETS) -> float:
    """Expected courier charge to the creator's markets, weighted by their share of orders.

    Each market is priced at the cheapest rate card that carries the parcel.
    """
    total_weight = sum(w for _, w in markets)
    if total_weight <= 0:
        raise InvalidInput("markets need a positive total weight", field="markets")
    fragile = category in FRAGILE_CATEGORIES
    expected = 0.0
    for market, share in markets:
        zone = _zone(origin, market)
        charges = [price(card, zone, weight_kg, dims_cm, declared_price, fragile).total
                   for card in RATE_CARDS if weight_kg <= card.max_kg]
        if not charges:
            raise InvalidInput(f"no courier carries {weight_kg:g} kg", field="weight_kg")
        expected += share / total_weight * min(charges)
    return expected


def production_cost(*, category: str, materials: Sequence[str], weight_kg: float,
                    production_hours: float, origin: Place | None,
                    dims_cm: tuple[float, float, float] | None = None,
                    markets: Sequence[tuple[Place, float]] = DEFAULT_MARKETS,
                    tables: CostTables | None = None) -> CostBreakdown:
    """The full cost breakdown of one piece made at ``origin`` (``None``: national wage, Delhi)."""
    if production_hours <= 0:
        raise InvalidInput("production hours must be positive", field="production_hours")
    tables = tables or default_tables()
    mat = material_cost(materials, weight_kg, tables)
    state = origin.state if origin is not None else None
    rate = tables.hourly_rate(state)
    labor = production_hours * rate
    overhead = (mat + labor) * OVERHEAD_MULTIPLIER
    here = origin or DEFAULT_MARKETS[0][0]
    transport = transport_cost(here, weight_kg, category, dims_cm, mat + labor, markets)
    return CostBreakdown(mat, labor, overhead, transport, rate,
                         state if tables.has_wage(state) else None)
