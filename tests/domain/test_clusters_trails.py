"""Craft clusters and heritage trails (props 17, 19, 21, 22, 55, 56)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.catalog import CLUSTERS
from domain.clusters import ClusterSite, CreatorPoint, assign, discover, endangered_crafts
from domain.errors import InvalidInput
from domain.geodesy import haversine_km
from domain.trails import build_trail, path_km, route, trail_groups

CRAFTS = ["blue pottery", "bidriware", "ikat weaving"]


def km(a: CreatorPoint, b: CreatorPoint | ClusterSite) -> float:
    return float(haversine_km(a.lat, a.lon, b.lat, b.lon))


@st.composite
def creators(draw: st.DrawFn, max_size: int = 25) -> list[CreatorPoint]:
    base = draw(st.sampled_from(CLUSTERS))
    n = draw(st.integers(0, max_size))
    return [
        CreatorPoint(
            f"c-{i:04d}",
            base.lat + draw(st.floats(-1.2, 1.2)),
            base.lon + draw(st.floats(-1.2, 1.2)),
            draw(st.sampled_from(CRAFTS)),
        )
        for i in range(n)
    ]


def reference_sites() -> list[ClusterSite]:
    return [ClusterSite(k.id, k.name, k.lat, k.lon, [k.craft]) for k in CLUSTERS]


any_float = st.floats(allow_nan=True, allow_infinity=True, width=64)
world_lat, world_lon = st.floats(-90, 90), st.floats(-180, 180)


@settings(max_examples=300, deadline=None)
@given(lat=st.one_of(world_lat, any_float), lon=st.one_of(world_lon, any_float))
def test_clusters_have_valid_coordinates(lat, lon) -> None:
    """Property 19: Craft Clusters Have Valid Coordinates — a cluster (or a creator placed on the
    map) exists only with latitude in [-90, 90] and longitude in [-180, 180]; anything else,
    NaN and infinities included, is refused with an error naming the bad field."""
    lat_ok = math.isfinite(lat) and -90 <= lat <= 90
    lon_ok = math.isfinite(lon) and -180 <= lon <= 180
    for make in (
        lambda: ClusterSite("k-999", "test cluster", lat, lon, ["blue pottery"]),
        lambda: CreatorPoint("c-9999", lat, lon, "blue pottery"),
    ):
        if lat_ok and lon_ok:
            site = make()
            assert (site.lat, site.lon) == (lat, lon)
        else:
            with pytest.raises(InvalidInput) as info:
                make()
            assert info.value.field == ("lat" if not lat_ok else "lon")


def test_catalog_clusters_are_checked_when_built() -> None:
    for k in CLUSTERS:
        assert -90 <= k.lat <= 90 and -180 <= k.lon <= 180
    with pytest.raises(InvalidInput, match="lon"):
        dataclasses.replace(CLUSTERS[0], lon=181.0)


@st.composite
def spread_groups(draw: st.DrawFn) -> list[CreatorPoint]:
    """Groups of creators around centres anywhere on Earth, the poles and the 180th meridian
    included, so a centre computed naively (mean of longitudes) would land far away."""
    out: list[CreatorPoint] = []
    for g in range(draw(st.integers(1, 3))):
        lat0 = draw(st.one_of(st.floats(-89.9, 89.9), st.sampled_from([-89.9, 0.0, 89.9])))
        lon0 = draw(st.one_of(world_lon, st.sampled_from([-180.0, 179.99, 180.0])))
        for i in range(draw(st.integers(2, 6))):
            lat = min(90.0, max(-90.0, lat0 + draw(st.floats(-0.1, 0.1))))
            lon = lon0 + draw(st.floats(-0.1, 0.1))
            lon = (lon + 180.0) % 360.0 - 180.0
            out.append(CreatorPoint(f"c-{g}{i:03d}", lat, lon, CRAFTS[g]))
    return out


@settings(max_examples=150, deadline=None)
@given(points=spread_groups())
def test_discovered_cluster_centres_lie_among_their_creators(points) -> None:
    """Property 19: Craft Clusters Have Valid Coordinates — every discovered cluster has a valid
    coordinate, and it is where its creators are (no farther from any of them than they are
    from each other), across the poles and the 180th meridian too."""
    sites = discover(points, eps_km=40, min_samples=2)
    assert sites, "every drawn group is dense enough to be a cluster"
    by_id = {p.id: p for p in points}
    for site in sites:
        assert -90 <= site.lat <= 90 and -180 <= site.lon <= 180
        members = [by_id[i] for i in site.creator_ids]
        spread = max(km(a, b) for a in members for b in members)
        assert max(km(m, site) for m in members) <= spread + 0.5


@settings(max_examples=100, deadline=None)
@given(points=creators(), crafts=st.lists(st.sampled_from(CRAFTS), min_size=1, max_size=3))
def test_creators_join_a_matching_cluster_within_100_km(points, crafts) -> None:
    """Property 21: Creator Cluster Assignment — a creator is assigned to a cluster of their craft
    within 100 km whenever one exists, to the nearest such, and never to another craft's."""
    sites = [
        ClusterSite(f"k-{i:03d}", c, p.lat + 0.3, p.lon - 0.2, [c])
        for i, (c, p) in enumerate(zip(crafts, points, strict=False))
    ]
    placed = assign(points, sites)
    for p in points:
        candidates = [s for s in sites if s.crafts[0] == p.craft and km(p, s) <= 100]
        if not candidates:
            assert placed[p.id] is None
            continue
        chosen = next(s for s in sites if s.id == placed[p.id])
        assert chosen.crafts[0] == p.craft and km(p, chosen) <= 100
        assert km(p, chosen) == min(km(p, s) for s in candidates)


