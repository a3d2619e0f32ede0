"""The golden price: cost plus what the market pays, as a range with a confidence.

    min      = cost × 1.1                         (a 10 % margin floor)
    optimal  = cost × market_adjustment × demand   (the golden price)
    max      = 90th percentile of similar sold items (never below optimal)

``market_adjustment`` is the market model's predicted price over the cost, clipped to
:data:`ADJUSTMENT_BAND`; ``demand`` is a mild multiplier from the category's recent sales.
Without a market model (too little sold data) the price is a cost-plus estimate flagged
``low_confidence``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from domain.errors import InvalidInput, quote
from domain.places import Place
from domain.pricing.cost import DEFAULT_MARKETS, CostBreakdown, production_cost
from domain.pricing.market import MarketModel, SoldItem
from domain.pricing.tables import CostTables, default_tables
from domain.store.models import CATEGORIES

MIN_MARGIN = 1.10
ADJUSTMENT_BAND = (MIN_MARGIN, 3.5)
# Without a market model: the markup craft retailers commonly take over cost.
COST_PLUS_ADJUSTMENT = 1.35
# How far recent demand may move the price: ±5 %.
DEMAND_BAND = (0.95, 1.05)
DEMAND_SENSITIVITY = 0.1
LOW_CONFIDENCE = 0.4


@dataclass(frozen=True)
class PriceQuery:
    """What the creator tells us about the piece."""

    category: str
    materials: tuple[str, ...]
    weight_kg: float
    production_hours: float
    techniques: tuple[str, ...] = ()
    dims_cm: tuple[float, float, float] | None = None
    origin: Place | None = None
    authenticity: float | None = None

    def as_item(self) -> SoldItem:
        """The query in the market model's terms."""
        region = self.origin.state if self.origin is not None else ""
        return SoldItem(self.category, self.materials, self.techniques, self.weight_kg,
                        self.production_hours, region, self.authenticity)


@dataclass(frozen=True)
class GoldenPrice:
    """The engine's answer; money in INR, rounded to rupees."""

    golden_price: float
    price_min: float
    price_optimal: float
    price_max: float
    cost: CostBreakdown
    market_price: float | None
    market_adjustment: float
    demand_multiplier: float
    confidence: float
    similar_items: int
    low_confidence: bool
    notes: list[str] = field(default_factory=list)


def demand_multiplier(demand_index: float) -> float:
    """Recent sales over their yearly average, turned into a price nudge within ±5 %."""
    return float(np.clip(1 + DEMAND_SENSITIVITY * (demand_index - 1), *DEMAND_BAND))


def validate(query: PriceQuery, tables: CostTables) -> None:
    """Refuse what the engine cannot price, naming the field and what is known."""
    if query.category not in CATEGORIES:
        raise InvalidInput(
            f"unknown category {quote(query.category)}; known categories: {', '.join(CATEGORIES)}",
            field="category", known=list(CATEGORIES))
    if not query.materials:
        raise InvalidInput("at least one material is needed", field="materials",
                           known=tables.known_materials())
    for m in query.materials:
        tables.material(m)  # raises with the known list
    if not 0 < query.weight_kg <= 500:
        raise InvalidInput("weight_kg must be above 0 and at most 500", field="weight_kg")
    if not 0 < query.production_hours <= 5000:
        raise InvalidInput("production_hours must be above 0 and at most 5000",
                           field="production_hours")


def _confidence(n_similar: int, error: float, clipped: bool, known_wage: bool) -> float:
    # More similar sales and a smaller out-of-fold error on the category both raise trust.
    support = n_similar / (n_similar + 15.0)
    accuracy = max(0.0, 1.0 - error / 0.5)
    c = support * accuracy
    if clipped:
        c *= 0.7  # the market and the cost disagree by more than the sane band
    if not known_wage:
        c *= 0.9
    return float(np.clip(c, 0.05, 0.99))


def golden_price(query: PriceQuery, model: MarketModel | None, *, demand_index: float = 1.0,
                 markets: Sequence[tuple[Place, float]] = DEFAULT_MARKETS,
                 tables: CostTables | None = None) -> GoldenPrice:
    """Price one piece: the cost side from the tables, the market side from ``model``."""
    tables = tables or default_tables()
    validate(query, tables)
    cost = production_cost(category=query.category, materials=query.materials,
                           weight_kg=query.weight_kg, production_hours=query.production_hours,
                           origin=query.origin, dims_cm=query.dims_cm, markets=markets,
                           tables=tables)
    notes: list[str] = []
    demand = demand_multiplier(demand_index)
    if model is None:
        adjustment, market, clipped, similar = COST_PLUS_ADJUSTMENT, None, False, np.zeros(0)
        confidence = 0.2
        notes.append("no market data: a cost-plus estimate")
    else:
        item = query.as_item()
        market = model.predict(item, tables)
        raw = market / cost.total
        adjustment = float(np.clip(raw, *ADJUSTMENT_BAND))
        clipped = adjustment != raw
        if clipped:
            notes.append(f"market price ₹{market:,.0f} is {raw:.2f}× cost; clipped to "
                         f"{adjustment:.2f}×")
        similar = model.similar_prices(item, tables)
        confidence = _confidence(len(similar), model.error_of(query.category), clipped,
                                 cost.wage_state is not None)
    if cost.wage_state is None:
        notes.append("no wage figure for this state: the national average was used")
    price_min = cost.total * MIN_MARGIN
    optimal = max(price_min, cost.total * adjustment * demand)
    p90 = float(np.percentile(similar, 90)) if len(similar) else optimal * 1.25
    price_max = max(optimal, p90)
    return GoldenPrice(
        golden_price=round(optimal), price_min=round(price_min), price_optimal=round(optimal),
        price_max=round(price_max), cost=cost, market_price=market,
        market_adjustment=round(adjustment, 4), demand_multiplier=round(demand, 4),
        confidence=round(confidence, 3), similar_items=int(len(similar)),
        low_confidence=confidence < LOW_CONFIDENCE, notes=notes)
