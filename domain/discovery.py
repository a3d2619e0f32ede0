"""Hyperlocal discovery: a spatial index, BM25 text relevance and a quality-aware ranking.

``ProductIndex`` holds searchable listings in memory: a latitude-row grid
(``domain.spatial.LatLonGrid``) answers radius queries, refined to the WGS-84 geodesic near the
edge; an inverted index scores BM25 over title, craft, materials, techniques and
description. The ranking puts the listings that match most of the words first, quality
listings (authenticity > 80 and rating > 4) before the rest (prop 36), then relevance and
proximity; trending listings are then lifted into the top 30 % of the list (props 18, 35),
above quality where the two disagree. ``upsert`` and ``remove`` keep it current on write;
every result of a radius query lies within the radius (prop 15).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from domain.errors import InvalidInput
from domain.geodesy import (
    ANDOYER_LAMBERT_ERROR,
    ANDOYER_LAMBERT_MAX_KM,
    andoyer_lambert_km,
    haversine_km,
    vincenty_km,
)
from domain.places import Place, distance_km
from domain.spatial import LatLonGrid

# Haversine on the mean sphere and the WGS-84 geodesic differ by under 0.6 %; only points in
# that band around the radius need the exact (slower) geodesic check.
SPHERE_ERROR = 0.0060
QUALITY_AUTH, QUALITY_RATING = 80.0, 4.0
TRENDING_SHARE, TRENDING_MIN_SALES = 0.03, 10
REBUILD_AFTER = 512
RELEVANT_SHARE = 0.6  # of the best BM25 score: 'as relevant as the best'
TRENDING_TOP = 0.3  # prop 35: trending listings rank in the top 30 % of the results
FIELD_WEIGHTS = {
    "title": 2,
    "craft": 2,
    "materials": 1,
    "techniques": 1,
    "category": 1,
    "description": 1,
}
STOPWORDS = frozenset(
    "a an and the of for in on at to with by from near me my show find search looking want "
    "some any buy get items item products product things craft crafts handmade made".split()
)


def terms(text: str) -> list[str]:
    """Lowercase word terms without stopwords, crudely singularised."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return [
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        for w in words
        if w not in STOPWORDS
    ]


@dataclass
class ProductDoc:
    """What search needs to know about one active listing and its creator."""

    id: str
    title: str
    creator_id: str
    lat: float
    lon: float
    price: float
    category: str = ""
    craft: str = ""
    description: str = ""
    materials: Sequence[str] = ()
    techniques: Sequence[str] = ()
    authenticity_score: float | None = None
    rating: float = 0.0
    views_7d: int = 0
    sales_30d: int = 0
    creator_name: str = ""
    region: str = ""
    cluster_id: str | None = None

    def fields(self) -> dict[str, str]:
        """Text per field, for BM25."""
        return {
            "title": self.title,
            "craft": self.craft,
            "materials": " ".join(self.materials),
            "techniques": " ".join(self.techniques),
            "category": self.category.replace("_", " "),
            "description": self.description,
        }

    @property
    def quality(self) -> bool:
        """Authenticity above 80 and rating above 4 (prop 36)."""
        return (self.authenticity_score or 0) > QUALITY_AUTH and self.rating > QUALITY_RATING

    @property
    def demand(self) -> float:
        """Recent demand: 30-day sales plus 7-day views at fifty views a sale."""
        return self.sales_30d + self.views_7d / 50


@dataclass
class SearchQuery:
    """What to look for; ``center`` and ``radius_km`` together restrict by distance."""

    text: str = ""
    center: Place | None = None
    radius_km: float | None = None
    craft_types: list[str] = field(default_factory=list)
    price_min: float | None = None
    price_max: float | None = None
    min_authenticity: float | None = None
    limit: int = 10


@dataclass
class SearchHits:
    """Ranked products plus the creators and cluster ids they come from."""

    products: list[dict[str, Any]]
    creators: list[dict[str, Any]]
    cluster_ids: list[str]
    total: int


