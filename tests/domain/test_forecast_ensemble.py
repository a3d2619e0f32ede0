"""The forecasting ensemble: learned weights, calendar adjustment, intervals, the cache format."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sktime.datasets import load_airline

from domain.errors import InsufficientData, InvalidInput
from domain.forecasting.calendar import calendar_features, festival_near
from domain.forecasting.demand import (
    confidence,
    daily_series,
    demand_percentile,
    forecast_demand,
)
from domain.forecasting.ensemble import EnsembleConfig, EventEffects, forecast, learn_weights
from domain.forecasting.service import from_payload, to_payload
from tests.domain.forecast_support import festival_series

FAST = EnsembleConfig(folds=2, backtest_horizon=14)


def test_a_perfect_member_takes_all_the_weight() -> None:
    rng = np.random.default_rng(0)
    truth = rng.poisson(20, 200).astype(float)
    w = learn_weights({"good": truth, "noisy": truth + rng.normal(0, 8, 200),
                       "biased": truth * 1.5}, truth)
    assert w["good"] == pytest.approx(1.0, abs=1e-3)
    assert sum(w.values()) == pytest.approx(1.0) and min(w.values()) >= 0


def test_weights_follow_backtest_error() -> None:
    rng = np.random.default_rng(1)
    truth = rng.normal(100, 10, 300)
    w = learn_weights({"a": truth + 6, "b": truth - 6, "c": truth + 12}, truth)
    assert w["a"] == pytest.approx(w["b"])  # equal errors, equal say
    assert w["a"] == pytest.approx(4 * w["c"])  # twice the error, a quarter of the weight


@settings(max_examples=100, deadline=None)
@given(data=st.lists(st.tuples(st.floats(0, 1e4), st.floats(0, 1e4), st.floats(0, 1e4)),
                     min_size=5, max_size=60))
def test_weights_are_a_convex_combination(data) -> None:
    truth, a, b = (np.array(col) for col in zip(*data, strict=True))
    w = learn_weights({"a": a, "b": b}, truth)
    assert sum(w.values()) == pytest.approx(1.0) and min(w.values()) >= 0


def test_weights_are_learned_per_series_not_fixed() -> None:
    y1 = _period(festival_series(dt.date(2025, 9, 1), 300, level=20, uplift=1.0, seed=1))
    trend = pd.Series(np.linspace(5, 60, 300) + np.random.default_rng(2).normal(0, 1, 300),
                      index=y1.index)
    w1 = forecast(y1, 14, config=FAST).weights
    w2 = forecast(trend.clip(lower=0), 14, config=FAST).weights
    assert w1 != w2


def _period(s: pd.Series) -> pd.Series:
    out = s.copy()
    out.index = s.index.to_period("D")
    return out


def test_monthly_series_forecast_has_ordered_intervals_and_metrics() -> None:
    y = load_airline()
    f = forecast(y, 12, config=EnsembleConfig(sp=12, backtest_horizon=12, folds=2))
    assert len(f.predicted) == 12 and f.predicted.index[0] == y.index[-1] + 1
    assert (f.lower <= f.predicted).all() and (f.predicted <= f.upper).all()
    assert {"mae", "rmse", "mase"} <= set(f.metrics)
    assert set(f.member_metrics) == {"theta", "ets", "calendar"}
    assert f.metrics["mase"] < 2.0  # a sane model on a classic series


def test_too_short_a_series_cannot_be_backtested() -> None:
    with pytest.raises(InsufficientData):
        forecast(_period(festival_series(dt.date(2025, 1, 1), 20, level=5, uplift=1, seed=0)), 7)


def test_event_effects_find_the_diwali_build_up() -> None:
    y = _period(festival_series(dt.date(2025, 9, 1), 420, level=15, uplift=3.0, seed=3))

    def feats(idx: pd.PeriodIndex) -> pd.DataFrame:
        return calendar_features(idx.to_timestamp(), "Uttar Pradesh", dt.date(2024, 1, 1)
                                 ).set_axis(idx)

    effects = EventEffects(feats).fit(y)
    coef = dict(zip(effects.columns, effects.coef, strict=True))
    assert coef["fest:Diwali"] > 0.3


def test_daily_series_fills_missing_days_with_zero() -> None:
    s = daily_series([dt.date(2025, 1, 1), dt.date(2025, 1, 4), dt.date(2025, 1, 4)], [2, 3, 1],
                     until=dt.date(2025, 1, 6))
    assert s.tolist() == [2, 0, 0, 4, 0, 0]


def test_festivals_and_percentiles() -> None:
    fest, day = festival_near(dt.date(2026, 11, 6), "Uttar Pradesh")
    assert fest.label == "Diwali" and day == dt.date(2026, 11, 8)
    assert festival_near(dt.date(2026, 6, 15), "Uttar Pradesh") is None
    y = pd.Series(np.arange(1, 101, dtype=float))
    assert demand_percentile(y, 0.5, 1) == 0.0 and demand_percentile(y, 1000, 1) == 100.0


def test_forecast_round_trips_through_the_cache_payload() -> None:
    y = festival_series(dt.date(2025, 9, 20), 200, level=10, uplift=2, seed=4)
    f = forecast_demand(y, category="pottery", region="Uttar Pradesh", horizon_days=45,
                        config=FAST)
    back = from_payload(to_payload(f))
    assert back.points == f.points and back.seasonal_peaks == f.seasonal_peaks
    assert back.sliced(10).points == f.points[:10]
    assert 0.05 <= confidence(f.points) <= 0.99


def test_short_history_is_refused_or_flagged() -> None:
    y = festival_series(dt.date(2025, 9, 20), 60, level=10, uplift=1, seed=5)
    with pytest.raises(InsufficientData) as err:
        forecast_demand(y, category="toys", region=None)
    assert err.value.code == "INSUFFICIENT_HISTORY" and err.value.details["history_days"] == 60
    f = forecast_demand(y, category="toys", region=None, allow_fallback=True, horizon_days=10)
    assert f.fallback and f.method == "historical_average" and f.notes
    assert all(p.predicted == pytest.approx(y.mean(), abs=1e-3) for p in f.points)


def test_horizon_outside_a_year_is_invalid() -> None:
    y = festival_series(dt.date(2025, 9, 20), 120, level=10, uplift=1, seed=6)
    with pytest.raises(InvalidInput) as err:
        forecast_demand(y, category="toys", region=None, horizon_days=400)
    assert err.value.field == "horizon_days"
