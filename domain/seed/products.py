"""Product listings: titles and descriptions from each cluster's kinds, materials, techniques.

Colours and motifs; sizes, weights, hours and prices from the kind's bands.

A hidden "quality" draw ties price, hours and size together, so bigger, slower work costs more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from domain.seed import layout as lay
from domain.seed.common import anchor, between, nice_price, pick, pid, sample, stream, unique_keys
from domain.seed.kinds import KINDS, Kind, kind_named
from domain.seed.people import CreatorInfo
from domain.seed.texts import HANDMADE_INDICATORS, STYLES

CARE = {
    "textiles": "Dry clean only.", "pottery": "Hand wash; not for microwave.",
    "painting": "Keep away from damp and direct sun.", "metalware": "Wipe with a dry cloth.",
    "woodwork": "Dust with a soft cloth; avoid water.", "jewellery": "Store in a dry pouch.",
    "toys": "Safe lac colours; wipe clean.", "home_decor": "Gentle hand wash or dry clean.",
    "basketry": "Keep dry; dust with a soft brush.",
    "leather": "Keep away from water; oil occasionally.",
    "stonework": "Wipe with a damp cloth; avoid acids.", "glass": "Handle with care; hand wash.",
}
_RESELLER_TITLES = ("Silk {Kind} New Design", "Banarasi {Kind} Latest Collection",
                    "Party Wear Silk {Kind}", "Best Quality {Kind} For Women",
                    "Soft Silk {Kind} Best Price", "Designer {Kind} Heavy Work")
_RESELLER_KINDS = (("saree", 0.8), ("dupatta", 0.12), ("stole", 0.08))
_OPENERS = ("Made by hand in {town}, {state}, using {techniques}.",
            "Crafted in {town}, {state}, with {techniques}.",
            "Handmade in {town}, {state}, by {techniques}; no two pieces are alike.")


@dataclass
class ProductInfo:
    """What orders and sales need about a product beyond its row."""

    number: int
    creator: int
    kind: Kind


def _round_half(x: float) -> float:
    return float(max(0.5, round(x * 2) / 2))


def _images(rng: np.random.Generator, keys: list[str]) -> list[dict[str, Any]]:
    return [{"key": k, "is_primary": i == 0, "order": i} for i, k in enumerate(keys)]


def _status(rng: np.random.Generator, created: dt.datetime, now: dt.datetime) -> str:
    age = (now - created).days
    if age < 30 and rng.random() < 0.2:
        return "draft"
    r = rng.random()
    if age > 180 and r < 0.22:
        return "sold" if r < 0.1 else "archived"
    return "draft" if r > 0.975 else "active"


def product_rows(seed: int, until: dt.date, creators: list[CreatorInfo], image_keys: set[str]
                 ) -> tuple[list[dict[str, Any]], list[ProductInfo]]:
    """Every listing of the layout (planted anomalies are applied afterwards)."""
    rng = stream(seed, "products")
    now = anchor(until)
    window = now - dt.timedelta(days=760)
    reseller_day = until - dt.timedelta(days=48)
    sk = lay.layout()
    rows, infos = [], []
    for info in creators:
        cluster, style = info.cluster, STYLES[info.cluster.id]
        reseller = info.index == lay.RESELLER
        for n in sk.products_of(info.index):
            if n in sk.forced_kinds:
                kind = kind_named(cluster.id, sk.forced_kinds[n])
            elif reseller:
                kind = kind_named(cluster.id, pick(rng, [k for k, _ in _RESELLER_KINDS],
                                                   [w for _, w in _RESELLER_KINDS]))
            else:
                kind = pick(rng, KINDS[cluster.id])
            category = kind.category or cluster.category
            q = float(rng.beta(2.0, 2.5))
            (p_lo, p_hi), (h_lo, h_hi), (w_lo, w_hi) = kind.price, kind.hours, kind.weight
            fair = float(np.clip(p_lo * (p_hi / p_lo) ** q * rng.uniform(0.92, 1.08), p_lo, p_hi))
            golden = nice_price(fair * float(np.clip(rng.normal(1.0, 0.06), 0.88, 1.12)))
            hours = _round_half(h_lo * (h_hi / h_lo) ** (0.8 * q + 0.2 * rng.random()))
            weight = round(max(0.01, w_lo + (w_hi - w_lo) * (0.4 * q + 0.6 * rng.random())), 2)
            dims = [_round_half(d * float(rng.uniform(0.8, 1.25))) for d in kind.dims]
            colors = sample(rng, style.colors, int(rng.integers(1, 4)))
            motif = pick(rng, style.motifs)
            techniques = [t for i, t in enumerate(cluster.techniques)
                          if i == 0 or rng.random() < 0.7]
            materials = [m for i, m in enumerate(cluster.materials)
                         if i == 0 or rng.random() < 0.7]
            adjective = kind.adjective or style.adjective
            if reseller:
                created = between(dt.datetime.combine(reseller_day, dt.time(4, 30), dt.UTC),
                                  dt.datetime.combine(reseller_day, dt.time(11, 0), dt.UTC), rng)
                # Power-loom goods at a fraction of what the handwoven piece costs.
                price = nice_price(p_lo * float(rng.uniform(0.18, 0.4)))
                hours = _round_half(float(rng.uniform(3, 8)))
                title = pick(rng, _RESELLER_TITLES).format(Kind=kind.name.title())
                title = f"{title} {int(rng.integers(1, 99))}"
                description = ("Premium quality. Latest design. Fast delivery, best price. "
                               "Colour may vary slightly. Dry clean only.")
                score = round(float(rng.uniform(18, 45)), 1)
                colors = sample(rng, ("red", "pink", "green"), 1)
            else:
                start = max(info.joined, window)
                created = between(start, now - dt.timedelta(days=2), rng)
                price = nice_price(fair)
                title = pick(rng, (f"{adjective} {kind.name} with {motif} motif",
                                   f"{adjective} {colors[0]} {kind.name}",
                                   f"{adjective} {kind.name}, {motif} design"))
                opener = pick(rng, _OPENERS).format(
                    town=cluster.town, state=cluster.state, techniques=" and ".join(techniques))
                description = (
                    f"{title}. {opener} Materials: {', '.join(materials)}. "
                    f"Colours: {', '.join(colors)}. "
                    f"About {dims[0]:g} x {dims[1]:g} x {dims[2]:g} cm, "
                    f"{weight:g} kg; around {hours:g} hours of work. {CARE[category]}")
                low = rng.random() < 0.06
                score = round(float(rng.uniform(42, 65) if low else 65 + 33 * rng.beta(4, 2)), 1)
            pool = HANDMADE_INDICATORS[category]
            n_indicators = int(rng.integers(0, 2) if score < 50 else rng.integers(2, 5))
            indicators = sample(rng, pool, n_indicators)
            n_images = 1 if reseller else int(rng.integers(1, 6))
            made_to_order = bool(rng.random() < (0.45 if hours >= 40 else 0.1))
            status = "active" if reseller else _status(rng, created, now)
            rows.append({
                "id": pid(n), "creator_id": f"c-{info.index:04d}", "title": title,
                "description": description, "category": category, "subcategory": kind.name,
                "craft": cluster.craft, "materials": materials, "techniques": techniques,
                "colors": colors, "length_cm": dims[0], "width_cm": dims[1], "height_cm": dims[2],
                "weight_kg": weight, "price": price, "golden_price": golden,
                "price_min": nice_price(golden * 0.85), "price_optimal": golden,
                "price_max": nice_price(golden * 1.2), "currency": "INR",
                "production_hours": hours, "customizable": bool(rng.random() < 0.3),
                "made_to_order": made_to_order,
                "stock_quantity": 0 if made_to_order or status == "sold" else
                int(rng.integers(1, 12 if kind.small else 4)),
                "authenticity_score": score, "handmade_indicators": indicators,
                "images": _images(rng, unique_keys(rng, n_images, image_keys)),
                "translations": {}, "rating": 0.0, "review_count": 0, "views_7d": 0, "sales_30d": 0,
                "status": status, "created_at": created,
                "updated_at": between(created, min(now, created + dt.timedelta(days=200)), rng),
            })
            infos.append(ProductInfo(n, info.index, kind))
    return rows, infos
