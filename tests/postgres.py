"""A seeded marketplace in a PostgreSQL database of its own, for tests of several processes.

PostgreSQL at 127.0.0.1:5432 (trust, user ``postgres``) is shared by every session on the
machine: tests create their own database by name, seed it once, and never stop the server.
"""

from __future__ import annotations

import psycopg
import pytest

from domain.seed import seed
from domain.store import Product, Store

PG = ("127.0.0.1", 5432)


def seeded_database(name: str) -> str:
    """The SQLAlchemy URL of database ``name``, created and seeded (``--seed 42``) if missing.

    Skips the test when no PostgreSQL answers.
    """
    try:
        with psycopg.connect(f"postgresql://postgres@{PG[0]}:{PG[1]}/postgres",
                             autocommit=True, connect_timeout=3) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() \
                    is None:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at {PG[0]}:{PG[1]} ({exc})")
    url = f"postgresql+psycopg://postgres@{PG[0]}:{PG[1]}/{name}"
    store = Store.from_url(url)
    with store.session() as s:
        seeded = store.has_tables() and s.get(Product, "p-00001") is not None
    if not seeded:
        seed(store, seed=42, reset=True, progress=False)
    store.create_all()
    store.dispose()
    return url
