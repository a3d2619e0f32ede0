"""Discovery engine: radius, ranking, updates on write, recommendations (props 15-18, 33-37)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.discovery import BM25, ProductDoc, ProductIndex, SearchQuery, lift_trending, terms
from domain.places import Place, distance_km
from domain.recommend import NEARBY_KM, match_notices, matches_preferences, recommend

CRAFTS = ["blue pottery", "bidriware", "ikat weaving", "madhubani painting", "brassware"]
MATERIALS = ["silk", "cotton", "brass", "clay", "wood", "zinc"]


@st.composite
def docs(draw: st.DrawFn, n_min: int = 1, n_max: int = 40) -> list[ProductDoc]:
    n = draw(st.integers(n_min, n_max))
    out = []
    for i in range(n):
        craft = draw(st.sampled_from(CRAFTS))
        out.append(
            ProductDoc(
                id=f"p-{i:05d}",
                title=f"handmade {craft} {draw(st.sampled_from(['vase', 'saree', 'box', 'lamp']))}",
                creator_id=f"c-{i % 7:04d}",
                lat=draw(st.floats(20.0, 28.0)),
                lon=draw(st.floats(72.0, 86.0)),
                price=draw(st.floats(100, 20000)),
                category="pottery",
                craft=craft,
                materials=tuple(
                    draw(st.lists(st.sampled_from(MATERIALS), min_size=1, max_size=2, unique=True))
                ),
                authenticity_score=draw(st.floats(40, 100)),
                rating=draw(st.floats(1, 5)),
                views_7d=draw(st.integers(0, 3000)),
                sales_30d=draw(st.integers(0, 80)),
            )
        )
    return out


def _center(lat: float, lon: float) -> Place:
    return Place("here", lat, lon, kind="point")


@settings(max_examples=100, deadline=None)
@given(
    ds=docs(),
    lat=st.floats(20, 28),
    lon=st.floats(72, 86),
    r=st.floats(1, 600),
    text=st.sampled_from(["", "pottery", "silk saree", "brass"]),
)
def test_radius_search_returns_only_what_lies_within(ds, lat, lon, r, text) -> None:
    """Property 15: Hyperlocal Search Radius Constraint — every product and creator returned lies
    within R (WGS-84 geodesic) of the centre, and nothing inside R that matches is left out."""
    index = ProductIndex(ds)
    hits = index.search(SearchQuery(text=text, center=_center(lat, lon), radius_km=r, limit=1000))
    for p in hits.products:
        doc = index.docs[index.slot[p["id"]]]
        assert distance_km((lat, lon), (doc.lat, doc.lon)) <= r
    for c in hits.creators:
        assert distance_km((lat, lon), (c["lat"], c["lon"])) <= r
    words = set(terms(text))
    inside = {
        d.id
        for d in ds
        if distance_km((lat, lon), (d.lat, d.lon)) <= r
        and (
            not words or words & set(terms(" ".join([d.title, d.craft, *d.materials, d.category])))
        )
    }
    assert {p["id"] for p in hits.products} == inside


@settings(max_examples=100, deadline=None)
@given(ds=docs(), text=st.sampled_from(["", "pottery", "vase"]))
def test_no_radius_is_nationwide(ds, text) -> None:
    """Property 37: Multi-Scale Discovery Support — without a radius every matching listing in the
    country is a candidate; with a radius under 100 km the same index answers hyperlocally."""
    index = ProductIndex(ds)
    everywhere = index.search(SearchQuery(text=text, limit=1000))
    words = set(terms(text))
    expected = {
        d.id
        for d in ds
        if not words or words & set(terms(" ".join([d.title, d.craft, d.category])))
    }
    assert {p["id"] for p in everywhere.products} == expected
    near = index.search(
        SearchQuery(text=text, center=_center(ds[0].lat, ds[0].lon), radius_km=50, limit=1000)
    )
    assert {p["id"] for p in near.products} <= expected


def _positions(hits) -> dict[str, int]:
    return {p["id"]: i for i, p in enumerate(hits.products)}


@settings(max_examples=100, deadline=None)
@given(ds=docs(n_min=5), craft=st.sampled_from(CRAFTS))
def test_quality_listings_rank_above_the_rest(ds, craft) -> None:
    """Property 36: Search Ranking by Quality Signals — in a craft-type search, listings with
    authenticity > 80 and rating > 4 all rank above listings without both, except where the
    trending boost of props 18 and 35 lifts a listing."""
    index = ProductIndex(ds)
    hits = index.search(SearchQuery(craft_types=[craft], limit=1000))
    # Trending listings are lifted into the top 30 % (props 18, 35) whatever their quality;
    # among the others and among themselves, quality comes first.
    for trending in (True, False):
        flags = [p["quality"] for p in hits.products if p["trending"] is trending]
        assert flags == sorted(flags, reverse=True)
    for p in hits.products:
        assert p["quality"] == (p["authenticity_score"] > 80 and p["rating"] > 4)


@st.composite
def hot_and_cold(draw: st.DrawFn) -> list[ProductDoc]:
    """Listings of which at least one is in demand (so trending) and one is not."""
    ds = draw(docs(n_min=2, n_max=60))
    hot = draw(st.lists(st.integers(0, len(ds) - 1), min_size=1, max_size=max(1, len(ds) // 3)))
    for i in hot:
        ds[i].sales_30d = draw(st.integers(100, 400))
        ds[i].views_7d = draw(st.integers(3000, 20000))
    cold = draw(st.integers(0, len(ds) - 1).filter(lambda i: i not in hot))
    ds[cold].sales_30d, ds[cold].views_7d = 0, 0
    return ds


TEXTS = ["", "handmade", "handmade vase", "silk saree", "pottery brass", "lamp"]


def _trending_positions(ds, text, lat, lon, limit):
    index = ProductIndex(ds)
    center = _center(lat, lon) if lat is not None else None
    hits = index.search(SearchQuery(text=text, center=center, limit=limit))
    flags = [p["trending"] for p in hits.products]
    for p in hits.products:  # the flag is the index's own definition, top 3 % of demand
        assert p["trending"] == index.trending(index.slot[p["id"]])
    return [i for i, f in enumerate(flags) if f], len(flags), hits


def _share_property(share: float) -> None:
    """Trending listings rank within the top ``share`` of every result list holding both kinds."""
    mixed = []

    @settings(max_examples=150, deadline=None)
    @given(
        ds=hot_and_cold(),
        text=st.sampled_from(TEXTS),
        lat=st.one_of(st.none(), st.floats(20, 28)),
        lon=st.floats(72, 86),
        limit=st.sampled_from([3, 10, 1000]),
    )
    def check(ds, text, lat, lon, limit) -> None:
        trending, n, _ = _trending_positions(ds, text, lat, lon, limit)
        if not trending or len(trending) == n:
            return
        mixed.append(n)
        if len(trending) <= share * n:
            # rank i (from 0) is in the top ``share`` when it starts there: i < share * n
            assert all(i < share * n for i in trending), (trending, n)
        else:  # more trending listings than the share holds: they come first, all of them
            assert trending == list(range(len(trending))), (trending, n)

    check()
    assert len(mixed) >= 50, "most examples must mix trending and other listings"


def test_trending_products_rank_in_the_top_half() -> None:
    """Property 18: Trending Products Rank Higher — in any result list holding trending and
    other listings, every trending listing ranks in the top 50 % of the whole list."""
    _share_property(0.5)


def test_trending_products_rank_in_the_top_30_percent() -> None:
    """Property 35: Trending Search Visibility Boost — every trending listing matching the search
    ranks in the top 30 % of the whole result list (when trending listings are more than 30 % of
    it, they take the first places)."""
    _share_property(0.3)


def test_lift_keeps_the_order_of_each_group() -> None:
    order = np.arange(10)
    trending = np.zeros(10, dtype=bool)
    trending[[8, 9]] = True
    lifted = lift_trending(order, trending).tolist()
    assert lifted == [0, 8, 9, 1, 2, 3, 4, 5, 6, 7]
    assert lift_trending(order, np.ones(10, dtype=bool)).tolist() == list(range(10))


def test_trending_is_the_top_of_recent_demand() -> None:
    ds = [
        ProductDoc(
            f"p-{i:05d}", "clay pot", "c-0001", 26.9, 75.8, 500, sales_30d=i, views_7d=i * 10
        )
        for i in range(100)
    ]
    index = ProductIndex(ds)
    flagged = [d.id for i, d in enumerate(index.docs) if index.trending(i)]
    assert flagged == [f"p-{i:05d}" for i in (97, 98, 99)]


@settings(max_examples=100, deadline=None)
@given(ds=docs(), new=docs(n_min=1, n_max=3))
def test_new_active_listing_is_found_at_once(ds, new) -> None:
    """Property 33: Product Discoverability — a listing upserted into the index is returned by the
    very next search, and a removed one is not."""
    index = ProductIndex(ds)
    fresh = []
    for i, d in enumerate(new):
        d.id = f"p-9{i:04d}"
        d.title = f"zardozi{i} special"
        index.upsert(d)
        fresh.append(d)
    for d in fresh:
        hits = index.search(
            SearchQuery(text=d.title.split()[0], center=_center(d.lat, d.lon), radius_km=1)
        )
        assert [p["id"] for p in hits.products] == [d.id]
        index.remove(d.id)
        assert not index.search(SearchQuery(text=d.title.split()[0])).products


@settings(max_examples=100, deadline=None)
@given(ds=docs(n_min=2))
def test_recommendations_share_an_attribute(ds) -> None:
    """Property 16: Recommendation Similarity — every recommendation shares the craft, a material,
    or a creator within 50 km with the viewed listing, and names which."""
    seen = ds[0]
    for rec in recommend(seen, ds, limit=50):
        assert rec.doc.id != seen.id and rec.shared
        for s in rec.shared:
            if s.startswith("craft:"):
                assert rec.doc.craft.casefold() == seen.craft.casefold()
            elif s.startswith("material:"):
                assert s[9:] in {m.casefold() for m in rec.doc.materials} & {
                    m.casefold() for m in seen.materials
                }
            else:
                assert s == "nearby"
                assert distance_km((seen.lat, seen.lon), (rec.doc.lat, rec.doc.lon)) <= NEARBY_KM


@settings(max_examples=100, deadline=None)
@given(ds=docs(), crafts=st.lists(st.sampled_from(CRAFTS), max_size=2), high=st.floats(200, 20000))
def test_preference_matches_notify_both_sides(ds, crafts, high) -> None:
    """Property 34: Preference Matching Triggers Notifications — every listing whose craft and
    price fit a buyer's preferences yields one notice to the buyer and one to its creator."""
    prefs = {"crafts": crafts, "categories": [], "max_price": high}
    notices = match_notices("b-0001", prefs, ds)
    matching = [d for d in ds if d.craft in crafts and d.price <= high]
    assert [d.id for d in ds if matches_preferences(prefs, d)] == [d.id for d in matching]
    assert len(notices) == 2 * len(matching)
    for d in matching:
        told = {n["user_id"] for n in notices if n["payload"]["product_id"] == d.id}
        assert told == {"b-0001", d.creator_id}


def test_bm25_prefers_the_rarer_word() -> None:
    bm = BM25()
    bm.add(0, [("silk", 1.0), ("saree", 1.0)])
    bm.add(1, [("cotton", 1.0), ("saree", 1.0)])
    bm.add(2, [("cotton", 1.0), ("bag", 1.0)])
    scores = bm.scores(["silk", "saree"], 3)
    assert scores[0] > scores[1] > scores[2] == 0
