"""Skill: ``create_listing`` — "I want to list a new terracotta horse, 30 cm tall…".

The first turn hands the creator's words to the tool, which reads the attributes itself. The
reply reads the draft back briefly and asks for the first missing field; the answer to that
question ("1500", "40 by 30 cm", a photo's upload id) amends the same draft.
"""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance, price_bounds
from agents.nlu.skill import Skill, SkillContext
from agents.skills import _intelligence as intel
from agents.skills._images import image_refs
from agents.state import PendingCall
from domain.listing_attributes import extract

_UPLOAD = re.compile(r"\bup-[0-9a-f]{16}\b")
_NEW = re.compile(r"\b(new|another|one more|list a|list my|add a|add my|sell a|naya|nayi|ek aur)\b")
QUESTIONS = {
    "category": "What kind of piece is it: pottery, textiles, painting, jewellery…?",
    "materials": "What is it made of?",
    "price": "What price would you like to sell it for, in rupees?",
    "images": "Please add a photo of it: use the 📎 button to upload one.",
    "dimensions_cm": "How big is it, in cm? For example: 40 by 30 cm.",
    "weight_kg": "About how much does it weigh?",
}


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """The words themselves; on a follow-up about a draft, also the fields they give."""
    args: dict[str, Any] = {"description": (utt.said or utt.text).strip()[:4000]}
    if m := _TITLE.search(utt.said or utt.text):
        args["title"] = m.group(1).strip()
    uploads = image_refs(utt.text)  # uploads (up-…) and the creator's own photo keys (img-…)
    if uploads:
        args["images"] = list(dict.fromkeys(uploads))
    draft = ctx.previous_args.get("listing_id")
    named = next((i for i in utt.ids if i.startswith("p-")), None)
    # "make a draft listing of it at 5200", "isi price pe listing bana do" after pricing a piece
    same = bool(ctx.previous_args.get("category")) and bool(
        _THE_SAME_PIECE.search(utt.norm) or intel.THAT_PRICE.search(utt.norm))
    if named and (_DRAFT.search(utt.norm) or not _NEW.search(utt.norm)):
        draft = named  # "in my draft p-00017, add that it is 30 cm wide", "p-00923 ready hai"
    elif not draft and not uploads and "title" not in args and not _says_what_it_is(utt) \
            and not same:
        return {}  # "I want to list something": ask what the piece is before making a draft
    if not draft or (_NEW.search(utt.norm) and not named):
        args["listing_id"] = None  # a new piece: never amend the previous draft
        # What kind of piece and its price, said plainly, go in as fields too ("a wooden
        # elephant toy" is a toy; Hinglish is read through its English gloss).
        if category := intel.category(utt):
            args["category"] = category
        price = extract(utt.said or utt.text).price or next(
            (q.value for q in utt.quantities if q.unit == "inr"), None)
        if price is None:
            # "..., cotton, 3200": a lone amount is the price; never a side of "60 by 90 cm"
            sizes = [m.span() for m in _SIZE_SAID.finditer(utt.digits)]
            bare = [q.value for q in utt.quantities if q.unit is None and q.value >= 100
                    and not any(a <= q.span[0] < b for a, b in sizes)]
            price = bare[-1] if bare else None
        if price:
            args["price"] = price
        said = extract(utt.said or utt.text)
        gloss = extract(utt.text) if utt.said and utt.said != utt.text else said
        for name in ("weight_kg", "production_hours"):  # what the draft's reply reads back
            value = getattr(said, name)
            value = value if value is not None else getattr(gloss, name)  # "छह सौ ग्राम"
            if value is not None:
                args[name] = value
        if same and "price" not in args and intel.THAT_PRICE.search(utt.norm) \
                and isinstance(suggested := ctx.previous_args.get("declared_price"), int | float):
            args["price"] = float(suggested)  # "isi price pe listing bana do": the price given
        if same:  # that piece's facts
            for name in _PRICED_FACTS:
                if name in ctx.previous_args and name not in args:
                    args[name] = ctx.previous_args[name]
        return args
    args["listing_id"] = draft
    said = extract(utt.text)
    for name in ("materials", "techniques", "colors", "weight_kg", "production_hours", "price",
                 "category"):
        value = getattr(said, name)
        if value not in (None, []):
            args[name] = value
    if said.dimensions_cm:
        args["dimensions_cm"] = said.dimensions_cm
    if "price" not in args:
        bare = [q.value for q in utt.quantities if q.unit in (None, "inr") and q.value >= 10]
        if bare and len(utt.norm.split()) <= 6:
            args["price"] = bare[-1]  # "1500", "make it 1500 rupees": the price asked for
    return args


