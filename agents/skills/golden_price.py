"""Skill: ``golden_price`` — "what should I charge for a silk saree, 2 kg, took me 40 hours"."""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext
from agents.skills import _intelligence as intel

HOURS_PER_WORKDAY = 8  # "three days of work" is three working days
# "20 by 15 by 10 cm", "20x15x10": the piece's size (length, width, height).
_DIMS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:x|by|\*)\s*(\d+(?:\.\d+)?)\s*(?:x|by|\*)\s*"
                   r"(\d+(?:\.\d+)?)\s*(?:cm|centimet)")
# Hours said per day of a period: "3 days, daily 8 hours", "4 din, roz 6 ghante".
_PER_DAY = re.compile(r"\b(daily|roz|every day|each day|per day|a day|1 day|each)\b")
_HOURS_END = re.compile(r"\b(?:hours?|hrs?|h|ghante)\s*$")
# Crafts whose name says the material: bidri is a zinc alloy, dhokra cast brass.
# A craft's usual material, when the maker names the craft and not what it is made of.
_CRAFT_MATERIAL = {"bidri": "zinc", "bidriware": "zinc", "dhokra": "brass",
                   "dhokra casting": "brass", "pashmina": "pashmina", "banarasi": "silk",
                   "kanjeevaram": "silk", "kanjivaram": "silk", "kanchipuram": "silk",
                   "kundan": "glass stone", "tarakasi": "silver", "filigree": "silver",
                   "channapatna": "wood", "etikoppaka": "wood", "kondapalli": "tella poniki wood",
                   "kathputli": "wood", "blue pottery": "quartz", "terracotta": "clay",
                   "madhubani": "handmade paper", "pattachitra": "cloth", "phad": "cloth",
                   "kalamkari": "cotton", "chikankari": "cotton", "chikan": "cotton",
                   "kantha": "cotton", "jamdani": "cotton", "bagru": "cotton", "dabu": "cotton",
                   "ajrakh": "cotton", "taal patra": "palm leaf", "tala patra": "palm leaf",
                   "palm leaf": "palm leaf", "papier mache": "papier mache",
                   "marble inlay": "marble", "pietra dura": "marble", "bell metal": "bell metal"}
_IMPLIED_MATERIAL = {"leather": "leather", "glass": "glass", "pottery": "clay",
                     "stonework": "marble", "basketry": "bamboo", "toys": "wood",
                     "woodwork": "wood"}


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """Category, materials, weight (kg or g), hours (or working days), techniques, place."""
    args: dict[str, Any] = {}
    if cat := intel.category(utt):
        args["category"] = cat
    if mats := intel.materials(utt):
        args["materials"] = mats
    elif not intel.category(utt) and (said := intel.unknown_material(utt)):
        args["materials"] = [said]
    amounts = intel.amounts(utt)
    hours = [a for a in amounts if a.unit == "h"]
    # A week worked every day is seven days: "ek hafta roz 6 ghante" is 42 hours.
    days = [a.value * (7 if a.unit == "w" else 1) for a in amounts if a.unit in ("d", "w")
            and not (a.unit == "d" and a.value == 1 and _HOURS_END.search(a.before))]  # "a day"
    if hours and days and _PER_DAY.search(f"{hours[0].before[-12:]} h {hours[0].after[:12]}"):
        args["production_hours"] = days[0] * hours[0].value  # "3 days, daily 8 hours": 24
    elif hours:
        # Hours said outright win over a period ("two weeks approx, say 120 hours").
        args["production_hours"] = hours[0].value
    for a in amounts:
        if a.unit == "kg" and "weight_kg" not in args:
            args["weight_kg"] = a.value
        elif a.unit == "g" and "weight_kg" not in args:
            args["weight_kg"] = round(a.value / 1000, 3)
        elif a.unit == "h" and "production_hours" not in args:
            args["production_hours"] = a.value
        elif a.unit in ("d", "w") and "production_hours" not in args:
            args["production_hours"] = a.value * HOURS_PER_WORKDAY * (6 if a.unit == "w" else 1)
    padded = f" {utt.norm} "
    if "materials" not in args and (made := next(
            (m for craft, m in _CRAFT_MATERIAL.items()
             if craft in utt.crafts or f" {craft} " in padded), None)):
        args["materials"] = [made]  # a bidri vase is zinc inlaid with silver
    if "materials" not in args and args.get("category") in _IMPLIED_MATERIAL:
        # A chappal is leather, a matka clay: the category says the material.
        args["materials"] = [_IMPLIED_MATERIAL[args["category"]]]
    if size := intel.dimensions(utt):
        args["dimensions_cm"] = size  # "12 inches long 8 inches wide 4 inches high"
    elif m := _DIMS.search(utt.digits):
        length, width, height = (float(v) for v in m.groups())
        args["dimensions_cm"] = {"length": length, "width": width, "height": height}
    if techs := intel.techniques(utt):
        args["techniques"] = techs
    if utt.places:
        args["location"] = utt.places[0].name
    return args


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """The golden price, its range, the cost parts, the market view and the confidence."""
    r, b = result["price_range"], result["breakdown"]
    hours = args.get("production_hours")
    labour = f"labour ₹{b['labor']:,.0f}" + (
        f" ({hours:g} h at ₹{b['hourly_rate']:,.0f}/h)" if hours and b.get("hourly_rate") else "")
    parts = [f"Charge about ₹{result['golden_price']:,.0f} "
             f"(fair range ₹{r['min']:,.0f} to ₹{r['max']:,.0f}).",
             f"Your costs: materials ₹{b['materials']:,.0f}, {labour}, overhead "
             f"₹{b['overhead']:,.0f}, shipping ₹{b['transport']:,.0f}."]
    market = result.get("market_price")
    if market:
        cost = b["materials"] + b["labor"] + b["overhead"] + b["transport"]
        if market < cost * 1.1:
            parts.append(f"Similar pieces sell for about ₹{market:,.0f}, below your cost, so "
                         "I kept the price at your floor; don't sell below it.")
        else:
            parts.append(f"Similar pieces sell for about ₹{market:,.0f}.")
    level = "low" if result.get("low_confidence") else "good"
    parts.append(f"Confidence: {level} ({result['confidence']:.0%}).")
    return " ".join(parts)


