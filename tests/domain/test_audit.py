"""The audit log is append-only and tamper-evident (hash chain)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from domain.store import AuditEntry, Store
from domain.store.audit import AuditLogViolation, append, verify_chain


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = Store.from_url(f"sqlite:///{tmp_path}/audit.db")
    s.create_all()
    with s.session() as session:
        for i in range(5):
            append(
                session, actor="admin-1", action="fraud_flag", target=f"c-{i:04d}", details={"i": i}
            )
    return s


def test_chain_verifies(store: Store) -> None:
    with store.session() as s:
        assert verify_chain(s) == (True, None)


def test_orm_refuses_updates_and_deletes(store: Store) -> None:
    with pytest.raises(AuditLogViolation), store.session() as s:
        s.get(AuditEntry, 2).action = "nothing_happened"
    with pytest.raises(AuditLogViolation), store.session() as s:
        s.delete(s.get(AuditEntry, 3))
    with store.session() as s:
        assert verify_chain(s) == (True, None)


def test_raw_sql_tampering_is_detected(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET target = 'c-9999' WHERE id = 3"))
    with store.session() as s:
        assert verify_chain(s) == (False, 3)


def test_deleting_a_middle_entry_breaks_the_chain(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    with store.session() as s:
        assert verify_chain(s) == (False, 3)
