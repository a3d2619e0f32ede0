"""Access benchmark: search and place resolution over 100,000 synthetic listings.

Radius search, ranked search and place resolution (speed and how many misspelt or mis-heard names it
recovers).

The 100,000 listings are generated in memory around the 25 real craft clusters (synthetic: the
seeded marketplace has about 3,300). Baselines are measured in the same run: a pure-Python
haversine scan (brute force), a vectorised numpy scan, scikit-learn's BallTree, and an exact
dictionary lookup.

Run: ``python -m bench.bench_access`` (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import math
import random

import numpy as np
from sklearn.neighbors import BallTree

from bench.common import figure, report, summary, timings_ms
from domain.catalog import CLUSTERS
from domain.discovery import SPHERE_ERROR, ProductDoc, ProductIndex, SearchQuery
from domain.geodesy import EARTH_KM, haversine_km
from domain.places import Gazetteer, Place, distance_km
from domain.spatial import LatLonGrid

N_PRODUCTS = 100_000
RADIUS_KM = 50.0
REPEAT = 200
WORDS = ["vase", "saree", "lamp", "box", "toy", "plate", "stole", "bowl", "painting", "mask"]
# (what a user typed or the recogniser heard, the place meant)
MISHEARD = [
    ("Baronassie", "Varanasi"),
    ("Banaras", "Varanasi"),
    ("Benares", "Varanasi"),
    ("Jaypur", "Jaipur"),
    ("Jaipure", "Jaipur"),
    ("Channapatana", "Channapatna"),
    ("Chenapatna", "Channapatna"),
    ("Madhubany", "Madhubani"),
    ("Madubani", "Madhubani"),
    ("Bidder", "Bidar"),
    ("Pochampalli", "Pochampally"),
    ("Moradabaad", "Moradabad"),
    ("Kanchipuram", "Kanchipuram"),
    ("Kanchepuram", "Kanchipuram"),
    ("Kanjeevaram", "Kanchipuram"),
    ("Firozabaad", "Firozabad"),
    ("Ferozabad", "Firozabad"),
    ("Saharanpoor", "Saharanpur"),
    ("Kolhapoor", "Kolhapur"),
    ("Thanjavoor", "Thanjavur"),
    ("Tanjore", "Thanjavur"),
    ("Bhubaneshwar", "Bhubaneswar"),
    ("Bangalore", "Bengaluru"),
    ("Bengalooru", "Bengaluru"),
    ("Mumbay", "Mumbai"),
    ("Bombay", "Mumbai"),
    ("Calcutta", "Kolkata"),
    ("Kolkatta", "Kolkata"),
    ("Dilli", "Delhi"),
    ("Hyderbad", "Hyderabad"),
    ("Ahmadabad", "Ahmedabad"),
    ("Lucknow", "Lucknow"),
    ("Lacknow", "Lucknow"),
    ("Guwahatti", "Guwahati"),
    ("Gauhati", "Guwahati"),
    ("Shrinagar", "Srinagar"),
    ("Chanderee", "Chanderi"),
    ("Kondagaon", "Kondagaon"),
    ("Pipili", "Pipli"),
    ("Raghurajpoor", "Raghurajpur"),
    ("Agartalla", "Agartala"),
    ("Bhooj", "Bhuj"),
    ("Kishangad", "Kishangarh"),
    ("Khurjah", "Khurja"),
    ("Aagra", "Agra"),
    ("Puné", "Pune"),
    ("Chenai", "Chennai"),
    ("Madras", "Chennai"),
]


def synthetic_products(n: int = N_PRODUCTS, seed: int = 7) -> list[ProductDoc]:
    """``n`` listings scattered up to ~60 km around the real clusters (synthetic, in memory)."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        k = CLUSTERS[i % len(CLUSTERS)]
        lat = k.lat + rng.gauss(0, 0.25)
        lon = k.lon + rng.gauss(0, 0.25)
        product = rng.choice(k.products)
        docs.append(
            ProductDoc(
                id=f"p-{i:06d}",
                title=f"handmade {k.craft} {product} {rng.choice(WORDS)}",
                creator_id=f"c-{i % 9000:05d}",
                lat=lat,
                lon=lon,
                price=rng.uniform(200, 20000),
                category=k.category,
                craft=k.craft,
                materials=k.materials,
                techniques=k.techniques,
                authenticity_score=rng.uniform(50, 100),
                rating=rng.uniform(2.5, 5.0),
                views_7d=int(rng.expovariate(1 / 60)),
                sales_30d=int(rng.expovariate(1 / 4)),
            )
        )
    return docs


def _python_scan(docs: list[ProductDoc], lat0: float, lon0: float, r: float) -> list[int]:
    """Brute force: haversine to every listing in a Python loop."""
    p0, l0 = math.radians(lat0), math.radians(lon0)
    out = []
    for i, d in enumerate(docs):
        p1 = math.radians(d.lat)
        a = (
            math.sin((p1 - p0) / 2) ** 2
            + math.cos(p1) * math.cos(p0) * math.sin((math.radians(d.lon) - l0) / 2) ** 2
        )
        if 2 * EARTH_KM * math.asin(math.sqrt(a)) <= r:
            out.append(i)
    return out


