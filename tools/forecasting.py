"""Demand and production tools: ``demand_forecast``, ``production_plan``, ``inventory_health``.

Forecasts come from the cache of :mod:`domain.forecasting.service` (one ensemble run per
category, region and day of data; a cold miss runs it once, about a second). A ``region`` is
a state ("Rajasthan"), a place in it ("Jaipur"), or "all" for the whole country; a creator who
names none gets their own state when it has sales of that category, else the country.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain import production
from domain.errors import InvalidInput, quote
from domain.forecasting.demand import confidence, demand_percentile
from domain.forecasting.service import CACHE, creator_share, data_end, load_series
from domain.places import Gazetteer
from domain.pricing.tables import default_tables
from domain.store import Creator, DailySales, Order, Product
from domain.vocabulary import Vocabulary
from tools.common import Category
from tools.registry import ToolContext, tool

NATIONWIDE_WORDS = frozenset({"all", "india", "nationwide", "national", "everywhere", "country",
                              "all india", "whole country"})


# -- shared helpers --------------------------------------------------------------------------
def _resolve_region(s: Session, ctx: ToolContext, category: str, region: str | None,
                    nationwide_fallback: bool = False) -> tuple[str | None, list[str]]:
    """The state to forecast (None = nationwide) and a note on how it was chosen.

    A state named with no sales of the category is refused by the forecast (it has nothing to
    forecast from) unless ``nationwide_fallback``: a production plan still needs a demand.
    """
    known = set(s.scalars(select(DailySales.region).distinct())) | set(default_tables().wages)
    if region is None:
        creator = s.get(Creator, ctx.user_id)
        if creator is not None:
            has = s.scalar(select(func.count(DailySales.id)).where(
                DailySales.category == category, DailySales.region == creator.region))
            if has:
                return creator.region, []
            return None, [f"no {category} sales in {creator.region} yet: nationwide forecast"]
        return None, []
    word = " ".join(region.lower().split())
    if word in NATIONWIDE_WORDS:
        return None, []
    if (named := Vocabulary.default().canonical("region", region)) and named.cluster_id is None:
        region = named.canonical  # a state by any of its names: "UP", "orissa"
        word = region.lower()
    state = next((known_state for known_state in known if known_state.lower() == word), None)
    notes: list[str] = []
    if state is None:
        place = Gazetteer.default().resolve(region)  # raises UnknownPlace with suggestions
        if not place.state:
            raise InvalidInput(f"{quote(region)} is not inside an Indian state", field="region")
        state, notes = place.state, [f"{place.name} is in {place.state}"]
    if nationwide_fallback and not s.scalar(select(func.count(DailySales.id)).where(
            DailySales.category == category, DailySales.region == state)):
        return None, [*notes, f"no {category} sales in {state} yet: nationwide forecast"]
    return state, notes


def _share(s: Session, ctx: ToolContext, category: str, region: str | None,
           as_of: dt.date) -> float:
    """The caller's share of the region's demand: their sales share, or an average creator's."""
    if s.get(Creator, ctx.user_id) is None:
        return 1.0  # an admin sees the whole region
    share = creator_share(s, ctx.user_id, category, region, as_of)
    if share > 0:
        return share
    q = select(func.count(Creator.id)).where(Creator.category == category)
    if region:
        q = q.where(Creator.region == region)
    n = s.scalar(q) or 0
    return 1.0 / (n + 1)


# -- demand_forecast -------------------------------------------------------------------------
class DemandForecastArgs(BaseModel):
    """Arguments of ``demand_forecast``."""

    category: Category = Field(description="Product category, e.g. pottery for diyas")
    region: str | None = Field(default=None, max_length=80,
                               description='A state or place ("Rajasthan", "Jaipur") or "all"')
    horizon_days: int = Field(default=90, ge=7, le=365,
                              description="Days ahead to forecast (next three months = 90)")
    allow_fallback: bool = Field(
        default=False,
        description="With under 90 days of history, answer with the historical average (flagged)")


class ForecastDay(BaseModel):
    """One day of predicted units with its interval."""

    date: str
    predicted: float
    lower: float
    upper: float


class SeasonalPeak(BaseModel):
    """A coming high-demand day and why."""

    date: str
    expected: float
    reason: str


class KeyDriver(BaseModel):
    """A factor and its relative effect on demand (0.8 = +80 %)."""

    factor: str
    impact: float


