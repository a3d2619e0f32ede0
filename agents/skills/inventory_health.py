"""Skill: ``inventory_health`` — "which of my items are not selling"."""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext
from domain.production import UNSOLD_DAYS

_DAYS = {"d": 1, "w": 7, "mo": 30, "y": 365}


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """How long unsold counts as stuck, when said ("more than 90 days", "30 din se zyada").

    The tool reads the caller's own listings; nothing else is needed.
    """
    for q in utt.quantities:
        if q.unit in _DAYS and 7 <= (days := round(q.value * _DAYS[q.unit])) <= 365:
            return {"unsold_days": days}
    return {}


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """Counts of old and slow stock, the worst few, and the advice."""
    old, slow = result.get("unsold_over_60_days", []), result.get("slow_moving", [])
    checked = result.get("listings_checked", 0)
    if not old and not slow:
        return f"I checked {checked} listings in stock: everything is moving well."
    parts = [f"I checked {checked} listings in stock."]
    if old:
        worst = old[:3]  # in the tool's order, so "the first one" is the first shown
        days = args.get("unsold_days") or UNSOLD_DAYS
        parts.append(f"{len(old)} unsold for over {days} days, e.g. " + "; ".join(
            f"{f['title']} ({f['product_id']}, {f['days_unsold']} days)" for f in worst) + ".")
        parts.append(worst[0]["suggestion"])
    if slow:
        parts.append(f"{len(slow)} are slow movers (under 0.5 sales a month per piece held).")
    parts.extend(result.get("suggestions", [])[:1])
    return " ".join(parts)


# Stock that does not sell, said many ways: "which ones are stuck", "dead stock", "not moving",
# "lying unsold", "godown me atka maal", "purana stock jo nikal nahi raha".
_STUCK = re.compile(
    r"\b(stuck|not moving|aren t moving|isn t moving|not selling|aren t selling|isn t selling|"
    r"dead stock|slow moving|slow movers?|moving slowly|selling slowly|unsold|lying around|"
    r"gathering dust|piled up|pile up|old stock|old pieces|clear old|clearance|atka|atke|atki|"
    r"pada hua|pade hue|padi hui|nikal nahi|bik nahi|nahi bik)\b")


def cued(utt: Utterance) -> bool:
    """Stock that is stuck, when no product is named (a named one is about its price or listing)."""
    return not utt.ids and bool(_STUCK.search(utt.norm))


SKILL = Skill(tool="inventory_health", fill=fill, describe=describe, cued=cued)
