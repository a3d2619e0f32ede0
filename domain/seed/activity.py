"""What follows from the orders and sales: ratings, 30-day sales and views, creators' totals.

Also the notifications the marketplace would have queued.

Aggregates are computed from the generated rows so the tables agree with each other.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np

from domain.seed import layout as lay
from domain.seed.common import anchor, between, pick, pid, stream
from domain.seed.sales import SalesResult, festival_dates

CHANNELS = ("whatsapp", "sms", "in_app")
CHANNEL_P = (0.5, 0.25, 0.25)
# Categories whose sellers get a Diwali stock alert (largest build-ups in ``sales.FESTIVALS``).
DIWALI_CATEGORIES = ("home_decor", "pottery", "metalware", "glass", "jewellery", "textiles", "toys")


def apply_aggregates(seed: int, until: dt.date, creators: list[dict[str, Any]],
                     products: list[dict[str, Any]], buyers: list[dict[str, Any]],
                     orders: list[dict[str, Any]], reviews: list[dict[str, Any]],
                     sales: SalesResult) -> None:
    """Fill ratings, review counts, sales_30d, views_7d, totals; buyers join before ordering."""
    rng = stream(seed, "aggregates")
    by_product: dict[str, list[int]] = defaultdict(list)
    by_creator: dict[str, list[int]] = defaultdict(list)
    for r in reviews:
        by_product[r["product_id"]].append(r["rating"])
        by_creator[r["creator_id"]].append(r["rating"])
    for p in products:
        ratings = by_product.get(p["id"], [])
        p["review_count"] = len(ratings)
        p["rating"] = round(float(np.mean(ratings)), 2) if ratings else 0.0

    # Split each creator's last-30-day units over their active listings, cheaper ones selling more.
    active: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in products:
        if p["status"] == "active":
            active[p["creator_id"]].append(p)
    overpriced = {pid(n) for n in lay.layout().overpriced}
    for creator_id, items in active.items():
        units = sales.units_30d_by_creator.get(creator_id, 0)
        w = np.array([0.0 if p["id"] in overpriced else p["price"] ** -0.3 for p in items])
        split = rng.multinomial(units, w / w.sum()) if w.sum() > 0 else np.zeros(len(items), int)
        for p, n in zip(items, split.tolist(), strict=True):
            p["sales_30d"] = int(n)
            p["views_7d"] = int(n * rng.uniform(6, 14) + rng.poisson(12))
    for n in lay.layout().trending:
        p = products[n - 1]
        p["sales_30d"] = int(rng.integers(40, 90))
        p["views_7d"] = int(rng.integers(1500, 5000))

    authenticity: dict[str, list[float]] = defaultdict(list)
    for p in products:
        authenticity[p["creator_id"]].append(p["authenticity_score"])
    for c in creators:
        ratings = by_creator.get(c["id"], [])
        c["review_count"] = len(ratings)
        c["average_rating"] = round(float(np.mean(ratings)), 2) if ratings else 0.0
        c["total_sales"] = round(sales.revenue_by_creator.get(c["id"], 0.0), 2)
        c["authenticity_score"] = round(float(np.mean(authenticity[c["id"]])), 1)

    first_order: dict[str, dt.datetime] = {}
    for o in orders:  # orders are chronological
        first_order.setdefault(o["buyer_id"], o["created_at"])
    for b in buyers:
        first = first_order.get(b["id"])
        if first is not None and b["created_at"] >= first:
            joined = first - dt.timedelta(days=float(rng.uniform(1, 60)))
            b["created_at"] = joined.replace(microsecond=0)


def notification_rows(seed: int, until: dt.date, creators: list[dict[str, Any]],
                      products: list[dict[str, Any]], orders: list[dict[str, Any]],
                      reviews: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """New-order and shipping messages, recent review alerts and a Diwali stock alert."""
    rng = stream(seed, "notifications")
    now = anchor(until)
    titles = {p["id"]: p["title"] for p in products}
    out = []

    def add(user: str, kind: str, message: str, payload: dict[str, Any], at: dt.datetime,
            channel: str | None = None) -> None:
        read = at + dt.timedelta(hours=float(rng.uniform(0.2, 48)))
        out.append({
            "user_id": user, "channel": channel or pick(rng, CHANNELS, CHANNEL_P), "kind": kind,
            "message": message, "payload": payload, "created_at": at,
            "read_at": read if read < now - dt.timedelta(hours=6) and rng.random() < 0.7 else None,
            # History, not news: the worker must not deliver the seeded past on its first run.
            "delivery_status": "delivered", "delivered_at": at,
        })

    for o in orders:
        if o["status"] == "pending":
            add(o["creator_id"], "new_order",
                f"New order {o['id']}: {o['quantity']} x {titles[o['product_id']]} for "
                f"₹{o['total_amount']:,.0f}, shipping to {o['ship_city']}.",
                {"order_id": o["id"], "product_id": o["product_id"]}, o["created_at"])
        elif o["status"] == "shipped":
            add(o["buyer_id"], "order_shipped",
                f"Your order {o['id']} is on its way with {o['provider']} (tracking "
                f"{o['tracking_number']}), expected by {o['estimated_delivery']:%d %b}.",
                {"order_id": o["id"], "tracking_number": o["tracking_number"]},
                o["updated_at"], channel="in_app")
    for r in reviews:
        if r["created_at"] >= now - dt.timedelta(days=30):
            add(r["creator_id"], "review_received",
                f"{r['rating']}★ review on {titles[r['product_id']]}: \"{r['text']}\"",
                {"review_id": r["id"], "product_id": r["product_id"], "complaint": r["complaint"]},
                r["created_at"])
    upcoming = [d for d in festival_dates(range(until.year, until.year + 2)).get("Diwali", [])
                if until <= d <= until + dt.timedelta(days=45)]
    if upcoming:
        diwali = upcoming[0]
        sent = now - dt.timedelta(days=10)
        for c in creators:
            if c["category"] in DIWALI_CATEGORIES and c["status"] == "active":
                add(c["id"], "festival_alert",
                    f"Diwali falls on {diwali:%d %B}. Orders for {c['category'].replace('_', ' ')} "
                    "usually rise 2-3x in the three weeks before: plan your stock now.",
                    {"festival": "Diwali", "date": diwali.isoformat(), "category": c["category"]},
                    between(sent, sent + dt.timedelta(hours=8), rng))
    out.sort(key=lambda n: (n["created_at"], n["user_id"], n["kind"]))
    return out
