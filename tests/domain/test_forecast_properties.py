"""Forecasting properties 5, 43, 44, 46 and 47 against the real engine."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InsufficientData
from domain.forecasting.calendar import FESTIVALS, festival_dates
from domain.forecasting.demand import MIN_HISTORY_DAYS, DemandForecast, Peak, forecast_demand
from domain.forecasting.ensemble import EnsembleConfig
from domain.forecasting.service import forecast_changed, peak_alerts
from tests.domain.forecast_support import festival_series

# One backtest fold of two weeks and two members keeps a hundred runs affordable; the code
# path (backtest, stacking, calendar adjustment, conformal intervals) is the production one.
LIGHT = EnsembleConfig(folds=1, backtest_horizon=14, members=("theta", "calendar"))
STATES = ("Uttar Pradesh", "Rajasthan", "Tamil Nadu", "West Bengal", "Karnataka", None)
CATEGORIES = ("pottery", "metalware", "home_decor", "textiles", "jewellery")


@settings(max_examples=100, deadline=None)
@given(days=st.integers(30, 200), level=st.floats(2, 60), seed=st.integers(0, 10_000),
       horizon=st.integers(7, 60), allow_fallback=st.booleans())
def test_forecasts_come_with_intervals_or_an_honest_refusal(days, level, seed, horizon,
                                                            allow_fallback) -> None:
    """Property 43: Demand Forecast Generation — with at least 90 days of history the engine
    forecasts with confidence intervals; with less it refuses (INSUFFICIENT_HISTORY) or falls
    back to the historical average, flagged."""
    y = festival_series(dt.date(2025, 6, 30), days, level=level, uplift=1.5, seed=seed)
    if days < MIN_HISTORY_DAYS and not allow_fallback:
        with pytest.raises(InsufficientData):
            forecast_demand(y, category="pottery", region=None, horizon_days=horizon, config=LIGHT)
        return
    f = forecast_demand(y, category="pottery", region=None, horizon_days=horizon,
                        allow_fallback=allow_fallback, config=LIGHT)
    assert len(f.points) == horizon
    assert f.points[0].date == dt.date(2025, 7, 1)
    assert all(0 <= p.lower <= p.predicted <= p.upper for p in f.points)
    assert f.fallback == (days < MIN_HISTORY_DAYS)
    if not f.fallback:
        assert {"mae", "rmse", "mase"} <= set(f.model_metrics)
        assert sum(f.weights.values()) == pytest.approx(1.0, abs=1e-3)
        assert any(p.upper > p.lower for p in f.points)


@settings(max_examples=100, deadline=None)
@given(end_offset=st.integers(25, 55), uplift=st.floats(2.0, 3.5), level=st.floats(6, 40),
       seed=st.integers(0, 10_000), region=st.sampled_from(STATES),
       category=st.sampled_from(CATEGORIES))
def test_festival_periods_forecast_higher_than_ordinary_days(end_offset, uplift, level, seed,
                                                            region, category) -> None:
    """Property 47: Event-Aware Forecasting — a forecast period holding a festival predicts
    more demand in the festival's build-up than on the period's ordinary days."""
    diwali = dt.date(2025, 10, 20)
    end = diwali - dt.timedelta(days=end_offset)
    y = festival_series(end, 400, level=level, uplift=uplift, seed=seed, region=region)
    f = forecast_demand(y, category=category, region=region, horizon_days=end_offset + 20,
                        config=LIGHT)
    by_day = {p.date: p.predicted for p in f.points}
    build_up = [by_day[diwali - dt.timedelta(days=k)] for k in range(6)]
    busy = set()
    for fest in FESTIVALS:
        for day in festival_dates(fest, end, end + dt.timedelta(days=end_offset + 40)):
            busy.update(day - dt.timedelta(days=k) for k in range(-6, fest.lead_days + 1))
    ordinary = [v for d, v in by_day.items() if d not in busy]
    assert ordinary, "the horizon has ordinary days"
    assert np.mean(build_up) > np.mean(ordinary)
    assert any(p.festival == "Diwali" for p in f.seasonal_peaks)


peaks = st.lists(st.builds(Peak, st.dates(dt.date(2026, 10, 1), dt.date(2027, 3, 1)),
                           st.floats(1, 500), st.sampled_from(["Diwali on 2026-11-08", "Holi"])),
                 max_size=6)
creators = st.lists(st.from_regex(r"c-\d{4}", fullmatch=True), max_size=12)


@settings(max_examples=100, deadline=None)
@given(peaks=peaks, creator_ids=creators, today=st.dates(dt.date(2026, 9, 1), dt.date(2027, 2, 1)))
def test_peaks_within_thirty_days_alert_every_creator(peaks, creator_ids, today) -> None:
    """Property 44: Seasonal Peak Alerts — a peak within 30 days alerts every relevant creator,
    and nothing further away does."""
    alerts = peak_alerts(peaks, creator_ids, today)
    soon = [p for p in peaks if 0 <= (p.date - today).days <= 30]
    assert len(alerts) == len(soon) * len(set(creator_ids))
    for a in alerts:
        assert 0 <= a.days_ahead <= 30 and a.creator_id in creator_ids
    for c in set(creator_ids):
        assert {a.peak for a in alerts if a.creator_id == c} == set(soon)


@lru_cache(maxsize=16)
def _seasonal_forecast(market: int) -> DemandForecast:
    rng = np.random.default_rng(market)
    y = festival_series(dt.date(2025, 9, 30), 400, level=float(rng.uniform(6, 40)),
                        uplift=float(rng.uniform(2.0, 3.5)), seed=market)
    return forecast_demand(y, category="pottery", region="Uttar Pradesh", horizon_days=40,
                           config=LIGHT)


@settings(max_examples=100, deadline=None)
@given(market=st.integers(0, 7), creator_ids=creators.filter(bool),
       days_before=st.integers(0, 45))
def test_detected_seasonal_peaks_alert_creators_as_they_approach(market, creator_ids,
                                                                 days_before) -> None:
    """Property 5: Seasonal Alerts for Demand Peaks — when a category shows a seasonal pattern,
    its coming peak is detected and alerts its creators once the peak is near."""
    f = _seasonal_forecast(market)  # eight synthetic markets, each forecast once
    detected = [p for p in f.seasonal_peaks if p.festival == "Diwali"]
    assert detected
    today = detected[0].date - dt.timedelta(days=days_before)
    alerted = {a.creator_id for a in peak_alerts(f.seasonal_peaks, creator_ids, today)
               if a.peak == detected[0]}
    assert alerted == (set(creator_ids) if days_before <= 30 else set())


@settings(max_examples=100, deadline=None)
@given(old=st.floats(0, 1e6), ratio=st.floats(0, 3))
def test_forecast_change_over_a_quarter_is_a_change(old, ratio) -> None:
    """Property 46: Forecast Change Notifications — a change of more than 25 % (and only that)
    counts as a changed forecast."""
    new = old * ratio
    changed = forecast_changed(old, new)
    if old > 0:
        assert changed == (abs(new - old) / old > 0.25)
    else:
        assert changed == (new > 0)
