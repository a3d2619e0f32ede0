"""End-state checks against the store, in the spirit of tau-bench's database comparison.

``CHECKERS`` maps a key of ``expect.state`` to a function ``(session, spec, since) -> failures``;
adding a kind of check is adding an entry. Log-like checks (``audit_log_contains``) only see
rows written since the case began, so a run cannot pass on what an earlier run left behind.
:func:`snapshot` / :func:`Snapshot.restore` put back the rows a case may change, which keeps
cases (and repeats of one case) isolated from each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.store import AuditEntry, Buyer, Creator, Notification, Order, Product
from evals.matching import Failure, compare

ENTITIES: dict[str, type] = {"product": Product, "order": Order, "creator": Creator, "buyer": Buyer}
# Columns a case may change and a restore puts back (never ids or timestamps).
_RESTORABLE = {
    "product": (
        "price",
        "status",
        "stock_quantity",
        "golden_price",
        "price_min",
        "price_optimal",
        "price_max",
        "title",
        "description",
    ),
    "order": ("status", "provider", "tracking_number", "estimated_delivery", "timeline"),
}


@dataclass(frozen=True)
class Watermark:
    """The newest log rows when the case began: later rows are the case's own."""

    audit_id: int = 0
    notification_id: int = 0


def watermark(session: Session) -> Watermark:
    """The current high-water marks of the append-only tables."""
    audit = session.scalar(select(func.max(AuditEntry.id))) or 0
    notes = session.scalar(select(func.max(Notification.id))) or 0
    return Watermark(int(audit), int(notes))


def _specs(spec: Any) -> list[dict[str, Any]]:
    return spec if isinstance(spec, list) else [spec]


def _entity_checker(kind: str) -> Callable[[Session, Any, Watermark], list[Failure]]:
    model = ENTITIES[kind]

    def check(session: Session, spec: Any, since: Watermark) -> list[Failure]:
        failures: list[Failure] = []
        for item in _specs(spec):
            if not isinstance(item, dict) or "id" not in item:
                failures.append(Failure("state", kind, "the check needs an 'id'"))
                continue
            row = session.get(model, item["id"])
            if row is None:
                failures.append(Failure("state", f"{kind}.{item['id']}", "no such row"))
                continue
            for name, want in item.items():
                if name == "id":
                    continue
                if not hasattr(row, name):
                    failures.append(Failure("state", f"{kind}.{name}", "no such field"))
                    continue
                for miss in compare(want, getattr(row, name), name):
                    failures.append(
                        Failure("state", f"{kind}.{name}", f"{item['id']}: {miss.detail}")
                    )
        return failures

    return check


def _log_checker(model: type, kind: str, fields: tuple[str, ...], since_attr: str):
    def check(session: Session, spec: Any, since: Watermark) -> list[Failure]:
        failures: list[Failure] = []
        for item in _specs(spec):
            wanted = {k: v for k, v in (item or {}).items() if k in fields}
            unknown = set(item or {}) - set(fields)
            if unknown:
                failures.append(Failure("state", kind, f"unknown fields {sorted(unknown)}"))
                continue
            query = select(model).where(model.id > getattr(since, since_attr)).order_by(model.id)
            if not any(
                not compare(wanted, _row_dict(row, fields), "") for row in session.scalars(query)
            ):
                failures.append(Failure("state", kind, f"no new entry matches {wanted!r}"))
        return failures

    return check


def _row_dict(row: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(row, f) for f in fields}


CHECKERS: dict[str, Callable[[Session, Any, Watermark], list[Failure]]] = {
    **{kind: _entity_checker(kind) for kind in ENTITIES},
    "audit_log_contains": _log_checker(
        AuditEntry, "audit_log_contains", ("action", "target", "actor", "details"), "audit_id"
    ),
    "notification_contains": _log_checker(
        Notification,
        "notification_contains",
        ("user_id", "channel", "kind", "payload"),
        "notification_id",
    ),
}


def check_state(session: Session, state: dict[str, Any], since: Watermark) -> list[Failure]:
    """Every failure of the store against ``state`` (keys of :data:`CHECKERS`)."""
    failures: list[Failure] = []
    for key, spec in state.items():
        checker = CHECKERS.get(key)
        if checker is None:
            failures.append(Failure("state", key, "unknown state check"))
            continue
        failures.extend(checker(session, spec, since))
    return failures


# -- isolation ----------------------------------------------------------------------------
@dataclass
class Snapshot:
    """Column values of the rows a case may change, to put back after it."""

    rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def restore(self, session: Session) -> int:
        """Write the saved values back; returns how many rows changed."""
        changed = 0
        for (kind, key), values in self.rows.items():
            row = session.get(ENTITIES[kind], key)
            if row is None:
                continue
            if any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                changed += 1
        return changed


def touched_ids(case_data: Any) -> set[tuple[str, str]]:
    """``(kind, id)`` of products and orders a case names in its expectations."""
    found: set[tuple[str, str]] = set()

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k in ("product", "order") and isinstance(v, dict | list):
                    for item in _specs(v):
                        if isinstance(item, dict) and isinstance(item.get("id"), str):
                            found.add((k, item["id"]))
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in ("product_id", "order_id", "target"):
            kind = {"p": "product", "o": "order"}.get(value[:1])
            if kind and value[1:2] == "-":
                found.add((kind, value))

    walk(case_data)
    return found


def snapshot(session: Session, ids: Iterable[tuple[str, str]]) -> Snapshot:
    """Save the restorable columns of the given rows (unknown ids are skipped)."""
    snap = Snapshot()
    for kind, key in ids:
        row = session.get(ENTITIES[kind], key)
        if row is not None:
            snap.rows[(kind, key)] = {c: getattr(row, c) for c in _RESTORABLE[kind]}
    return snap
