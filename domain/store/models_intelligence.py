"""Tables of the intelligence layer: cached demand forecasts and market snapshots.

A forecast row is one ensemble run for a (category, region) as of the last day of sales data;
a market snapshot is the per-category summary of sold prices that the golden-price refresh
compares against to decide whether market data changed materially (seed property 3).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.models import Base, utcnow

NATIONWIDE = "all"  # the region key of forecasts over every state


class ForecastRecord(Base):
    """One cached forecast: the full payload of the engine's answer for the longest horizon."""

    __tablename__ = "forecast_cache"
    __table_args__ = (UniqueConstraint("category", "region", "as_of", name="uq_forecast_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    category: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(60))
    as_of: Mapped[dt.date] = mapped_column(Date)  # last day of sales data the run saw
    horizon_days: Mapped[int] = mapped_column(Integer)
    total_30d: Mapped[float] = mapped_column(Float)  # predicted units of the first 30 days
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MarketSnapshot(Base):
    """Sold-price summary of one category when golden prices were last computed."""

    __tablename__ = "market_snapshots"

    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    n_items: Mapped[int] = mapped_column(Integer)
    median_price: Mapped[float] = mapped_column(Float)
    fingerprint: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
