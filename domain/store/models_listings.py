"""What a listing draft was made from: the maker's words and what was read from them.

One row per product created through ``create_listing`` (seeded products have none); the
product row itself carries the listing, with status ``draft`` until it is published.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.models import Base, utcnow


class ListingSource(Base):
    """The description a draft came from and what was read from it.

    The digest makes a repeated create idempotent; ``confidence`` is how sure the reading was.
    """

    __tablename__ = "listing_sources"
    __table_args__ = (Index("ix_listing_sources_creator_digest", "creator_id", "digest"),)

    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), primary_key=True)
    creator_id: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    extracted: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fuzzy: Mapped[list[Any]] = mapped_column(JSON, default=list)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
