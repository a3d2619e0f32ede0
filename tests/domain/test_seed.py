"""The synthetic marketplace: determinism, sizes, consistency and the planted anomalies.

Seeds a few SQLite files once for the module (and a PostgreSQL schema when
``QALAKAR_TEST_DATABASE_URL`` is set) and checks them against the seed's promises.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, make_url, select, text

from domain.catalog import CLUSTERS, CLUSTERS_BY_ID
from domain.places import distance_km
from domain.seed import PLANTED, SEED_UNTIL, SeedReport, build, seed
from domain.seed.common import in_india_bbox
from domain.seed.sales import diwali_dates
from domain.store import (
    AuditEntry,
    Buyer,
    Cluster,
    Creator,
    DailySales,
    Notification,
    Order,
    Product,
    Review,
    Store,
)
from domain.store.models import ORDER_STATUSES

# Read at import: the shared conftest clears QALAKAR_* variables for each test.
_PG_URL = os.environ.get("QALAKAR_TEST_DATABASE_URL")
MODELS = (Cluster, Creator, Buyer, Product, Order, Review, DailySales, Notification)


def _norm(value: object) -> object:
    """A backend-neutral form: naive UTC datetimes, sorted JSON."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def digests(store: Store) -> dict[str, str]:
    """sha256 of every table's rows in primary-key order (audit: without its wall-clock parts)."""
    out = {}
    with store.session() as s:
        for model in MODELS:
            cols = list(model.__table__.columns)
            h = hashlib.sha256()
            for row in s.execute(select(*cols).order_by(*model.__table__.primary_key.columns)):
                h.update(repr(tuple(_norm(v) for v in row)).encode())
            out[model.__tablename__] = h.hexdigest()
        h = hashlib.sha256()
        for row in s.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.target,
                                    AuditEntry.details).order_by(AuditEntry.id)):
            h.update(repr(tuple(_norm(v) for v in row)).encode())
        out["audit_log"] = h.hexdigest()
    return out


def _sqlite(tmp: Path, name: str, seed_value: int) -> tuple[Store, SeedReport]:
    store = Store.from_url(f"sqlite:///{tmp / name}")
    return store, seed(store, seed=seed_value, reset=True, progress=False)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory):
    """Two SQLite stores seeded with 42 and one with 7."""
    tmp = tmp_path_factory.mktemp("seed")
    a, report = _sqlite(tmp, "a.db", 42)
    b, _ = _sqlite(tmp, "b.db", 42)
    c, _ = _sqlite(tmp, "c.db", 7)
    yield {"a": a, "b": b, "c": c, "report": report}
    for store in (a, b, c):
        store.dispose()


@pytest.fixture(scope="module")
def digest_a(seeded) -> dict[str, str]:
    """Digests of the seed-42 store, computed once."""
    return digests(seeded["a"])


@pytest.fixture(scope="module")
def store(seeded) -> Store:
    """The seed-42 store (read only)."""
    return seeded["a"]


@pytest.fixture(scope="module")
def products(store: Store) -> list[Product]:
    """Every product of the seed-42 store."""
    with store.session() as s:
        return list(s.scalars(select(Product).order_by(Product.id)))


def test_same_seed_gives_identical_rows(seeded, digest_a) -> None:
    assert digest_a == digests(seeded["b"])


def test_build_is_identical_across_processes() -> None:
    """String hashing is salted per process; nothing may depend on it."""
    code = ("import hashlib, json; from domain.seed import build; "
            "print(hashlib.sha256(json.dumps(build(42), default=str, sort_keys=True)"
            ".encode()).hexdigest())")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2])
    here = hashlib.sha256(json.dumps(build(42), default=str, sort_keys=True).encode()).hexdigest()
    assert out.stdout.strip() == here