class BM25:
    """Okapi BM25 over an inverted index that grows and shrinks with the catalogue."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.postings: dict[str, dict[int, float]] = defaultdict(dict)
        self.lengths: dict[int, float] = {}
        self._total = 0.0
        self._cache: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def add(self, idx: int, weighted_terms: Iterable[tuple[str, float]]) -> None:
        """Index document ``idx`` (term, weight) pairs; weights count like repeats."""
        length = 0.0
        for term, weight in weighted_terms:
            self.postings[term][idx] = self.postings[term].get(idx, 0.0) + weight
            self._cache.pop(term, None)
            length += weight
        self.lengths[idx] = length
        self._total += length

    def remove(self, idx: int, words: Iterable[str]) -> None:
        """Forget document ``idx``."""
        for term in set(words):
            self.postings.get(term, {}).pop(idx, None)
            self._cache.pop(term, None)
        self._total -= self.lengths.pop(idx, 0.0)

    def _arrays(self, term: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        hit = self._cache.get(term)
        if hit is None:
            post = self.postings.get(term, {})
            docs = np.fromiter(post.keys(), dtype=np.int64, count=len(post))
            tfs = np.fromiter(post.values(), dtype=np.float64, count=len(post))
            lens = np.array([self.lengths[d] for d in docs], dtype=np.float64)
            hit = self._cache[term] = (docs, tfs, lens)
        return hit

    def scores(self, query_terms: Sequence[str], size: int) -> np.ndarray:
        """A dense array of BM25 scores, one per document slot (0 where nothing matched)."""
        out = np.zeros(size)
        n = max(1, len(self.lengths))
        avgdl = self._total / n if n else 1.0
        for term in dict.fromkeys(query_terms):
            docs, tfs, lens = self._arrays(term)
            if not len(docs):
                continue
            idf = math.log(1 + (n - len(docs) + 0.5) / (len(docs) + 0.5))
            out[docs] += (
                idf * tfs * (self.k1 + 1) / (tfs + self.k1 * (1 - self.b + self.b * lens / avgdl))
            )
        return out


class ProductIndex:
    """Searchable listings: spatial tree, BM25, filters and ranking, updated on write."""

    def __init__(self, docs: Iterable[ProductDoc] = ()) -> None:
        self.docs: list[ProductDoc] = []
        self.slot: dict[str, int] = {}
        self.bm25 = BM25()
        self._words: list[list[str]] = []
        self.alive = np.zeros(0, dtype=bool)
        self.lat = np.zeros(0)
        self.lon = np.zeros(0)
        self.price = np.zeros(0)
        self.auth = np.zeros(0)
        self.quality = np.zeros(0, dtype=bool)
        self.demand = np.zeros(0)
        self.sales = np.zeros(0)
        self._grid: LatLonGrid | None = None
        self._grid_n = 0
        docs = list(docs)
        for i, doc in enumerate(docs):
            self._index_text(i, doc)
        self.docs = docs
        self.slot = {d.id: i for i, d in enumerate(docs)}
        self.alive = np.ones(len(docs), dtype=bool)
        self.lat = np.array([d.lat for d in docs], dtype=float)
        self.lon = np.array([d.lon for d in docs], dtype=float)
        self.price = np.array([d.price for d in docs], dtype=float)
        self.auth = np.array([d.authenticity_score or 0.0 for d in docs], dtype=float)
        self.quality = np.array([d.quality for d in docs], dtype=bool)
        self.demand = np.array([d.demand for d in docs], dtype=float)
        self.sales = np.array([d.sales_30d for d in docs], dtype=float)
        self.rebuild()

    def __len__(self) -> int:
        return int(self.alive.sum())

    def __contains__(self, product_id: str) -> bool:
        return product_id in self.slot

    def _index_text(self, i: int, doc: ProductDoc) -> None:
        weighted = [
            (t, float(FIELD_WEIGHTS[name]))
            for name, text in doc.fields().items()
            for t in terms(text)
        ]
        self._words.append([t for t, _ in weighted])
        self.bm25.add(i, weighted)

    def _append(self, doc: ProductDoc) -> None:
        i = len(self.docs)
        self.docs.append(doc)
        self.slot[doc.id] = i
        self._index_text(i, doc)
        self.alive = np.append(self.alive, True)
        self.lat = np.append(self.lat, doc.lat)
        self.lon = np.append(self.lon, doc.lon)
        self.price = np.append(self.price, doc.price)
        self.auth = np.append(self.auth, doc.authenticity_score or 0.0)
        self.quality = np.append(self.quality, doc.quality)
        self.demand = np.append(self.demand, doc.demand)
        self.sales = np.append(self.sales, doc.sales_30d)

    def rebuild(self) -> None:
        """Rebuild the spatial grid over every slot (dead slots are masked at query time)."""
        self._grid = LatLonGrid(self.lat, self.lon)
        self._grid_n = len(self.docs)
        self._trend_cut = self._trending_threshold()

    def _trending_threshold(self) -> float:
        live = self.demand[self.alive] if len(self.alive) else np.zeros(0)
        if not len(live):
            return math.inf
        return float(np.quantile(live, 1 - TRENDING_SHARE))

    def trending(self, i: int) -> bool:
        """Top 3 % of live listings by recent demand, with at least ten sales."""
        return bool(
            self.demand[i] >= self._trend_cut and self.docs[i].sales_30d >= TRENDING_MIN_SALES
        )

    def upsert(self, doc: ProductDoc) -> None:
        """Add or replace a listing; it is searchable as soon as this returns (prop 33)."""
        self.remove(doc.id)
        self._append(doc)
        if len(self.docs) - self._grid_n > REBUILD_AFTER:
            self.rebuild()

    def remove(self, product_id: str) -> None:
        """Take a listing out of search (sold, archived, deleted)."""
        i = self.slot.pop(product_id, None)
        if i is not None:
            self.alive[i] = False
            self.bm25.remove(i, self._words[i])

    def within(self, center: Place, radius_km: float) -> tuple[np.ndarray, np.ndarray]:
        """Live slots within ``radius_km`` (WGS-84 geodesic) of ``center``, with distances."""
        reach = radius_km * (1 + SPHERE_ERROR)
        idx, d = np.zeros(0, dtype=np.int64), np.zeros(0)
        if self._grid is not None and self._grid_n:
            idx, d = self._grid.within(center.lat, center.lon, reach)
        if len(self.docs) > self._grid_n:  # written since the last rebuild: checked directly
            tail = np.arange(self._grid_n, len(self.docs))
            dt = haversine_km(self.lat[tail], self.lon[tail], center.lat, center.lon)
            idx, d = np.concatenate([idx, tail[dt <= reach]]), np.concatenate([d, dt[dt <= reach]])
        live = self.alive[idx]
        idx, d = idx[live], d[live]
        sure = d <= radius_km * (1 - SPHERE_ERROR)
        ks = np.flatnonzero(~sure)  # the band where sphere and ellipsoid may disagree
        if len(ks):
            lat, lon = self.lat[idx[ks]], self.lon[idx[ks]]
            if radius_km <= ANDOYER_LAMBERT_MAX_KM:
                exact = andoyer_lambert_km(lat, lon, center.lat, center.lon)
                tolerance = radius_km * ANDOYER_LAMBERT_ERROR + 1e-6
            else:  # Vincenty agrees with geopy's geodesic to well under a millimetre
                exact = vincenty_km(lat, lon, center.lat, center.lon)
                tolerance = 1e-3
            # Where the estimate is too close to the edge to tell, the reference geodesic decides.
            for j in np.flatnonzero(np.abs(exact - radius_km) <= tolerance):
                exact[j] = distance_km((center.lat, center.lon), (lat[j], lon[j]))
            sure[ks] = exact <= radius_km
            d[ks] = exact
        return idx[sure], d[sure]

    def _crafts_match(self, i: int, crafts: Sequence[str]) -> bool:
        doc = self.docs[i]
        hay = " ".join(
            [doc.title, doc.craft, doc.category, *doc.materials, *doc.techniques]
        ).lower()
        return any(c in hay for c in crafts)

    def search(self, q: SearchQuery) -> SearchHits:
        """Rank live listings for ``q``; with a radius every hit lies inside it."""
        if q.radius_km is not None and q.center is None:
            raise InvalidInput("a radius needs a location to measure from", field="location")
        if q.price_min is not None and q.price_max is not None and q.price_min > q.price_max:
            raise InvalidInput("price_min is above price_max", field="price_min")
        n = len(self.docs)
        dist = np.full(n, np.nan)
        if q.radius_km is not None and q.center is not None:
            idx, d = self.within(q.center, q.radius_km)
            dist[idx] = d
        else:
            idx = np.flatnonzero(self.alive)
            if q.center is not None:
                dist[idx] = haversine_km(self.lat[idx], self.lon[idx], q.center.lat, q.center.lon)
        keep = np.ones(len(idx), dtype=bool)
        if q.price_min is not None:
            keep &= self.price[idx] >= q.price_min
        if q.price_max is not None:
            keep &= self.price[idx] <= q.price_max
        if q.min_authenticity is not None:
            keep &= self.auth[idx] >= q.min_authenticity
        idx = idx[keep]
        words = terms(q.text)
        if words:
            rel_all = self.bm25.scores(words, n)
            idx = idx[rel_all[idx] > 0]
            rel = rel_all[idx] / max(float(rel_all[idx].max(initial=0.0)), 1e-9)
        else:
            rel = np.ones(len(idx))
        if q.craft_types:
            crafts = [c.lower().strip() for c in q.craft_types if c.strip()]
            ok = np.array([self._crafts_match(int(i), crafts) for i in idx], dtype=bool)
            idx, rel = idx[ok], rel[ok] if len(ok) else rel
        if q.center is not None:
            scale = q.radius_km or 500.0
            prox = 1.0 / (1.0 + dist[idx] / scale)
        else:
            prox = np.zeros(len(idx))
        score = 0.75 * rel + 0.25 * prox
        trend = (self.demand[idx] >= self._trend_cut) & (self.sales[idx] >= TRENDING_MIN_SALES)
        # Listings that match most of the words come first; within them quality first (prop 36),
        # then trending (props 18, 35), then relevance and proximity. Without words every
        # listing is equally relevant, so quality and trending order the whole list.
        relevant = rel >= RELEVANT_SHARE
        order = np.lexsort((idx, -score, ~trend, ~self.quality[idx], ~relevant))
        # Lifted in the whole list, then again in the page returned, so the page keeps it too.
        order = lift_trending(order, trend[order])
        page = order[: q.limit]
        page = page[lift_trending(np.arange(len(page)), trend[page])]
        top_trend = dict(zip(idx[page].tolist(), trend[page].tolist(), strict=True))
        return self._hits(idx[page], top_trend, dist, q, len(idx))

    def _hits(
        self, top: np.ndarray, trend: dict[int, bool], dist: np.ndarray, q: SearchQuery, total: int
    ) -> SearchHits:
        products: list[dict[str, Any]] = []
        creators: dict[str, dict[str, Any]] = {}
        clusters: list[str] = []
        exact: dict[str, float | None] = {}
        for i in top.tolist():
            doc = self.docs[i]
            if doc.creator_id not in exact:
                exact[doc.creator_id] = (
                    distance_km((q.center.lat, q.center.lon), (doc.lat, doc.lon))
                    if q.center is not None
                    else None
                )
            d = exact[doc.creator_id]
            if q.radius_km is not None and d is not None:
                d = min(d, q.radius_km)  # the band check above already proved it is inside
            products.append(
                {
                    "id": doc.id,
                    "title": doc.title,
                    "price": round(doc.price, 2),
                    "category": doc.category,
                    "craft": doc.craft,
                    "authenticity_score": doc.authenticity_score,
                    "creator_id": doc.creator_id,
                    "creator_name": doc.creator_name,
                    "region": doc.region,
                    "rating": doc.rating,
                    "distance_km": round(d, 2) if d is not None else None,
                    "trending": trend.get(i, False),
                    "quality": doc.quality,
                }
            )
            creators.setdefault(
                doc.creator_id,
                {
                    "id": doc.creator_id,
                    "name": doc.creator_name,
                    "region": doc.region,
                    "lat": doc.lat,
                    "lon": doc.lon,
                    "cluster_id": doc.cluster_id,
                    "distance_km": round(d, 2) if d is not None else None,
                },
            )
            if doc.cluster_id and doc.cluster_id not in clusters:
                clusters.append(doc.cluster_id)
        return SearchHits(products, list(creators.values()), clusters, total)


def lift_trending(order: np.ndarray, trending: np.ndarray, top: float = TRENDING_TOP) -> np.ndarray:
    """``order`` with every trending entry moved into its first ``top`` share (props 18, 35).

    ``trending[k]`` says whether ``order[k]`` is trending. The first ``ceil(top * n)`` places
    go to all trending entries plus the best-ranked others that still fit, each group keeping
    its order; the others follow. When more than that share is trending, the trending entries
    take the first places, the best any ranking can do.
    """
    n = len(order)
    trending = np.asarray(trending, dtype=bool)
    n_trending = int(trending.sum())
    if n_trending == 0 or n_trending == n:
        return order
    places = max(math.ceil(top * n), n_trending)
    others = np.flatnonzero(~trending)
    head = np.sort(np.concatenate([np.flatnonzero(trending), others[: places - n_trending]]))
    return np.concatenate([order[head], order[others[places - n_trending :]]])