_OTHER_TASK = re.compile(r"\b(ship|shipping|courier|deliver|send|list|listing|publish|upload|"
                         r"demand|forecast|make how many|how many)\b")


def cued(utt: Utterance) -> bool:
    """A piece with its weight or hours of work and no other task.

    "dhokra elephant 2.5 kg 35 hours", "kantha quilt, cotton, 2.5 kilo".
    """
    has_piece = bool(intel.category(utt) or intel.materials(utt))
    has_measure = any(a.unit in ("kg", "g", "h") for a in intel.amounts(utt))
    return has_piece and has_measure and not _OTHER_TASK.search(utt.norm)


# Asking what to charge: "what rate should I keep", "kitne me bechu" (glossed "how much in
# sell"), "sahi bhav kya hoga" ("fair price what will be"), "price?".
_PRICE_ASK = re.compile(
    r"\b(?:what|how much|which|suggest|fair|right|best|correct|ideal|good|reasonable)\b"
    r"(?:\s+\w+){0,6}?\s+(?:price|pricing|priced|rate|charge|sell|selling|quote|mrp|worth|"
    r"keep|ask)\b|\b(?:price|rate|pricing)\s*\?|\bhow (?:to|should i|do i) price\b|"
    r"\bprice (?:it|this|my|for)\b|\b(?:pricing|price) help\b|\bhelp (?:me )?(?:with )?pric\w+\b|"
    # "how much for a kutch cushion cover?", "how much should it go for"
    r"^how much (?:for|should|would|can|to)\b")
# Putting a piece up for sale is a listing, however its making is described.
_LISTING = re.compile(r"\b(?:for sale|put (?:it |this )?up|on (?:the|my) shop|online|catalog\w*|"
                      r"drafts?|new product|add (?:it|this)|sell (?:it|this) on)\b")


def sure(utt: Utterance) -> bool:
    """A piece with both its weight and its time of work, and a question of what to charge.

    Nothing else is asked that way ("bidri box, 350 gram, 22 ghante ... kitne me bechu?"),
    whatever else the message tells about making it.
    """
    amounts = intel.amounts(utt)
    return (cued(utt) and any(a.unit in ("kg", "g") for a in amounts)
            and any(a.unit in ("h", "d", "w") for a in amounts)
            and bool(_PRICE_ASK.search(utt.text.lower())) and not _LISTING.search(utt.norm))


def follow_up(args: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """The piece priced stays the piece talked about, now worth its golden price.

    "ok now ship it to Delhi" then quotes its weight at that price.
    """
    price = result.get("golden_price")
    if not isinstance(price, int | float):
        return {}
    return {"last_tool": "golden_price", "last_args": {**args, "declared_price": float(price)}}


SKILL = Skill(
    tool="golden_price",
    follow_up=follow_up,
    cued=cued,
    sure=sure,
    fill=fill,
    describe=describe,
    questions={
        "category": "What kind of piece is it: a saree, a pot, a brass lamp, a painting?",
        "materials": "What is it made of (for example silk, cotton, brass, clay, wood)?",
        "weight_kg": "How much does it weigh? Say it in kg, like '2 kg'.",
        "production_hours": "How long did it take to make? Say the hours, like '40 hours'.",
    },
)
