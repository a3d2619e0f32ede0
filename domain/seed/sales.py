"""Daily sales per (creator, category, region = the creator's state), vectorised with numpy.

Demand = creator base rate x weekday rhythm x festival build-ups (dates from the ``holidays``
package) x wedding seasons x growth x noise; units are Poisson draws and zero days are omitted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import holidays
import numpy as np

from domain.seed import layout as lay
from domain.seed.common import stream
from domain.seed.people import CreatorInfo
from domain.store.models import CATEGORIES

SALES_DAYS = 800  # a little over two years before the anchor, so two Diwalis are complete

# Monday..Sunday: buyers shop on weekends.
WEEKDAY = np.array([0.88, 0.86, 0.90, 0.94, 1.04, 1.30, 1.38])
GROWTH_PER_YEAR = 1.25
WEDDING_MONTHS = (11, 12, 1, 2, 4, 5)
WEDDING_BOOST = {"textiles": 1.3, "jewellery": 1.4, "metalware": 1.1}
MONSOON_MONTHS = (7, 8)
EAST = ("West Bengal", "Odisha", "Tripura", "Bihar", "Assam", "Jharkhand")
SOUTH = ("Tamil Nadu", "Andhra Pradesh", "Telangana", "Karnataka")


@dataclass(frozen=True)
class Festival:
    """A festival's shopping build-up: ``lead`` days rising to ``peak`` on the day itself."""

    names: tuple[str, ...]  # holiday names as the holidays package writes them
    lead: int
    peak: dict[str, float]
    default: float = 1.0
    states: tuple[str, ...] = ()  # only these states (empty: everywhere)
    lull: int = 0  # days of quieter sales after the festival


FESTIVALS = (
    Festival(("Diwali",), 21, {"home_decor": 3.2, "pottery": 3.0, "metalware": 3.0, "glass": 2.8,
                               "jewellery": 2.8, "textiles": 2.6, "toys": 2.4}, 2.1, lull=5),
    Festival(("Dussehra",), 10, {"textiles": 1.6, "jewellery": 1.5, "painting": 1.3,
                                 "home_decor": 1.3}, 1.15),
    Festival(("Dussehra",), 10, {"textiles": 1.4, "painting": 1.4, "home_decor": 1.3}, 1.2,
             states=EAST),  # Durga Puja
    Festival(("Holi",), 7, {"textiles": 1.3, "toys": 1.25}, 1.1),
    Festival(("Raksha Bandhan",), 10, {"jewellery": 1.5, "textiles": 1.25, "toys": 1.25}, 1.05),
    Festival(("Karaka Chaturthi (Karwa Chouth)", "Karwa Chauth"), 6,
             {"jewellery": 1.5, "textiles": 1.3}),
    Festival(("Eid al-Fitr",), 10, {"textiles": 1.4, "jewellery": 1.3}, 1.05),
    Festival(("Christmas",), 14, {"home_decor": 1.5, "glass": 1.5, "toys": 1.5,
                                  "painting": 1.3}, 1.15),
    Festival(("Pongal", "Makar Sankranti"), 5, {"pottery": 1.6, "textiles": 1.3}, 1.0,
             states=SOUTH),
    Festival(("Ganesh Chaturthi / Vinayak Chaturthi", "Ganesh Chaturthi"), 7,
             {"home_decor": 1.3, "painting": 1.2, "metalware": 1.2}, 1.05),
)


def festival_dates(years: range) -> dict[str, list[dt.date]]:
    """Dates of every holiday name in ``years`` (public and optional Indian holidays)."""
    try:
        cal = holidays.India(years=years, categories=("public", "optional"))
    except (TypeError, NotImplementedError):  # older holidays without categories
        cal = holidays.India(years=years)
    out: dict[str, list[dt.date]] = defaultdict(list)
    for day, names in sorted(cal.items()):
        for name in names.split("; "):
            out[name.strip()].append(day)
    return out


def diwali_dates(start: dt.date, until: dt.date) -> list[dt.date]:
    """Diwali days whose 3-week build-up lies in ``[start, until)``."""
    dates = festival_dates(range(start.year, until.year + 1)).get("Diwali", [])
    return [d for d in dates if start + dt.timedelta(days=21) <= d < until]


def _festival_curve(days: np.ndarray, dates: list[dt.date], fest: Festival) -> np.ndarray:
    """0 outside the festival, else the ramp position in [0, 1] (and -1 in the lull after)."""
    pos = np.zeros(len(days))
    day0 = days[0]
    for date in dates:
        f = (np.datetime64(date, "D") - day0).astype(int)
        idx = np.arange(max(0, f - fest.lead), min(len(days), f + 1))
        pos[idx] = np.maximum(pos[idx], ((idx - (f - fest.lead)) / fest.lead) ** 1.2)
        lull = np.arange(max(0, f + 1), min(len(days), f + 1 + fest.lull))
        pos[lull] = np.where(pos[lull] > 0, pos[lull], -1)
    return pos


