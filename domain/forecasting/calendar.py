"""The festival and season calendar that demand follows, from ``holidays.India``.

Shoppers buy crafts in the days before a festival (diyas and brass before Diwali, sarees
before Durga Puja and Eid), during the wedding months, and less in the monsoon. This module
turns a date range into calendar features (weekday, festival build-up ramps, seasons, trend)
for the regression member of the ensemble, and names the festival behind a peak.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

WEDDING_MONTHS = (11, 12, 1, 2, 4, 5)
MONSOON_MONTHS = (7, 8)
EAST = frozenset({"West Bengal", "Odisha", "Tripura", "Bihar", "Assam", "Jharkhand"})
SOUTH = frozenset({"Tamil Nadu", "Andhra Pradesh", "Telangana", "Karnataka", "Kerala"})


@dataclass(frozen=True)
class Festival:
    """A shopping festival: its names in ``holidays.India`` and days of build-up before it."""

    label: str
    names: tuple[str, ...]
    lead_days: int
    lull_days: int = 0
    states: frozenset[str] = frozenset()  # only here (empty: everywhere)


FESTIVALS: tuple[Festival, ...] = (
    Festival("Diwali", ("Diwali",), 21, lull_days=5),
    Festival("Dussehra / Durga Puja", ("Dussehra",), 10),
    Festival("Holi", ("Holi",), 7),
    Festival("Raksha Bandhan", ("Raksha Bandhan",), 10),
    Festival("Karwa Chauth", ("Karaka Chaturthi (Karwa Chouth)", "Karwa Chauth"), 6),
    Festival("Eid al-Fitr", ("Eid al-Fitr",), 10),
    Festival("Christmas", ("Christmas",), 14),
    Festival("Pongal / Makar Sankranti", ("Pongal", "Makar Sankranti"), 5, states=SOUTH),
    Festival("Ganesh Chaturthi", ("Ganesh Chaturthi / Vinayak Chaturthi", "Ganesh Chaturthi"), 7),
)


@lru_cache(maxsize=32)
def _holiday_dates(first_year: int, last_year: int) -> dict[str, tuple[dt.date, ...]]:
    years = range(first_year, last_year + 1)
    try:
        cal = holidays.India(years=years, categories=("public", "optional"))
    except (TypeError, NotImplementedError):  # an older holidays without categories
        cal = holidays.India(years=years)
    out: dict[str, list[dt.date]] = defaultdict(list)
    for day, names in sorted(cal.items()):
        for name in names.split("; "):
            out[name.strip()].append(day)
    return {k: tuple(v) for k, v in out.items()}


def festival_dates(festival: Festival, start: dt.date, end: dt.date) -> list[dt.date]:
    """Days of ``festival`` between ``start`` and ``end`` (inclusive)."""
    found = _holiday_dates(start.year, end.year)
    return sorted({d for n in festival.names for d in found.get(n, ()) if start <= d <= end})


def applies(festival: Festival, region: str | None) -> bool:
    """Whether ``festival`` drives sales in ``region`` (nationwide: every festival counts)."""
    return not festival.states or not region or region in festival.states


def festival_ramps(days: pd.DatetimeIndex, region: str | None) -> dict[str, np.ndarray]:
    """Per festival, 0 outside its build-up and rising to 1 on the day; -1 in the lull after."""
    start, end = days[0].date(), days[-1].date() + dt.timedelta(days=40)
    day_numbers = days.values.astype("datetime64[D]").astype(np.int64)
    out = {}
    for fest in FESTIVALS:
        if not applies(fest, region):
            continue
        pos = np.zeros(len(days))
        for date in festival_dates(fest, start - dt.timedelta(days=40), end):
            f = np.datetime64(date, "D").astype(np.int64)
            before = (day_numbers > f - fest.lead_days) & (day_numbers <= f)
            ramp = 1.0 - (f - day_numbers) / fest.lead_days
            pos = np.where(before, np.maximum(pos, ramp), pos)
            if fest.lull_days:
                after = (day_numbers > f) & (day_numbers <= f + fest.lull_days) & (pos <= 0)
                pos = np.where(after, -1.0, pos)
        out[fest.label] = pos
    return out


def calendar_features(days: pd.DatetimeIndex, region: str | None, origin: dt.date) -> pd.DataFrame:
    """Features of each day: trend, weekday, wedding and monsoon months, festival ramps.

    ``origin`` anchors the trend so the same day gets the same feature in every fit.
    """
    frame = {"trend": (days - pd.Timestamp(origin)).days.values / 365.25}
    weekday = days.weekday.values
    for d in range(6):  # Sunday is the reference level
        frame[f"dow_{d}"] = (weekday == d).astype(float)
    months = days.month.values
    frame["wedding_season"] = np.isin(months, WEDDING_MONTHS).astype(float)
    frame["monsoon"] = np.isin(months, MONSOON_MONTHS).astype(float)
    lulls = {f.label for f in FESTIVALS if f.lull_days}
    for label, pos in festival_ramps(days, region).items():
        frame[f"fest:{label}"] = np.clip(pos, 0, 1) ** 1.2
        if label in lulls:  # a fixed column set: fits and predictions must see the same names
            frame[f"lull:{label}"] = (pos < 0).astype(float)
    return pd.DataFrame(frame, index=days)


def festival_near(day: dt.date, region: str | None, before: int = 3,
                  after: int = 3) -> tuple[Festival, dt.date] | None:
    """The festival falling within ``before`` days before to ``after`` days after ``day``."""
    best = None
    for fest in FESTIVALS:
        if not applies(fest, region):
            continue
        for date in festival_dates(fest, day - dt.timedelta(days=after),
                                   day + dt.timedelta(days=before)):
            gap = abs((date - day).days)
            if best is None or gap < best[0]:
                best = (gap, fest, date)
    return (best[1], best[2]) if best else None
