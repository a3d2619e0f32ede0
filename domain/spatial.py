"""A latitude-row grid for radius queries over many points on the sphere.

Points are bucketed into rows of ``row_deg`` degrees of latitude and sorted by (row, longitude),
so the points of one row inside a longitude range are one contiguous slice of the sorted arrays.
A radius query takes the spherical cap's bounding box (Matuschek's formula, which is exact for
a cap, with the poles and the antimeridian handled), finds one slice per row with two
``searchsorted`` calls, and measures only those slices, by the chord between unit vectors
(the haversine distance without a trigonometric call per point). Every point within the radius
on the mean sphere is returned and nothing outside it.

Compared with scikit-learn's ``BallTree(metric="haversine")`` it does the same job with far less
per-hit work when a query returns thousands of points (a 50 km radius around a craft cluster).
"""

from __future__ import annotations

import math

import numpy as np

from domain.geodesy import EARTH_KM

ROW_DEG = 0.5
# Keys put each row in its own band of width 1000 (longitudes shifted to 0..360 fit inside).
_ROW_STRIDE = 1000.0


class LatLonGrid:
    """Exact spherical radius queries over a fixed set of points (degrees in, km out)."""

    def __init__(self, lat: np.ndarray, lon: np.ndarray, row_deg: float = ROW_DEG) -> None:
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        if lat.shape != lon.shape or lat.ndim != 1:
            raise ValueError("lat and lon must be 1-D arrays of the same length")
        self.row_deg = row_deg
        self._rows = int(math.ceil(180 / row_deg))
        key = self._row(lat) * _ROW_STRIDE + _lon360(lon)
        self.order = np.argsort(key, kind="stable")
        self.key = key[self.order]
        # Unit vectors: the chord between two of them gives the haversine distance without a
        # trigonometric call per point (sin²(σ/2) = chord² / 4).
        phi, lam = np.radians(lat[self.order]), np.radians(lon[self.order])
        self._x = np.cos(phi) * np.cos(lam)
        self._y = np.cos(phi) * np.sin(lam)
        self._z = np.sin(phi)

    def __len__(self) -> int:
        return len(self.order)

    def _row(self, lat: np.ndarray | float) -> np.ndarray:
        return np.clip(np.floor((np.asarray(lat) + 90.0) / self.row_deg), 0, self._rows - 1)

    def _slices(self, lat0: float, lon0: float, radius_km: float) -> list[tuple[int, int]]:
        """Sorted-array slices that hold every point of the cap's bounding box."""
        # The angular radius, padded by far less than a millimetre so that rounding in the keys
        # never drops a point on the box's edge; the haversine check decides.
        d = radius_km / EARTH_KM * (1 + 1e-9) + 1e-12
        if d >= math.pi:
            return [(0, len(self.key))]
        lat_lo, lat_hi = lat0 - math.degrees(d), lat0 + math.degrees(d)
        if lat_lo <= -90.0 or lat_hi >= 90.0:  # the cap holds a pole: every longitude
            spans = [(0.0, 360.0)]
            lat_lo, lat_hi = max(lat_lo, -90.0), min(lat_hi, 90.0)
        else:
            s = math.sin(d) / math.cos(math.radians(lat0))
            dlon = 180.0 if s >= 1.0 else math.degrees(math.asin(s))
            lo, hi = float(_lon360(lon0 - dlon)), float(_lon360(lon0 + dlon))
            if dlon >= 180.0:
                spans = [(0.0, 360.0)]
            elif lo <= hi:
                spans = [(lo, hi)]
            else:  # the box crosses the antimeridian
                spans = [(0.0, hi), (lo, 360.0)]
        rows = np.arange(int(self._row(lat_lo)), int(self._row(lat_hi)) + 1) * _ROW_STRIDE
        los = np.concatenate([rows + a for a, _ in spans])
        his = np.concatenate([rows + b for _, b in spans])
        starts = np.searchsorted(self.key, los, side="left")
        ends = np.searchsorted(self.key, his, side="right")
        return [(int(s), int(e)) for s, e in zip(starts, ends, strict=True) if e > s]

    def within(self, lat0: float, lon0: float, radius_km: float) -> tuple[np.ndarray, np.ndarray]:
        """Positions (into the arrays given at construction) within ``radius_km``, and distances."""
        if radius_km < 0 or not len(self.key):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        p0, l0 = math.radians(lat0), math.radians(lon0)
        x0, y0, z0 = math.cos(p0) * math.cos(l0), math.cos(p0) * math.sin(l0), math.sin(p0)
        # chord² of the radius, a hair wide so rounding never drops a point on the edge
        limit = (2 * math.sin(min(radius_km / EARTH_KM, math.pi) / 2)) ** 2 * (1 + 1e-12)
        positions, chords = [], []
        for s, e in self._slices(lat0, lon0, radius_km):
            c2 = self._x[s:e] - x0
            c2 *= c2
            t = self._y[s:e] - y0
            t *= t
            c2 += t
            t = self._z[s:e] - z0
            t *= t
            c2 += t
            keep = np.flatnonzero(c2 <= limit)
            positions.append(keep + s)
            chords.append(c2[keep])
        if not positions:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        pos, c2 = np.concatenate(positions), np.concatenate(chords)
        dist = 2 * EARTH_KM * np.arcsin(np.minimum(np.sqrt(c2) * 0.5, 1.0))
        inside = dist <= radius_km
        return self.order[pos[inside]], dist[inside]


def _lon360(lon: np.ndarray | float) -> np.ndarray | float:
    """Longitude shifted and wrapped into [0, 360)."""
    return np.mod(np.asarray(lon, dtype=float) + 180.0, 360.0)
