"""SQLAlchemy models of the marketplace (seed-design "Data Models"), for SQLite and PostgreSQL.

List-valued fields (materials, techniques, images, timelines) are JSON columns; money is INR in
``Numeric``-free floats rounded at the edges; times are timezone-aware UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ORDER_STATUSES = ("pending", "confirmed", "in_production", "shipped", "delivered", "cancelled")
PRODUCT_STATUSES = ("draft", "active", "sold", "archived")
CATEGORIES = (
    "textiles",
    "pottery",
    "painting",
    "metalware",
    "woodwork",
    "jewellery",
    "toys",
    "home_decor",
    "basketry",
    "leather",
    "stonework",
    "glass",
)


def utcnow() -> dt.datetime:
    """Now, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base; JSON maps to JSONB-compatible JSON on PostgreSQL."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Cluster(Base):
    """A craft cluster: a real town or village where a craft is practised (ids ``k-001``)."""

    __tablename__ = "clusters"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    town: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(60))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    craft: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(20))
    primary_crafts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    materials: Mapped[list[Any]] = mapped_column(JSON, default=list)
    techniques: Mapped[list[Any]] = mapped_column(JSON, default=list)
    gi_tag: Mapped[bool] = mapped_column(Boolean, default=False)
    endangered: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Creator(Base):
    """An artisan with location, craft, contact and digital portfolio (ids ``c-0001``)."""

    __tablename__ = "creators"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(120), nullable=True)
    preferred_language: Mapped[str] = mapped_column(String(8), default="hi")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str] = mapped_column(String(60))
    cluster_id: Mapped[str | None] = mapped_column(ForeignKey("clusters.id"), nullable=True)
    primary_craft: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(20))
    techniques: Mapped[list[Any]] = mapped_column(JSON, default=list)
    materials: Mapped[list[Any]] = mapped_column(JSON, default=list)
    years_experience: Mapped[int] = mapped_column(Integer, default=0)
    bio: Mapped[str] = mapped_column(Text, default="")
    story: Mapped[str] = mapped_column(Text, default="")
    production_process: Mapped[str] = mapped_column(Text, default="")
    portfolio_images: Mapped[list[Any]] = mapped_column(JSON, default=list)
    portfolio_videos: Mapped[list[Any]] = mapped_column(JSON, default=list)
    total_sales: Mapped[float] = mapped_column(Float, default=0.0)
    average_rating: Mapped[float] = mapped_column(Float, default=0.0)
    review_count: Mapped[int] = mapped_column(Integer, default=0)
    authenticity_score: Mapped[float] = mapped_column(Float, default=0.0)
    response_time_h: Mapped[float] = mapped_column(Float, default=24.0)
    identity_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    workshop_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    craft_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    products: Mapped[list[Product]] = relationship(back_populates="creator")


