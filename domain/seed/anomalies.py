"""The planted anomalies that the fraud, image-theft and pricing engines must find.

``PLANTED`` lists their ids; they come from the fixed layout (``domain.seed.layout``), so they are
the same for every seed. ``seed()`` checks the data against them before committing.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import Any

import numpy as np

from domain.seed import layout as lay
from domain.seed.common import anchor, between, nice_price, pid

PLANTED: dict[str, list[str]] = {
    # One reseller who listed 64 generic, cheap, low-authenticity sarees within a few hours of
    # one day (48 days before the anchor), with an unverified workshop and no story.
    "reseller_creators": ["c-0297"],
    "reseller_products": [f"p-{n:05d}" for n in range(3028, 3092)],
    # Products of different creators whose listings share identical image keys: each original
    # (listed first, by the artisan who made it) and the later copies carrying its photos.
    "reused_image_products": ["p-00119", "p-00186", "p-00225", "p-00244", "p-00359", "p-00505",
                              "p-00527", "p-01136", "p-03028", "p-03029"],
    "reused_image_originals": ["p-00225", "p-00505", "p-00244", "p-00186"],
    # Everyday pieces (a mug, a spinning top, a basket, chappals, a glass vase, a brass bell)
    # priced at 3.5x-5x their category median and far above their golden price.
    "overpriced_products": ["p-00855", "p-00045", "p-00841", "p-00129", "p-00148", "p-00094"],
    # A creator most of whose reviews are complaints (broken, faded, not as pictured).
    "complaint_heavy_creators": ["c-0142"],
    # Not anomalies: active listings selling far above the rest in the last 30 days.
    "trending_products": ["p-00070", "p-00325", "p-00593", "p-00870", "p-01153", "p-01391",
                          "p-01723", "p-01995", "p-02244", "p-02487", "p-02746", "p-02989"],
}
"""Ids of the planted anomalies, identical for every seed (they come from the fixed layout).

- ``reseller_creators``: ``c-0297`` listed all of ``reseller_products`` (64 sarees, dupattas and
  a stole) within one afternoon, 48 days before ``SEED_UNTIL``: generic titles, one photo each,
  prices 0.2-0.4x the golden price, authenticity 18-45, no story, workshop unverified.
- ``reused_image_products``: every product holding an image key that another creator's product
  also holds; ``reused_image_originals`` are the first listings of those photos (the makers').
- ``overpriced_products``: priced 3.6-5x their category median and their golden price.
- ``complaint_heavy_creators``: ``c-0142``, whose reviews are mostly complaints (1-2 stars).
- ``trending_products``: not an anomaly; active listings with 40-90 sales in the last 30 days.
"""

OVERPRICE_FACTOR = (3.6, 5.0)


def category_medians(products: list[dict[str, Any]]) -> dict[str, float]:
    """Median price of every category."""
    prices: dict[str, list[float]] = defaultdict(list)
    for row in products:
        prices[row["category"]].append(row["price"])
    return {cat: float(statistics.median(v)) for cat, v in prices.items()}


def plant_overpriced(products: list[dict[str, Any]], rng: np.random.Generator) -> None:
    """Price the layout's overpriced listings at 3.6-5x their category median (and golden price)."""
    medians = category_medians(products)
    for n in lay.layout().overpriced:
        row = products[n - 1]
        base = max(medians[row["category"]], row["golden_price"])
        row["price"] = nice_price(base * float(rng.uniform(*OVERPRICE_FACTOR)))
        row["status"] = "active"


def plant_reused_images(products: list[dict[str, Any]], rng: np.random.Generator,
                        until: dt.date) -> None:
    """Copy each original's photos onto its copies, listed at least a month later."""
    now = anchor(until)
    for original, copies in lay.layout().reuse:
        src = products[original - 1]
        # The original is an old listing: first months of the window.
        src["created_at"] = between(now - dt.timedelta(days=740), now - dt.timedelta(days=600), rng)
        src["updated_at"] = src["created_at"]
        src["status"] = "active"
        stolen = [img["key"] for img in src["images"][:2]]
        for n in copies:
            row = products[n - 1]
            if row["creator_id"] != f"c-{lay.RESELLER:04d}":
                row["created_at"] = between(src["created_at"] + dt.timedelta(days=30),
                                            now - dt.timedelta(days=5), rng)
                row["updated_at"] = row["created_at"]
            own = [img["key"] for img in row["images"]][len(stolen):]
            keys = stolen + own
            row["images"] = [{"key": k, "is_primary": i == 0, "order": i}
                             for i, k in enumerate(keys)]
            row["status"] = "active"


def plant_trending(products: list[dict[str, Any]]) -> None:
    """Trending listings are active (their 30-day sales are raised with the sales pass)."""
    for n in lay.layout().trending:
        products[n - 1]["status"] = "active"


def check(products: list[dict[str, Any]], planted: dict[str, list[str]]) -> None:
    """Fail loudly if the data does not show what ``PLANTED`` promises."""
    if planted != PLANTED:
        raise AssertionError("layout drifted from PLANTED; update domain/seed/anomalies.py")
    by_id = {row["id"]: row for row in products}
    days = {by_id[p]["created_at"].date() for p in planted["reseller_products"]}
    if len(days) != 1 or len(planted["reseller_products"]) < 60:
        raise AssertionError("reseller listings are not all on one day")
    medians = category_medians(products)
    for p in planted["overpriced_products"]:
        row = by_id[p]
        if row["price"] < 3 * medians[row["category"]]:
            raise AssertionError(f"{p} is not 3x its category median")
    for original, copies in lay.layout().reuse:
        key = by_id[pid(original)]["images"][0]["key"]
        owners = {by_id[pid(n)]["creator_id"] for n in (original, *copies)
                  if key in {img["key"] for img in by_id[pid(n)]["images"]}}
        if len(owners) < 2:
            raise AssertionError(f"image {key} is not shared across creators")
