"""The golden price against the store, with one market model per process.

It reads sold items, the creator's markets and recent demand. One market model per process (memory,
then a joblib file under the data dir keyed by a fingerprint of the sold data), so a warm call only
predicts.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import joblib
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.errors import InsufficientData
from domain.places import Place
from domain.pricing.cost import DEFAULT_MARKETS
from domain.pricing.engine import GoldenPrice, PriceQuery, golden_price
from domain.pricing.market import MarketModel, SoldItem, fingerprint, fit_market_model
from domain.store import Creator, DailySales, Order, Product, Store, changes

log = logging.getLogger(__name__)

MODEL_VERSION = 2  # bump when features change, so stale joblib files are not loaded
MIN_ORDERS_FOR_MARKETS = 5
# Change topics of the rows the market model is fitted on (orders; sold listings).
MARKET_TOPICS = ("catalog", "sales")
TOP_MARKETS = 6
DEMAND_WINDOW_DAYS = 28


def load_sold_items(session: Session) -> list[SoldItem]:
    """Every product sold at least once (an order not cancelled, or status ``sold``)."""
    ordered = select(Order.product_id).where(Order.status != "cancelled").distinct()
    rows = session.execute(
        select(Product, Creator.region).join(Creator, Creator.id == Product.creator_id)
        .where((Product.id.in_(ordered)) | (Product.status == "sold"))
        .order_by(Product.id)
    ).all()
    return [SoldItem(p.category, tuple(p.materials or ()), tuple(p.techniques or ()),
                     float(p.weight_kg or 0), float(p.production_hours or 0), region,
                     p.authenticity_score, float(p.price), p.id) for p, region in rows]


def data_version(session: Session) -> tuple:
    """A cheap summary that changes whenever sales or sold prices change."""
    orders = session.execute(select(func.count(Order.id), func.max(Order.id))
                             .where(Order.status != "cancelled")).one()
    sold = session.execute(select(func.count(Product.id), func.sum(Product.price))
                           .where(Product.status == "sold")).one()
    return (*orders, *sold)


def creator_origin(session: Session, creator_id: str) -> Place | None:
    """Where a creator works, or ``None`` for anyone else (admins)."""
    c = session.get(Creator, creator_id)
    return Place(c.address or c.id, c.lat, c.lon, c.region) if c is not None else None


def creator_markets(session: Session, creator_id: str) -> list[tuple[Place, float]]:
    """The cities a creator's orders went to, weighted by count (the metros without history)."""
    rows = session.execute(
        select(Order.ship_city, Order.ship_state, func.avg(Order.ship_lat),
               func.avg(Order.ship_lon), func.count(Order.id))
        .where(Order.creator_id == creator_id, Order.status != "cancelled",
               Order.ship_lat.is_not(None))
        .group_by(Order.ship_city, Order.ship_state)
        .order_by(func.count(Order.id).desc())
    ).all()
    if sum(r[4] for r in rows) < MIN_ORDERS_FOR_MARKETS:
        return list(DEFAULT_MARKETS)
    return [(Place(city or "market", float(lat), float(lon), state or ""), float(n))
            for city, state, lat, lon, n in rows[:TOP_MARKETS]]


def demand_index(session: Session, category: str, region: str | None = None) -> float:
    """Units of the last 28 days over the average 28 days of the year before (1 = usual)."""
    last = session.scalar(select(func.max(DailySales.day)))
    if last is None:
        return 1.0
    year_ago = last - dt.timedelta(days=364)
    recent_from = last - dt.timedelta(days=DEMAND_WINDOW_DAYS - 1)
    q = select(func.sum(DailySales.units)).where(DailySales.category == category)
    if region:
        q = q.where(DailySales.region == region)
    recent = session.scalar(q.where(DailySales.day >= recent_from)) or 0
    year = session.scalar(q.where(DailySales.day > year_ago)) or 0
    if not year:
        return 1.0
    return float(recent) / (float(year) * DEMAND_WINDOW_DAYS / 364)


@dataclass
class _Entry:
    version: tuple
    model: MarketModel | None
    checked: float
    gate: tuple = ()


class MarketModels:
    """One fitted market model per store, refitted only when the sold data changes."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = data_dir
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def _path(self, fp: str) -> Path | None:
        if self.data_dir is None:
            return None
        return Path(self.data_dir) / "models" / f"market-v{MODEL_VERSION}-{fp[:20]}.joblib"

    def get(self, store: Store) -> MarketModel | None:
        """The model for the store's current sold data (``None`` when there is too little)."""
        with store.session() as s:
            # The aggregates below scan orders and products; the change versions are one row each.
            gate = tuple(changes.read_versions(s, MARKET_TOPICS).values())
            entry = self._entries.get(store.url)
            if entry is not None and entry.gate == gate:
                return entry.model
            version = data_version(s)
        if entry is not None and entry.version == version:
            entry.gate = gate
            return entry.model
        with self._lock:
            entry = self._entries.get(store.url)
            if entry is not None and entry.version == version:
                return entry.model
            with store.session() as s:
                items = load_sold_items(s)
            model = self._load_or_fit(items)
            self._entries[store.url] = _Entry(version, model, time.monotonic(), gate)
            return model

    def invalidate(self, store: Store) -> None:
        """Forget the model of ``store`` (the next call refits or reloads)."""
        self._entries.pop(store.url, None)

    def _load_or_fit(self, items: list[SoldItem]) -> MarketModel | None:
        fp = fingerprint(items)
        path = self._path(fp)
        if path is not None and path.exists():
            try:
                model = joblib.load(path)
                if isinstance(model, MarketModel) and model.data_fingerprint == fp:
                    return model
            except Exception:  # a corrupt or foreign file is refitted, not fatal
                log.warning("could not load %s; refitting", path)
        try:
            model = fit_market_model(items)
        except InsufficientData:
            return None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            joblib.dump(model, tmp)
            tmp.replace(path)
        return model


_DEFAULT: dict[str, MarketModels] = {}


def market_models(data_dir: Path | None) -> MarketModels:
    """The process-wide model cache for ``data_dir``."""
    key = str(data_dir)
    if key not in _DEFAULT:
        _DEFAULT[key] = MarketModels(data_dir)
    return _DEFAULT[key]


def price_for(store: Store, query: PriceQuery, *, user_id: str,
              data_dir: Path | None = None) -> GoldenPrice:
    """The golden price of ``query`` for ``user_id``: their origin and markets if a creator."""
    model = market_models(data_dir).get(store)
    with store.session() as s:
        origin = query.origin or creator_origin(s, user_id)
        markets = creator_markets(s, user_id) if s.get(Creator, user_id) else list(DEFAULT_MARKETS)
        region = origin.state if origin is not None else None
        index = demand_index(s, query.category, region)
    q = PriceQuery(query.category, query.materials, query.weight_kg, query.production_hours,
                   query.techniques, query.dims_cm, origin, query.authenticity)
    return golden_price(q, model, demand_index=index, markets=markets)
