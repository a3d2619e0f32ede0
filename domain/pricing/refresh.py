"""Seed property 3: when market data changes materially.

Golden prices are recomputed and the creators told.

The pure core compares per-category summaries of sold prices (``material_changes``) and
reprices listings with a new model (``reprice``); ``refresh_golden_prices`` runs both against
the store, off the request path (the CLI or a background task calls it after a batch of sales).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import select

from domain.places import Place
from domain.pricing.cost import DEFAULT_MARKETS
from domain.pricing.engine import GoldenPrice, PriceQuery, golden_price
from domain.pricing.market import MarketModel, SoldItem
from domain.pricing.service import creator_markets, load_sold_items, market_models
from domain.store import Creator, Notification, Product, Store
from domain.store.models_intelligence import MarketSnapshot

MEDIAN_SHIFT = 0.05  # a category's median sold price moved by 5 % or more
VOLUME_GROWTH = 0.10  # or 10 % more sold items than at the last snapshot
MIN_PRICE_CHANGE = 0.01  # listings whose golden price moves less than 1 % are left alone
REPRICED_STATUSES = ("active", "draft")


@dataclass(frozen=True)
class Summary:
    """Sold prices of one category at one moment."""

    n_items: int
    median_price: float
    fingerprint: str


@dataclass(frozen=True)
class Listing:
    """A listing to reprice: its id, owner, what it is and its current golden price."""

    product_id: str
    creator_id: str
    query: PriceQuery
    old_golden: float | None


@dataclass(frozen=True)
class PriceChange:
    """A listing whose golden price moved."""

    product_id: str
    creator_id: str
    old_golden: float | None
    result: GoldenPrice


@dataclass
class RefreshReport:
    """What one refresh did."""

    changed_categories: list[str] = field(default_factory=list)
    repriced: list[PriceChange] = field(default_factory=list)
    notified: int = 0
    first_snapshot: bool = False


def summarize(items: Sequence[SoldItem]) -> dict[str, Summary]:
    """Per-category count, median price and a hash of the sold items."""
    by_cat: dict[str, list[SoldItem]] = defaultdict(list)
    for it in items:
        by_cat[it.category].append(it)
    out = {}
    for cat, rows in by_cat.items():
        h = hashlib.sha256()
        for it in sorted(rows, key=lambda r: (r.product_id, r.price)):
            h.update(f"{it.product_id}|{it.price:.2f}\n".encode())
        out[cat] = Summary(len(rows), float(np.median([r.price for r in rows])), h.hexdigest())
    return out


def material_changes(old: dict[str, Summary], new: dict[str, Summary],
                     median_shift: float = MEDIAN_SHIFT,
                     volume_growth: float = VOLUME_GROWTH) -> set[str]:
    """Categories whose sold prices changed materially between two snapshots."""
    changed = set()
    for cat, now in new.items():
        before = old.get(cat)
        if before is None:
            changed.add(cat)
        elif before.fingerprint != now.fingerprint and (
                abs(now.median_price / before.median_price - 1) >= median_shift
                or now.n_items >= before.n_items * (1 + volume_growth)):
            changed.add(cat)
    return changed


def reprice(listings: Sequence[Listing], model: MarketModel | None, *,
            markets_of: Mapping[str, Sequence[tuple[Place, float]]] | None = None,
            min_change: float = MIN_PRICE_CHANGE) -> list[PriceChange]:
    """New golden prices for ``listings``; only those that moved by ``min_change`` or more."""
    changes = []
    for lst in listings:
        markets = (markets_of or {}).get(lst.creator_id, DEFAULT_MARKETS)
        result = golden_price(lst.query, model, markets=markets)
        old = lst.old_golden
        if old is None or abs(result.golden_price - old) >= max(1.0, old * min_change):
            changes.append(PriceChange(lst.product_id, lst.creator_id, old, result))
    return changes


def _listings(store: Store, categories: set[str]) -> list[Listing]:
    with store.session() as s:
        rows = s.execute(
            select(Product, Creator).join(Creator, Creator.id == Product.creator_id)
            .where(Product.category.in_(sorted(categories)),
                   Product.status.in_(REPRICED_STATUSES))
            .order_by(Product.id)).all()
        out = []
        for p, c in rows:
            if not p.materials or not p.weight_kg or not p.production_hours:
                continue
            dims = (p.length_cm, p.width_cm, p.height_cm) \
                if p.length_cm and p.width_cm and p.height_cm else None
            query = PriceQuery(p.category, tuple(p.materials), float(p.weight_kg),
                               float(p.production_hours), tuple(p.techniques or ()), dims,
                               Place(c.address or c.id, c.lat, c.lon, c.region),
                               p.authenticity_score)
            out.append(Listing(p.id, c.id, query, p.golden_price))
        return out


def refresh_golden_prices(store: Store, data_dir: Path | None = None) -> RefreshReport:
    """Reprice listings in categories whose market changed since the last snapshot.

    The first run only records the snapshot. Each moved listing gets its new golden price and
    range written, and its creator an in-app ``golden_price_update`` notification.
    """
    with store.session() as s:
        items = load_sold_items(s)
        old = {r.category: Summary(r.n_items, r.median_price, r.fingerprint)
               for r in s.scalars(select(MarketSnapshot))}
    new = summarize(items)
    report = RefreshReport(first_snapshot=not old)
    changed = set() if not old else material_changes(old, new)
    report.changed_categories = sorted(changed)
    if changed:
        models = market_models(data_dir)
        models.invalidate(store)
        model = models.get(store)
        listings = _listings(store, changed)
        with store.session() as s:
            owners = {lst.creator_id for lst in listings}
            markets_of = {cid: creator_markets(s, cid) for cid in owners}
        report.repriced = reprice(listings, model, markets_of=markets_of)
    with store.session() as s:
        for change in report.repriced:
            product = s.get(Product, change.product_id)
            if product is None:
                continue
            g = change.result
            product.golden_price, product.price_optimal = g.golden_price, g.price_optimal
            product.price_min, product.price_max = g.price_min, g.price_max
            before = f"₹{change.old_golden:,.0f}" if change.old_golden else "none"
            s.add(Notification(
                user_id=change.creator_id, channel="in_app", kind="golden_price_update",
                message=(f"Market prices for {product.category} changed: the golden price of "
                         f"{product.id} ({product.title}) is now ₹{g.golden_price:,.0f} "
                         f"(was {before}); your price is ₹{product.price:,.0f}."),
                payload={"product_id": product.id, "old_golden_price": change.old_golden,
                         "golden_price": g.golden_price, "price_min": g.price_min,
                         "price_max": g.price_max, "current_price": product.price}))
            report.notified += 1
        for cat, summary in new.items():
            row = s.get(MarketSnapshot, cat)
            if row is None:
                s.add(MarketSnapshot(category=cat, n_items=summary.n_items,
                                     median_price=summary.median_price,
                                     fingerprint=summary.fingerprint))
            else:
                row.n_items, row.median_price = summary.n_items, summary.median_price
                row.fingerprint = summary.fingerprint
    return report
