"""Forecasts against the store: daily series, a cache and the nightly refresh.

Daily series come from ``DailySales``; a cache holds one forecast per (category, region, day); the
refresh that runs off the request path and tells creators what changed.

The cache has two levels: a dict in the process and the ``forecast_cache`` table, keyed by the
last day of sales data, so every process and restart shares a run. ``refresh_forecasts``
recomputes every pair, notifies creators when a forecast moves more than 25 % (prop 46) and
when a seasonal peak is within 30 days (props 5, 44).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tqdm import tqdm

from domain.errors import InsufficientData
from domain.forecasting.demand import (
    MAX_HORIZON_DAYS,
    MIN_HISTORY_DAYS,
    DemandForecast,
    ForecastPoint,
    Peak,
    daily_series,
    forecast_demand,
    history_message,
)
from domain.store import Creator, DailySales, Notification, Store, changes
from domain.store.models_intelligence import NATIONWIDE, ForecastRecord

CHANGE_THRESHOLD = 0.25
FORECASTS = "forecasts"  # the change topic of stored forecasts
ALERT_WINDOW_DAYS = 30
SHARE_WINDOW_DAYS = 90


# -- pure rules ------------------------------------------------------------------------------
def forecast_changed(old_total: float, new_total: float,
                     threshold: float = CHANGE_THRESHOLD) -> bool:
    """Property 46: a forecast changed when it moved by more than ``threshold`` of the old one."""
    if old_total <= 0:
        return new_total > 0
    return abs(new_total - old_total) / old_total > threshold


@dataclass(frozen=True)
class PeakAlert:
    """One creator told about one coming peak."""

    creator_id: str
    peak: Peak
    days_ahead: int


def peak_alerts(peaks: Sequence[Peak], creator_ids: Iterable[str], today: dt.date,
                window_days: int = ALERT_WINDOW_DAYS) -> list[PeakAlert]:
    """Properties 5 and 44: every creator hears of every peak ``0..window_days`` days ahead."""
    soon = [p for p in peaks if 0 <= (p.date - today).days <= window_days]
    return [PeakAlert(c, p, (p.date - today).days) for c in sorted(set(creator_ids)) for p in soon]


# -- (de)serialising -------------------------------------------------------------------------
def to_payload(f: DemandForecast) -> dict:
    """A JSON-able dict of a forecast (for the cache table)."""
    d = asdict(f)
    d["as_of"] = f.as_of.isoformat()
    d["points"] = [[p.date.isoformat(), p.predicted, p.lower, p.upper] for p in f.points]
    d["seasonal_peaks"] = [{**asdict(p), "date": p.date.isoformat()} for p in f.seasonal_peaks]
    return d


def from_payload(d: dict) -> DemandForecast:
    """The inverse of :func:`to_payload`."""
    return DemandForecast(
        d["category"], d["region"], dt.date.fromisoformat(d["as_of"]),
        [ForecastPoint(dt.date.fromisoformat(a), b, c, e) for a, b, c, e in d["points"]],
        [Peak(dt.date.fromisoformat(p["date"]), p["expected"], p["reason"], p.get("festival"))
         for p in d["seasonal_peaks"]],
        d["key_drivers"], d["model_metrics"], d["weights"], d["history_days"], d["method"],
        d["fallback"], list(d.get("notes", [])))


# -- store access ----------------------------------------------------------------------------
def region_key(region: str | None) -> str:
    """The cache key of a region (``all`` = nationwide)."""
    return region or NATIONWIDE


def data_end(session: Session) -> dt.date | None:
    """The last day with sales data."""
    return session.scalar(select(func.max(DailySales.day)))


def load_series(session: Session, category: str, region: str | None,
                until: dt.date | None = None) -> pd.Series:
    """Daily units of ``category`` in ``region`` (None: nationwide) up to ``until``."""
    q = select(DailySales.day, func.sum(DailySales.units)).where(DailySales.category == category)
    if region:
        q = q.where(DailySales.region == region)
    rows = session.execute(q.group_by(DailySales.day).order_by(DailySales.day)).all()
    return daily_series([r[0] for r in rows], [float(r[1]) for r in rows], until)


def series_pairs(session: Session) -> list[tuple[str, str | None]]:
    """Every (category, region) with sales, plus each category nationwide."""
    rows = session.execute(select(DailySales.category, DailySales.region).distinct()).all()
    cats = sorted({c for c, _ in rows})
    pairs: list[tuple[str, str | None]] = [(c, r) for c, r in rows]
    return sorted(pairs, key=lambda r: (r[0], r[1] or "")) + [(c, None) for c in cats]


def creator_share(session: Session, creator_id: str, category: str, region: str | None,
                  until: dt.date) -> float:
    """The creator's share of the pair's units over the last 90 days (0 when none)."""
    since = until - dt.timedelta(days=SHARE_WINDOW_DAYS)
    q = select(func.sum(DailySales.units)).where(DailySales.category == category,
                                                 DailySales.day > since)
    if region:
        q = q.where(DailySales.region == region)
    total = session.scalar(q) or 0
    mine = session.scalar(q.where(DailySales.creator_id == creator_id)) or 0
    return float(mine) / float(total) if total else 0.0


class ForecastCache:
    """Forecasts per (store, category, region, last data day), in memory then in the table."""

    def __init__(self) -> None:
        self._memory: dict[
            tuple[str, str, str, dt.date], tuple[changes.Version, DemandForecast]
        ] = {}
        self._lock = threading.Lock()

    def get(self, store: Store, category: str, region: str | None, horizon_days: int,
            *, allow_fallback: bool = False) -> DemandForecast:
        """The forecast for ``horizon_days``: cached if this data day has one, else computed."""
        with store.session() as s:
            as_of = data_end(s)
            version = changes.read_version(s, FORECASTS)
        full = self.full(store, category, region, as_of, version=version)
        if full.fallback and not allow_fallback:
            raise InsufficientData(
                history_message(category, region, full.history_days), field="category",
                history_days=full.history_days, required_days=MIN_HISTORY_DAYS)
        return full.sliced(horizon_days)

    def full(self, store: Store, category: str, region: str | None, as_of: dt.date | None,
             *, refresh: bool = False, version: changes.Version | None = None) -> DemandForecast:
        """The 365-day forecast as of ``as_of`` (computed and stored when missing).

        A copy kept in memory is used while no process has stored a forecast since
        (``version``: the store's forecast version, read here when not given).
        """
        key = (store.url, category, region_key(region), as_of or dt.date.min)
        if version is None and not refresh:
            with store.session() as s:
                version = changes.read_version(s, FORECASTS)
        kept = self._memory.get(key)
        if not refresh and kept is not None and kept[0] == version:
            return kept[1]
        with self._lock:
            kept = self._memory.get(key)
            if not refresh and kept is not None and kept[0] == version:
                return kept[1]
            with store.session() as s:
                row = None if refresh or as_of is None else s.scalar(
                    select(ForecastRecord).where(ForecastRecord.category == category,
                                                 ForecastRecord.region == region_key(region),
                                                 ForecastRecord.as_of == as_of))
                if row is not None:
                    result = from_payload(row.payload)
                else:
                    y = load_series(s, category, region, as_of)
                    result = forecast_demand(y, category=category, region=region,
                                             horizon_days=MAX_HORIZON_DAYS, allow_fallback=True)
                    if as_of is not None:
                        self._store(s, result, as_of)
            with store.session() as s:  # after the commit: the version that includes our write
                self._memory[key] = (changes.read_version(s, FORECASTS), result)
            return result

    @staticmethod
    def _store(s: Session, result: DemandForecast, as_of: dt.date) -> None:
        key = (ForecastRecord.category == result.category,
               ForecastRecord.region == region_key(result.region), ForecastRecord.as_of == as_of)
        row = s.scalar(select(ForecastRecord).where(*key))
        if row is None:
            row = ForecastRecord(category=result.category, region=region_key(result.region),
                                 as_of=as_of)
            s.add(row)
        row.horizon_days, row.total_30d = len(result.points), result.total(30)
        row.payload = to_payload(result)


CACHE = ForecastCache()


@dataclass
class ForecastRefresh:
    """What one refresh did."""

    computed: int = 0
    changed: list[tuple[str, str]] = field(default_factory=list)
    change_notifications: int = 0
    peak_notifications: int = 0


def _creators_in(s: Session, category: str, region: str) -> list[str]:
    return list(s.scalars(select(Creator.id).where(Creator.category == category,
                                                   Creator.region == region,
                                                   Creator.status == "active")))


def refresh_forecasts(store: Store, *, pairs: Sequence[tuple[str, str | None]] | None = None,
                      today: dt.date | None = None,
                      cache: ForecastCache = CACHE, progress: bool = False) -> ForecastRefresh:
    """Recompute forecasts (run in the background after new sales), then notify creators.

    ``today`` defaults to the day after the last sales day (the forecasts' first day);
    ``progress`` draws a bar on stderr, one step per series.
    """
    report = ForecastRefresh()
    with store.session() as s:
        as_of = data_end(s)
        pairs = list(pairs) if pairs is not None else series_pairs(s)
    if as_of is None:
        return report
    today = today or as_of + dt.timedelta(days=1)
    for category, region in tqdm(pairs, desc="forecasts", unit="series", disable=not progress):
        with store.session() as s:
            previous = s.scalar(
                select(ForecastRecord).where(ForecastRecord.category == category,
                                             ForecastRecord.region == region_key(region))
                .order_by(ForecastRecord.as_of.desc(), ForecastRecord.id.desc()).limit(1))
            old_total = previous.total_30d if previous is not None else None
        new = cache.full(store, category, region, as_of, refresh=True)
        report.computed += 1
        if region is None or new.fallback:
            continue  # creators are alerted from their own region's forecast
        with store.session() as s:
            creators = _creators_in(s, category, region)
            if old_total is not None and forecast_changed(old_total, new.total(30)):
                report.changed.append((category, region))
                for cid in creators:
                    share = creator_share(s, cid, category, region, as_of)
                    s.add(Notification(
                        user_id=cid, kind="forecast_change",
                        message=(f"Demand forecast for {category} in {region} changed from "
                                 f"{old_total:,.0f} to {new.total(30):,.0f} units over the next "
                                 f"30 days; plan about {round(share * new.total(30))} pieces."),
                        payload={"category": category, "region": region,
                                 "old_total_30d": old_total, "new_total_30d": new.total(30),
                                 "recommended_production": round(share * new.total(30))}))
                    report.change_notifications += 1
            alerts = peak_alerts(new.seasonal_peaks, creators, today)
            sent = {(n.user_id, n.payload.get("key")) for n in s.scalars(
                select(Notification).where(Notification.kind == "seasonal_peak",
                                           Notification.user_id.in_(creators)))}
            for a in alerts:
                key = f"{category}|{region}|{a.peak.date.isoformat()}"
                if (a.creator_id, key) in sent:
                    continue
                s.add(Notification(
                    user_id=a.creator_id, kind="seasonal_peak",
                    message=(f"{a.peak.reason}: {category} demand in {region} peaks around "
                             f"{a.peak.date:%d %b} ({a.days_ahead} days away), about "
                             f"{a.peak.expected:.0f} units a day. Stock up now."),
                    payload={"key": key, "category": category, "region": region,
                             "peak_date": a.peak.date.isoformat(), "expected": a.peak.expected,
                             "reason": a.peak.reason}))
                report.peak_notifications += 1
    return report
