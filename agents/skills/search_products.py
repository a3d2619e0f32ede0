"""Skill: ``search_products`` — "blue pottery near Jaipur within 50 km"."""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext

_FILLER = frozenset(
    "show me find search for looking look i am im want to buy get some any a an the please can "
    "you near nearby around within in from at of by close km kms kilometers kilometres radius "
    "under below above over less more than rs rupees inr and with made handmade products items "
    "things stuff sell selling sold who where is are there what do have crafts craft me my "
    "something anything available options best good nice cheap under budget".split()
)
_UNDER = re.compile(r"\b(?:under|below|less than|upto|up to|within budget of|max|cheaper than)\s*₹?\s*(\d[\d,]*)")
_OVER = re.compile(r"\b(?:over|above|more than|at least|min|minimum)\s*₹?\s*(\d[\d,]*)")


def _query(utt: Utterance) -> str | None:
    drop = set(_FILLER)
    for name in utt.place_names:
        drop.update(name.split())
    words = [w for w in utt.norm.split() if w not in drop and not w.isdigit()]
    return " ".join(words) or None


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """Words, place, radius and price bounds found in the utterance."""
    args: dict[str, Any] = {}
    query = _query(utt)
    if query:
        args["query"] = query
    if utt.places:
        args["location"] = utt.places[0].name
    radius = utt.first("km")
    if radius:
        args["radius_km"] = radius
    lowered = utt.text.lower()
    if m := _UNDER.search(lowered):
        args["price_max"] = float(m.group(1).replace(",", ""))
    if m := _OVER.search(lowered):
        args["price_min"] = float(m.group(1).replace(",", ""))
    return args


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """How many were found and the best few, with distances when a place was given."""
    products = result.get("products", [])
    where = ""
    if result.get("center"):
        where = f" near {result['center']['name']}"
        if result.get("radius_km"):
            where = f" within {result['radius_km']:g} km of {result['center']['name']}"
    what = args.get("query") or "crafts"
    if not products:
        return f"I found no {what}{where}. Try a wider radius or other words."
    shown = "; ".join(
        f"{p['title']} (₹{p['price']:,.0f}"
        + (f", {p['distance_km']:.0f} km away" if p.get("distance_km") is not None else "")
        + f", {p['id']})"
        for p in products[:3]
    )
    return f"I found {result.get('total', len(products))} matches for {what}{where}. Top picks: {shown}."


SKILL = Skill(tool="search_products", fill=fill, describe=describe)