class Buyer(Base):
    """A buyer with a home location and stated preferences (ids ``b-0001``)."""

    __tablename__ = "buyers"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    email: Mapped[str | None] = mapped_column(String(120), nullable=True)
    city: Mapped[str] = mapped_column(String(80), default="")
    state: Mapped[str] = mapped_column(String(60), default="")
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    preferred_language: Mapped[str] = mapped_column(String(8), default="en")
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Product(Base):
    """A listing (seed ProductListing): what it is, what it costs, how authentic it looks."""

    __tablename__ = "products"
    __table_args__ = (
        Index("ix_products_category_status", "category", "status"),
        Index("ix_products_creator", "creator_id"),
    )

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    creator_id: Mapped[str] = mapped_column(ForeignKey("creators.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20))
    subcategory: Mapped[str] = mapped_column(String(60), default="")
    craft: Mapped[str] = mapped_column(String(80), default="")
    materials: Mapped[list[Any]] = mapped_column(JSON, default=list)
    techniques: Mapped[list[Any]] = mapped_column(JSON, default=list)
    colors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    length_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    width_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    height_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    weight_kg: Mapped[float | None] = mapped_column(Float, nullable=True)
    price: Mapped[float] = mapped_column(Float)
    golden_price: Mapped[float | None] = mapped_column(Float, nullable=True)
    price_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    price_optimal: Mapped[float | None] = mapped_column(Float, nullable=True)
    price_max: Mapped[float | None] = mapped_column(Float, nullable=True)
    currency: Mapped[str] = mapped_column(String(3), default="INR")
    production_hours: Mapped[float | None] = mapped_column(Float, nullable=True)
    customizable: Mapped[bool] = mapped_column(Boolean, default=False)
    made_to_order: Mapped[bool] = mapped_column(Boolean, default=False)
    stock_quantity: Mapped[int] = mapped_column(Integer, default=1)
    authenticity_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    handmade_indicators: Mapped[list[Any]] = mapped_column(JSON, default=list)
    images: Mapped[list[Any]] = mapped_column(JSON, default=list)
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rating: Mapped[float] = mapped_column(Float, default=0.0)
    review_count: Mapped[int] = mapped_column(Integer, default=0)
    views_7d: Mapped[int] = mapped_column(Integer, default=0)
    sales_30d: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    creator: Mapped[Creator] = relationship(back_populates="products")


class Order(Base):
    """An order with its shipping details and a status timeline (ids ``o-000001``)."""

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_creator_status", "creator_id", "status"),
        Index("ix_orders_buyer_status", "buyer_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    buyer_id: Mapped[str] = mapped_column(ForeignKey("buyers.id"))
    creator_id: Mapped[str] = mapped_column(ForeignKey("creators.id"))
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    product_price: Mapped[float] = mapped_column(Float)
    shipping_cost: Mapped[float] = mapped_column(Float, default=0.0)
    total_amount: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3), default="INR")
    ship_city: Mapped[str] = mapped_column(String(80), default="")
    ship_state: Mapped[str] = mapped_column(String(60), default="")
    ship_postal_code: Mapped[str] = mapped_column(String(10), default="")
    ship_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    ship_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    provider: Mapped[str | None] = mapped_column(String(40), nullable=True)
    tracking_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    estimated_delivery: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    timeline: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Review(Base):
    """A buyer's review of a product; ``complaint`` marks reviews that report a problem."""

    __tablename__ = "reviews"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    creator_id: Mapped[str] = mapped_column(ForeignKey("creators.id"), index=True)
    buyer_id: Mapped[str] = mapped_column(ForeignKey("buyers.id"))
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"), nullable=True)
    rating: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    complaint: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DailySales(Base):
    """Units and revenue one creator sold in one category on one day (zero days are omitted)."""

    __tablename__ = "daily_sales"
    __table_args__ = (
        Index("ix_daily_sales_category_region_day", "category", "region", "day"),
        Index("ix_daily_sales_creator_day", "creator_id", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[dt.date] = mapped_column(Date)
    creator_id: Mapped[str] = mapped_column(ForeignKey("creators.id"))
    category: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(60))
    units: Mapped[int] = mapped_column(Integer)
    revenue: Mapped[float] = mapped_column(Float)


class Notification(Base):
    """A message to a creator or buyer, and its own outbox entry.

    The row is written in the same transaction as the change that caused it, so it is the
    transactional outbox: ``delivery_status`` starts ``pending`` and the dispatcher
    (``gateway.channels.dispatch``) claims it, delivers it on the user's channels and records
    each channel's outcome in ``deliveries`` (``{"whatsapp": {"status": "delivered", ...}}``).
    ``channel`` is what the writer asked for: ``in_app`` rows also go to the user's preferred
    channels, ``voice``/``sms``/``whatsapp`` rows to that channel only.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "delivery_status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(24), index=True)
    channel: Mapped[str] = mapped_column(String(16), default="in_app")
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # pending → delivered | failed (every channel settled); seeded history is already settled.
    delivery_status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    deliveries: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class NotificationPreference(Base):
    """How one user wants to be told: channels in order, and quiet hours in their time zone."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    channels: Mapped[list[Any]] = mapped_column(JSON, default=list)
    quiet_start_hour: Mapped[int | None] = mapped_column(Integer, nullable=True)
    quiet_end_hour: Mapped[int | None] = mapped_column(Integer, nullable=True)
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Kolkata")
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class ChannelMessage(Base):
    """One inbound message of a messaging channel, kept so a provider's retry is answered once.

    ``(provider, message_id)`` is unique: the first delivery inserts the row (``processing``),
    runs the turn and stores the exact reply body; a retry finds the row and gets that body back.
    """

    __tablename__ = "channel_messages"
    __table_args__ = (
        UniqueConstraint("provider", "message_id", name="uq_channel_messages_provider_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(20))
    message_id: Mapped[str] = mapped_column(String(80))
    sender: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[str] = mapped_column(String(24), index=True)
    status: Mapped[str] = mapped_column(String(12), default="processing")
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    content_type: Mapped[str] = mapped_column(String(60), default="text/plain")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ChatSession(Base):
    """Who opened a chat session: a session id belongs to that user and nobody else."""

    __tablename__ = "chat_sessions"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IdempotencyRecord(Base):
    """The recorded result of a critical action, written in the change's own transaction.

    ``(scope, action_id)`` is unique: a replayed confirmation (or a retried request with the
    same key) finds the row and gets the recorded result instead of running the action again.
    ``scope`` is who asked and in which session; action ids come from planners and clients.
    """

    __tablename__ = "idempotency"
    __table_args__ = (UniqueConstraint("scope", "action_id", name="uq_idempotency_scope_action"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(200))
    action_id: Mapped[str] = mapped_column(String(120))
    tool: Mapped[str] = mapped_column(String(60))
    args_digest: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """One append-only audit record; ``hash`` chains it to the previous one (tamper-evident)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ts: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(40), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class WorkerJob(Base):
    """When a periodic job of ``qalakar worker`` last ran; its row is the lock workers share."""

    __tablename__ = "worker_jobs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
