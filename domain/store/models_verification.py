"""Tables of the verification layer: stored media, perceptual signatures, the review queue.

Media files live on disk, content-addressed under the data directory; a row records where,
so any process that shares the database can read them. A signature row ties one image to
one product (a reused photo has a row per listing that shows it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.models import Base, utcnow

REVIEW_STATUSES = ("open", "confirmed_fraud", "dismissed", "warned", "approved", "rejected")


class MediaFile(Base):
    """One stored image: an upload (``up-…``) or a seeded product photo (``img-…``)."""

    __tablename__ = "media_files"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # "upload" | "seed"
    mime: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(500))
    thumb_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    owner_id: Mapped[str | None] = mapped_column(String(24), nullable=True, index=True)
    render: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # seed: how to redraw it
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ImageSignature(Base):
    """Perceptual hashes (hex) and chroma grid of one image as shown on one listing."""

    __tablename__ = "image_signatures"
    __table_args__ = (Index("ix_image_signatures_seller", "seller_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    media_id: Mapped[str] = mapped_column(String(24), index=True)
    product_id: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    seller_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    phash: Mapped[str] = mapped_column(String(16))
    dhash: Mapped[str] = mapped_column(String(16))
    chroma: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReviewItem(Base):
    """A case for a moderator: a low-authenticity listing, a suspect seller, a theft report."""

    __tablename__ = "review_queue"
    __table_args__ = (Index("ix_review_queue_status_kind", "status", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(24))  # authenticity | fraud | image_theft
    target_type: Mapped[str] = mapped_column(String(12))  # product | seller
    target_id: Mapped[str] = mapped_column(String(24), index=True)
    seller_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by: Mapped[str] = mapped_column(String(40))
    decided_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
