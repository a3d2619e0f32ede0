"""Distances on the Earth, vectorised: the mean sphere for speed, WGS-84 (Vincenty) for exactness.

``domain.places.distance_km`` (geopy's geodesic) stays the reference for single pairs; these
serve engines that measure one point against thousands.
"""

from __future__ import annotations

import math

import numpy as np

from domain.errors import InvalidInput

EARTH_KM = 6371.0088


def check_coordinates(lat: float, lon: float, what: str) -> None:
    """Raise :class:`InvalidInput` naming ``lat`` or ``lon`` unless both are finite and in range.

    Latitude must lie in [-90, 90] and longitude in [-180, 180] (seed prop 19); NaN and
    infinities are refused too, since every comparison with them is false.
    """
    for name, value, bound in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
            raise InvalidInput(f"{what}: {name} must be a number, not {value!r}", field=name)
        if not (math.isfinite(value) and -bound <= value <= bound):
            raise InvalidInput(
                f"{what}: {name} {value!r} is outside [-{bound:g}, {bound:g}]", field=name
            )


def spherical_mean(lat: np.ndarray, lon: np.ndarray) -> tuple[float, float]:
    """The centre of points on the sphere (mean of unit vectors), in degrees.

    An arithmetic mean of longitudes puts the centre of points on both sides of the 180th
    meridian on the other side of the Earth; unit vectors do not wrap.
    """
    phi, lam = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    x, y, z = (np.mean(np.cos(phi) * np.cos(lam)), np.mean(np.cos(phi) * np.sin(lam)),
               np.mean(np.sin(phi)))
    c_lat = math.degrees(math.atan2(z, math.hypot(x, y)))
    c_lon = math.degrees(math.atan2(y, x)) if math.hypot(x, y) > 1e-12 else 0.0
    return max(-90.0, min(90.0, c_lat)), max(-180.0, min(180.0, c_lon))


def haversine_km(
    lat: np.ndarray | float, lon: np.ndarray | float, lat0: float, lon0: float
) -> np.ndarray:
    """Great-circle distances in km from one point to many (degrees in)."""
    p1, p2 = np.radians(lat), math.radians(lat0)
    dphi, dl = p1 - p2, np.radians(lon) - math.radians(lon0)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * math.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def vincenty_km(
    lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float, iterations: int = 30
) -> np.ndarray:
    """WGS-84 ellipsoidal distances in km from one point to many (vectorised Vincenty)."""
    a, f = 6378.137, 1 / 298.257223563
    b = a * (1 - f)
    u1 = np.arctan((1 - f) * np.tan(np.radians(lat)))
    u2 = math.atan((1 - f) * math.tan(math.radians(lat0)))
    big_l = np.radians(lon0) - np.radians(lon)
    lam = big_l.copy()
    su1, cu1, su2, cu2 = np.sin(u1), np.cos(u1), math.sin(u2), math.cos(u2)
    for _ in range(iterations):
        sl, cl = np.sin(lam), np.cos(lam)
        s_sig = np.sqrt((cu2 * sl) ** 2 + (cu1 * su2 - su1 * cu2 * cl) ** 2)
        c_sig = su1 * su2 + cu1 * cu2 * cl
        sig = np.arctan2(s_sig, c_sig)
        s_alpha = np.divide(cu1 * cu2 * sl, s_sig, out=np.zeros_like(s_sig), where=s_sig > 0)
        c2_alpha = 1 - s_alpha**2
        c2sm = np.divide(2 * su1 * su2, c2_alpha, out=np.zeros_like(c2_alpha), where=c2_alpha > 0)
        c2sm = c_sig - c2sm
        c = f / 16 * c2_alpha * (4 + f * (4 - 3 * c2_alpha))
        lam_prev = lam
        lam = big_l + (1 - c) * f * s_alpha * (
            sig + c * s_sig * (c2sm + c * c_sig * (-1 + 2 * c2sm**2))
        )
        if np.all(np.abs(lam - lam_prev) < 1e-12):
            break
    u_sq = c2_alpha * (a**2 - b**2) / b**2
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    d_sig = (
        big_b
        * s_sig
        * (
            c2sm
            + big_b
            / 4
            * (
                c_sig * (-1 + 2 * c2sm**2)
                - big_b / 6 * c2sm * (-3 + 4 * s_sig**2) * (-3 + 4 * c2sm**2)
            )
        )
    )
    return b * big_a * (sig - d_sig)


# Andoyer-Lambert is first order in the flattening; measured against geographiclib it stays
# within 1.5e-6 of the geodesic's length everywhere up to 5,000 km (tests/domain/test_geodesy.py
# checks the bound below, with a wide margin, over the whole globe).
ANDOYER_LAMBERT_ERROR = 1e-5
ANDOYER_LAMBERT_MAX_KM = 5000.0


def andoyer_lambert_km(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """WGS-84 distances in km, one pass and no iteration (Andoyer-Lambert).

    Within ``ANDOYER_LAMBERT_ERROR`` (relative) of the geodesic for distances up to
    ``ANDOYER_LAMBERT_MAX_KM``; it degrades towards antipodal points, where Vincenty serves.
    """
    a, f = 6378.137, 1 / 298.257223563
    b1 = np.arctan((1 - f) * np.tan(np.radians(lat)))
    b0 = math.atan((1 - f) * math.tan(math.radians(lat0)))
    h = (
        np.sin((b1 - b0) / 2) ** 2
        + np.cos(b1) * math.cos(b0) * np.sin((np.radians(lon) - math.radians(lon0)) / 2) ** 2
    )
    sig = 2 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    p, q = (b1 + b0) / 2, (b1 - b0) / 2
    s = np.sin(sig)
    zeros = np.zeros_like(sig)
    x = np.divide(
        (sig - s) * (np.sin(p) * np.cos(q)) ** 2,
        np.cos(sig / 2) ** 2,
        out=zeros.copy(),
        where=sig < math.pi,
    )
    y = np.divide(
        (sig + s) * (np.cos(p) * np.sin(q)) ** 2, np.sin(sig / 2) ** 2, out=zeros, where=sig > 0
    )
    return a * (sig - f / 2 * (x + y))
