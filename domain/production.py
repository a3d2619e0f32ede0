"""Production guidance and inventory risk (seed props 4, 45, 48-52), pure functions.

    recommended        = max(0, forecast − inventory + safety margin)        (props 4, 45)
    financial exposure = (unit cost × quantity) / (forecast revenue × confidence)  (prop 48)

A plan whose cost is over 40 % of the creator's capital is told to cut quantity or adjust the
price (49); demand below the 20th percentile of its own history advises against more than 10
units (50). Inventory unsold for 60 days gets promotion or price suggestions (51); a turnover
below 0.5 a month raises a slow-moving alert (52).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from domain.errors import InvalidInput

CAPITAL_SHARE_LIMIT = 0.40
LOW_DEMAND_PERCENTILE = 20.0
BULK_UNITS = 10
SAFETY_SHARE = 0.5  # of the gap between the forecast and its upper bound
UNSOLD_DAYS = 60
SLOW_TURNOVER_PER_MONTH = 0.5
PRICE_CUT = 0.10
EXPOSURE_CAP = 1e9  # what "no confident revenue at all" is reported as (JSON has no infinity)


@dataclass(frozen=True)
class DemandOutlook:
    """What the forecast says about the creator's share of demand over the plan's horizon."""

    forecast_units: float
    upper_units: float
    confidence: float  # 0-1
    demand_percentile: float  # of this forecast among the series' own history, 0-100
    unit_price: float  # expected selling price per unit


@dataclass
class ProductionPlan:
    """The engine's advice on one planned batch."""

    recommended_quantity: int
    forecast_demand: float
    safety_margin: float
    financial_exposure: float
    capital_share: float | None
    risk_level: str
    warnings: list[str] = field(default_factory=list)
    suggested_quantity_cap: int | None = None


def safety_margin(forecast_units: float, upper_units: float) -> float:
    """Half the distance from the forecast to its upper bound: cover likely upside, not all."""
    return max(0.0, SAFETY_SHARE * (upper_units - forecast_units))


def recommended_quantity(forecast_units: float, inventory: float, margin: float) -> float:
    """Property 45: forecast − inventory + margin, never below zero."""
    return max(0.0, forecast_units - inventory + margin)


def financial_exposure(unit_cost: float, quantity: float, forecast_revenue: float,
                       confidence: float) -> float:
    """Property 48: money put in over revenue expected, discounted by confidence (∞ if none)."""
    denominator = forecast_revenue * confidence
    return math.inf if denominator <= 0 else unit_cost * quantity / denominator


def plan_production(*, planned_quantity: int, unit_cost: float, current_inventory: int,
                    outlook: DemandOutlook, capital: float | None = None) -> ProductionPlan:
    """Advice on making ``planned_quantity`` more pieces."""
    if planned_quantity < 0:
        raise InvalidInput("planned_quantity cannot be negative", field="planned_quantity")
    if unit_cost <= 0:
        raise InvalidInput("unit_cost must be positive", field="unit_cost")
    if current_inventory < 0:
        raise InvalidInput("current_inventory cannot be negative", field="current_inventory")
    if capital is not None and capital <= 0:
        raise InvalidInput("capital must be positive", field="capital")
    margin = safety_margin(outlook.forecast_units, outlook.upper_units)
    recommended = recommended_quantity(outlook.forecast_units, current_inventory, margin)
    revenue = outlook.forecast_units * outlook.unit_price
    exposure = financial_exposure(unit_cost, planned_quantity, revenue, outlook.confidence)
    warnings: list[str] = []
    cap: int | None = None
    recommended_int = math.floor(recommended)
    if planned_quantity > recommended_int:
        warnings.append(f"You plan {planned_quantity} but expected demand with a safety margin "
                        f"is about {recommended_int}; unsold pieces tie up money.")
    capital_share = None
    if capital is not None:
        capital_share = unit_cost * planned_quantity / capital
        if capital_share > CAPITAL_SHARE_LIMIT:
            cap = math.floor(CAPITAL_SHARE_LIMIT * capital / unit_cost)
            warnings.append(
                f"This batch would use {capital_share:.0%} of your capital (over "
                f"{CAPITAL_SHARE_LIMIT:.0%}): reduce the quantity to about {cap} or adjust the "
                "price so fewer sales cover the cost.")
    low_demand = outlook.demand_percentile < LOW_DEMAND_PERCENTILE
    if low_demand and planned_quantity > BULK_UNITS:
        cap = BULK_UNITS if cap is None else min(cap, BULK_UNITS)
        warnings.append(
            f"Demand is low (below the {LOW_DEMAND_PERCENTILE:.0f}th percentile of its usual "
            f"level): avoid bulk production; make at most {BULK_UNITS} units for now.")
    if low_demand:
        recommended_int = min(recommended_int, BULK_UNITS)
    if cap is not None:
        recommended_int = min(recommended_int, cap)
    if exposure > 1.0:
        warnings.append(f"Financial exposure is {exposure:.2f}: the batch costs more than the "
                        "confident share of the revenue it can bring.")
    high = (exposure > 1.0 or (capital_share or 0) > CAPITAL_SHARE_LIMIT
            or (low_demand and planned_quantity > BULK_UNITS))
    medium = exposure > 0.6 or planned_quantity > recommended
    level = "high" if high else "medium" if medium else "low"
    return ProductionPlan(recommended_int, round(outlook.forecast_units, 2), round(margin, 2),
                          round(min(exposure, EXPOSURE_CAP), 4),
                          None if capital_share is None else round(capital_share, 4),
                          level, warnings, cap)


