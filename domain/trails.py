"""Heritage trails: routes through creators of one craft, each stop with its story.

Wherever three or more creators of the same craft lie within 50 km of each other a trail is
made (prop 22); a cluster's trail visits its creators (prop 17). Stops are ordered by nearest
neighbour and improved by 2-opt; the duration adds driving time to a visit per stop; every
stop carries a narrative (prop 55) from a pluggable source.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from domain.clusters import CreatorPoint
from domain.errors import InsufficientData
from domain.geodesy import haversine_km

TRAIL_KM = 50.0
ROAD_FACTOR = 1.35  # roads are longer than great circles
SPEED_KMH = 35.0  # rural Indian roads
VISIT_MIN = 40  # a workshop visit

# (craft, creator id) → a narrative for that stop, or None to use the default text.
NarrativeSource = Callable[[str, str], str | None]


@dataclass(frozen=True)
class Waypoint:
    """One stop on a trail."""

    creator_id: str
    lat: float
    lon: float
    narrative: str


@dataclass(frozen=True)
class Trail:
    """An ordered route with a duration estimate."""

    name: str
    craft: str
    waypoints: list[Waypoint]
    distance_km: float
    estimated_duration_min: int
    description: str


def _dist(points: Sequence[CreatorPoint]) -> np.ndarray:
    lat = np.array([p.lat for p in points])
    lon = np.array([p.lon for p in points])
    return np.stack([haversine_km(lat, lon, p.lat, p.lon) for p in points])


def _edge(d: np.ndarray, a: int | None, b: int | None) -> float:
    return 0.0 if a is None or b is None else float(d[a, b])


def route(points: Sequence[CreatorPoint]) -> list[int]:
    """A short open path through ``points``: nearest neighbour from the westmost, then 2-opt."""
    n = len(points)
    if n <= 2:
        return list(range(n))
    d = _dist(points)
    start = min(range(n), key=lambda i: (points[i].lon, points[i].id))
    order, left = [start], set(range(n)) - {start}
    while left:
        nxt = min(left, key=lambda j: (d[order[-1], j], points[j].id))
        order.append(nxt)
        left.remove(nxt)
    improved = True
    while improved:
        improved = False
        # i = -1 reverses a prefix: an open path may change where it starts.
        for i in range(-1, n - 2):
            for k in range(i + 2, n):
                a = order[i] if i >= 0 else None
                b, c = order[i + 1], order[k]
                e = order[k + 1] if k + 1 < n else None
                before = _edge(d, a, b) + _edge(d, c, e)
                after = _edge(d, a, c) + _edge(d, b, e)
                if after + 1e-9 < before:
                    order[i + 1 : k + 1] = reversed(order[i + 1 : k + 1])
                    improved = True
    return order


def path_km(points: Sequence[CreatorPoint], order: Sequence[int]) -> float:
    """Great-circle length of the path."""
    d = _dist(points) if len(points) > 1 else np.zeros((1, 1))
    return float(sum(d[order[i], order[i + 1]] for i in range(len(order) - 1)))


def build_trail(
    name: str, craft: str, points: Sequence[CreatorPoint], narrate: NarrativeSource, intro: str = ""
) -> Trail:
    """A trail visiting every point, with a narrative per stop."""
    if len(points) < 1:
        raise InsufficientData("a trail needs at least one creator", field="cluster_id")
    order = route(points)
    km = path_km(points, order)
    minutes = int(round(km * ROAD_FACTOR / SPEED_KMH * 60 + VISIT_MIN * len(points)))
    stops = []
    for i in order:
        p = points[i]
        text = (
            narrate(p.craft, p.id)
            or f"A {p.craft} workshop: meet the maker and see the craft at work."
        )
        stops.append(Waypoint(p.id, p.lat, p.lon, text))
    desc = intro or f"{len(points)} {craft} workshops, about {km * ROAD_FACTOR:.0f} km by road."
    return Trail(name, craft, stops, round(km, 1), minutes, desc)


def trail_groups(
    points: Sequence[CreatorPoint], km: float = TRAIL_KM, minimum: int = 3
) -> list[list[CreatorPoint]]:
    """Groups of same-craft creators that deserve a trail (prop 22).

    A creator with at least ``minimum - 1`` same-craft creators within ``km`` is a seed; seeds
    within ``km`` of each other join one group, so any ``minimum`` creators pairwise within
    ``km`` end up on one trail.
    """
    by_craft: dict[str, list[CreatorPoint]] = defaultdict(list)
    for p in points:
        by_craft[p.craft.casefold()].append(p)
    groups: list[list[CreatorPoint]] = []
    for craft in sorted(by_craft):
        members = sorted(by_craft[craft], key=lambda p: p.id)
        if len(members) < minimum:
            continue
        d = _dist(members)
        near = d <= km
        seeds = [i for i in range(len(members)) if near[i].sum() >= minimum]
        parent = {i: i for i in seeds}
        for a in seeds:
            for b in seeds:
                if a < b and near[a, b]:
                    parent[_find(parent, a)] = _find(parent, b)
        comps: dict[int, list[CreatorPoint]] = defaultdict(list)
        for i in seeds:
            comps[_find(parent, i)].append(members[i])
        groups.extend(sorted(comps.values(), key=lambda g: g[0].id))
    return groups


def _find(parent: dict[int, int], i: int) -> int:
    """Union-find root with path halving."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i
