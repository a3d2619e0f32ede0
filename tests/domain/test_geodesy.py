"""The vectorised WGS-84 distances agree with geographiclib within their stated bounds."""

from __future__ import annotations

import numpy as np
from geographiclib.geodesic import Geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.discovery import SPHERE_ERROR
from domain.geodesy import (
    ANDOYER_LAMBERT_ERROR,
    ANDOYER_LAMBERT_MAX_KM,
    andoyer_lambert_km,
    haversine_km,
    vincenty_km,
)

WGS84 = Geodesic.WGS84


@settings(max_examples=200, deadline=None)
@given(
    lat0=st.floats(-89.99, 89.99),
    lon0=st.floats(-180, 180),
    azimuths=st.lists(st.floats(0, 360), min_size=1, max_size=20),
    km=st.one_of(st.floats(0, 1), st.floats(0, 100), st.floats(0, ANDOYER_LAMBERT_MAX_KM * 1.01)),
)
def test_distances_stay_within_their_bounds(lat0, lon0, azimuths, km) -> None:
    """Property 15: Hyperlocal Search Radius Constraint — the cheap distances that decide which
    listings lie within R stay inside the error bounds the radius search relies on (sphere within
    SPHERE_ERROR, Andoyer-Lambert within ANDOYER_LAMBERT_ERROR, Vincenty within a millimetre)."""
    pts = [WGS84.Direct(lat0, lon0, az, km * 1000) for az in azimuths]
    lat = np.array([p["lat2"] for p in pts])
    lon = np.array([p["lon2"] for p in pts])
    true = np.array([WGS84.Inverse(lat0, lon0, p["lat2"], p["lon2"])["s12"] / 1000 for p in pts])
    assert np.all(
        np.abs(andoyer_lambert_km(lat, lon, lat0, lon0) - true)
        <= true * ANDOYER_LAMBERT_ERROR + 1e-6
    )
    assert np.all(np.abs(haversine_km(lat, lon, lat0, lon0) - true) <= true * SPHERE_ERROR + 1e-9)
    assert np.all(np.abs(vincenty_km(lat, lon, lat0, lon0) - true) <= 1e-6)


def test_the_same_point_is_at_zero() -> None:
    assert andoyer_lambert_km(np.array([25.3]), np.array([83.0]), 25.3, 83.0)[0] == 0.0
