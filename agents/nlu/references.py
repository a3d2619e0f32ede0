"""What a turn points back to, and what it is plainly not about.

``resolve_reference`` maps "the first one", "more like that", "that saree", "it" to a product
of the last result shown; ``shown_products`` keeps that result's products in order;
``off_topic`` spots requests outside a craft marketplace (the weather in Agra, a flight to
Goa, a cricket score) even when they name a place or a craft.
"""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance

MAX_SHOWN = 10
_ORDINALS = {"first": 0, "1st": 0, "top": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2,
             "fourth": 3, "4th": 3, "fifth": 4, "5th": 4, "last": -1}
_ORDINAL = re.compile(
    r"\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th)\s+(?!time\b|of all\b)[a-z]+\b"
    r"|\b(top|last)\s+(?:one|piece|item|product|result|option|listing|of (?:them|these|those))\b"
    r"|\b(?:the|that|this)\s+(first|second|third)\b"
)
_CHEAPEST = re.compile(r"\b(cheapest|least expensive|lowest priced|most affordable)\b")
_DEAREST = re.compile(r"\b(costliest|most expensive|priciest|highest priced)\b")
_LIKE_THAT = re.compile(
    r"\b(?:like|similar to|same as)\s+(?:that|this|it|these|those|them|the (?:first|last|one))\b"
    r"|\b(?:that|this|the same)\s+(?:one|piece|item|product)\b"
    r"|\bsimilar (?:ones|pieces|items|products)\b"
)
_PRONOUN = re.compile(r"\b(it|its|it's|that|this|them|those|these)\b")

_OFF_TOPIC = re.compile(
    r"\b(weather|rain|raining|rainfall|temperature|humidity|forecast for tomorrow|"
    r"flights?|airlines?|airport|(?:train|bus|railway|movie|plane|air) tickets?|"
    r"(?<!toy )(?<!wooden )trains?(?! sets?\b| toys?\b)|pnr|irctc|"
    r"tickets? to|snow|snowfall|sightseeing|tourist spots?|vacation|holiday package|"
    r"book (?:me )?(?:a )?(?:cab|taxi|hotel|room|table|flight|train|bus)|cab|taxi|uber|"
    r"cricket|football|match score|score of the match|ipl|"
    r"world cup|movies?|films?|bollywood|netflix|actor|actress|songs?|music|jokes?|"
    r"recipes?|how (?:do i|to) cook|news|headlines|elections?|votes?|chief minister|"
    r"prime minister|minister|president|governor|capital of|population of|"
    r"stock price|share price|stock market|sensex|nifty|bitcoin|crypto|gold (?:rate|price) today|"
    r"today'?s? gold (?:rate|price)|today gold (?:rate|price)|gold rate|"
    r"recharge|whatsapp|youtube|instagram|facebook|password|hacked|hack|virus|"
    r"sql|python|javascript|programming|homework|exam|horoscope|lottery|"
    r"pressure cooker|laptop|wifi|television|doctor|medicine|fever|"
    r"aarti|girlfriend|boyfriend|alarm|reminder|timer|translate)\b"
)
# Family is off topic only in a turn about no piece of work: "me and my husband took 22 days
# on this saree" is a price question, "what gift for my wife" is not one for a marketplace tool.
_FAMILY = re.compile(r"\b(wife|husband)\b")


def shown_products(payload: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The products a tool result showed, in order (``None`` when it showed none)."""
    products = payload.get("products")
    if isinstance(products, list) and products:
        out = []
        for p in products[:MAX_SHOWN]:
            if isinstance(p, dict) and isinstance(p.get("id"), str):
                out.append({k: p.get(k) for k in ("id", "price", "title", "category")})
        return out or None
    if isinstance(payload.get("product_id"), str):
        return [{"id": payload["product_id"], "price": payload.get("new_price")}]
    return None


def resolve_reference(utt: Utterance, shown: list[dict[str, Any]],
                      strong_only: bool = True) -> dict[str, Any] | None:
    """The shown product the turn points to, or ``None``.

    Strong references name a position or a likeness ("the second one", "more like that",
    "the cheapest one"); weak ones are bare pronouns ("change its price to 900"), taken only
    when the caller knows the intent needs a product.
    """
    if not shown:
        return None
    norm = utt.norm
    if m := _ORDINAL.search(norm):
        index = _ORDINALS[m.group(1) or m.group(2) or m.group(3)]
        return shown[index] if -len(shown) <= index < len(shown) else None
    priced = [p for p in shown if isinstance(p.get("price"), int | float)]
    if priced and _CHEAPEST.search(norm):
        return min(priced, key=lambda p: p["price"])
    if priced and _DEAREST.search(norm):
        return max(priced, key=lambda p: p["price"])
    if _LIKE_THAT.search(norm):
        return shown[0]
    if strong_only:
        return None
    return shown[0] if _PRONOUN.search(norm) else None


# Hotels and restaurants are off topic as places to stay or eat, not as a maker's customers
# ("an order of 300 tiles for a hotel lobby").
_VENUES = re.compile(r"\b(hotels?|restaurants?|dhabas?)\b")
_TRADE = re.compile(r"\b(orders?|bulk|supply|make|making|produce|production|plan|pieces|batch|"
                    r"wholesale|export\w*)\b")


def off_topic(utt: Utterance) -> bool:
    """Whether the turn asks for something no tool of a craft marketplace does."""
    if utt.ids:
        return False
    if _VENUES.search(utt.norm) and not _TRADE.search(utt.norm):
        return True
    if _FAMILY.search(utt.norm) and not (utt.categories or utt.crafts or any(
            q.unit in ("kg", "g", "h", "d") for q in utt.quantities)):
        return True
    return bool(_OFF_TOPIC.search(utt.norm))