def seasonality(days: np.ndarray, states: list[str]) -> dict[tuple[str, str], np.ndarray]:
    """Multiplier per (category, state) and day: weekday x festivals x seasons x growth."""
    py_days = days.astype("datetime64[D]").astype(object)
    months = np.array([d.month for d in py_days])
    weekday = WEEKDAY[np.array([d.weekday() for d in py_days])]
    years_in = (days - days[0]).astype(int) / 365.25
    monsoon = np.where(np.isin(months, MONSOON_MONTHS), 0.85, 1.0)
    base = weekday * GROWTH_PER_YEAR ** years_in * monsoon
    dates = festival_dates(range(py_days[0].year, py_days[-1].year + 2))
    curves = []
    for fest in FESTIVALS:
        found = sorted({d for name in fest.names for d in dates.get(name, [])})
        curves.append((fest, _festival_curve(days, found, fest)))
    out = {}
    for state in sorted(set(states)):
        for category in CATEGORIES:
            m = base.copy()
            if category in WEDDING_BOOST:
                m *= np.where(np.isin(months, WEDDING_MONTHS), WEDDING_BOOST[category], 1.0)
            for fest, pos in curves:
                if fest.states and state not in fest.states:
                    continue
                peak = fest.peak.get(category, fest.default)
                ramp = 1 + (peak - 1) * np.clip(pos, 0, 1)
                m *= np.where(pos > 0, ramp, np.where(pos < 0, 0.8, 1.0))
            out[(category, state)] = m
    return out


@dataclass
class SalesResult:
    """The DailySales rows plus the aggregates other steps use."""

    rows: list[dict[str, Any]]
    revenue_by_creator: dict[str, float]
    units_30d_by_creator: dict[str, int]
    units_by_creator: dict[str, int]
    daily_total: np.ndarray  # units per day, whole marketplace (order dates follow it)
    days: np.ndarray


def daily_sales(seed: int, until: dt.date, creators: list[CreatorInfo],
                products: list[dict[str, Any]]) -> SalesResult:
    """Simulate every (creator, category) series over ``SALES_DAYS`` days before ``until``."""
    rng = stream(seed, "sales")
    start = until - dt.timedelta(days=SALES_DAYS)
    days = np.arange(np.datetime64(start, "D"), np.datetime64(until, "D"))
    overpriced = {f"p-{n:05d}" for n in lay.layout().overpriced}
    # Series = (creator, category) with the creator's mean selling price in that category.
    prices: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in products:
        if row["status"] != "draft" and row["id"] not in overpriced:
            prices[(row["creator_id"], row["category"])].append(row["price"])
    info_by_id = {f"c-{c.index:04d}": c for c in creators}
    series = sorted(prices)
    n_s = len(series)
    mean_price = np.array([np.mean(prices[s]) for s in series])
    share = np.array([len(prices[s]) for s in series], dtype=float)
    totals: dict[str, float] = defaultdict(float)
    for (c, _), n in zip(series, share, strict=True):
        totals[c] += n
    share /= np.array([totals[c] for c, _ in series])
    states = [info_by_id[c].cluster.state for c, _ in series]

    popularity = rng.lognormal(0.0, 0.5, n_s)
    lam = 0.55 * (1500.0 / mean_price) ** 0.35 * popularity * share
    slope = rng.normal(0.0, 0.12, n_s)  # each series' own trend, per year
    joined = np.array([np.datetime64(info_by_id[c].joined.date(), "D") for c, _ in series])
    for k, (c, _) in enumerate(series):
        if c == f"c-{lay.RESELLER:04d}":  # cheap sarees moved in volume from the listing day
            lam[k] = 2.5
            joined[k] = np.datetime64(until - dt.timedelta(days=48), "D")
        elif c == f"c-{lay.C0001:04d}":
            lam[k] *= 1.5
    season = seasonality(days, states)
    years_in = (days - days[0]).astype(int) / 365.25
    rate = np.empty((n_s, len(days)))
    for k, (_, category) in enumerate(series):
        rate[k] = lam[k] * season[(category, states[k])] * np.exp(slope[k] * years_in)
    rate *= rng.gamma(6.0, 1 / 6.0, rate.shape)  # day-to-day noise beyond Poisson
    rate[days[None, :] < joined[:, None]] = 0.0
    units = rng.poisson(rate)
    discount = rng.uniform(0.85, 1.05, units.shape)
    revenue = np.round(units * mean_price[:, None] * discount, 2)

    ks, ds = np.nonzero(units)
    day_list = days.astype(object)
    rows = [
        {"day": day_list[d], "creator_id": series[k][0], "category": series[k][1],
         "region": states[k], "units": u, "revenue": r}
        for k, d, u, r in zip(ks.tolist(), ds.tolist(), units[ks, ds].tolist(),
                              revenue[ks, ds].tolist(), strict=True)
    ]
    rows.sort(key=lambda r: (r["day"], r["creator_id"], r["category"]))
    by_creator_rev: dict[str, float] = defaultdict(float)
    by_creator_30: dict[str, int] = defaultdict(int)
    by_creator_units: dict[str, int] = defaultdict(int)
    rev_sum, units_all = revenue.sum(axis=1), units.sum(axis=1)
    units_30 = units[:, -30:].sum(axis=1)
    for k, (c, _) in enumerate(series):
        by_creator_rev[c] += float(rev_sum[k])
        by_creator_30[c] += int(units_30[k])
        by_creator_units[c] += int(units_all[k])
    return SalesResult(rows, dict(by_creator_rev), dict(by_creator_30), dict(by_creator_units),
                       units.sum(axis=0), days)