class DemandForecastResult(BaseModel):
    """Daily forecast, peaks, drivers, a production suggestion and backtest errors."""

    category: str
    region: str | None
    as_of: str
    horizon_days: int
    forecast: list[ForecastDay]
    seasonal_peaks: list[SeasonalPeak]
    key_drivers: list[KeyDriver]
    recommended_production: int
    total_predicted: float
    model_metrics: dict[str, float]
    weights: dict[str, float] = {}
    method: str = "ensemble"
    fallback: bool = False
    notes: list[str] = []


@tool("demand_forecast", roles=("creator", "admin"))
def demand_forecast(ctx: ToolContext, args: DemandForecastArgs) -> DemandForecastResult:
    """Forecast daily demand (units sold) for a craft category in a region.

    With intervals, coming festival peaks and what drives demand. Use it for "how much pottery will
    sell before Diwali", "demand for sarees next three months", "when is the peak season for brass".
    """
    with ctx.store.session() as s:
        region, notes = _resolve_region(s, ctx, args.category, args.region)
    f = CACHE.get(ctx.store, args.category, region, args.horizon_days,
                  allow_fallback=args.allow_fallback)
    with ctx.store.session() as s:
        share = _share(s, ctx, args.category, region, f.as_of)
    total = f.total()
    _, upper = f.bounds()
    recommended = max(0, round(share * (total + production.safety_margin(total, upper))))
    return DemandForecastResult(
        category=args.category, region=region, as_of=f.as_of.isoformat(),
        horizon_days=args.horizon_days,
        forecast=[ForecastDay(date=p.date.isoformat(), predicted=p.predicted, lower=p.lower,
                              upper=p.upper) for p in f.points],
        seasonal_peaks=[SeasonalPeak(date=p.date.isoformat(), expected=p.expected, reason=p.reason)
                        for p in f.seasonal_peaks],
        key_drivers=[KeyDriver(factor=str(d["factor"]), impact=float(d["impact"]))
                     for d in f.key_drivers],
        recommended_production=recommended, total_predicted=round(total, 2),
        model_metrics=f.model_metrics, weights=f.weights, method=f.method, fallback=f.fallback,
        notes=notes + f.notes)


# -- production_plan -------------------------------------------------------------------------
class ProductionPlanArgs(BaseModel):
    """Arguments of ``production_plan``."""

    category: Category = Field(description="Product category of the batch")
    planned_quantity: int = Field(ge=1, le=100_000, description="How many pieces the creator plans")
    unit_cost: float = Field(gt=0, le=10_000_000, description="Cost to make one piece, INR")
    current_inventory: int = Field(default=0, ge=0, le=100_000,
                                   description="Pieces already in stock")
    capital: float | None = Field(default=None, gt=0, description="Money available, INR")
    region: str | None = Field(default=None, max_length=80, description="A state or place")
    horizon_days: int = Field(default=30, ge=7, le=180, description="Selling period to plan for")
    unit_price: float | None = Field(default=None, gt=0,
                                     description="Expected selling price per piece, INR")


class ProductionPlanResult(BaseModel):
    """How many to make, the risk, and the warnings behind it."""

    recommended_quantity: int
    forecast_demand: float
    safety_margin: float
    financial_exposure: float
    risk_level: Literal["low", "medium", "high"]
    warnings: list[str]
    planned_quantity: int
    current_inventory: int
    capital_share: float | None = None
    demand_percentile: float
    confidence: float
    unit_price: float
    region: str | None
    horizon_days: int