@settings(max_examples=100, deadline=None)
@given(points=creators(max_size=18))
def test_three_close_creators_of_a_craft_get_a_trail(points) -> None:
    """Property 22: Heritage Trail Generation — any three creators of the same craft pairwise
    within 50 km are connected by one trail."""
    groups = trail_groups(points)
    trail_of = {p.id: gi for gi, g in enumerate(groups) for p in g}
    for g in groups:
        assert len({p.craft for p in g}) == 1
    for a in points:
        for b in points:
            for c in points:
                if (
                    a.id < b.id < c.id
                    and a.craft == b.craft == c.craft
                    and max(km(a, b), km(b, c), km(a, c)) <= 50
                ):
                    assert a.id in trail_of and trail_of[a.id] == trail_of[b.id] == trail_of[c.id]


@settings(max_examples=100, deadline=None)
@given(points=creators(max_size=14))
def test_cluster_trail_visits_every_cluster_creator_with_a_story(points) -> None:
    """Properties 17 and 55: Heritage Trail Includes Cluster Creators / Heritage Trail Content — a
    cluster's trail has a waypoint for each of its creators, each with a narrative."""
    sites = reference_sites()
    assign(points, sites)
    for site in sites:
        members = [p for p in points if p.id in site.creator_ids]
        if not members:
            continue
        trail = build_trail(
            site.name,
            site.crafts[0],
            members,
            lambda craft, cid: f"{cid} practises {craft}; history of {craft}.",
        )
        assert sorted(w.creator_id for w in trail.waypoints) == sorted(p.id for p in members)
        assert all(w.narrative.strip() for w in trail.waypoints)
        assert trail.estimated_duration_min >= 40 * len(members)


@settings(max_examples=100, deadline=None)
@given(points=creators(max_size=12))
def test_route_is_a_two_opt_local_optimum(points) -> None:
    order = route(points)
    assert sorted(order) == list(range(len(points)))
    best = path_km(points, order)
    for i in range(len(order) - 1):
        for k in range(i + 2, len(order) + 1):
            flipped = order[:i] + order[i:k][::-1] + order[k:]
            assert path_km(points, flipped) >= best - 1e-6


@settings(max_examples=100, deadline=None)
@given(
    now=st.dictionaries(st.sampled_from(CRAFTS + ["dhokra"]), st.integers(0, 200)),
    before=st.dictionaries(st.sampled_from(CRAFTS + ["dhokra"]), st.integers(0, 200)),
)
def test_rare_or_declining_crafts_are_endangered(now, before) -> None:
    """Property 56: Rare Craft Highlighting — a craft with fewer than 50 active practitioners, or
    fewer than before, is flagged endangered with the reason; others are not."""
    flagged = endangered_crafts(now, before)
    for craft in set(now) | set(before):
        n, b = now.get(craft, 0), before.get(craft, 0)
        assert (craft in flagged) == (n < 50 or n < b)
