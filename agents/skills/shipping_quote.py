"""Skill: ``shipping_quote`` — "how much to ship 2 kg to Delhi, it costs ₹1500"."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext
from agents.skills import _intelligence as intel
from agents.skills._intelligence import names_the_piece
from domain.vocabulary import Vocabulary

_DIMS = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:x|by|\*)\s*(\d+(?:\.\d+)?)\s*(?:x|by|\*)\s*(\d+(?:\.\d+)?)"
)
_ORDER = ("destination", "weight_kg", "declared_price")
_SHIPPING_WORDS = re.compile(r"\b(?:ship\w*|courier|deliver\w*|parcel|post(?:age)?|send|sent|"
                             r"dispatch)\b")
_FROM_HERE = re.compile(r"\bfrom (?:here|this (?:place|town|city))\b|\b(?:yahan|yahaan|idhar) se\b")
_FROM_THERE = re.compile(r"\bfrom (?:there|that (?:place|town|city))\b|\b(?:wahan|wahaan|vahan|"
                         r"waha|vaha) se\b")
_SIDE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:cm|centimetres?|centimeters?)?\s+(long|wide|high|tall)\b")
_NOT_FRAGILE = re.compile(r"\b(?:not|non|no|isn't|isnt|nahi|nahin)[\s-]+(?:\w+\s+)?fragile\b"
                          r"|\bfragile\s+(?:nahi|nahin|not|no)\b|\bunbreakable\b")


def _plain(name: str) -> str:
    """A town's name in plain letters ("Bilāspur" → "Bilaspur"), as people type it."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or name