def _unit_price(s: Session, ctx: ToolContext, category: str) -> float:
    mine = list(s.scalars(select(Product.price).where(
        Product.creator_id == ctx.user_id, Product.category == category,
        Product.status == "active")))
    prices = mine or list(s.scalars(select(Product.price).where(
        Product.category == category, Product.status.in_(("active", "sold")))))
    if not prices:
        raise InvalidInput(f"no {category} prices to value the batch; pass unit_price",
                           field="unit_price")
    prices.sort()
    return float(prices[len(prices) // 2])


@tool("production_plan", roles=("creator",))
def production_plan(ctx: ToolContext, args: ProductionPlanArgs) -> ProductionPlanResult:
    """Check a planned production batch against forecast demand, stock and capital.

    It says how many pieces to make, the safety margin, the financial exposure and risk. Use it for
    "how many diyas should I make for Diwali", "I want to make 50 sarees, is that too many".
    """
    with ctx.store.session() as s:
        region, _ = _resolve_region(s, ctx, args.category, args.region, nationwide_fallback=True)
    f = CACHE.get(ctx.store, args.category, region, args.horizon_days)
    with ctx.store.session() as s:
        share = _share(s, ctx, args.category, region, f.as_of)
        unit_price = args.unit_price or _unit_price(s, ctx, args.category)
        series = load_series(s, args.category, region, data_end(s))
    total = f.total()
    _, upper = f.bounds()
    outlook = production.DemandOutlook(
        forecast_units=share * total, upper_units=share * upper, confidence=confidence(f.points),
        demand_percentile=demand_percentile(series, total / max(1, len(f.points)),
                                            len(f.points)),
        unit_price=unit_price)
    plan = production.plan_production(planned_quantity=args.planned_quantity,
                                      unit_cost=args.unit_cost,
                                      current_inventory=args.current_inventory,
                                      outlook=outlook, capital=args.capital)
    return ProductionPlanResult(
        recommended_quantity=plan.recommended_quantity, forecast_demand=plan.forecast_demand,
        safety_margin=plan.safety_margin, financial_exposure=plan.financial_exposure,
        risk_level=plan.risk_level, warnings=plan.warnings,  # type: ignore[arg-type]
        planned_quantity=args.planned_quantity, current_inventory=args.current_inventory,
        capital_share=plan.capital_share, demand_percentile=round(outlook.demand_percentile, 1),
        confidence=round(outlook.confidence, 3), unit_price=round(unit_price, 2), region=region,
        horizon_days=args.horizon_days)


# -- inventory_health ------------------------------------------------------------------------
class InventoryHealthArgs(BaseModel):
    """Arguments of ``inventory_health`` (all optional)."""

    unsold_days: int = Field(default=production.UNSOLD_DAYS, ge=7, le=365,
                             description="Flag stock unsold for longer than this many days")


class StockFindingOut(BaseModel):
    """A listing that needs attention."""

    product_id: str
    title: str
    stock: int
    days_unsold: int
    turnover_per_month: float
    suggestion: str


class InventoryHealthResult(BaseModel):
    """Slow movers, old stock and suggestions."""

    slow_moving: list[StockFindingOut]
    unsold_over_60_days: list[StockFindingOut]
    suggestions: list[str]
    listings_checked: int
    as_of: str


@tool("inventory_health", roles=("creator",))
def inventory_health(ctx: ToolContext, args: InventoryHealthArgs) -> InventoryHealthResult:
    """Review the creator's stock: listings unsold for over 60 days.

    Slow movers (turnover under 0.5 a month) and what to do (promote, cut the price, pause
    production). Use it for "which of my items are not selling", "how is my stock doing".
    """
    today = dt.datetime.now(dt.UTC).date()
    since = dt.datetime.combine(today - dt.timedelta(days=90), dt.time(), dt.UTC)
    with ctx.store.session() as s:
        products = list(s.scalars(select(Product).where(
            Product.creator_id == ctx.user_id, Product.status == "active",
            Product.stock_quantity > 0).order_by(Product.id)))
        ids = [p.id for p in products]
        last = dict(s.execute(select(Order.product_id, func.max(Order.created_at)).where(
            Order.product_id.in_(ids), Order.status != "cancelled").group_by(Order.product_id)
        ).all()) if ids else {}
        recent = dict(s.execute(select(Order.product_id, func.sum(Order.quantity)).where(
            Order.product_id.in_(ids), Order.status != "cancelled", Order.created_at >= since
        ).group_by(Order.product_id)).all()) if ids else {}
    items = [production.StockItem(
        p.id, p.title, int(p.stock_quantity), float(p.price), p.created_at.date(),
        last[p.id].date() if p.id in last and last[p.id] else None,
        int(recent.get(p.id) or 0), p.price_min) for p in products]
    health = production.inventory_health(items, today, unsold_days=args.unsold_days)

    def out(findings: list[production.StockFinding]) -> list[StockFindingOut]:
        return [StockFindingOut(**vars(f)) for f in findings]

    return InventoryHealthResult(
        slow_moving=out(health.slow_moving), unsold_over_60_days=out(health.unsold_over_60_days),
        suggestions=health.suggestions, listings_checked=health.checked, as_of=today.isoformat())