def test_different_seed_differs(seeded, digest_a) -> None:
    a, c = digest_a, digests(seeded["c"])
    assert a["clusters"] == c["clusters"]  # the catalog is fixed
    for table in ("creators", "buyers", "products", "orders", "reviews", "daily_sales"):
        assert a[table] != c[table], table


def test_minimum_counts_and_report(store: Store, seeded) -> None:
    report = seeded["report"]
    assert report.created and report.seed == 42 and report.until == SEED_UNTIL
    assert report.planted == PLANTED
    with store.session() as s:
        counts = {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in MODELS}
        used_clusters = s.scalar(select(func.count(func.distinct(Creator.cluster_id))))
        seeds = s.scalars(select(AuditEntry).where(AuditEntry.action == "seed")).all()
    assert counts == report.counts
    assert counts["clusters"] == len(CLUSTERS) == 25
    assert used_clusters == 25
    assert counts["creators"] >= 300 and counts["products"] >= 3000
    assert counts["buyers"] >= 500 and counts["orders"] >= 3000
    assert counts["reviews"] > 500 and counts["notifications"] > 100
    assert len(seeds) == 1 and seeds[0].actor == "system"
    assert seeds[0].details["seed"] == 42 and seeds[0].details["counts"]["creators"] == 320


def test_id_formats(store: Store) -> None:
    patterns = {Cluster: r"k-\d{3}", Creator: r"c-\d{4}", Buyer: r"b-\d{4}",
                Product: r"p-\d{5}", Order: r"o-\d{6}", Review: r"r-\d{6}"}
    with store.session() as s:
        for model, pattern in patterns.items():
            ids = s.scalars(select(model.id)).all()
            assert all(re.fullmatch(pattern, i) for i in ids), model.__tablename__


def test_creators_sit_near_their_cluster_in_india(store: Store) -> None:
    with store.session() as s:
        creators = s.scalars(select(Creator)).all()
        clusters = s.scalars(select(Cluster)).all()
    assert all(in_india_bbox(c.lat, c.lon) for c in clusters)
    far = 0
    for c in creators:
        home = CLUSTERS_BY_ID[c.cluster_id]
        km = distance_km((c.lat, c.lon), (home.lat, home.lon))
        assert in_india_bbox(c.lat, c.lon) and km <= 40, (c.id, km)
        far += km > 15
        assert c.phone.startswith("+91") and len(c.phone) == 13
        assert c.region == home.state and c.category == home.category
        assert c.bio and c.techniques and c.materials and c.portfolio_images
    assert 0 < far < len(creators) * 0.25  # a few live in villages further out
    languages = Counter(c.preferred_language for c in creators)
    assert {"hi", "kn", "te", "ta", "gu", "mr", "or", "bn", "ks"} <= set(languages)


def test_c0001_is_blue_pottery_with_every_order_status(store: Store) -> None:
    with store.session() as s:
        c = s.get(Creator, "c-0001")
        statuses = Counter(s.scalars(select(Order.status).where(Order.creator_id == "c-0001")))
    assert c.cluster_id == "k-002" and c.primary_craft == "blue pottery"
    assert set(statuses) == set(ORDER_STATUSES)
    assert statuses["pending"] >= 3


def test_orders_have_consistent_timelines(store: Store) -> None:
    rank = {s: i for i, s in enumerate(("pending", "confirmed", "in_production", "shipped",
                                        "delivered"))}
    now = dt.datetime.combine(SEED_UNTIL, dt.time(), dt.UTC).isoformat()
    with store.session() as s:
        orders = s.scalars(select(Order)).all()
        product_times = dict(s.execute(select(Product.id, Product.created_at)).all())
    assert set(Counter(o.status for o in orders)) == set(ORDER_STATUSES)
    for o in orders:
        events = [e["status"] for e in o.timeline]
        stamps = [e["timestamp"] for e in o.timeline]
        assert events[0] == "pending" and events[-1] == o.status, o.id
        assert stamps == sorted(stamps) and stamps[-1] < now, o.id
        if o.status != "cancelled":
            assert [rank[e] for e in events] == list(range(len(events))), o.id
            assert o.estimated_delivery is not None
        assert (o.tracking_number is not None) == (o.status in ("shipped", "delivered")), o.id
        assert o.total_amount == pytest.approx(o.product_price * o.quantity + o.shipping_cost)
        assert o.created_at.replace(tzinfo=None) > product_times[o.product_id].replace(tzinfo=None)


