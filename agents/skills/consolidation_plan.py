"""Skill: ``consolidation_plan`` — "can I ship my pending orders together?"."""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """A radius when the user gives one ("within 30 km"); otherwise nothing to fill."""
    radius = utt.first("km")
    return {"radius_km": radius} if radius else {}


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """The groups worth sending together and what they save."""
    groups = [g for g in result.get("groups", []) if g["recommendation"] == "bulk"]
    if not groups:
        n = result.get("pending_orders", 0)
        return (
            f"You have {n} pending orders; none go to the same area, so ship them one by one."
            if n
            else "You have no pending orders to ship."
        )
    shown = "; ".join(
        f"{', '.join(g['order_ids'])} to {g['region']}: ₹{g['bulk_cost']:,.0f} together "
        f"instead of ₹{g['individual_cost']:,.0f} (save ₹{g['savings']:,.0f})"
        for g in groups[:3]
    )
    return (
        f"Ship {len(groups)} group{'s' if len(groups) != 1 else ''} together to save "
        f"₹{result['total_savings']:,.0f} in all: {shown}."
    )


# Orders or parcels, and sending them as one: "club my orders", "milake bhejne ka plan".
_ORDERS = re.compile(r"\b(?:orders?|parcels?|shipments?|packages?|consignments?|queue)\b")
_TOGETHER = re.compile(r"\b(?:together|combine\w*|club\w*|bundl\w*|consolidat\w*|pool\w*|"
                       # "anything in my queue headed to the same area?"
                       r"(?:going|headed|heading|bound) (?:to|for) the same|same (?:area|city|town|"
                       r"region|place|side|route)|"
                       r"merg\w*|in one go|ek saath|1 saath|milake|milakar|milaake|ikattha|"
                       r"ikatha|saath me|"
                       # "group them", "unko group kar do", "batch my orders", "in bulk",
                       # "as one consignment", "इकट्ठा"
                       r"group(?:ed|ing)?\s+(?:kar\w*|them|these|those|together|all|my|the|do)|"
                       r"batch(?:ed|ing)?|in bulk|bulk|one consignment|single consignment|"
                       r"ekattha|ikattha|ikkatha|ikatthe|ek hi parcel|"
                       # "plan my dispatch for pending orders": how to send them, not the list
                       r"plan (?:my |the |our )?(?:dispatch\w*|shipping|shipments?)|"
                       r"(?:dispatch|shipping) plan)\b")


# The orders just listed: "can any of these be shipped together?", "can I bulk ship them?".
_THOSE = re.compile(r"\b(?:them|these|those|all of (?:them|these))\b")
_SENT = re.compile(r"\b(?:ship\w*|send\w*|sent|dispatch\w*|courier\w*|deliver\w*|bhej\w*)\b")


def cued(utt: Utterance) -> bool:
    """Orders said with sending them as one ("jo order baaki h unko milake bhejne ka plan")."""
    norm = utt.norm
    if not _TOGETHER.search(norm):
        return False
    return bool(_ORDERS.search(norm) or (_THOSE.search(norm) and _SENT.search(norm)))


# Orders and sending them as one are the plan beyond doubt, however sure the classifier is of
# the list ("plan my dispatch for pending orders").
SKILL = Skill(tool="consolidation_plan", fill=fill, describe=describe, cued=cued, sure=cued)
