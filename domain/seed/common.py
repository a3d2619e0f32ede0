"""Shared helpers of the seed: derived random streams, ids, anchored times, geography.

Everything random comes from :func:`stream` so that one integer seed fixes every value, and
every time comes from the anchor date, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from domain import geodesy

UTC = dt.UTC

# India's bounding box (mainland plus islands, generous by a few tenths of a degree).
INDIA_BBOX = (6.5, 68.0, 37.6, 97.5)  # lat_min, lon_min, lat_max, lon_max
EARTH_RADIUS_KM = geodesy.EARTH_KM

# IST is UTC+05:30; artisans and buyers act during the Indian day (09:00-21:00 IST).
_IST_DAY_START_UTC_MIN = 3 * 60 + 30
_IST_DAY_LENGTH_MIN = 12 * 60


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent generator for one concern (``"creators"``, ``"sales"``...).

    Separate streams keep a change in one step (say, more buyers) from shifting every value
    drawn after it; ``crc32`` is used because ``hash()`` of a str is salted per process.
    """
    return np.random.default_rng([int(seed), zlib.crc32(name.encode())])


def cid(i: int) -> str:
    """Creator id ``c-0001`` for index 1."""
    return f"c-{i:04d}"


def bid(i: int) -> str:
    """Buyer id ``b-0001``."""
    return f"b-{i:04d}"


def pid(i: int) -> str:
    """Product id ``p-00001``."""
    return f"p-{i:05d}"


def oid(i: int) -> str:
    """Order id ``o-000001``."""
    return f"o-{i:06d}"


def rid(i: int) -> str:
    """Review id ``r-000001``."""
    return f"r-{i:06d}"


def kid(i: int) -> str:
    """Cluster id ``k-001``."""
    return f"k-{i:03d}"


def anchor(until: dt.date) -> dt.datetime:
    """The seed's "now": midnight UTC at the start of ``until``."""
    return dt.datetime.combine(until, dt.time(0, 0), UTC)


def day_time(day: dt.date, rng: np.random.Generator) -> dt.datetime:
    """A moment during the Indian working day of ``day``, to the minute, in UTC."""
    minute = _IST_DAY_START_UTC_MIN + int(rng.integers(0, _IST_DAY_LENGTH_MIN))
    return dt.datetime.combine(day, dt.time(0, 0), UTC) + dt.timedelta(minutes=minute)


def between(lo: dt.datetime, hi: dt.datetime, rng: np.random.Generator) -> dt.datetime:
    """A uniformly drawn moment in ``[lo, hi]`` rounded to the second."""
    span = max(0.0, (hi - lo).total_seconds())
    return (lo + dt.timedelta(seconds=float(rng.uniform(0, span)))).replace(microsecond=0)


def iso(moment: dt.datetime) -> str:
    """ISO 8601 with offset, as stored in JSON timelines."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def hex_key(rng: np.random.Generator, prefix: str = "img") -> str:
    """A 64-bit random key such as ``img-3f9a0c12d4e5b678``."""
    return f"{prefix}-{int(rng.integers(0, 2**63)):016x}"


def unique_keys(rng: np.random.Generator, n: int, taken: set[str],
                prefix: str = "img") -> list[str]:
    """``n`` fresh keys not in ``taken`` (which is updated)."""
    out: list[str] = []
    while len(out) < n:
        key = hex_key(rng, prefix)
        if key not in taken:
            taken.add(key)
            out.append(key)
    return out


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (good to 0.5 % against the geodesic, enough for seeding)."""
    return float(geodesy.haversine_km(lat1, lon1, lat2, lon2))


def offset(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    """The point ``km`` away from ``(lat, lon)`` along ``bearing_deg`` (spherical earth)."""
    d = km / EARTH_RADIUS_KM
    b = math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1),
                         math.cos(d) - math.sin(p1) * math.sin(p2))
    return round(math.degrees(p2), 5), round(math.degrees(l2), 5)


def in_india_bbox(lat: float, lon: float) -> bool:
    """True inside :data:`INDIA_BBOX`."""
    lat_min, lon_min, lat_max, lon_max = INDIA_BBOX
    return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


def pick(rng: np.random.Generator, items: Sequence[Any], p: Sequence[float] | None = None) -> Any:
    """One element of ``items`` (optionally weighted), keeping Python types."""
    if p is not None:
        w = np.asarray(p, dtype=float)
        return items[int(rng.choice(len(items), p=w / w.sum()))]
    return items[int(rng.integers(0, len(items)))]


def sample(rng: np.random.Generator, items: Sequence[Any], k: int) -> list[Any]:
    """``k`` distinct elements of ``items`` in drawn order (all of them if fewer)."""
    k = min(k, len(items))
    return [items[int(i)] for i in rng.choice(len(items), size=k, replace=False)]


def nice_price(value: float) -> float:
    """Round a price the way sellers write it: to 10 below ₹1,000, 50 below ₹10,000, else 100."""
    step = 10 if value < 1_000 else 50 if value < 10_000 else 100
    return float(max(step, round(value / step) * step))


def chunks(rows: Sequence[dict[str, Any]], size: int) -> Iterable[Sequence[dict[str, Any]]]:
    """Consecutive slices of ``rows`` of at most ``size`` items."""
    for start in range(0, len(rows), size):
        yield rows[start:start + size]
