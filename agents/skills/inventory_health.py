"""Skill: ``inventory_health`` — "which of my items are not selling"."""

from __future__ import annotations

from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """No arguments: the tool reads the caller's own listings."""
    return {}


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """Counts of old and slow stock, the worst few, and the advice."""
    old, slow = result.get("unsold_over_60_days", []), result.get("slow_moving", [])
    checked = result.get("listings_checked", 0)
    if not old and not slow:
        return f"I checked {checked} listings in stock: everything is moving well."
    parts = [f"I checked {checked} listings in stock."]
    if old:
        worst = sorted(old, key=lambda f: -f["days_unsold"])[:3]
        parts.append(f"{len(old)} unsold for over 60 days, e.g. " + "; ".join(
            f"{f['title']} ({f['product_id']}, {f['days_unsold']} days)" for f in worst) + ".")
        parts.append(worst[0]["suggestion"])
    if slow:
        parts.append(f"{len(slow)} are slow movers (under 0.5 sales a month per piece held).")
    parts.extend(result.get("suggestions", [])[:1])
    return " ".join(parts)


SKILL = Skill(tool="inventory_health", fill=fill, describe=describe)