def _places(utt: Utterance, ctx: SkillContext) -> dict[str, str]:
    """Destination, and origin when the user says "from X".

    A buyer who was asked where the parcel ships from answers with a bare place: the origin.
    """
    out: dict[str, str] = {}
    awaiting_origin = (ctx.role != "creator" and "destination" in ctx.previous_args
                       and "origin" not in ctx.previous_args)
    pairs = list(zip(utt.place_names, utt.places, strict=False))
    if len(pairs) >= 2 and not re.search(r"\bfrom\b", utt.norm):
        (name_a, place_a), (name_b, place_b) = pairs[:2]
        if re.search(rf"\b{re.escape(name_a)}\s+to\s+{re.escape(name_b)}\b", utt.norm):
            # "shipping to jaipur to kochi": the first town is where it leaves from.
            return {"origin": _plain(place_a.name), "destination": _plain(place_b.name)}
    for name, place in pairs:
        first = re.escape(name.split()[0])
        if "origin" in out:
            said_from = False
        elif re.search(rf"\bfrom\s+(?:the\s+|a\s+|my\s+|our\s+)?(?:\w+\s+){{0,2}}?(?:in|at)\s+"
                       rf"{first}|\bfrom\s+{first}", utt.norm):
            said_from = True  # "from Jaipur", "from the artisan in Jaipur"
        else:
            sent_to = re.search(rf"\b(?:to|tak)\s+{first}", utt.norm)
            # "I'm at the Pune exhibition ... shipping from here to Jaipur": here is Pune
            said_from = not sent_to and (awaiting_origin or bool(_FROM_HERE.search(utt.norm)))
        if said_from:
            out["origin"] = _plain(place.name)
        elif names_the_piece(utt, name, place):
            if ctx.role != "creator" and "origin" not in out:
                out["origin"] = _plain(place.name)  # a buyer's "Agra marble box": made in Agra
        elif "destination" not in out:
            out["destination"] = _plain(place.name)
    return out


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """Places, weight (kg or g), price (₹ or a plain number) and box size (L x W x H cm)."""
    args: dict[str, Any] = dict(_places(utt, ctx))
    there = ctx.previous_args.get("location") or ctx.previous_args.get("region")
    if "origin" not in args and isinstance(there, str) and _FROM_THERE.search(utt.norm):
        args["origin"] = there  # "brass lamps from Moradabad" then "ship one from there"
    if not args:
        # "Goa bhejna hai": a state said by its own name (not through one of its towns) is
        # the destination, which the tool reads as its largest town
        states = [m.entry.canonical for m in Vocabulary.default().find(
            utt.norm, kinds=("region",), fuzzy=False)
            if re.search(rf"\b{re.escape(m.entry.canonical.lower())}\b", utt.norm)]
        if states:
            args["destination"] = states[0]
        elif utt.coordinates:
            args["destination"] = utt.coordinates  # "send to lat 19.07 lon 72.87"
    for q, nxt in zip(utt.quantities, [*utt.quantities[1:], None], strict=False):
        if q.unit == "kg" and "weight_kg" not in args:
            args["weight_kg"] = q.value
            if nxt is not None and nxt.unit == "g" and nxt.span[0] - q.span[1] <= 3:
                args["weight_kg"] = round(q.value + nxt.value / 1000, 3)  # "1 kilo 200 gram"
        elif q.unit == "g" and "weight_kg" not in args:
            args["weight_kg"] = round(q.value / 1000, 3)
        elif q.unit == "inr" and "declared_price" not in args:
            args["declared_price"] = q.value
    if _NOT_FRAGILE.search(utt.norm):
        args["fragile"] = False  # "not fragile", "fragile nahi hai"
    m = _DIMS.search(utt.text.lower())
    if size := intel.dimensions(utt):
        args["dimensions_cm"] = size  # in the unit said: "14 x 10 x 6 inches" is 35.56 cm long
    elif m:
        length, width, height = (float(v) for v in m.groups())
        args["dimensions_cm"] = {"length": length, "width": width, "height": height}
    elif sides := {side: float(v) for v, side in _SIDE.findall(utt.text.lower())}:
        if len(sides) == 3:  # "90 cm long, 10 cm wide, 10 cm high"
            args["dimensions_cm"] = {"length": sides["long"], "width": sides["wide"],
                                     "height": sides.get("high", sides.get("tall", 0.0))}
    plain = [
        q.value
        for q in utt.quantities
        if q.unit is None and not (m and q.span[0] >= m.start() and q.span[1] <= m.end() + 3)
        and not _counts_pieces(utt, q)
    ]
    said = [q.value for q in utt.quantities if q.unit is None and q.value in plain
            and _PRICE_BEFORE.search(utt.digits[:q.span[0]])]
    if said and "declared_price" not in args:
        # "worth 9000", "what if the saree costs 12000": the price, whatever was said before
        args["declared_price"] = said[0]
        plain.remove(said[0])
    if plain:
        # A bare number answers the first numeric slot still open (weight before price).
        have = {**ctx.previous_args, **args}
        for slot in ("weight_kg", "declared_price"):
            if slot not in have and plain:
                # A price is the largest amount: "2 pairs of chappals, 1.2 kilo, 1700" is ₹1700.
                value = plain.pop(0) if slot == "weight_kg" else max(plain)
                if slot == "weight_kg" and value > 100:  # nobody ships 500 kg by courier: a price
                    args["declared_price"] = value
                    break
                args[slot] = value
        money = [q.value for q in utt.quantities
                 if q.unit is None and q.value >= 100 and not _counts_pieces(utt, q)]
        if "declared_price" not in args and "weight_kg" in args and money:
            # "agar 2 saree, 2 kilo, 40 hazaar?": an amount beside a new weight is the new price
            args["declared_price"] = max(money)
    return args


# Words that make the amount after them the parcel's price.
_PRICE_BEFORE = re.compile(r"\b(?:(?:costs?|worth|price[ds]?|valued?|mrp)\s+|"
                           r"(?:sell|sold|selling)(?:\s+(?:it|this|that|them|one))?\s+"
                           r"(?:at|for)\s+)(?:(?:is|at|of|about|around|rs\.?|₹)\s*)*$")