_LISTING_WORDS = re.compile(
    r"\b(list|listing|add|upload|put up|post|sell|daal|dalna|dalo)\b.*\b(my|new|naya|nayi|naye)\b"
    r"|\b(my|new|naya|nayi|naye)\b.*\b(list|listing|upload|put up|post|daal|dalna|dalo)\b"
    r"|\bnew (?:product|listing|item|piece)\b"
    # "iski listing bana do" (glossed "listing make"), "create a listing for my stole"
    r"|\blisting\s+(?:make|made|create|banao|bana)\b|\b(?:make|create) (?:a |the )?listing\b")
# A size said whole: "60 by 90 cm", "120 x 180", "30x20x10 cm"
_SIZE_SAID = re.compile(r"\d+(?:\.\d+)?\s*(?:cm|inch|in|ft)?\s*(?:x|by|\*)\s*\d+(?:\.\d+)?"
                        r"(?:\s*(?:cm|inch|in|ft)?\s*(?:x|by|\*)\s*\d+(?:\.\d+)?)?"
                        r"(?:\s*(?:cm|mm|inch\w*|in|ft|feet)\b)?")
# Putting a piece up at a price: "sell … for 1200", "put up … priced 7200", "list it at 900"
_SELL_AT = re.compile(r"^(?:please\s+|pls\s+)?(?:sell|put up|list|post)\b(?!\s+me\b).*"
                      r"\b(?:for|at|priced|price|price is|rate)\s*(?:rs\.?|₹)?\s*\d")
_DRAFT = re.compile(r"\b(?:draft|drafts|listing)\b")
_AMEND = re.compile(r"\b(?:add|write|mention|include|put in|update|edit|change|fix|set|"
                    r"put(?! (?:it |this |that )?(?:up|live|online)\b)|likh\w*|jod\w*)\b")
# A listing asked for by name: "make a listing: ...", "new listing", "listing bana do"
_MAKE_A_LISTING = re.compile(r"\b(?:make|create|start|open|draft)\s+(?:a\s+|my\s+|new\s+)*"
                             r"listing\b|\bnew listing\b|\blisting\s+(?:bana\w*|kar\w*)\b")
# "list kolhapuri tan chappal 1350": a piece to list and its price, last
_LIST_PRICED = re.compile(r"^(?:please\s+|pls\s+)?(?:list|post|put up)\b(?!\s+(?:me|all|the|my "
                          r"orders?|orders?)\b).*\D(\d{3,6})\s*(?:rs\.?|rupees?|/-|₹)?$")
# "make the title 'Channapatna doll'", "change the title to “Emerald vase”", "call it 'X'"
_TITLE = re.compile(r"\b(?:title|call it|name it)\b[^'\"“‘]{0,20}['\"“‘]([^'\"”’]{3,200})['\"”’]",
                    re.I)


def _says_what_it_is(utt: Utterance) -> bool:
    """Whether the words describe a piece at all (a kind, craft, material, size or price)."""
    if utt.categories or utt.crafts or intel.category(utt) or utt.quantities:
        return True
    said = extract(utt.said or utt.text)
    return bool(said.materials or said.techniques or said.colors or said.price)


# A listing "of it", "for this piece": the piece of the previous call (a golden price's).
_THE_SAME_PIECE = re.compile(r"\b(?:of|for|with)\s+(?:it|this|that|the same)\b|\blist it\b")
_PRICED_FACTS = ("category", "materials", "weight_kg", "production_hours")


