"""Skill: ``list_orders`` — "show my pending orders", "what has shipped?"."""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext

_LABEL = {"in_production": "in production"}


# Words that can stand before "orders" without naming a status.
_NOT_STATUS = frozenset(
    "my the all new recent latest open any your our buyer buyers customer customers which what "
    "these those some many few sales today todays this week month last previous past more other "
    "of for show list see check".split()
)
_BEFORE_ORDERS = re.compile(r"\b([a-z_]+) orders?\b")


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """The status, when the user names one; an unknown status word is passed on as said,
    so the tool's validation answers with the statuses that exist."""
    if utt.statuses:
        return {"status": utt.statuses[0]}
    m = _BEFORE_ORDERS.search(utt.norm)
    if m and m.group(1) not in _NOT_STATUS:
        return {"status": m.group(1)}
    return {}


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """A count and the first few orders."""
    status = args.get("status")
    label = f"{_LABEL.get(status, status)} " if status else ""
    orders = result.get("orders", [])
    total = result.get("total", len(orders))
    if not orders:
        return f"You have no {label}orders right now."
    shown = "; ".join(
        f"{o['id']}: {o['product_title']} ×{o['quantity']}, ₹{o['total_amount']:,.0f}"
        + (f" to {o['ship_city']}" if o.get("ship_city") else "")
        + ("" if status else f" ({_LABEL.get(o['status'], o['status'])})")
        for o in orders[:5]
    )
    noun = "order" if total == 1 else "orders"
    more = f" and {total - 5} more" if total > 5 else ""
    return f"You have {total} {label}{noun}: {shown}{more}."


SKILL = Skill(tool="list_orders", fill=fill, describe=describe)
