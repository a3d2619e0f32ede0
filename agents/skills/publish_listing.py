"""Skill: ``publish_listing`` — "publish it", "change the price to 1200 first" (confirms first)."""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext

_PUBLISH = re.compile(r"\b(publish|go live|make it live|put it up|list it|live karo|daal do|"
                      r"live do|live kardo|put (?:it )?live|"
                      r"live kar|on the (?:store|shop|site|website)|make (?:it |p \w+ )?live|"
                      r"activate|"
                      # "make p-02090 visible to buyers", "make it public", "unhide it"
                      r"make (?:it |this |that |p \w+ )?(?:visible|public)|unhide|"
                      r"(?:visible|available) to (?:buyers|customers|everyone|all|the public))\b")


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """The draft named (or the one being discussed) and a price to set first, if said."""
    args: dict[str, Any] = {}
    named = [i for i in utt.ids if i.startswith("p-")]
    if named:
        args["listing_id"] = named[0]
    elif ctx.previous_args.get("listing_id"):
        args["listing_id"] = ctx.previous_args["listing_id"]
    elif str(ctx.previous_args.get("product_id", "")).startswith("p-"):
        args["listing_id"] = ctx.previous_args["product_id"]  # its price set, "ab publish kar do"
    said = [q for q in utt.quantities
            if not re.search(r"\b(?:not|nahi|instead of|rather than)\s*(?:rs\.?|₹)?\s*$",
                             utt.digits[:q.span[0]])]  # "at 6,200 not 6,750"
    amounts = [q.value for q in said if q.unit == "inr"] or [
        q.value for q in said if q.unit is None and q.value >= 10
    ]
    if amounts:
        args["price"] = amounts[-1]
    elif ctx.previous_args.get("price") and args.get("listing_id") == ctx.previous_args.get(
            "listing_id"):
        # "ok looks fine, publish it" after the draft's price was set: at that price
        args["price"] = ctx.previous_args["price"]
    return args


def cued(utt: Utterance) -> bool:
    """"publish", "go live", "put it up"."""
    return bool(_PUBLISH.search(utt.norm))


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """Live, at what price, with its authenticity score and its page."""
    score = result.get("authenticity_score")
    shown = f" Authenticity score: {score:.0f}/100." if isinstance(score, int | float) else ""
    review = " It will also get a quick manual review." if result.get(
        "requires_manual_review") else ""
    return (f"Published {result['product_id']} “{result['title']}” at ₹{result['price']:,.0f}; "
            f"buyers can find it now.{shown}{review} Its page: {result['url']}")


SKILL = Skill(
    tool="publish_listing",
    fill=fill,
    describe=describe,
    questions={"listing_id": "Which draft should I publish? Its id looks like p-00412."},
    cued=cued,
)
