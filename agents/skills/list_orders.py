"""Skill: ``list_orders`` — "show my pending orders", "what has shipped?", "my parcels"."""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz.distance import Levenshtein

from agents.nlu.entities import Utterance, asks_advice
from agents.nlu.skill import Skill, SkillContext

_LABEL = {"in_production": "in production"}
# What people call an order; a typo one letter away still counts ("oders").
_ORDER_NOUNS = frozenset(
    "order orders parcel parcels package packages purchase purchases sale sales shipment "
    "shipments".split()
)
# With a status, these say whose orders are meant ("anything i bought still being made").
_OWNER_PHRASES = ("i bought", "i ordered", "i purchased", "i sold", "customer", "customers",
                  "buyer", "buyers", "my shop", "i ve", "i have", "i had", "everything i",
                  "my side", "my end")


# Words that can stand before "orders" without naming a status.
_NOT_STATUS = frozenset(
    "my the all new recent latest open any your our buyer buyers customer customers which what "
    "these those some many few sales today todays this week month last previous past more other "
    "of for show list see check every".split()
)
_BEFORE_ORDERS = re.compile(r"\b([a-z_]+) orders?\b")


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """The status, when the user names one; else a word before "orders" that says what happened.

    Such a word ("returned orders") that is no status, not even misspelt, is passed on as said,
    so the tool's validation answers with the statuses that exist.
    """
    if utt.statuses:
        return {"status": utt.statuses[0]}
    m = _BEFORE_ORDERS.search(utt.norm)
    if m and m.group(1) not in _NOT_STATUS and _STATE_WORD.fullmatch(m.group(1)):
        return {"status": m.group(1)}
    return {}


# A word that says what happened to an order ("returned", "refunded", "disputed"); any other
# word before "orders" ("jo order", the gloss "which from order", "bulk orders") names none.
_STATE_WORD = re.compile(r"[a-z]{3,}ed")


def _is_order_noun(word: str) -> bool:
    return word in _ORDER_NOUNS or (
        len(word) >= 5
        and any(word[0] == noun[0] and Levenshtein.distance(word, noun, score_cutoff=1) <= 1
                for noun in _ORDER_NOUNS if len(noun) >= 5)
    )


_WHERE_MINE = re.compile(r"\bwhere(?:s| s| is| are| re)?\s+my\s+(?:stuff|things|items|goods|"
                         r"delivery|deliveries|saman|samaan|purchase|purchases)\b")


def sure(utt: Utterance) -> bool:
    """"where's my stuff": what one bought, asked after outright."""
    return bool(_WHERE_MINE.search(utt.norm))


def cued(utt: Utterance) -> bool:
    """Whether the words ask for orders by another name, or by a status.

    Orders by another name: "parcels", "every sale", "pending oders"; or a status said of what
    someone bought or sold; not a request for advice about an order.
    """
    padded = f" {utt.norm} "
    if _WHERE_MINE.search(utt.norm):
        return True  # "where's my stuff": what one bought, by another name
    named = any(_is_order_noun(w) for w in utt.norm.split()) or (
        bool(utt.statuses) and any(f" {p} " in padded for p in _OWNER_PHRASES)
    )
    return named and not asks_advice(utt)


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


SKILL = Skill(tool="list_orders", fill=fill, describe=describe, refines=("status",), cued=cued,
              sure=sure)