def sure(utt: Utterance) -> bool:
    """A title given in quotes, or a change to a draft named by its id.

    ("change the title to 'Emerald green vase'", "add price 1500 to my draft p-00544").
    """
    if _TITLE.search(utt.said or utt.text):
        return True
    if not utt.ids and _SELL_AT.search(utt.digits) and (intel.category(utt) or utt.crafts):
        return True  # "sell kolhapuri chappals size 8 tan for 1200", "put up a saree, priced 7200"
    if not utt.ids and _MAKE_A_LISTING.search(utt.norm):
        return True  # "make a listing: pattachitra wall hanging ... photo img-…"
    if not utt.ids and _LIST_PRICED.search(utt.digits.strip()) and (
            intel.category(utt) or utt.crafts) and price_bounds(utt.digits) == (None, None):
        return True  # "list kolhapuri tan chappal 1350" (not "list chappals under 1350")
    return (any(i.startswith("p-") for i in utt.ids) and bool(_DRAFT.search(utt.norm))
            and bool(_AMEND.search(utt.norm)))


def cued(utt: Utterance) -> bool:
    """A photo's upload id sent on its own, or a new piece of one's own to be listed.

    ("list my dhokra horse, brass, 2 kg").
    """
    if _UPLOAD.search(utt.text):
        return True
    if any(i.startswith("p-") for i in utt.ids) and _DRAFT.search(utt.norm):
        return bool(_AMEND.search(utt.norm))  # "in my draft p-00017, add that it is 30 cm wide"
    return bool(_LISTING_WORDS.search(utt.norm)) and bool(intel.category(utt) or utt.crafts)


def _money(value: float) -> str:
    return f"₹{value:,.0f}"


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """The draft read back in one or two lines, then the first question."""
    data = result.get("product_data", {})
    bits = [data.get("category") or ""]
    bits += data.get("materials", [])[:2]
    dims = data.get("dimensions_cm") or {}
    if dims:
        bits.append(" × ".join(f"{v:g}" for v in dims.values()) + " cm")
    if data.get("weight_kg"):
        bits.append(f"{data['weight_kg']:g} kg")
    if data.get("production_hours"):
        bits.append(f"{data['production_hours']:g} h of work")
    if data.get("price"):
        bits.append(_money(data["price"]))
    verb = "Draft" if result.get("created") else "Updated draft"
    said = ", ".join(b for b in bits if b)
    text = f"{verb} {result['listing_id']}: “{data.get('title', '')}” ({said})."
    if result.get("guessed"):
        text += f" I understood {'; '.join(result['guessed'][:2])}."
    missing = result.get("missing_fields") or []
    if not missing:
        return text + " Everything a buyer needs is there. Shall I publish it? Say “publish it”."
    question = QUESTIONS.get(missing[0], f"What is the {missing[0].replace('_', ' ')}?")
    if missing[0] == "price" and result.get("suggested_price"):
        rng = result.get("price_range") or {}
        fair = f" (fair range {_money(rng['min'])}–{_money(rng['max'])})." if rng else "."
        question += f" I'd suggest {_money(result['suggested_price'])}{fair}"
    return f"{text} {question}"


def follow_up(args: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """State for the next turn: the question asked waits for its answer on this draft."""
    listing = {"listing_id": result["listing_id"], "description": args.get("description", "")}
    # The piece's facts stay for a later turn about it ("what should its price be").
    extracted = result.get("extracted") or {}
    facts = {k: args.get(k) or extracted.get(k)
             for k in ("category", "materials", "weight_kg", "production_hours")}
    facts = {k: v for k, v in facts.items() if v not in (None, [], "")}
    # The draft's price: "ok, publish it" then publishes at the price it was given.
    price = (result.get("product_data") or {}).get("price") or args.get("price")
    if isinstance(price, int | float) and price > 0:
        facts["price"] = float(price)
    updates: dict[str, Any] = {"last_tool": "create_listing", "last_args": {**facts, **listing}}
    missing = result.get("missing_fields") or []
    if missing:
        pending: PendingCall = {"tool": "create_listing", "args": listing, "missing": missing[:1]}
        updates["pending"] = pending
    return updates


SKILL = Skill(
    tool="create_listing",
    fill=fill,
    describe=describe,
    questions={"description": "Tell me about the piece: what it is, what it's made of, its size."},
    cued=cued,
    sure=sure,
    follow_up=follow_up,
)
