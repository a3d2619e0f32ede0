"""Tables that tell in-process caches what changed: a version per topic and the keys it touched.

Every worker and replica keeps caches of store data (the search index, the market model,
forecasts, the theft index). A transaction that writes rows a cache is built from bumps its
topic's version and logs the changed keys before it commits (see :mod:`domain.store.changes`);
a cache compares one small row with the version it was built at.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.models import Base


class ChangeVersion(Base):
    """The current version of one topic; ``epoch`` changes when the table is recreated."""

    __tablename__ = "change_versions"

    topic: Mapped[str] = mapped_column(String(24), primary_key=True)
    epoch: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class ChangeLogEntry(Base):
    """One key (a product, a creator, a signature id) changed at one version of a topic."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_topic_version", "topic", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(24))
    version: Mapped[int] = mapped_column(BigInteger)
    key: Mapped[str] = mapped_column(String(64))
