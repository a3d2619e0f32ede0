"""Demand forecasts of one category in one region (seed props 43 and 47).

Daily units with intervals, the seasonal peaks ahead and the festival behind each, the drivers of
demand.

Pure: it receives the daily series and returns a :class:`DemandForecast`. Under
:data:`MIN_HISTORY_DAYS` of history it raises ``InsufficientData`` (``INSUFFICIENT_HISTORY``)
or, when the caller allows it, answers with the historical average, flagged as a fallback.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from domain.errors import InsufficientData, InvalidInput
from domain.forecasting.calendar import (
    FESTIVALS,
    MONSOON_MONTHS,
    WEDDING_MONTHS,
    applies,
    calendar_features,
    festival_dates,
)
from domain.forecasting.ensemble import EnsembleConfig, forecast

MIN_HISTORY_DAYS = 90
MAX_HORIZON_DAYS = 365
PEAK_RATIO = 1.25  # a peak stands this far above the horizon's median day
PEAK_WINDOW = 3  # days either side of a festival where its peak may fall
MAX_DRIVERS = 6


@dataclass(frozen=True)
class ForecastPoint:
    """One day of the forecast."""

    date: dt.date
    predicted: float
    lower: float
    upper: float


@dataclass(frozen=True)
class Peak:
    """A high-demand day and what explains it."""

    date: dt.date
    expected: float
    reason: str
    festival: str | None = None


@dataclass
class DemandForecast:
    """The engine's answer for one (category, region)."""

    category: str
    region: str | None
    as_of: dt.date  # the last day of history
    points: list[ForecastPoint]
    seasonal_peaks: list[Peak]
    key_drivers: list[dict[str, float | str]]
    model_metrics: dict[str, float]
    weights: dict[str, float]
    history_days: int
    method: str = "ensemble"
    fallback: bool = False
    notes: list[str] = field(default_factory=list)

    def total(self, days: int | None = None) -> float:
        """Predicted units of the first ``days`` days (all by default)."""
        return float(sum(p.predicted for p in self.points[:days]))

    def bounds(self, days: int | None = None) -> tuple[float, float]:
        """Summed lower and upper bounds of the first ``days`` days."""
        pts = self.points[:days]
        return float(sum(p.lower for p in pts)), float(sum(p.upper for p in pts))

    def sliced(self, horizon: int) -> DemandForecast:
        """The same forecast cut to ``horizon`` days (peaks and drivers inside it only)."""
        end = self.as_of + dt.timedelta(days=horizon)
        return DemandForecast(
            self.category, self.region, self.as_of, self.points[:horizon],
            [p for p in self.seasonal_peaks if p.date <= end],
            self.key_drivers, self.model_metrics, self.weights, self.history_days,
            self.method, self.fallback, list(self.notes))


def daily_series(days: list[dt.date], units: list[float],
                 until: dt.date | None = None) -> pd.Series:
    """Daily units from the first sale to ``until`` (or the last sale), missing days as 0."""
    if not days:
        return pd.Series(dtype=float)
    s = pd.Series(np.asarray(units, dtype=float), index=pd.DatetimeIndex(days))
    s = s.groupby(level=0).sum()
    end = pd.Timestamp(until) if until else s.index.max()
    return s.reindex(pd.date_range(s.index.min(), end, freq="D"), fill_value=0.0)


def _drivers(y: pd.Series, region: str | None, start: dt.date, end: dt.date) -> list[dict]:
    """Relative uplift of each calendar effect in the history; festivals in the horizon only."""
    days = pd.DatetimeIndex(y.index)
    feats = calendar_features(days, region, days[0].date())
    values = y.to_numpy()
    fest_cols = [c for c in feats if str(c).startswith("fest:")]
    quiet = (feats[fest_cols].sum(axis=1).to_numpy() == 0) if fest_cols else np.ones(len(y), bool)
    base = values[quiet].mean() if quiet.any() else values.mean()
    if base <= 0:
        return []
    out: list[dict] = []
    for fest in FESTIVALS:
        col = f"fest:{fest.label}"
        if col not in feats or not festival_dates(fest, start, end):
            continue
        inside = feats[col].to_numpy() > 0.5  # the second half of the build-up
        if inside.sum() >= 3:
            out.append({"factor": f"{fest.label} build-up",
                        "impact": round(float(values[inside].mean() / base - 1), 3)})
    weekend = days.weekday >= 5
    out.append({"factor": "weekend shopping",
                "impact": round(float(values[weekend & quiet].mean()
                                     / values[~weekend & quiet].mean() - 1), 3)
                if (~weekend & quiet).any() and values[~weekend & quiet].mean() > 0 else 0.0})
    for label, months in (("wedding season", WEDDING_MONTHS), ("monsoon", MONSOON_MONTHS)):
        m = np.isin(days.month, months) & quiet
        if m.any() and (~m & quiet).any() and values[~m & quiet].mean() > 0:
            ratio = values[m].mean() / values[~m & quiet].mean()
            out.append({"factor": label, "impact": round(float(ratio - 1), 3)})
    if len(values) >= 730:
        prev, last = values[-730:-365].sum(), values[-365:].sum()
        if prev > 0:
            out.append({"factor": "year-on-year trend", "impact": round(float(last / prev - 1), 3)})
    return sorted(out, key=lambda d: -abs(float(d["impact"])))[:MAX_DRIVERS]


