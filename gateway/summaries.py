"""What ``qalakar seed``, ``refresh`` and ``ingest`` tell a person: a few lines, not a JSON dump.

Each command prints these lines by default and the full JSON object with ``--json`` (the
object is the stable one scripts read; the lines may change wording).
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any


def as_dict(report: object) -> dict[str, Any]:
    """A JSON-friendly dict of a report dataclass (or dict, or plain object)."""
    if hasattr(report, "as_dict"):
        return report.as_dict()
    if is_dataclass(report) and not isinstance(report, type):
        return asdict(report)
    if isinstance(report, dict):
        return report
    return dict(vars(report)) if hasattr(report, "__dict__") else {"value": report}


def seed_lines(database: str, seed: dict[str, Any], images: dict[str, Any]) -> list[str]:
    """Rows written (or found), planted anomalies, and the product photos."""
    rows = ", ".join(
        f"{seed.get(k, 0):,} {k}" for k in ("clusters", "creators", "buyers", "products")
    )
    verb = "seeded" if seed.get("created") else "already seeded (nothing written)"
    planted = seed.get("planted") or {}
    lines = [
        f"{verb}: {database} (seed {seed.get('seed')}, sales until {seed.get('until')})",
        f"  {rows}",
        f"  {seed.get('orders', 0):,} orders, {seed.get('reviews', 0):,} reviews, "
        f"{seed.get('daily_sales', 0):,} daily sales rows",
    ]
    if planted:
        lines.append(
            f"  {sum(len(v) for v in planted.values())} planted anomalies for the fraud and "
            "pricing checks (listed with --json)"
        )
    lines.append(
        f"  product photos: {images.get('rendered', 0):,} drawn, "
        f"{images.get('existing', 0):,} already there, {images.get('signatures', 0):,} "
        f"added to the theft index ({images.get('seconds', 0):.1f} s)"
    )
    lines.append(f"  took {seed.get('seconds', 0):.1f} s for the rows")
    return lines


def refresh_lines(prices: dict[str, Any], forecasts: dict[str, Any], seconds: float) -> list[str]:
    """Listings repriced, forecasts recomputed, creators notified."""
    if prices.get("first_snapshot"):
        price_line = "golden prices: first market snapshot recorded (nothing to compare yet)"
    else:
        changed = prices.get("changed_categories") or []
        price_line = (
            f"golden prices: {len(prices.get('repriced') or [])} listings repriced in "
            f"{len(changed)} changed categories"
            + (f" ({', '.join(changed)})" if changed else "")
            + f"; {prices.get('notified', 0)} creators notified"
        )
    moved = forecasts.get("changed") or []
    return [
        price_line,
        f"forecasts: {forecasts.get('computed', 0)} series recomputed, {len(moved)} changed; "
        f"{forecasts.get('change_notifications', 0)} change and "
        f"{forecasts.get('peak_notifications', 0)} seasonal-peak notifications queued",
        f"took {seconds:.1f} s",
    ]


def ingest_lines(report: dict[str, Any]) -> list[str]:
    """Documents embedded, kept and removed."""
    lines = [
        f"heritage index{' rebuilt' if report.get('rebuilt') else ''}: "
        f"{len(report.get('added') or [])} added, {len(report.get('updated') or [])} updated, "
        f"{len(report.get('removed') or [])} removed, {report.get('unchanged', 0)} unchanged",
        f"  {report.get('nodes', 0)} nodes and {report.get('sentences', 0)} sentences embedded "
        f"in {report.get('seconds', 0):.1f} s",
    ]
    return lines
