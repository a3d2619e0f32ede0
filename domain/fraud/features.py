"""Per-seller behaviour measured from the store: what the fraud scorer looks at.

Listing velocity, product diversity, photos shared with other sellers (and who listed them
first), price deviation from comparable listings, weekly sales turnover, buyer complaints and
account age. Loading is the only I/O; the scorer in :mod:`domain.fraud.scoring` is pure.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from domain.store.models import Creator, Order, Product, Review
from domain.vision.hashing import pair_similarity
from domain.vision.library import signature_index

PRICE_DEVIATION = 0.5  # prop 38: more than 50 % away from comparable listings
# Two stored photos count as the same one when nearly identical: re-encoded or resized copies
# stay within a few bits, while some unrelated fine weaves reach 0.93 (measured on the seed).
_STORED_RADIUS = 8
_STORED_SIMILARITY = 0.95


@dataclass
class SellerFeatures:
    """Everything measured about one seller, plus the rows that back it up."""

    seller_id: str
    account_age_days: float
    listings: int
    max_listings_per_day: int
    listings_per_active_day: float
    product_diversity: float  # distinct kinds / listings (1 = every piece different)
    identical_titles: int
    copied_image_products: int  # own listings whose photos another seller showed first
    shared_image_products: int  # own listings whose photos also appear elsewhere, either way
    price_anomaly_share: float
    category_price_deviation: float  # mean |price / category median - 1|
    max_sales_per_week: int
    orders: int
    cancelled_share: float
    complaints: int
    complaint_share: float
    mean_authenticity: float
    low_authenticity_listings: int
    duplicate_images: list[dict[str, Any]] = field(default_factory=list)
    price_anomalies: list[dict[str, Any]] = field(default_factory=list)
    busiest_day: str | None = None
    busiest_week: str | None = None


def _naive(t: dt.datetime) -> dt.datetime:
    return t.replace(tzinfo=None) if t.tzinfo else t


def load_all(session: Session) -> dict[str, SellerFeatures]:
    """Features of every creator in the store (the anomaly model needs the population)."""
    products = list(session.scalars(select(Product)))
    creators = {c.id: c for c in session.scalars(select(Creator))}
    as_of = max(
        [_naive(p.created_at) for p in products]
        + [_naive(t) for t in session.scalars(select(func.max(Order.created_at))) if t]
        or [dt.datetime(2026, 1, 1)]
    )
    by_seller: dict[str, list[Product]] = defaultdict(list)
    for p in products:
        by_seller[p.creator_id].append(p)
    medians = _comparable_medians(products)
    dups = _duplicates(session, {p.id: p for p in products})
    orders = _order_stats(session)
    reviews = _review_stats(session)
    out = {}
    for cid, creator in creators.items():
        own = by_seller.get(cid, [])
        out[cid] = _features(
            creator,
            own,
            as_of,
            medians,
            dups.get(cid, []),
            orders.get(cid, {}),
            reviews.get(cid, (0, 0)),
        )
    return out


def _comparable_medians(products: list[Product]) -> dict[tuple[str, str], float]:
    prices: dict[tuple[str, str], list[float]] = defaultdict(list)
    for p in products:
        prices[(p.category, p.subcategory)].append(p.price)
        prices[(p.category, "")].append(p.price)  # the whole category
    return {k: statistics.median(v) for k, v in prices.items()}


def _duplicates(session: Session, products: dict[str, Product]) -> dict[str, list[dict[str, Any]]]:
    """For each seller, their listings whose photo matches another seller's listing."""
    index, refs = signature_index(session)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for rid, ref in refs.items():
        mine = products.get(ref.product_id or "")
        if mine is None:
            continue
        own_sig = index.signature_of(rid)
        # Photos shown on two listings are stored files, not disguised copies: a tight
        # radius finds them and keeps this pass over every signature fast.
        for hit in index.query(own_sig.code, _STORED_RADIUS):
            other = refs[hit.ref]
            theirs = products.get(other.product_id or "")
            if theirs is None or theirs.creator_id == mine.creator_id:
                continue
            if pair_similarity(own_sig, hit.signature) < _STORED_SIMILARITY:
                continue
            if (mine.id, theirs.id) in seen:
                continue
            seen.add((mine.id, theirs.id))
            copied = _naive(mine.created_at) > _naive(theirs.created_at)
            out[mine.creator_id].append(
                {
                    "product_id": mine.id,
                    "image": ref.media_id,
                    "found_in_product": theirs.id,
                    "found_in_seller": theirs.creator_id,
                    "similarity": round(pair_similarity(own_sig, hit.signature), 3),
                    "listed_after_other": copied,
                }
            )
    return out


