"""Clusters, creators and buyers: who they are and where they live.

Creators sit at their cluster town with a small deterministic jitter (a few in villages up to
40 km out); buyers live in big Indian cities. Aggregates (ratings, sales) are filled in later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from domain.catalog import CLUSTERS, CLUSTERS_BY_ID, CraftCluster
from domain.seed import layout as lay
from domain.seed.common import (
    anchor,
    between,
    bid,
    cid,
    haversine_km,
    hex_key,
    in_india_bbox,
    offset,
    pick,
    sample,
    stream,
    unique_keys,
)
from domain.seed.kinds import KINDS
from domain.seed.names import CITIES, City, artisan, buyer_person, email_for
from domain.seed.texts import (
    BIO_TEMPLATES,
    CLUSTER_NOTES,
    PROCESSES,
    STORY_TEMPLATES,
    STYLES,
    TEACHERS,
    plural,
)
from domain.store.models import CATEGORIES

MAX_CLUSTER_KM = 40.0
# Where a full circle of jitter would leave India or fall into the sea:
# (first bearing, sector width, max km). Agartala borders Bangladesh on the west,
# Raghurajpur and Pipli lie a few km from the Bay of Bengal to the south-east.
SECTORS = {"k-021": (45.0, 90.0, 25.0), "k-018": (250.0, 140.0, 38.0), "k-011": (0.0, 360.0, 28.0)}
_COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
_LOCALITIES = ("Main Bazaar", "Station Road", "Old Town", "Near Bus Stand", "Artisans' Colony",
               "Temple Street", "Market Road", "Civil Lines")


@dataclass
class CreatorInfo:
    """What later steps need to know about a creator beyond its row."""

    index: int
    cluster: CraftCluster
    joined: dt.datetime
    female: bool


def cluster_rows(until: dt.date) -> list[dict[str, Any]]:
    """One row per catalog cluster, with its heritage note."""
    created = anchor(until) - dt.timedelta(days=1100)
    return [
        {
            "id": c.id, "name": c.name, "town": c.town, "state": c.state, "lat": c.lat,
            "lon": c.lon, "craft": c.craft, "category": c.category,
            "primary_crafts": [c.craft, *[k.name for k in KINDS[c.id]][:3]],
            "materials": list(c.materials), "techniques": list(c.techniques),
            "gi_tag": c.gi_tag, "endangered": c.endangered,
            "description": CLUSTER_NOTES[c.id], "created_at": created,
        }
        for c in CLUSTERS
    ]


def _place(rng: np.random.Generator, cluster: CraftCluster, index: int
           ) -> tuple[float, float, float, float]:
    """``(lat, lon, km, bearing)`` of a creator near ``cluster``."""
    start, width, max_km = SECTORS.get(cluster.id, (0.0, 360.0, MAX_CLUSTER_KM - 2))
    if index == lay.C0001:
        km = float(rng.uniform(1.0, 6.0))
    elif rng.random() < 0.12:  # a village out of town
        km = float(rng.uniform(15.0, max_km))
    else:  # area-uniform within 15 km
        km = float(min(15.0, max_km) * np.sqrt(rng.uniform(0.004, 1.0)))
    bearing = (start + float(rng.uniform(0, width))) % 360
    lat, lon = offset(cluster.lat, cluster.lon, bearing, km)
    return lat, lon, km, bearing


def _address(rng: np.random.Generator, cluster: CraftCluster, km: float, bearing: float) -> str:
    if km >= 15:
        direction = _COMPASS[int(((bearing + 22.5) % 360) // 45)]
        return (f"Village {int(rng.integers(1, 40))}, {km:.0f} km {direction} of {cluster.town}, "
                f"{cluster.state}")
    return (f"{int(rng.integers(1, 400))}, {pick(rng, _LOCALITIES)}, {cluster.town}, "
            f"{cluster.state}")


def _phone(rng: np.random.Generator, taken: set[str]) -> str:
    while True:
        number = f"+91{int(rng.integers(6, 10))}{int(rng.integers(0, 10**9)):09d}"
        if number not in taken:
            taken.add(number)
            return number


def _subset(rng: np.random.Generator, items: tuple[str, ...], p: float = 0.75) -> list[str]:
    """The first item always, the others each with probability ``p`` (keeps order)."""
    return [x for i, x in enumerate(items) if i == 0 or rng.random() < p]


def creator_rows(seed: int, until: dt.date, image_keys: set[str], phones: set[str]
                 ) -> tuple[list[dict[str, Any]], list[CreatorInfo]]:
    """Every creator of the layout; validates coordinates (India, within 40 km of the cluster)."""
    rng = stream(seed, "creators")
    now = anchor(until)
    sk = lay.layout()
    rows, infos = [], []
    for i in range(1, lay.N_CREATORS + 1):
        cluster = CLUSTERS_BY_ID[sk.clusters[i - 1]]
        person = artisan(rng, cluster.id)
        lat, lon, km, bearing = _place(rng, cluster, i)
        km_home = haversine_km(lat, lon, cluster.lat, cluster.lon)
        if not in_india_bbox(lat, lon) or km_home > MAX_CLUSTER_KM:
            raise ValueError(f"{cid(i)} placed outside India or too far from {cluster.id}")
        reseller = i == lay.RESELLER
        if reseller:
            joined = now - dt.timedelta(days=52)
            years = 1
        else:
            early = i in sk.early_creators or rng.random() < 0.75
            lo, hi = (1150, 800) if early else (800, 90)
            joined = between(now - dt.timedelta(days=lo), now - dt.timedelta(days=hi), rng)
            years = 22 if i == lay.C0001 else int(np.clip(rng.gamma(3.0, 5.0), 3, 45))
        style = STYLES[cluster.id]
        slots = {
            "name": person.name, "craft": cluster.craft,
            "place": f"{cluster.town}, {cluster.state}", "town": cluster.town,
            "years": f"{years} year{'s' if years > 1 else ''}", "motif": pick(rng, style.motifs),
            "kinds": plural(pick(rng, KINDS[cluster.id]).name), "material": cluster.materials[0],
            "teacher": pick(rng, TEACHERS), "age": int(rng.integers(9, 19)),
            "gens": int(rng.integers(2, 6)), "setup": max(2, years // 2),
            "trainees": int(rng.integers(2, 15)),
            "craft_cap": cluster.craft[0].upper() + cluster.craft[1:],
        }
        n_images = int(rng.integers(3, 9))
        n_videos = int(rng.random() < 0.3) + int(rng.random() < 0.1)
        workshop = min(0.9, 0.4 + years * 0.015)  # older workshops are more often visited
        rows.append({
            "id": cid(i), "name": person.name, "phone": _phone(rng, phones),
            "email": email_for(person, i) if rng.random() < 0.45 else None,
            "preferred_language": person.language, "lat": lat, "lon": lon,
            "address": _address(rng, cluster, km, bearing), "region": cluster.state,
            "cluster_id": cluster.id, "primary_craft": cluster.craft, "category": cluster.category,
            "techniques": _subset(rng, cluster.techniques),
            "materials": _subset(rng, cluster.materials),
            "years_experience": years,
            "bio": pick(rng, BIO_TEMPLATES).format(**slots),
            "story": "" if reseller else pick(rng, STORY_TEMPLATES).format(**slots),
            "production_process": "" if reseller else PROCESSES[cluster.id],
            "portfolio_images": unique_keys(rng, n_images, image_keys),
            "portfolio_videos": [hex_key(rng, "vid") for _ in range(n_videos)],
            "response_time_h": round(float(np.clip(rng.lognormal(np.log(6), 0.8), 0.5, 72)), 1),
            "identity_verified": True if reseller else bool(rng.random() < 0.88),
            "workshop_verified": False if reseller else bool(rng.random() < workshop),
            "craft_verified": False if reseller else bool(rng.random() < 0.6),
            "status": "active", "created_at": joined, "updated_at": joined,
        })
        infos.append(CreatorInfo(i, cluster, joined, person.female))
    return rows, infos


@dataclass
class BuyerInfo:
    """A buyer's city (for addresses) and preferences (for picking what they order)."""

    id: str
    city: City
    categories: list[str]
    max_price: float
    lat: float
    lon: float


