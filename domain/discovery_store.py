"""Keep a :class:`~domain.discovery.ProductIndex` in step with the store.

Before each search the index compares a cheap signature of the products and creators tables
(row count, latest ``updated_at``) with the one it last saw; listings written since then are
upserted, so a new active listing is found by the very next search (prop 33), whoever wrote it.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.discovery import ProductDoc, ProductIndex
from domain.store.models import Creator, Product


def doc_of(product: Product, creator: Creator) -> ProductDoc:
    """The search document of one listing."""
    return ProductDoc(
        id=product.id,
        title=product.title,
        creator_id=creator.id,
        lat=creator.lat,
        lon=creator.lon,
        price=float(product.price),
        category=product.category,
        craft=product.craft or creator.primary_craft,
        description=product.description or "",
        materials=tuple(product.materials or ()),
        techniques=tuple(product.techniques or ()),
        authenticity_score=product.authenticity_score,
        rating=product.rating or 0.0,
        views_7d=product.views_7d or 0,
        sales_30d=product.sales_30d or 0,
        creator_name=creator.name,
        region=creator.region,
        cluster_id=creator.cluster_id,
    )


def searchable(product: Product, creator: Creator) -> bool:
    """Only active listings of active creators are found."""
    return product.status == "active" and creator.status == "active"


def _signature(session: Session) -> tuple[Any, ...]:
    p = session.execute(select(func.count(Product.id), func.max(Product.updated_at))).one()
    c = session.execute(select(func.count(Creator.id), func.max(Creator.updated_at))).one()
    return (p[0], _ts(p[1]), c[0], _ts(c[1]))


def _ts(value: dt.datetime | None) -> str:
    return value.isoformat() if value is not None else ""


class LiveIndex:
    """A product index plus what it last saw of the store."""

    def __init__(self) -> None:
        self.index = ProductIndex()
        self._seen: tuple[Any, ...] | None = None
        self._lock = threading.Lock()

    def refresh(self, session: Session) -> ProductIndex:
        """Bring the index up to date with ``session``'s view of the store and return it."""
        sig = _signature(session)
        if sig == self._seen:
            return self.index
        with self._lock:
            if self._seen is None or sig[0] != self._seen[0] or sig[2] != self._seen[2]:
                self._full(session)  # rows added or deleted: rebuild from scratch
            else:
                self._since(session, self._seen[1], self._seen[3])
            self._seen = sig
        return self.index

    def _full(self, session: Session) -> None:
        rows = session.execute(
            select(Product, Creator)
            .join(Creator, Creator.id == Product.creator_id)
            .where(Product.status == "active", Creator.status == "active")
            .order_by(Product.id)
        ).all()
        self.index = ProductIndex(doc_of(p, c) for p, c in rows)

    def _since(self, session: Session, product_ts: str, creator_ts: str) -> None:
        changed_creators = (
            set(
                session.scalars(
                    select(Creator.id).where(
                        Creator.updated_at >= dt.datetime.fromisoformat(creator_ts)
                    )
                )
            )
            if creator_ts
            else set()
        )
        cond = Product.updated_at >= dt.datetime.fromisoformat(product_ts) if product_ts else None
        stmt = select(Product, Creator).join(Creator, Creator.id == Product.creator_id)
        if changed_creators:
            stmt = (
                stmt.where((cond) | Product.creator_id.in_(changed_creators))
                if cond is not None
                else stmt.where(Product.creator_id.in_(changed_creators))
            )
        elif cond is not None:
            stmt = stmt.where(cond)
        for product, creator in session.execute(stmt).all():
            if searchable(product, creator):
                self.index.upsert(doc_of(product, creator))
            else:
                self.index.remove(product.id)


_LIVE: dict[str, LiveIndex] = {}
_LIVE_LOCK = threading.Lock()


def live_index(store_key: str) -> LiveIndex:
    """The process-wide live index of one store (keyed by its URL)."""
    with _LIVE_LOCK:
        return _LIVE.setdefault(store_key, LiveIndex())