def _order_stats(session: Session) -> dict[str, dict[str, Any]]:
    weekly: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    cancelled: Counter = Counter()
    for creator_id, created, qty, status in session.execute(
        select(Order.creator_id, Order.created_at, Order.quantity, Order.status)
    ):
        iso = _naive(created).isocalendar()
        weekly[creator_id][f"{iso.year}-W{iso.week:02d}"] += qty
        totals[creator_id] += 1
        cancelled[creator_id] += status == "cancelled"
    return {
        cid: {"weekly": weekly[cid], "orders": totals[cid], "cancelled": cancelled[cid]}
        for cid in totals
    }


def _review_stats(session: Session) -> dict[str, tuple[int, int]]:
    # A bare SUM over a Boolean column comes back typed as Boolean; count with CASE instead.
    complaints = func.sum(case((Review.complaint.is_(True), 1), else_=0))
    rows = session.execute(
        select(Review.creator_id, func.count(), complaints).group_by(Review.creator_id)
    )
    return {cid: (int(n), int(c or 0)) for cid, n, c in rows}


def _features(
    creator: Creator,
    own: list[Product],
    as_of: dt.datetime,
    medians: dict[tuple[str, str], float],
    dups: list[dict[str, Any]],
    orders: dict[str, Any],
    reviews: tuple[int, int],
) -> SellerFeatures:
    per_day = Counter(_naive(p.created_at).date().isoformat() for p in own)
    busiest_day, max_day = per_day.most_common(1)[0] if per_day else (None, 0)
    kinds = {(p.category, p.subcategory) for p in own}
    titles = Counter(p.title.strip().lower() for p in own)
    anomalies = []
    category_dev = []
    for p in own:
        median = medians[(p.category, "")]
        if median > 0:  # a category of unpriced drafts has no price to deviate from
            category_dev.append(abs(p.price / median - 1))
        # A listing's own fair price (the golden price) is the sharpest reference; without
        # one, the median of comparable listings (same category and kind) stands in.
        ref, what = (
            (p.golden_price, "its golden price")
            if p.golden_price
            else (medians.get((p.category, p.subcategory)), "comparable listings' median")
        )
        if ref and abs(p.price / ref - 1) > PRICE_DEVIATION:
            anomalies.append(
                {
                    "product_id": p.id,
                    "price": p.price,
                    "reference_price": ref,
                    "deviation": round(p.price / ref - 1, 3),
                    "reason": f"₹{p.price:,.0f} is {abs(p.price / ref - 1):.0%} "
                    f"{'above' if p.price > ref else 'below'} {what} "
                    f"(₹{ref:,.0f})",
                }
            )
    weekly: Counter = orders.get("weekly", Counter())
    busiest_week, max_week = weekly.most_common(1)[0] if weekly else (None, 0)
    n_orders = orders.get("orders", 0)
    n_reviews, n_complaints = reviews
    scores = [p.authenticity_score for p in own if p.authenticity_score is not None]
    return SellerFeatures(
        seller_id=creator.id,
        account_age_days=max(0.0, (as_of - _naive(creator.created_at)).total_seconds() / 86400),
        listings=len(own),
        max_listings_per_day=max_day,
        listings_per_active_day=len(own) / max(1, len(per_day)),
        product_diversity=len(kinds) / max(1, len(own)),
        identical_titles=sum(c - 1 for c in titles.values() if c > 1),
        copied_image_products=len({d["product_id"] for d in dups if d["listed_after_other"]}),
        shared_image_products=len({d["product_id"] for d in dups}),
        price_anomaly_share=len(anomalies) / max(1, len(own)),
        category_price_deviation=float(statistics.fmean(category_dev)) if category_dev else 0.0,
        max_sales_per_week=int(max_week),
        orders=n_orders,
        cancelled_share=orders.get("cancelled", 0) / max(1, n_orders),
        complaints=n_complaints,
        complaint_share=n_complaints / max(1, n_reviews),
        mean_authenticity=float(statistics.fmean(scores)) if scores else 0.0,
        low_authenticity_listings=sum(1 for s in scores if s < 60),
        duplicate_images=dups,
        price_anomalies=anomalies,
        busiest_day=busiest_day,
        busiest_week=busiest_week,
    )
