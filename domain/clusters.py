"""Craft clusters from creators' locations and crafts, assignment, and endangered crafts.

``discover`` runs DBSCAN (haversine) over the creators of each craft; ``assign`` puts a
creator in the nearest cluster of their craft within 100 km (prop 21); ``endangered_crafts``
flags crafts with fewer than 50 active practitioners or a falling count (prop 56). Every
cluster's centre is a valid coordinate (prop 19).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import DBSCAN

from domain.geodesy import EARTH_KM, check_coordinates, haversine_km, spherical_mean

ASSIGN_KM = 100.0
MIN_PRACTITIONERS = 50


@dataclass(frozen=True)
class CreatorPoint:
    """A creator as mapping sees them."""

    id: str
    lat: float
    lon: float
    craft: str

    def __post_init__(self) -> None:
        check_coordinates(self.lat, self.lon, f"creator {self.id}")


@dataclass
class ClusterSite:
    """A craft cluster: a centre, its craft(s) and the creators assigned to it."""

    id: str
    name: str
    lat: float
    lon: float
    crafts: list[str]
    creator_ids: list[str] = field(default_factory=list)
    specializations: list[str] = field(default_factory=list)
    history: str = ""
    endangered: bool = False

    def __post_init__(self) -> None:
        check_coordinates(self.lat, self.lon, f"cluster {self.id}")


def same_craft(a: str, b: str) -> bool:
    """Crafts match case-insensitively."""
    return a.strip().casefold() == b.strip().casefold()


def discover(
    points: Sequence[CreatorPoint], eps_km: float = 25.0, min_samples: int = 3, prefix: str = "dk"
) -> list[ClusterSite]:
    """DBSCAN clusters per craft; noise creators stay unclustered."""
    by_craft: dict[str, list[CreatorPoint]] = defaultdict(list)
    for p in points:
        by_craft[p.craft.casefold()].append(p)
    sites: list[ClusterSite] = []
    for craft in sorted(by_craft):
        group = by_craft[craft]
        if len(group) < min_samples:
            continue
        coords = np.radians([[p.lat, p.lon] for p in group])
        labels = DBSCAN(
            eps=eps_km / EARTH_KM,
            min_samples=min_samples,
            metric="haversine",
            algorithm="ball_tree",
        ).fit_predict(coords)
        for label in sorted(set(labels) - {-1}):
            members = [p for p, lab in zip(group, labels, strict=True) if lab == label]
            lat, lon = spherical_mean(
                np.array([p.lat for p in members]), np.array([p.lon for p in members])
            )
            sites.append(
                ClusterSite(
                    f"{prefix}-{len(sites) + 1:03d}",
                    f"{members[0].craft} cluster",
                    lat,
                    lon,
                    [members[0].craft],
                    sorted(p.id for p in members),
                )
            )
    return sites


def nearest_site(
    point: CreatorPoint, sites: Sequence[ClusterSite], max_km: float = ASSIGN_KM
) -> tuple[ClusterSite, float] | None:
    """The nearest site of the creator's craft within ``max_km``, with its distance."""
    best: tuple[ClusterSite, float] | None = None
    for site in sites:
        if not any(same_craft(point.craft, c) for c in site.crafts):
            continue
        km = float(haversine_km(np.array(site.lat), np.array(site.lon), point.lat, point.lon))
        if km <= max_km and (best is None or km < best[1]):
            best = (site, km)
    return best


def assign(
    points: Iterable[CreatorPoint], sites: Sequence[ClusterSite], max_km: float = ASSIGN_KM
) -> dict[str, str | None]:
    """Creator id → the matching site within ``max_km`` (None when there is none); fills sites."""
    out: dict[str, str | None] = {}
    for site in sites:
        site.creator_ids = []
    for p in points:
        hit = nearest_site(p, sites, max_km)
        out[p.id] = hit[0].id if hit else None
        if hit:
            hit[0].creator_ids.append(p.id)
    return out


def endangered_crafts(
    current: Mapping[str, int], previous: Mapping[str, int], minimum: int = MIN_PRACTITIONERS
) -> dict[str, str]:
    """Craft → why it is endangered: under ``minimum`` practitioners, or fewer than before."""
    flagged: dict[str, str] = {}
    for craft in sorted(set(current) | set(previous)):
        now, before = current.get(craft, 0), previous.get(craft, 0)
        if now < minimum:
            flagged[craft] = f"{now} active practitioners (under {minimum})"
        elif now < before:
            flagged[craft] = f"practitioners fell from {before} to {now}"
    return flagged