def find_peaks(points: list[ForecastPoint], region: str | None) -> list[Peak]:
    """Festival peaks and other clear seasonal highs.

    A festival peak is the highest day within 3 days of a festival in the horizon, when it
    stands 25 % above the median day.
    """
    if not points:
        return []
    dates = [p.date for p in points]
    pred = np.array([p.predicted for p in points])
    median = float(np.median(pred)) or 1e-9
    peaks: list[Peak] = []
    taken: set[int] = set()
    for fest in FESTIVALS:
        if not applies(fest, region):
            continue
        for day in festival_dates(fest, dates[0], dates[-1]):
            i0 = (day - dates[0]).days
            lo, hi = max(0, i0 - PEAK_WINDOW), min(len(pred), i0 + 1)
            if lo >= hi:
                continue
            i = lo + int(np.argmax(pred[lo:hi]))
            if pred[i] >= PEAK_RATIO * median and i not in taken:
                taken.update(range(i - 7, i + 8))
                peaks.append(Peak(dates[i], round(float(pred[i]), 2),
                                  f"{fest.label} on {day.isoformat()}", fest.label))
    # Other highs: 7-day averages well above the median, away from festival peaks.
    smooth = pd.Series(pred).rolling(7, center=True, min_periods=1).mean().to_numpy()
    for i in np.argsort(-smooth):
        if smooth[i] < PEAK_RATIO * median * 1.1 or len(peaks) >= 12:
            break
        if any(abs(i - j) <= 14 for j in taken):
            continue
        taken.update(range(i - 14, i + 15))
        month = dates[i].month
        reason = "wedding season" if month in WEDDING_MONTHS else "seasonal high"
        peaks.append(Peak(dates[i], round(float(pred[i]), 2), reason))
    return sorted(peaks, key=lambda p: p.date)


def forecast_demand(y: pd.Series, *, category: str, region: str | None, horizon_days: int = 90,
                    allow_fallback: bool = False, config: EnsembleConfig | None = None
                    ) -> DemandForecast:
    """Forecast ``horizon_days`` days after the end of the daily series ``y``."""
    if not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise InvalidInput(f"horizon_days must be between 1 and {MAX_HORIZON_DAYS}",
                           field="horizon_days")
    history = len(y)
    as_of = y.index[-1].date() if history else dt.date.today()
    start = as_of + dt.timedelta(days=1)
    end = as_of + dt.timedelta(days=horizon_days)
    if history < MIN_HISTORY_DAYS:
        if not allow_fallback:
            raise InsufficientData(
                history_message(category, region, history),
                field="category", history_days=history, required_days=MIN_HISTORY_DAYS)
        return _fallback(y, category, region, as_of, horizon_days)
    config = config or EnsembleConfig(sp=7)
    origin = y.index[0].date()

    def feats(idx: pd.PeriodIndex) -> pd.DataFrame:
        return calendar_features(idx.to_timestamp(), region, origin).set_axis(idx)

    yp = y.copy()
    yp.index = pd.DatetimeIndex(y.index).to_period("D")
    result = forecast(yp, horizon_days, config=config, features=feats, events=feats)
    points = [ForecastPoint(p.to_timestamp().date(), round(float(v), 3), round(float(lo), 3),
                            round(float(hi), 3))
              for p, v, lo, hi in zip(result.predicted.index, result.predicted, result.lower,
                                      result.upper, strict=True)]
    metrics = {k: round(v, 4) for k, v in result.metrics.items()}
    for m, mm in result.member_metrics.items():
        metrics[f"{m}_mase"] = round(mm["mase"], 4)
    return DemandForecast(category, region, as_of, points, find_peaks(points, region),
                          _drivers(y, region, start, end), metrics,
                          {k: round(v, 4) for k, v in result.weights.items()}, history)


def history_message(category: str, region: str | None, history: int) -> str:
    """Why there is no forecast: no sales at all, or too few days of them."""
    where = f" in {region}" if region else ""
    if history == 0:
        return f"there are no {category} sales{where} yet, so there is nothing to forecast from"
    return (f"{category} sales{where} have {history} days of history; a forecast needs at least "
            f"{MIN_HISTORY_DAYS} (the historical-average fallback can be asked for instead)")


def _fallback(y: pd.Series, category: str, region: str | None, as_of: dt.date,
              horizon: int) -> DemandForecast:
    """The historical daily average, flat, with a ±50 % band: honest about knowing little."""
    mean = float(y.mean()) if len(y) else 0.0
    points = [ForecastPoint(as_of + dt.timedelta(days=i), round(mean, 3), round(mean * 0.5, 3),
                            round(mean * 1.5, 3)) for i in range(1, horizon + 1)]
    return DemandForecast(category, region, as_of, points, [], [], {}, {}, len(y),
                          method="historical_average", fallback=True,
                          notes=[f"only {len(y)} days of history: a flat historical average, "
                                 "not a model forecast"])


def demand_percentile(y: pd.Series, daily_mean: float, window: int) -> float:
    """Where ``daily_mean`` falls (0-100) among the series' own rolling ``window``-day means."""
    if len(y) == 0:
        return 50.0
    window = max(1, min(window, len(y)))
    history = y.rolling(window).mean().dropna().to_numpy()
    if len(history) == 0:
        return 50.0
    return float(100.0 * np.mean(history < daily_mean))


def confidence(points: list[ForecastPoint]) -> float:
    """One minus the mean relative half-width of the intervals, within 0.05-0.99."""
    if not points:
        return 0.05
    widths = [(p.upper - p.lower) / (2 * max(p.predicted, 1e-6)) for p in points]
    return float(np.clip(1 - np.mean(widths), 0.05, 0.99))