def _counts_pieces(utt: Utterance, q: Any) -> bool:
    """Whether a bare number counts the pieces in the parcel ("1 painting", "2 sarees").

    A number of pieces is neither a weight nor a price.
    """
    m = _PIECES_AFTER.match(utt.digits[q.span[1]:])
    if m is None:
        return False  # "value 4500, box size ...": a comma ends what the number counts
    number = utt.digits[q.span[0]:q.span[1]].strip()
    if re.search(rf"(?<![\d.]){re.escape(number)}\s*(?:rs\.?|rupa?ye|rupees?)?\s*(?:ki|ka|ke|wali|"
                 rf"wala|waali|waala)\b", (utt.said or "").lower()):
        return False  # "10900 ki saree": a saree worth 10900, not 10900 sarees
    if m.group(1).split()[0] in _CONTAINERS:
        return True  # "ek parcel" (1 parcel), "2 boxes": how many parcels, not a price
    kinds = ("product", "category")
    return any(found.start == 0 for found in Vocabulary.default().find(
        m.group(1), kinds=kinds, fuzzy=False))


# What a parcel is packed in: a count before these counts parcels ("1 parcel bhejna hai").
_CONTAINERS = frozenset("parcel parcels box boxes package packages packet packets carton cartons "
                        "dabba dabbe consignment consignments bundle bundles".split())
# The words right after a count: "1 painting", "3 pairs of chappals", "2 sarees".
_PIECES_AFTER = re.compile(
    r"\s*(?:(?:pairs?|sets?|pieces?|pcs|nos)\s+(?:of\s+)?)?([a-z]+(?: [a-z]+)?)")


def cued(utt: Utterance) -> bool:
    """A parcel: where it goes, and what it weighs or which listing it is.

    "kitne din me pahunchegi, 1.5 kilo, Mumbai", "the best way to ship p-00140 to delhi".
    """
    args = fill(utt, SkillContext("", "creator"))
    if "destination" not in args:
        return False
    if "weight_kg" in args or any(i.startswith("p-") for i in utt.ids):
        return True
    if not _SHIPPING_WORDS.search(utt.norm):
        return False
    # "what's the shipping to Bengaluru for a Dhokra horse": a parcel and where it goes
    return "declared_price" in args or bool(re.search(
        rf"\b(?:to|tak)\s+{re.escape(str(args['destination']).split()[0].lower())}", utt.norm))


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """The best offer, the runner-up, and any warning or saving."""
    dest = result.get("destination", {}).get("name", args.get("destination", "there"))
    # An origin nobody said is the caller's registered address: say it, so it can be corrected.
    home = result.get("origin", {}).get("name") if "origin" not in args else None
    text = (
        f"Cheapest within a week: {result['provider']} at ₹{result['optimal_cost']:,.0f}, "
        f"about {result['delivery_days']} days to {dest}{f' from {home}' if home else ''} "
        f"({result['cost_percentage']:.0f}% of the price)."
    )
    others = [q for q in result.get("all_quotes", []) if q["provider"] != result["provider"]][:2]
    if others:
        text += (
            " Also: "
            + ", ".join(
                f"{q['provider']} ₹{q['cost']:,.0f} ({q['delivery_days']} days)" for q in others
            )
            + "."
        )
    if result.get("warning"):
        text += f" {result['warning']} {result.get('suggestion') or ''}".rstrip()
    if result.get("bulk_savings"):
        text += f" Shipping it with your pending orders there saves ₹{result['bulk_savings']:,.0f}."
    if result.get("fallback_reason"):
        text += " (Courier APIs did not answer; these are rate-card prices.)"
    return text


SKILL = Skill(
    tool="shipping_quote",
    fill=fill,
    describe=describe,
    cued=cued,
    questions={
        "destination": "Where should it go? Tell me the city or town.",
        "weight_kg": "How much does the packed parcel weigh, in kg?",
        "declared_price": "What is the item's price in rupees?",
        "origin": "Where does it ship from? Tell me the maker's town or city.",
    },
    required=_ORDER,
    # "from Jaipur" after a quote from the median workshop, "and to Pune?": the same parcel
    refines=("origin", "destination"),
)
