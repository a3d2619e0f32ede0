"""Keep a :class:`~domain.discovery.ProductIndex` in step with the store.

Before each search the index compares the store's catalogue version (one row of
``change_versions``) with the one it was built at; the listings logged since then are upserted,
so a new active listing is found by the very next search (prop 33), in whichever worker or
replica it was written.
"""

from __future__ import annotations

import threading

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domain.discovery import ProductDoc, ProductIndex
from domain.store import changes
from domain.store.models import Creator, Product

CATALOG = "catalog"


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


class LiveIndex:
    """A product index plus the catalogue version it was built at."""

    def __init__(self) -> None:
        self.index = ProductIndex()
        self._seen = changes.NEVER
        self._lock = threading.Lock()

    def refresh(self, session: Session) -> ProductIndex:
        """Bring the index up to date with ``session``'s view of the store and return it.

        One primary-key read when nothing changed; otherwise only the listings (and the
        creators' listings) logged since the version the index was built at are reloaded.
        """
        now = changes.read_version(session, CATALOG)
        if now == self._seen:
            return self.index
        with self._lock:
            if now == self._seen:
                return self.index
            keys = changes.changed_keys(session, CATALOG, self._seen, now)
            if keys is None:
                self._full(session)
            else:
                self._keys(session, keys)
            self._seen = now
        return self.index

    def _full(self, session: Session) -> None:
        rows = session.execute(
            select(Product, Creator)
            .join(Creator, Creator.id == Product.creator_id)
            .where(Product.status == "active", Creator.status == "active")
            .order_by(Product.id)
        ).all()
        self.index = ProductIndex(doc_of(p, c) for p, c in rows)

    def _keys(self, session: Session, keys: set[str]) -> None:
        products = sorted(k[2:] for k in keys if k.startswith("p:"))
        creators = sorted(k[2:] for k in keys if k.startswith("c:"))
        stmt = select(Product, Creator).join(Creator, Creator.id == Product.creator_id)
        found: set[str] = set()
        for chunk in range(0, max(len(products), len(creators)), 500):
            cond = or_(
                Product.id.in_(products[chunk : chunk + 500]),
                Product.creator_id.in_(creators[chunk : chunk + 500]),
            )
            for product, creator in session.execute(stmt.where(cond)).all():
                found.add(product.id)
                if searchable(product, creator):
                    self.index.upsert(doc_of(product, creator))
                else:
                    self.index.remove(product.id)
        for gone in set(products) - found:  # deleted rows
            self.index.remove(gone)


_LIVE: dict[str, LiveIndex] = {}
_LIVE_LOCK = threading.Lock()


def live_index(store_key: str) -> LiveIndex:
    """The process-wide live index of one store (keyed by its URL)."""
    with _LIVE_LOCK:
        return _LIVE.setdefault(store_key, LiveIndex())