# -- inventory health ------------------------------------------------------------------------
@dataclass(frozen=True)
class StockItem:
    """One listing with stock, and how it has sold."""

    product_id: str
    title: str
    stock: int
    price: float
    listed_on: dt.date
    last_sold_on: dt.date | None
    units_sold_90d: int
    price_min: float | None = None  # the golden range's floor, if known


@dataclass(frozen=True)
class StockFinding:
    """A listing that needs attention and why."""

    product_id: str
    title: str
    stock: int
    days_unsold: int
    turnover_per_month: float
    suggestion: str


@dataclass
class InventoryHealth:
    """Slow movers, old stock and what to do about them."""

    slow_moving: list[StockFinding]
    unsold_over_60_days: list[StockFinding]
    suggestions: list[str]
    checked: int


def turnover_per_month(units_sold_90d: int, stock: int) -> float:
    """Units sold per month (over the last 90 days) per unit held in stock now."""
    return (units_sold_90d / 3.0) / max(stock, 1)


def _suggestion(item: StockItem, days: int) -> str:
    target = item.price * (1 - PRICE_CUT)
    if item.price_min:
        target = max(target, item.price_min)
    if target < item.price - 1:
        return (f"Unsold for {days} days: promote it (feature it, bundle it, share it before the "
                f"next festival) or lower the price from ₹{item.price:,.0f} to about "
                f"₹{target:,.0f}.")
    return (f"Unsold for {days} days and already at its floor price: promote it (feature it, "
            "bundle it with a best seller, share photos before the next festival).")


def inventory_health(items: Sequence[StockItem], today: dt.date, *,
                     unsold_days: int = UNSOLD_DAYS,
                     slow_turnover: float = SLOW_TURNOVER_PER_MONTH) -> InventoryHealth:
    """Props 51-52 over the listings that hold stock."""
    slow, old = [], []
    for it in items:
        if it.stock <= 0:
            continue
        since = it.last_sold_on or it.listed_on
        days = max(0, (today - since).days)
        rate = turnover_per_month(it.units_sold_90d, it.stock)
        listed_days = (today - it.listed_on).days
        if days > unsold_days:
            old.append(StockFinding(it.product_id, it.title, it.stock, days, round(rate, 3),
                                    _suggestion(it, days)))
        if rate < slow_turnover and listed_days >= 30:
            slow.append(StockFinding(
                it.product_id, it.title, it.stock, days, round(rate, 3),
                f"Turnover is {rate:.2f} a month (under {slow_turnover}): make no more until "
                "stock clears; promote it or review the price."))
    suggestions = []
    if old:
        suggestions.append(f"{len(old)} listing(s) unsold for over {unsold_days} days: run a "
                           "festival promotion or cut their prices by about 10 %.")
    if slow:
        suggestions.append(f"{len(slow)} slow-moving listing(s): pause production of these and "
                           "focus on what sells.")
    if not suggestions:
        suggestions.append("Your stock is moving well; no action needed.")
    return InventoryHealth(slow, old, suggestions, sum(1 for i in items if i.stock > 0))