def main() -> None:
    """Measure and report."""
    docs = synthetic_products()
    index = ProductIndex(docs)
    rng = random.Random(3)
    centres = [
        Place("c", k.lat + rng.uniform(-0.2, 0.2), k.lon + rng.uniform(-0.2, 0.2), kind="point")
        for k in CLUSTERS
        for _ in range(4)
    ]
    it = iter(centres * 1000)

    radius = timings_ms(lambda: index.within(next(it), RADIUS_KM), REPEAT)
    numpy_scan = timings_ms(
        lambda: (
            lambda c: np.flatnonzero(haversine_km(index.lat, index.lon, c.lat, c.lon) <= RADIUS_KM)
        )(next(it)),
        REPEAT,
    )
    brute = timings_ms(
        lambda: (lambda c: _python_scan(docs, c.lat, c.lon, RADIUS_KM))(next(it)), 12, warmup=1
    )
    small = timings_ms(lambda: index.within(next(it), 10.0), REPEAT)
    small_hits = len(index.within(centres[0], 10.0)[0])
    texts = iter(
        ["blue pottery vase", "silk saree", "brass lamp", "wooden toy", "painting", "bidriware box"]
        * 1000
    )
    ranked = timings_ms(
        lambda: index.search(
            SearchQuery(text=next(texts), center=next(it), radius_km=100, limit=20)
        ),
        REPEAT,
    )
    nationwide = timings_ms(lambda: index.search(SearchQuery(text=next(texts), limit=20)), REPEAT)
    r_idx, r_np, r_br = summary(radius), summary(numpy_scan), summary(brute)
    found = len(index.within(centres[0], RADIUS_KM)[0])
    for c in centres[:: len(centres) // 5]:
        _check_exact(index, c, RADIUS_KM)
    # scikit-learn's BallTree (haversine), the index this engine used before the grid
    tree = BallTree(np.radians(np.c_[index.lat, index.lon]), metric="haversine")
    balltree = timings_ms(
        lambda: (lambda c: tree.query_radius(np.radians([[c.lat, c.lon]]), RADIUS_KM / EARTH_KM))(
            next(it)
        ),
        REPEAT,
    )
    grid = LatLonGrid(index.lat, index.lon)
    grid_only = timings_ms(
        lambda: (lambda c: grid.within(c.lat, c.lon, RADIUS_KM))(next(it)), REPEAT
    )

    gaz = Gazetteer.default()
    names = [typed for typed, _ in MISHEARD]
    names_it = iter(names * 1000)
    resolve = timings_ms(lambda: gaz.resolve(next(names_it)), 400)
    exact_it = iter([meant for _, meant in MISHEARD] * 1000)
    exact = timings_ms(lambda: gaz.exact(next(exact_it)), 400)
    recovered = sum(1 for typed, meant in MISHEARD if _resolves_to(gaz, typed, meant))
    report(
        "access",
        {
            "radius_search_p95_100k": figure(
                r_idx["p95"],
                "ms",
                baseline=r_br["p95"],
                target="≤ 5 ms",
                note=f"grid + WGS-84 edge, {RADIUS_KM:g} km, {found} hits at the first centre",
            ),
            "radius_speedup_vs_python_scan": figure(
                r_br["p95"] / r_idx["p95"], "×", baseline=1.0, target="≥ 50×"
            ),
            "radius_search_p95_100k_10km": figure(
                summary(small)["p95"],
                "ms",
                baseline=r_br["p95"],
                note=f"{small_hits} hits at the first centre",
            ),
            "radius_speedup_vs_python_scan_10km": figure(
                r_br["p95"] / summary(small)["p95"], "×", baseline=1.0, target="≥ 50×"
            ),
            "radius_speedup_vs_numpy_scan": figure(
                r_np["p95"] / r_idx["p95"],
                "×",
                baseline=1.0,
                note="vectorised full scan; a stronger baseline",
            ),
            "sphere_index_speedup_vs_balltree": figure(
                summary(balltree)["p95"] / summary(grid_only)["p95"],
                "×",
                baseline=1.0,
                note="the grid alone against scikit-learn BallTree query_radius, both on the "
                "sphere, p95 ratio (the grid also returns distances)",
            ),
            "ranked_search_p95_100k_radius": figure(
                summary(ranked)["p95"],
                "ms",
                baseline=r_idx["p95"],
                target="≤ 30 ms",
                note="BM25 + radius + ranking, top 20",
            ),
            "ranked_search_p95_100k_nationwide": figure(
                summary(nationwide)["p95"], "ms", baseline=r_idx["p95"], target="≤ 30 ms"
            ),
            "place_resolution_p95": figure(
                summary(resolve)["p95"],
                "ms",
                baseline=summary(exact)["p95"],
                target="≤ 1 ms",
                note="misspelt and mis-heard names; baseline exact lookup",
            ),
            "fuzzy_recovery_rate": figure(
                recovered / len(MISHEARD),
                "share",
                baseline=1.0,
                note=f"{recovered} of {len(MISHEARD)} misspelt/mis-heard names",
            ),
        },
        products=N_PRODUCTS,
        synthetic=True,
    )


def _check_exact(index: ProductIndex, c: Place, r: float) -> None:
    """The index's answer is the WGS-84 answer: a full scan, with the geodesic at the edge."""
    d = haversine_km(index.lat, index.lon, c.lat, c.lon)
    got = set(index.within(c, r)[0].tolist())
    band = np.flatnonzero(np.abs(d - r) <= r * SPHERE_ERROR)
    want = set(np.flatnonzero(d < r * (1 - SPHERE_ERROR)).tolist())
    want |= {int(i) for i in band if distance_km((c.lat, c.lon), (index.lat[i], index.lon[i])) <= r}
    assert got == want, f"radius search disagrees with the full scan at {c}"


def _resolves_to(gaz: Gazetteer, typed: str, meant: str) -> bool:
    try:
        got, want = gaz.resolve(typed), gaz.resolve(meant)
        # GeoNames and the craft catalogue may spell one town two ways (Pipili/Pipli).
        return got.name == want.name or distance_km((got.lat, got.lon), (want.lat, want.lon)) <= 10
    except Exception:  # an unknown place counts as not recovered
        return False


if __name__ == "__main__":
    main()
