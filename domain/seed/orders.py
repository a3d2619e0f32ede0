"""Orders with consistent status timelines, and the reviews buyers leave on delivered ones.

Each order first draws its status, then builds the timeline that leads to it: open orders are
recent and end before the anchor; delivered and cancelled ones follow the sales seasonality.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from domain.catalog import CLUSTERS_BY_ID
from domain.seed import layout as lay
from domain.seed.common import anchor, cid, haversine_km, iso, oid, pick, rid, stream
from domain.seed.people import BuyerInfo, CreatorInfo
from domain.seed.products import ProductInfo
from domain.seed.sales import SalesResult
from domain.seed.texts import CANCEL_REASONS, REVIEW_COMPLAINTS, REVIEW_GOOD, REVIEW_MIXED, STYLES

N_ORDERS = 3_600
STATUS_P = {"pending": 0.035, "confirmed": 0.045, "in_production": 0.065, "shipped": 0.055,
            "delivered": 0.73, "cancelled": 0.07}
C0001_ORDERS = ["pending"] * 4 + ["confirmed"] * 2 + ["in_production"] * 3 + ["shipped"] * 3 + \
    ["delivered"] * 12 + ["cancelled"] * 2
COMPLAINT_HEAVY_DELIVERED = 30
# The reseller moves volume from its listing day on (the fraud engine's transaction patterns).
RESELLER_ORDERS = ["delivered"] * 18 + ["shipped"] * 4 + ["cancelled"] * 4 + ["confirmed"] * 2
PROVIDERS = ("India Post", "Delhivery", "DTDC", "Ecom Express", "Xpressbees", "Blue Dart")
PROVIDER_P = (0.3, 0.25, 0.15, 0.1, 0.1, 0.1)
REMOTE_STATES = ("Jammu and Kashmir", "Tripura", "Assam", "Chhattisgarh")
H = dt.timedelta(hours=1)


@dataclass
class OrderResult:
    """Order rows (chronological ids) and review rows."""

    orders: list[dict[str, Any]]
    reviews: list[dict[str, Any]]


def _tracking(rng: np.random.Generator, provider: str) -> str:
    def digits(n: int) -> str:
        return "".join(str(d) for d in rng.integers(0, 10, n).tolist())

    if provider == "India Post":  # Speed Post: two letters, nine digits, IN
        return f"E{chr(65 + int(rng.integers(0, 26)))}{digits(9)}IN"
    if provider == "DTDC":
        return f"D{digits(9)}"
    return digits({"Delhivery": 13, "Blue Dart": 11, "Ecom Express": 10}.get(provider, 14))


def _provider(rng: np.random.Generator, weight: float, value: float) -> str:
    if value > 20_000:
        return "Blue Dart"
    if weight > 5:
        return pick(rng, ("Delhivery", "DTDC"))
    return pick(rng, PROVIDERS, PROVIDER_P)


class _Picker:
    """Draws products listed before a given moment, weighted by how well their creator sells."""

    def __init__(self, products: list[dict[str, Any]], infos: list[ProductInfo],
                 sales: SalesResult) -> None:
        overpriced = set(lay.layout().overpriced)
        trending = set(lay.layout().trending)
        per_creator: dict[int, int] = defaultdict(int)
        for info in infos:
            per_creator[info.creator] += 1
        units = sales.units_by_creator
        cand = [(row["created_at"], i)
                for i, (row, info) in enumerate(zip(products, infos, strict=True))
                if row["status"] != "draft" and info.number not in overpriced]
        cand.sort()
        self.index = np.array([i for _, i in cand])
        self.times = np.array([t.timestamp() for t, _ in cand])
        w = np.array([
            (units.get(cid(infos[i].creator), 1) + 1) / per_creator[infos[i].creator]
            * (5.0 if infos[i].number in trending else 1.0)
            / max(products[i]["price"], 100.0) ** 0.2
            for i in self.index])
        self.cumw = np.cumsum(w)

    def before(self, rng: np.random.Generator, moment: dt.datetime, creator: int | None = None,
               products: list[ProductInfo] | None = None) -> int | None:
        k = int(np.searchsorted(self.times, (moment - 24 * H).timestamp()))
        if k == 0:
            return None
        if creator is not None and products is not None:
            own = [int(i) for i in self.index[:k] if products[int(i)].creator == creator]
            return pick(rng, own) if own else None
        return int(self.index[int(np.searchsorted(self.cumw, rng.uniform(0, self.cumw[k - 1])))])


OPEN = ("pending", "confirmed", "in_production", "shipped")


def _created(rng: np.random.Generator, profile: np.ndarray, days: np.ndarray) -> dt.datetime:
    """When a delivered or cancelled order was placed: a day drawn from the sales profile."""
    d = int(rng.choice(len(days), p=profile))
    day = days[d].astype("datetime64[D]").astype(object)
    return dt.datetime.combine(day, dt.time(3, 30), dt.UTC) + dt.timedelta(
        minutes=int(rng.integers(0, 720)))


def _timeline(rng: np.random.Generator, status: str, created: dt.datetime | None,
              now: dt.datetime, prod_days: float, transit: float, provider: str, tracking: str,
              city: str) -> list[tuple[str, dt.datetime, str]]:
    """The events up to ``status``.

    Open orders are built backwards from a last event shortly before ``now`` (a shipped parcel is
    still in transit); closed ones run forwards from ``created`` and are squeezed if needed so that
    they end before ``now``.
    """
    steps = [("pending", 0.0, "Order placed")]
    if status == "cancelled":
        if rng.random() < 0.5:
            steps.append(("confirmed", float(rng.uniform(1, 30)), "Confirmed by the artisan"))
        reason = f"Cancelled: {pick(rng, CANCEL_REASONS)}"
        steps.append(("cancelled", float(rng.uniform(2, 96)), reason))
    else:
        flow = ("confirmed", "in_production", "shipped", "delivered")
        gaps = (float(rng.uniform(1, 30)), float(rng.uniform(0.5, 24)), prod_days * 24,
                transit * 24 * float(rng.uniform(0.8, 1.3)))
        notes = ("Confirmed by the artisan", "Production started",
                 f"Shipped with {provider}, tracking {tracking}", f"Delivered in {city}")
        for name, gap, note in zip(flow, gaps, notes, strict=True):
            if ORDER_RANK[name] > ORDER_RANK[status]:
                break
            steps.append((name, gap, note))
    total = sum(g for _, g, _ in steps)
    if created is None:  # open: the current state began a little while ago
        dwell = {"pending": (1, 70), "confirmed": (1, 40), "in_production": (1, 24 * prod_days),
                 "shipped": (1, 20 * transit)}[status]
        created = now - dt.timedelta(hours=total + float(rng.uniform(*dwell)))
        scale = 1.0
    else:
        room = (now - created).total_seconds() / 3600 - 0.25
        scale = min(1.0, room / total) if total > 0 else 1.0
    out, t = [], created
    for name, gap, note in steps:
        t = t + dt.timedelta(hours=gap * scale)
        out.append((name, t.replace(microsecond=0), note))
    return out


ORDER_RANK = {"pending": 0, "confirmed": 1, "in_production": 2, "shipped": 3, "delivered": 4}


def order_rows(seed: int, until: dt.date, creators: list[CreatorInfo], creator_rows: list[dict],
               buyers: list[BuyerInfo], products: list[dict[str, Any]], infos: list[ProductInfo],
               sales: SalesResult) -> OrderResult:
    """All orders (chronological ids) and their reviews."""
    rng = stream(seed, "orders")
    now = anchor(until)
    window = now - dt.timedelta(days=730)
    keep = sales.days >= np.datetime64(window.date())
    keep &= sales.days <= np.datetime64((now - dt.timedelta(days=14)).date())
    profile = np.where(keep, sales.daily_total, 0).astype(float)
    profile /= profile.sum()
    picker = _Picker(products, infos, sales)
    by_category: dict[str, list[BuyerInfo]] = defaultdict(list)
    for b in buyers:
        for c in b.categories:
            by_category[c].append(b)

    plan: list[tuple[str, int | None]] = [(s, lay.C0001) for s in C0001_ORDERS]
    plan += [("delivered", lay.COMPLAINT_HEAVY)] * COMPLAINT_HEAVY_DELIVERED
    plan += [(s, lay.RESELLER) for s in RESELLER_ORDERS]
    statuses = list(STATUS_P)
    plan += [(str(s), None) for s in rng.choice(statuses, N_ORDERS, p=list(STATUS_P.values()))]

    # A forced creator's closed orders start two days after their first listing.
    first_listing: dict[int, dt.datetime] = {}
    for row, info in zip(products, infos, strict=True):
        first_listing[info.creator] = min(first_listing.get(info.creator, now), row["created_at"])
    profiles: dict[int | None, np.ndarray] = {None: profile}

    def profile_of(creator: int | None) -> np.ndarray:
        if creator is not None and creator not in profiles:
            start = np.datetime64((first_listing[creator] + 48 * H).date())
            p = np.where(sales.days >= start, profile, 0.0)
            profiles[creator] = p / p.sum()
        return profiles[creator]

    drafts = []
    recent = now - dt.timedelta(days=42)  # open orders were placed within the last six weeks
    for status, creator in plan:
        for _ in range(20):  # redraw the moment if nothing was listed yet
            created = None if status in OPEN else _created(rng, profile_of(creator), sales.days)
            idx = picker.before(rng, created or recent, creator, infos if creator else None)
            if idx is not None:
                break
        else:
            continue
        drafts.append((created, status, idx))

    built = [_order(rng, now, created, status, products[idx], infos[idx], creators, creator_rows,
                    buyers, by_category) for created, status, idx in drafts]
    built.sort(key=lambda o: (o["created_at"], o["product_id"], o["buyer_id"]))
    delivered = []
    for n, order in enumerate(built, start=1):
        order["id"] = oid(n)
        if order["status"] == "delivered":
            delivered.append((order, order["updated_at"], infos[int(order["product_id"][2:]) - 1]))
    return OrderResult(built, _reviews(rng, now, delivered))


def _order(rng: np.random.Generator, now: dt.datetime, created: dt.datetime | None, status: str,
           row: dict[str, Any], info: ProductInfo, creators: list[CreatorInfo],
           creator_rows: list[dict], buyers: list[BuyerInfo],
           by_category: dict[str, list[BuyerInfo]]) -> dict[str, Any]:
    """One order row (without its id) for product ``row`` ending in ``status``."""
    creator = creators[info.creator - 1]
    crow = creator_rows[info.creator - 1]
    wanted = by_category.get(row["category"])
    buyer = pick(rng, wanted) if wanted and rng.random() < 0.7 else pick(rng, buyers)
    qty = int(rng.choice([1, 2, 3], p=[0.7, 0.2, 0.1])) if info.kind.small else \
        (2 if rng.random() < 0.04 else 1)
    km = haversine_km(crow["lat"], crow["lon"], buyer.lat, buyer.lon)
    weight = row["weight_kg"] * qty
    # Roughly what Indian couriers charge: a base, a per-kg rate and a distance term.
    shipping = float(round(40 + 30 * weight + 0.025 * km * max(weight, 0.5)))
    remote = buyer.city.state in REMOTE_STATES or creator.cluster.state in REMOTE_STATES
    transit = 2 + km / 500 + float(rng.uniform(0, 2)) + (2 if remote else 0)
    prod_days = float(np.clip(row["production_hours"] / 6, 2, 30)) if row["made_to_order"] else \
        float(rng.uniform(1, 3))
    provider = _provider(rng, weight, row["price"] * qty)
    tracking = _tracking(rng, provider)
    events = _timeline(rng, status, created, now, prod_days, transit, provider, tracking,
                       buyer.city.name)
    placed = events[0][1]
    ship_at = next((t for s, t, _ in events if s == "shipped"), None)
    if status == "cancelled":
        eta = None
    elif ship_at is not None:
        eta = (ship_at + dt.timedelta(days=math.ceil(transit))).date()
    else:
        eta = (placed + dt.timedelta(days=math.ceil(1 + prod_days + transit))).date()
    shipped = status in ("shipped", "delivered")
    return {
        "id": "", "buyer_id": buyer.id, "creator_id": row["creator_id"], "product_id": row["id"],
        "quantity": qty, "product_price": row["price"], "shipping_cost": shipping,
        "total_amount": round(row["price"] * qty + shipping, 2), "currency": "INR",
        "ship_city": buyer.city.name, "ship_state": buyer.city.state,
        "ship_postal_code": f"{buyer.city.pin}{int(rng.integers(1, 100)):03d}",
        "ship_lat": buyer.lat, "ship_lon": buyer.lon,
        "provider": provider if shipped else None, "tracking_number": tracking if shipped else None,
        "estimated_delivery": eta, "status": status,
        "timeline": [{"status": s, "timestamp": iso(t), "note": note} for s, t, note in events],
        "created_at": placed, "updated_at": events[-1][1],
    }


def _reviews(rng: np.random.Generator, now: dt.datetime,
             delivered: list[tuple[dict[str, Any], dt.datetime, ProductInfo]]
             ) -> list[dict[str, Any]]:
    """Reviews on about 60 % of delivered orders; a few complaints, many for the planted creator."""
    drafts = []
    for order, at, info in delivered:
        heavy = order["creator_id"] == cid(lay.COMPLAINT_HEAVY)
        reseller = order["creator_id"] == cid(lay.RESELLER)
        if rng.random() >= (0.9 if heavy else 0.6):
            continue
        complaint = rng.random() < (0.7 if heavy else 0.3 if reseller else 0.045)
        if complaint:
            rating, text = int(pick(rng, (1, 2), (0.6, 0.4))), pick(rng, REVIEW_COMPLAINTS)
        else:
            rating = int(pick(rng, (5, 4, 3), (0.64, 0.28, 0.08)))
            text = pick(rng, REVIEW_MIXED if rating == 3 else REVIEW_GOOD)
        cluster = CLUSTERS_BY_ID[lay.layout().clusters[info.creator - 1]]
        text = text.format(kind=info.kind.name, motif=pick(rng, STYLES[cluster.id].motifs),
                           craft=cluster.craft)
        created = at + dt.timedelta(hours=float(rng.uniform(6, 240)))
        if created >= now:  # not reviewed yet
            continue
        drafts.append((created.replace(microsecond=0), order, rating, text, complaint))
    drafts.sort(key=lambda d: (d[0], d[1]["id"]))
    return [
        {"id": rid(n), "product_id": o["product_id"], "creator_id": o["creator_id"],
         "buyer_id": o["buyer_id"], "order_id": o["id"], "rating": rating, "text": text,
         "complaint": complaint, "created_at": created}
        for n, (created, o, rating, text, complaint) in enumerate(drafts, start=1)
    ]