def test_nothing_happens_before_its_owner_exists(store: Store) -> None:
    with store.session() as s:
        late_products = s.scalar(
            select(func.count()).select_from(Product)
            .join(Creator, Creator.id == Product.creator_id)
            .where(Product.created_at < Creator.created_at))
        late_sales = s.scalar(
            select(func.count()).select_from(DailySales)
            .join(Creator, Creator.id == DailySales.creator_id)
            .where(DailySales.day < func.date(Creator.created_at)))
        late_buyers = s.scalar(
            select(func.count()).select_from(Order).join(Buyer, Buyer.id == Order.buyer_id)
            .where(Order.created_at < Buyer.created_at))
        early_reviews = s.scalar(
            select(func.count()).select_from(Review).join(Order, Order.id == Review.order_id)
            .where(Review.created_at < Order.updated_at))
    assert (late_products, late_sales, late_buyers, early_reviews) == (0, 0, 0, 0)


def test_products_are_plausible(products: list[Product]) -> None:
    statuses = Counter(p.status for p in products)
    assert statuses["active"] > 0.7 * len(products) and set(statuses) == {
        "active", "draft", "sold", "archived"}
    for p in products:
        assert p.price_min <= p.price_optimal <= p.price_max, p.id
        assert p.images and p.images[0]["is_primary"] and p.images[0]["key"].startswith("img-")
        assert p.weight_kg > 0 and p.production_hours > 0 and p.length_cm > 0
    reseller = set(PLANTED["reseller_products"])
    sarees = [p.price for p in products if p.craft == "Banarasi silk" and p.subcategory == "saree"
              and p.id not in reseller]
    mugs = [p.price for p in products if p.craft == "blue pottery" and p.subcategory == "mug"]
    assert sarees and all(8_000 <= x <= 60_000 for x in sarees)
    assert mugs and all(300 <= x <= 900 for x in mugs)
    scores = [p.authenticity_score for p in products if p.id not in reseller]
    assert statistics.median(scores) > 75 and min(scores) < 65
    assert sum(p.sales_30d for p in products) > 0
    trending = {p.id: p for p in products if p.id in PLANTED["trending_products"]}
    typical = statistics.median(p.sales_30d for p in products if p.status == "active")
    assert all(t.sales_30d > 5 * max(typical, 1) for t in trending.values())


def test_reseller_listed_sixty_generic_products_in_one_day(products: list[Product]) -> None:
    (reseller,) = PLANTED["reseller_creators"]
    own = [p for p in products if p.creator_id == reseller]
    assert sorted(p.id for p in own) == PLANTED["reseller_products"]
    by_day = Counter(p.created_at.date() for p in own)
    assert max(by_day.values()) >= 60
    assert len({p.subcategory for p in own}) <= 3
    others = statistics.median(p.authenticity_score for p in products if p.creator_id != reseller)
    assert statistics.median(p.authenticity_score for p in own) < others - 30
    # Nobody else lists more than a handful of products on one day.
    per_day = Counter((p.creator_id, p.created_at.date()) for p in products
                      if p.creator_id != reseller)
    assert max(per_day.values()) < 10