# How often each category turns up in buyers' stated interests.
_CATEGORY_APPEAL = {"textiles": 10, "pottery": 6, "painting": 6, "metalware": 5, "woodwork": 4,
                    "jewellery": 8, "toys": 4, "home_decor": 7, "basketry": 2, "leather": 3,
                    "stonework": 2, "glass": 3}


def buyer_rows(seed: int, until: dt.date, phones: set[str]
               ) -> tuple[list[dict[str, Any]], list[BuyerInfo]]:
    """``N_BUYERS`` buyers in big cities with preferences {crafts, categories, max_price}."""
    rng = stream(seed, "buyers")
    now = anchor(until)
    weights = [c.weight for c in CITIES]
    appeal = [_CATEGORY_APPEAL[c] for c in CATEGORIES]
    rows, infos = [], []
    for i in range(1, lay.N_BUYERS + 1):
        city = pick(rng, CITIES, weights)
        person = buyer_person(rng, city)
        lat, lon = offset(city.lat, city.lon, float(rng.uniform(0, 360)), float(rng.uniform(0, 8)))
        categories = list(dict.fromkeys(
            pick(rng, CATEGORIES, appeal) for _ in range(int(rng.integers(1, 4)))))
        crafts = [c.craft for c in CLUSTERS if c.category in categories]
        budget = round(rng.lognormal(np.log(6000), 0.8) / 500) * 500
        max_price = float(np.clip(budget, 500, 100_000))
        rows.append({
            "id": bid(i), "name": person.name,
            "phone": _phone(rng, phones) if rng.random() < 0.7 else None,
            "email": email_for(person, 1000 + i) if rng.random() < 0.85 else None,
            "city": city.name, "state": city.state, "lat": lat, "lon": lon,
            "preferred_language": person.language,
            "preferences": {"crafts": sample(rng, crafts, int(rng.integers(1, 3))),
                            "categories": categories, "max_price": max_price},
            "created_at": between(now - dt.timedelta(days=760), now - dt.timedelta(days=10), rng),
        })
        infos.append(BuyerInfo(bid(i), city, categories, max_price, lat, lon))
    return rows, infos
