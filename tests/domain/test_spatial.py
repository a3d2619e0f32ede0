"""The latitude-row grid answers radius queries exactly as a full haversine scan does."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.geodesy import haversine_km
from domain.spatial import LatLonGrid

lats = st.floats(-90, 90, allow_nan=False)
lons = st.floats(-180, 180, allow_nan=False)


def _scan(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float, r: float) -> set[int]:
    d = haversine_km(lat, lon, lat0, lon0)
    return set(np.flatnonzero(d <= r).tolist())


def _on_edge(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float, r: float) -> set[int]:
    """Points within rounding (a micrometre per 1,000 km) of the circle, either answer is right."""
    d = haversine_km(lat, lon, lat0, lon0)
    return set(np.flatnonzero(np.abs(d - r) <= 1e-9 * max(r, 1.0)).tolist())


@st.composite
def clouds(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Points near a centre anywhere on Earth (poles and the antimeridian included)."""
    lat0, lon0 = draw(lats), draw(lons)
    n = draw(st.integers(0, 120))
    spread = draw(st.sampled_from([0.05, 0.5, 3.0, 40.0]))
    pts = draw(st.lists(st.tuples(st.floats(-1, 1), st.floats(-1, 1)), min_size=n, max_size=n))
    lat = np.clip([lat0 + spread * a for a, _ in pts], -90, 90) if pts else np.zeros(0)
    lon = (
        ((np.array([lon0 + spread * 4 * b for _, b in pts]) + 180) % 360) - 180
        if pts
        else (np.zeros(0))
    )
    return np.asarray(lat, float), np.asarray(lon, float), lat0, lon0


@settings(max_examples=300, deadline=None)
@given(cloud=clouds(), r=st.one_of(st.floats(0, 200), st.floats(200, 25000)))
def test_grid_matches_a_full_scan(cloud, r) -> None:
    """Property 15: Hyperlocal Search Radius Constraint — the spatial index behind radius search
    returns exactly the points a full haversine scan finds within R, with their distances, near the
    poles and across the antimeridian too."""
    lat, lon, lat0, lon0 = cloud
    grid = LatLonGrid(lat, lon)
    found, dist = grid.within(lat0, lon0, r)
    edge = _on_edge(lat, lon, lat0, lon0, r)
    assert set(found.tolist()) - edge == _scan(lat, lon, lat0, lon0, r) - edge
    assert len(set(found.tolist())) == len(found)
    np.testing.assert_allclose(dist, haversine_km(lat[found], lon[found], lat0, lon0), atol=1e-6)


def test_the_box_wraps_across_the_antimeridian() -> None:
    lat = np.array([10.0, 10.0, 10.0, 10.0])
    lon = np.array([179.9, -179.9, -179.7, 0.0])
    grid = LatLonGrid(lat, lon)
    r = float(haversine_km(lat[1:2], lon[1:2], 10.0, 179.9)[0]) + 1e-6  # a millimetre past it
    found, dist = grid.within(10.0, 179.9, r)
    assert sorted(found.tolist()) == [0, 1]
    assert dist.max() <= r


def test_the_pole_cap_takes_every_longitude() -> None:
    lon = np.linspace(-180, 179, 360)
    grid = LatLonGrid(np.full(360, 89.9), lon)
    found, _ = grid.within(89.95, 0.0, 30.0)
    assert len(found) == 360
