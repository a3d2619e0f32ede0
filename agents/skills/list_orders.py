"""Skill: ``list_orders`` — "show my pending orders", "what has shipped?"."""

from __future__ import annotations

from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext

_LABEL = {"in_production": "in production"}


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """The status, when the user names one."""
    return {"status": utt.statuses[0]} if utt.statuses else {}


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
