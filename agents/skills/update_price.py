"""Skill: ``update_price`` — "change the price of p-00012 to 950" (asks to confirm first)."""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Quantity, Utterance
from agents.nlu.skill import Skill, SkillContext
from agents.skills import _intelligence as intel


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """The product id and the new price (a rupee amount, else the last plain number)."""
    args: dict[str, Any] = {}
    products = [i for i in utt.ids if i.startswith("p-")]
    if products:
        args["product_id"] = products[0]
    if (change := price_change(utt.digits)) is not None:
        args["price_change"] = change  # the planner makes it a new price from the current one
    elif (price := _new_price(utt)) is not None:
        args["new_price"] = price
    elif intel.THAT_PRICE.search(utt.norm) and isinstance(
            suggested := ctx.previous_args.get("declared_price"), int | float):
        args["new_price"] = float(suggested)  # "ok set p-01410 to that price" after pricing it
    return args



# "lower p-00337 by 200 rupees", "raise it by 10%", "200 rupees kam karo", "5% badha do"
_DOWN = r"lower|reduce|decrease|cut|drop|discount|kam|less|cheaper|down|ghata\w*|slash|knock"
_UP = r"raise|increase|hike|bump|up|more|zyada|badha\w*"
_BY = re.compile(rf"\b(?P<way>{_DOWN}|{_UP})\w*\b(?:[^\d%]{{0,40}}?)\bby\s*(?:rs\.?|₹)?\s*"
                 rf"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>%|percent|rs\b|rupees?\b)?")
_N_LESS = re.compile(rf"(?<![\w.-])(?:rs\.?|₹)?\s*(?P<n>\d+(?:\.\d+)?)\s*"
                     rf"(?P<unit>%|percent|rs\b|rupees?\b)?\s+(?P<way>{_DOWN}|{_UP}|off)\b")


def price_change(digits: str) -> tuple[float, str] | None:
    """A change said relative to the price: ``(-200, "inr")``, ``(10, "%")``; else ``None``.

    Only when no new amount is named after "to" ("reduce it to 900" is a price, not a change).
    """
    if re.search(r"\bto\s*(?:rs\.?|₹)?\s*\d", digits):
        return None
    m = _BY.search(digits) or _N_LESS.search(digits)
    if m is None:
        return None
    down = bool(re.fullmatch(rf"(?:{_DOWN}|off)\w*", m.group("way")))
    unit = "%" if m.group("unit") in ("%", "percent") else "inr"
    value = float(m.group("n"))
    if value <= 0:
        return None  # "ek zero extra lag gaya": a slip of a digit, not a change
    return (-value if down else value), unit


def _new_price(utt: Utterance) -> float | None:
    """The amount the price becomes, or ``None``.

    The one after "to"; never the old one ("it was 1100", "from 1800 to 1500", "11500 se 1150
    kar do") nor a percentage ("10% discount"); else the last amount said.
    """

    def word_before(q: Quantity) -> str:
        return (utt.digits[:q.span[0]].split() or [""])[-1]

    def word_after(q: Quantity) -> str:
        return (utt.digits[q.span[1]:].split() or [""])[0]

    said = [q for q in utt.quantities if q.unit == "inr"] or [
        q for q in utt.quantities if q.unit is None]
    amounts = [q for q in said if word_after(q) not in _NOT_NEW_AFTER
               and word_before(q) not in _NOT_NEW_BEFORE
               and (word_before(q), word_after(q)) != ("from", "to")] or said
    if not amounts:
        return None
    # "at 2550 is wrong, set it to 255": the amount it goes to, before the one it is at
    # "make it 950, no one buys at 1000": what it is made before what it sells at
    rank = {"to": 0, "=": 0, "it": 1, "be": 1, "at": 2}
    targets = sorted((q for q in amounts if word_before(q) in rank),
                     key=lambda q: rank[word_before(q)])
    real = [q for q in amounts if q.value >= MIN_PRICE] or amounts
    return targets[0].value if targets else real[-1].value


MIN_PRICE = 10  # "galti se ek zero": one and zero are not prices
# The amount before "from" in a Hindi gloss ("11500 from 1150") and after "was" is the old one.
_NOT_NEW_AFTER = frozenset({"%", "percent", "from", "not", "nahi"})  # "2550 ka nahi ho sakta"
_NOT_NEW_BEFORE = frozenset({"was", "earlier", "pehle", "not", "nahi"})  # "at 6,200 not 6,750"


_PRICE_WORDS = re.compile(
    r"\b(price|prices|priced|cost|costs|rate|sell|make it|should be|now be|set|change|update|"
    r"reduce|lower|raise|increase|mark|"
    # "drop p-02808 to 2100", "cut it to 900", "bump p-00012 up to 1500", "kam karo"
    r"drop|cut|slash|bring|knock|hike|bump|discount|kam|ghata\w*|badha\w*|"
    # "p-00797 bahut sasta laga hai, 250 kar do": too cheap, make it 250
    r"cheap|cheaper|sasta|expensive|costly|mehnga|do give|kar do|kardo)\b"
)


def cued(utt: Utterance) -> bool:
    """A product id with a new amount: "p-00235 should now be 1650 rupees"."""
    filled = set(fill(utt, SkillContext("", "")))
    if "product_id" not in filled or not filled & {"new_price", "price_change"}:
        return False
    return any(q.unit == "inr" for q in utt.quantities) or bool(_PRICE_WORDS.search(utt.norm))


_OTHER_TASK = re.compile(r"\b(?:publish|live|ship\w*|courier|send|similar|photo|image|draft|"
                         r"listing|fraud|forecast|demand)\b")


def sure(utt: Utterance) -> bool:
    """One listing named by id with the amount it should now cost, and nothing else to do.

    "the hexagon basket p-00841, make it 1500, nobody is buying at 3050" (not a batch of 1500).
    """
    if len([i for i in utt.ids if i.startswith("p-")]) != 1 or not cued(utt):
        return False
    measured = any(q.unit in ("kg", "g", "h", "d", "w", "km") for q in utt.quantities)
    return not measured and not _OTHER_TASK.search(utt.norm)


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """Old and new price, and what happened to the notifications (queued, not yet sent)."""
    said = {"in_app": "in-app alert", "voice": "voice notification"}
    told = [f"the {said.get(n.get('channel', ''), str(n.get('channel')) + ' message')} is "
            f"{n.get('status', 'queued')}" for n in result.get("notifications", [])]
    after = (f" Notifications: {'; '.join(told)}; they go out on your channels as the "
             "notification worker delivers them.") if told else ""
    return (
        f"Done: {result['product_id']} now costs ₹{result['new_price']:,.0f} "
        f"(was ₹{result['old_price']:,.0f}).{after}"
    )


SKILL = Skill(
    tool="update_price",
    fill=fill,
    describe=describe,
    questions={
        "product_id": "Which product? Please tell me its id, like p-00012.",
        "new_price": "What should the new price be, in rupees?",
    },
    cued=cued,
    sure=sure,
)
