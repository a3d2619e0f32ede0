"""``golden_price``: what a creator should charge for a piece, as a range with its reasons.

Unknown materials are refused with a ``VALIDATION_ERROR`` that names ``materials`` and lists the
known ones (``details.known``), rather than guessed: a wrong material can move the cost by 100×
(silk against cotton, gold against brass). Unknown categories are refused by the schema.
The market model trains once per process on the store's sold items and is cached in memory and
under ``<data_dir>/models`` (``ctx.config.data_dir``).
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from domain.pricing.engine import PriceQuery
from domain.pricing.service import price_for
from tools.common import Category, PlaceArg, Word, resolve_place
from tools.registry import ToolContext, tool


class Dimensions(BaseModel):
    """Size of the piece in centimetres."""

    length: float = Field(gt=0, le=1000, description="Length in cm")
    width: float = Field(gt=0, le=1000, description="Width in cm")
    height: float = Field(gt=0, le=1000, description="Height in cm")


class GoldenPriceArgs(BaseModel):
    """Arguments of ``golden_price``."""

    category: Category = Field(description="Product category, e.g. textiles for a saree")
    materials: list[Word] = Field(min_length=1, max_length=10,
                                 description="Main materials, lowercase singular: silk, clay")
    weight_kg: float = Field(gt=0, le=500, description="Weight of the finished piece in kg")
    production_hours: float = Field(gt=0, le=5000, description="Hours of work to make one piece")
    dimensions_cm: Dimensions | None = Field(default=None, description="Size in cm, if known")
    techniques: list[Word] = Field(default_factory=list, max_length=10,
                                  description="Techniques used, e.g. hand weaving")
    location: PlaceArg | None = Field(
        default=None, description="Where it is made; default: the creator's registered place")

    @field_validator("materials", "techniques")
    @classmethod
    def _clean(cls, v: list[str]) -> list[str]:
        out = [s.strip().lower() for s in v if s and s.strip()]
        return list(dict.fromkeys(out))


class PriceRange(BaseModel):
    """The range a creator can charge within."""

    min: float
    optimal: float
    max: float


class PriceBreakdown(BaseModel):
    """Cost components (INR) and the market's multiplier over cost."""

    materials: float
    labor: float
    overhead: float
    transport: float
    market_adjustment: float
    demand_multiplier: float = 1.0
    hourly_rate: float = 0.0


class GoldenPriceResult(BaseModel):
    """The golden price, its range and breakdown, and how sure the engine is."""

    golden_price: float
    price_range: PriceRange
    breakdown: PriceBreakdown
    confidence: float
    currency: str = "INR"
    market_price: float | None = None
    similar_items: int = 0
    low_confidence: bool = False
    wage_region: str | None = None
    notes: list[str] = []


@tool("golden_price", roles=("creator", "admin"))
def golden_price(ctx: ToolContext, args: GoldenPriceArgs) -> GoldenPriceResult:
    """Work out the fair ("golden") price of a handmade piece.

    It weighs its materials, weight and hours of work, the creator's regional wage, shipping to
    their markets and what similar pieces sold for. Use it for "what should I charge for…", "price
    my saree", "is ₹2000 right for this lamp".
    """
    # Coordinates carry no state, so the national wage applies to them.
    origin = resolve_place(args.location, ctx) if args.location is not None else None
    dims = (args.dimensions_cm.length, args.dimensions_cm.width, args.dimensions_cm.height) \
        if args.dimensions_cm else None
    query = PriceQuery(args.category, tuple(args.materials), args.weight_kg, args.production_hours,
                       tuple(args.techniques), dims, origin)
    g = price_for(ctx.store, query, user_id=ctx.user_id, data_dir=ctx.config.data_dir)
    return GoldenPriceResult(
        golden_price=g.golden_price,
        price_range=PriceRange(min=g.price_min, optimal=g.price_optimal, max=g.price_max),
        breakdown=PriceBreakdown(
            materials=round(g.cost.materials, 2), labor=round(g.cost.labor, 2),
            overhead=round(g.cost.overhead, 2), transport=round(g.cost.transport, 2),
            market_adjustment=g.market_adjustment, demand_multiplier=g.demand_multiplier,
            hourly_rate=round(g.cost.hourly_rate, 2)),
        confidence=g.confidence,
        market_price=round(g.market_price, 2) if g.market_price is not None else None,
        similar_items=g.similar_items, low_confidence=g.low_confidence,
        wage_region=g.cost.wage_state, notes=g.notes)
