"""Production guidance and inventory risk: properties 4, 45, 48-52 on the pure engine."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.production import (
    BULK_UNITS,
    CAPITAL_SHARE_LIMIT,
    EXPOSURE_CAP,
    DemandOutlook,
    StockItem,
    financial_exposure,
    inventory_health,
    plan_production,
    recommended_quantity,
    safety_margin,
    turnover_per_month,
)

outlooks = st.builds(
    lambda f, extra, conf, pct, price: DemandOutlook(f, f + extra, conf, pct, price),
    st.floats(0, 5000), st.floats(0, 2000), st.floats(0.05, 0.99), st.floats(0, 100),
    st.floats(1, 100_000))
plans = st.fixed_dictionaries({
    "planned_quantity": st.integers(1, 5000), "unit_cost": st.floats(0.5, 50_000),
    "current_inventory": st.integers(0, 3000),
    "capital": st.one_of(st.none(), st.floats(100, 10_000_000))})


@settings(max_examples=200)
@given(outlook=outlooks, plan=plans)
def test_recommendation_stays_within_forecast_plus_margin(outlook, plan) -> None:
    """Property 4: Production Recommendations Within Safe Bounds — never more than forecast
    demand plus the safety margin, never negative, and lower when stock is already held."""
    p = plan_production(outlook=outlook, **plan)
    margin = safety_margin(outlook.forecast_units, outlook.upper_units)
    assert 0 <= p.recommended_quantity <= outlook.forecast_units + margin + 1e-9
    more_stock = plan_production(outlook=outlook, **{**plan, "current_inventory":
                                                     plan["current_inventory"] + 50})
    assert more_stock.recommended_quantity <= p.recommended_quantity


@settings(max_examples=200)
@given(forecast=st.floats(0, 10_000), upper_extra=st.floats(0, 5000),
       inventory=st.integers(0, 20_000))
def test_recommended_is_forecast_minus_inventory_plus_margin(forecast, upper_extra,
                                                             inventory) -> None:
    """Property 45: Production Guidance Considers Inventory — recommended =
    forecast − inventory + safety margin (floored at zero)."""
    margin = safety_margin(forecast, forecast + upper_extra)
    assert margin == pytest.approx(0.5 * upper_extra)
    rec = recommended_quantity(forecast, inventory, margin)
    assert rec == pytest.approx(max(0.0, forecast - inventory + margin))
    outlook = DemandOutlook(forecast, forecast + upper_extra, 0.8, 50.0, 100.0)
    plan = plan_production(planned_quantity=1, unit_cost=1, current_inventory=inventory,
                           outlook=outlook)
    assert plan.recommended_quantity == math.floor(rec)


@settings(max_examples=200)
@given(outlook=outlooks, plan=plans)
def test_exposure_is_cost_over_confident_revenue(outlook, plan) -> None:
    """Property 48: Financial Risk Calculation — exposure = (cost × quantity) /
    (forecast revenue × confidence)."""
    p = plan_production(outlook=outlook, **plan)
    revenue = outlook.forecast_units * outlook.unit_price
    expected = financial_exposure(plan["unit_cost"], plan["planned_quantity"], revenue,
                                  outlook.confidence)
    if revenue * outlook.confidence > 0:
        assert expected == pytest.approx(plan["unit_cost"] * plan["planned_quantity"]
                                         / (revenue * outlook.confidence))
        assert p.financial_exposure == pytest.approx(min(expected, EXPOSURE_CAP), rel=1e-3,
                                                     abs=1e-4)
    else:
        assert math.isinf(expected) and p.risk_level == "high"


@settings(max_examples=200)
@given(outlook=outlooks, plan=plans.filter(lambda d: d["capital"] is not None))
def test_plans_over_forty_percent_of_capital_get_advice(outlook, plan) -> None:
    """Property 49: High Risk Triggers Recommendations — a plan over 40 % of the creator's
    capital is told to cut the quantity or adjust the price."""
    p = plan_production(outlook=outlook, **plan)
    share = plan["unit_cost"] * plan["planned_quantity"] / plan["capital"]
    advised = any("reduce the quantity" in w and "adjust the price" in w for w in p.warnings)
    assert advised == (share > CAPITAL_SHARE_LIMIT)
    if share > CAPITAL_SHARE_LIMIT:
        assert p.risk_level == "high"
        spend = p.recommended_quantity * plan["unit_cost"]
        assert spend <= CAPITAL_SHARE_LIMIT * plan["capital"] + 1e-6


@settings(max_examples=200)
@given(outlook=outlooks, plan=plans)
def test_low_demand_advises_against_bulk(outlook, plan) -> None:
    """Property 50: Low Demand Production Warning — demand under the 20th percentile advises
    against making more than 10 units."""
    p = plan_production(outlook=outlook, **plan)
    low = outlook.demand_percentile < 20
    warned = any("avoid bulk production" in w for w in p.warnings)
    assert warned == (low and plan["planned_quantity"] > BULK_UNITS)
    if low:
        assert p.recommended_quantity <= BULK_UNITS


TODAY = dt.date(2026, 11, 28)
stock_items = st.builds(
    lambda i, stock, listed, sold_gap, units, price: StockItem(
        f"p-{i:05d}", f"item {i}", stock, price, TODAY - dt.timedelta(days=listed),
        None if sold_gap is None else TODAY - dt.timedelta(days=min(sold_gap, listed)), units),
    st.integers(1, 99_999), st.integers(0, 30), st.integers(0, 900),
    st.one_of(st.none(), st.integers(0, 900)), st.integers(0, 60), st.floats(50, 50_000))


@settings(max_examples=200)
@given(items=st.lists(stock_items, max_size=25, unique_by=lambda s: s.product_id))
def test_stock_unsold_for_sixty_days_gets_suggestions(items) -> None:
    """Property 51: Unsold Inventory Suggestions — a creator with stock unsold for over 60 days
    is told to promote it or reduce its price."""
    h = inventory_health(items, TODAY)
    old = {i.product_id for i in items
           if i.stock > 0 and (TODAY - (i.last_sold_on or i.listed_on)).days > 60}
    assert {f.product_id for f in h.unsold_over_60_days} == old
    for f in h.unsold_over_60_days:
        assert "promote" in f.suggestion
    if old:
        assert any("promotion" in s or "cut" in s for s in h.suggestions)


@settings(max_examples=200)
@given(items=st.lists(stock_items, max_size=25, unique_by=lambda s: s.product_id))
def test_slow_turnover_raises_an_alert(items) -> None:
    """Property 52: Slow-Moving Product Alerts — turnover below 0.5 a month alerts the creator
    (for listings at least a month old)."""
    h = inventory_health(items, TODAY)
    slow = {i.product_id for i in items if i.stock > 0 and (TODAY - i.listed_on).days >= 30
            and turnover_per_month(i.units_sold_90d, i.stock) < 0.5}
    assert {f.product_id for f in h.slow_moving} == slow
    assert all(f.turnover_per_month < 0.5 for f in h.slow_moving)


def test_turnover_and_bad_inputs() -> None:
    assert turnover_per_month(30, 5) == pytest.approx(2.0)
    assert turnover_per_month(0, 0) == 0.0
    good = DemandOutlook(100, 140, 0.8, 60, 500)
    with pytest.raises(InvalidInput) as err:
        plan_production(planned_quantity=5, unit_cost=0, current_inventory=0, outlook=good)
    assert err.value.field == "unit_cost"
    with pytest.raises(InvalidInput) as err:
        plan_production(planned_quantity=5, unit_cost=10, current_inventory=-1, outlook=good)
    assert err.value.field == "current_inventory"
    healthy = inventory_health([StockItem("p-00001", "x", 2, 100, TODAY - dt.timedelta(days=90),
                                          TODAY - dt.timedelta(days=3), 30)], TODAY)
    assert not healthy.slow_moving and not healthy.unsold_over_60_days
    assert "no action" in healthy.suggestions[0]
