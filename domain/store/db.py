"""The database handle: one engine and session factory per URL, SQLite or PostgreSQL.

``Store.session()`` is a unit of work: it commits on success and rolls back on any error,
so a failed tool call leaves nothing half-written. Inside ``Store.transaction()`` every
``session()`` of the same store joins one transaction, so a critical action and its
idempotency record commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from domain.store.audit import install_append_only_guard
from domain.store.models import Base

# Columns added to existing tables after their first release: ``create_all`` adds them to a
# database made before, so an old ``var/qalakar.db`` keeps working without a reseed. Rows that
# predate the notification outbox count as already delivered (they are history, not news).
ADDED_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "notifications": [
        ("delivery_status", "VARCHAR(12) NOT NULL DEFAULT 'delivered'"),
        ("attempts", "INTEGER NOT NULL DEFAULT 0"),
        ("next_attempt_at", "TIMESTAMP WITH TIME ZONE"),
        ("deliveries", "JSON"),
        ("delivered_at", "TIMESTAMP WITH TIME ZONE"),
    ],
}


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # DB-API connection
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


# The transaction a ``Store.transaction()`` block opened, per store, in this context.
_OPEN: ContextVar[dict[int, Session] | None] = ContextVar("qalakar_open_sessions", default=None)


class Store:
    """An engine plus session factory; build one per process with :meth:`from_url`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str, *, echo: bool = False) -> Store:
        """Connect to ``url`` (``sqlite:///path`` or ``postgresql+psycopg://…``)."""
        kwargs: dict = {"echo": echo, "future": True}
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
        engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(engine, "connect", _sqlite_pragmas)
        return cls(engine)

    @property
    def url(self) -> str:
        """The connection URL with the password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    def create_all(self) -> None:
        """Create missing tables and add missing columns (idempotent).

        Every table that does not exist yet is created; columns that an older version's tables
        lack are added (see :data:`ADDED_COLUMNS`).
        """
        Base.metadata.create_all(self.engine)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        inspector = inspect(self.engine)
        for table, columns in ADDED_COLUMNS.items():
            if not inspector.has_table(table):
                continue
            present = {c["name"] for c in inspector.get_columns(table)}
            missing = [(name, ddl) for name, ddl in columns if name not in present]
            if not missing:
                continue
            with self.engine.begin() as conn:
                for name, ddl in missing:
                    conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {name} {ddl}"))

    def drop_all(self) -> None:
        """Drop every table of the model (``qalakar seed --reset``)."""
        Base.metadata.drop_all(self.engine)

    def has_tables(self) -> bool:
        """True when the schema exists."""
        return inspect(self.engine).has_table("products")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transactional session: commit on success, roll back on error.

        Inside :meth:`transaction` this is that transaction's session; it commits with it.
        """
        joined = (_OPEN.get() or {}).get(id(self))
        if joined is not None:
            yield joined
            joined.flush()
            return
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction that every :meth:`session` opened inside the block joins."""
        with self.session() as session:
            token = _OPEN.set({**(_OPEN.get() or {}), id(self): session})
            try:
                yield session
            finally:
                _OPEN.reset(token)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


install_append_only_guard()