def test_reused_images_span_creators(products: list[Product]) -> None:
    owners = defaultdict(set)
    holders = defaultdict(set)
    for p in products:
        for img in p.images:
            owners[img["key"]].add(p.creator_id)
            holders[img["key"]].add(p.id)
    shared = {k for k, v in holders.items() if len(v) > 1}
    assert shared and all(len(owners[k]) >= 2 for k in shared)
    assert set().union(*(holders[k] for k in shared)) == set(PLANTED["reused_image_products"])
    created = {p.id: p.created_at for p in products}
    for original in PLANTED["reused_image_originals"]:
        key = next(p for p in products if p.id == original).images[0]["key"]
        assert len(owners[key]) >= 2
        assert all(created[original] < created[other] for other in holders[key] - {original})


def test_overpriced_products_are_three_times_their_category_median(products: list[Product]) -> None:
    prices = defaultdict(list)
    for p in products:
        prices[p.category].append(p.price)
    medians = {c: statistics.median(v) for c, v in prices.items()}
    by_id = {p.id: p for p in products}
    for pid in PLANTED["overpriced_products"]:
        p = by_id[pid]
        assert p.price >= 3 * medians[p.category] and p.price >= 3 * p.golden_price, pid


def test_complaint_heavy_creator(store: Store) -> None:
    with store.session() as s:
        rows = s.execute(select(Review.creator_id, Review.complaint)).all()
    per = defaultdict(list)
    for creator, complaint in rows:
        per[creator].append(complaint)
    (heavy,) = PLANTED["complaint_heavy_creators"]
    assert sum(per[heavy]) >= 10 and sum(per[heavy]) / len(per[heavy]) >= 0.5
    overall = sum(c for _, c in rows) / len(rows)
    assert overall < 0.1
    assert sum(per[heavy]) == max(sum(v) for v in per.values())


def test_sales_span_two_years_with_weekly_and_diwali_rhythm(store: Store) -> None:
    with store.session() as s:
        first, last = s.execute(select(func.min(DailySales.day), func.max(DailySales.day))).one()
        rows = s.execute(select(DailySales.day, DailySales.category, func.sum(DailySales.units))
                         .group_by(DailySales.day, DailySales.category)).all()
        zero = s.scalar(select(func.count()).select_from(DailySales).where(DailySales.units <= 0))
    assert (last - first).days >= 730 and last < SEED_UNTIL and zero == 0
    series = defaultdict(dict)
    for day, category, units in rows:
        series[category][day] = units
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    weekend = [sum(series[c].get(d, 0) for c in series) for d in days if d.weekday() >= 5]
    weekday = [sum(series[c].get(d, 0) for c in series) for d in days if d.weekday() < 5]
    assert statistics.mean(weekend) > 1.15 * statistics.mean(weekday)
    peaks = []
    for diwali in diwali_dates(first, SEED_UNTIL):
        for by_day in series.values():
            year = [by_day.get(diwali - dt.timedelta(days=i), 0) for i in range(1, 366)]
            before = [by_day.get(diwali - dt.timedelta(days=i), 0) for i in range(1, 22)]
            peaks.append(statistics.mean(before) / statistics.mean(year))
    assert peaks and max(peaks) > 1.3


def test_second_call_writes_nothing(seeded) -> None:
    store = seeded["b"]
    before = digests(store)
    with store.session() as s:
        audit_rows = s.scalar(select(func.count()).select_from(AuditEntry))
    report = seed(store, seed=42, progress=False)
    assert not report.created and report.counts == seeded["report"].counts
    assert report.seed == 42 and report.planted == PLANTED
    assert digests(store) == before
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == audit_rows


@pytest.mark.skipif(not _PG_URL, reason="QALAKAR_TEST_DATABASE_URL is not set")
def test_postgresql_holds_the_same_rows(seeded, digest_a) -> None:
    schema = f"seed_test_{uuid.uuid4().hex[:8]}"
    base = Store.from_url(_PG_URL)
    with base.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(_PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    store = Store.from_url(url.render_as_string(hide_password=False))
    try:
        report = seed(store, seed=42, reset=True, progress=False)
        assert report.counts == seeded["report"].counts
        assert digests(store) == digest_a
    finally:
        store.dispose()
        with base.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        base.dispose()
