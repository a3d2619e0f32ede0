"""Skill: ``recommend_similar`` — "show me things like p-00012"."""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext

_SHARED = {"nearby": "made nearby"}


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """The product id the user names."""
    products = [i for i in utt.ids if i.startswith("p-")]
    return {"product_id": products[0]} if products else {}


def _why(shared: list[str]) -> str:
    parts = [
        _SHARED.get(s, s.replace("craft:", "same craft, ").replace("material:", "also "))
        for s in shared[:2]
    ]
    return "; ".join(parts)


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """The first few with the reason each was picked."""
    products = result.get("products", [])
    if not products:
        return f"I found nothing similar to {result.get('product_id', 'that')} right now."
    shown = "; ".join(
        f"{p['title']} (₹{p['price']:,.0f}, {p['id']}: {_why(p['shared'])})" for p in products[:3]
    )
    return f"Similar to {result['product_id']}: {shown}."


_LIKE = re.compile(r"\b(like|similar|same as|resembl\w*|matching|alike|related|same style|"
                   r"comparable|same kind|what else|anything else|in that style|in the same|"
                   r"close to (?:it|this|that))\b")


# Likeness to a piece pointed at rather than named: "more like the one I was looking at",
# "similar to this", "iske jaise" (glossed "its like"), "इससे मिलती-जुलती" ("isase similar").
_LIKE_THIS = re.compile(
    r"\b(?:like|similar to|same as|matching)\s+(?:the one|this|that|it|these|those|the last|"
    r"the previous|the earlier|what i saw|what i was)\b"
    r"|\b(?:its|this|that|isase|isse|iske|uske|usase|usse)\s+(?:like|similar)\b")


def cued(utt: Utterance) -> bool:
    """A product with a word of likeness: by id ("p-00365 jaise aur chappal", "things like p-12").

    Or pointed at ("more like the one I was looking at"): then the product is the one shown, or
    the one the user is asked for.
    """
    if any(i.startswith("p-") for i in utt.ids):
        return bool(_LIKE.search(utt.norm))
    return bool(_LIKE_THIS.search(utt.norm))


# Likeness beyond doubt, said of a product named by id: "p-02940 is sold, what else is close
# to it?" (not "I'd like to ship p-00140", nor a price, a parcel or a listing to change)
_SURE_LIKE = re.compile(r"\b(?:similar|comparable|what else|anything else|"
                        r"close to (?:it|this|that)|same style|same kind|more like|alike|"
                        r"resembl\w*)\b")
_OTHER_TASK = re.compile(r"\b(?:ship\w*|courier|send|price|cost|publish|update|change|fraud|"
                         r"photo|image|stole|copied|listing|draft)\b")


def sure(utt: Utterance) -> bool:
    """One product named by id, with words asking for others like it and for nothing else."""
    named = [i for i in utt.ids if i.startswith("p-")]
    return len(named) == 1 and len(utt.ids) == 1 and bool(_SURE_LIKE.search(utt.norm)) \
        and not _OTHER_TASK.search(utt.norm)


SKILL = Skill(
    cued=cued,
    sure=sure,
    tool="recommend_similar",
    fill=fill,
    describe=describe,
    questions={"product_id": "Which product should I match? Tell me its id, like p-00012."},
)
