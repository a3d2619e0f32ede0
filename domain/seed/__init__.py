"""The deterministic synthetic marketplace behind ``qalakar seed`` (contracts §7).

``seed(store, seed=42)`` writes clusters, creators, buyers, products, orders, reviews, two years
of daily sales and notifications, all derived from one integer and the fixed anchor
``SEED_UNTIL``; ``PLANTED`` names the anomalies planted for the fraud and pricing engines.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, insert, select
from tqdm.auto import tqdm

from domain.seed import layout as lay
from domain.seed.activity import apply_aggregates, notification_rows
from domain.seed.anomalies import (
    PLANTED,
    check,
    plant_overpriced,
    plant_reused_images,
    plant_trending,
)
from domain.seed.common import chunks, in_india_bbox, stream
from domain.seed.orders import order_rows
from domain.seed.people import buyer_rows, cluster_rows, creator_rows
from domain.seed.products import product_rows
from domain.seed.sales import daily_sales
from domain.store import audit
from domain.store.db import Store
from domain.store.models import (
    AuditEntry,
    Buyer,
    Cluster,
    Creator,
    DailySales,
    Notification,
    Order,
    Product,
    Review,
)

__all__ = ["PLANTED", "SEED_UNTIL", "SeedReport", "build", "seed"]

SEED_UNTIL = dt.date(2026, 11, 1)
CHUNK = 5_000

# Insert order respects foreign keys.
TABLES: tuple[tuple[str, type], ...] = (
    ("clusters", Cluster), ("creators", Creator), ("buyers", Buyer), ("products", Product),
    ("orders", Order), ("reviews", Review), ("daily_sales", DailySales),
    ("notifications", Notification),
)


@dataclass
class SeedReport:
    """Rows per table, the planted anomalies, and whether this call wrote them."""

    seed: int | None
    until: dt.date
    created: bool
    clusters: int = 0
    creators: int = 0
    buyers: int = 0
    products: int = 0
    orders: int = 0
    reviews: int = 0
    daily_sales: int = 0
    notifications: int = 0
    seconds: float = 0.0
    planted: dict[str, list[str]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """``{table: rows}`` for every seeded table."""
        return {name: getattr(self, name) for name, _ in TABLES}

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form (for the CLI's output)."""
        out = asdict(self)
        out["until"] = self.until.isoformat()
        return out


def build(seed: int = 42, until: dt.date = SEED_UNTIL, progress: bool = False
          ) -> dict[str, list[dict[str, Any]]]:
    """Generate every row in memory, keyed by table name (no database involved)."""
    steps = tqdm(total=7, desc="seed: generating", disable=not progress, leave=False)
    clusters = cluster_rows(until)
    if not all(in_india_bbox(c["lat"], c["lon"]) for c in clusters):
        raise ValueError("a catalog cluster lies outside India's bounding box")
    image_keys: set[str] = set()
    phones: set[str] = set()
    creators, creator_infos = creator_rows(seed, until, image_keys, phones)
    buyers, buyer_infos = buyer_rows(seed, until, phones)
    steps.update(2)
    products, product_infos = product_rows(seed, until, creator_infos, image_keys)
    rng = stream(seed, "anomalies")
    plant_overpriced(products, rng)
    plant_reused_images(products, rng, until)
    plant_trending(products)
    check(products, lay.layout().planted())
    steps.update(1)
    sales = daily_sales(seed, until, creator_infos, products)
    steps.update(1)
    result = order_rows(seed, until, creator_infos, creators, buyer_infos, products,
                        product_infos, sales)
    steps.update(1)
    apply_aggregates(seed, until, creators, products, buyers, result.orders, result.reviews, sales)
    notifications = notification_rows(seed, until, creators, products, result.orders,
                                      result.reviews)
    steps.update(2)
    steps.close()
    return {"clusters": clusters, "creators": creators, "buyers": buyers, "products": products,
            "orders": result.orders, "reviews": result.reviews, "daily_sales": sales.rows,
            "notifications": notifications}


def _existing(store: Store) -> SeedReport | None:
    """The report of an earlier seeding, or None when the store holds no marketplace yet."""
    with store.session() as session:
        if not session.scalar(select(func.count()).select_from(Creator)):
            return None
        counts = {name: int(session.scalar(select(func.count()).select_from(model)) or 0)
                  for name, model in TABLES}
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "seed")
                                .order_by(AuditEntry.id.desc()).limit(1)).first()
    details = entry.details if entry else {}
    until = dt.date.fromisoformat(details["until"]) if "until" in details else SEED_UNTIL
    return SeedReport(seed=details.get("seed"), until=until, created=False, **counts,
                      planted={k: list(v) for k, v in PLANTED.items()})


def seed(store: Store, *, seed: int = 42, reset: bool = False, progress: bool = True,
         until: dt.date = SEED_UNTIL) -> SeedReport:
    """Create the tables and the synthetic marketplace for ``seed``.

    ``reset`` drops and recreates every table first. Without it, a store that already holds a
    marketplace is left untouched and its counts are returned (``created=False``), so calling
    this on every start is cheap and safe. All rows are written in one transaction.
    """
    started = time.perf_counter()
    if reset:
        store.drop_all()
    store.create_all()
    if not reset:
        existing = _existing(store)
        if existing is not None:
            existing.seconds = round(time.perf_counter() - started, 3)
            return existing
    rows = build(seed, until, progress)
    total = sum(len(rows[name]) for name, _ in TABLES)
    bar = tqdm(total=total, desc="seed: writing", unit="row", disable=not progress)
    with store.session() as session:
        for name, model in TABLES:
            for part in chunks(rows[name], CHUNK):
                session.execute(insert(model), part)
                bar.update(len(part))
        counts = {name: len(rows[name]) for name, _ in TABLES}
        planted = {k: list(v) for k, v in PLANTED.items()}
        audit.append(session, actor="system", action="seed", target="marketplace", details={
            "seed": seed, "until": until.isoformat(), "counts": counts,
            "planted": {k: v for k, v in planted.items() if k != "reseller_products"},
        })
    bar.close()
    return SeedReport(seed=seed, until=until, created=True, **counts,
                      seconds=round(time.perf_counter() - started, 3), planted=planted)
