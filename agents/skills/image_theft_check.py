"""Skill: ``image_theft_check`` — "c-0123 is using my photo up-…"."""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext
from agents.skills._images import image_refs


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """The photo and the reported seller (a creator id other than the speaker)."""
    args: dict[str, Any] = {}
    refs = image_refs(utt.text)
    if refs:
        args["image"] = refs[0]
    sellers = [i for i in utt.ids if i.startswith("c-") and i != ctx.user_id]
    if sellers:
        # "complaint from c-0074: seller c-0190 copied the photo": the one who complains owns
        # the photo; the seller reported is another id, when the turn names one.
        owners = {f"c-{int(n):04d}" for m in _COMPLAINANT.finditer(utt.text.lower())
                  for n in m.groups() if n}
        # "c-0075 says c-0158 stole the photo": the one who took it is the one reported
        took = {f"c-{int(m.group(1)):04d}" for m in _TOOK.finditer(utt.text.lower())}
        reported = ([i for i in sellers if i in took] or [i for i in sellers if i not in owners]
                    or sellers)
        args["reported_seller_id"] = reported[0]
    return args


# An id said as the one who complains or owns the photo, not the seller reported.
_COMPLAINANT = re.compile(
    r"\b(?:complaint|complain\w*|report|reported|message|mail|email|request|query)\s+"
    r"(?:is\s+|came\s+)?(?:from|by)\s+(?:creator\s+|seller\s+|artisan\s+)?c\s?-?\s?(\d{1,4})\b"
    r"|\bc\s?-?\s?(\d{1,4})\s*(?:'s|s)\s+(?:own\s+|original\s+)?(?:photo|image|picture|pic)\b")


_TOOK = re.compile(r"\bc\s?-?\s?(\d{1,4})\s+(?:has\s+|have\s+|is\s+|was\s+)?(?:stole|stolen|"
                   r"steals|copied|copies|copying|lifted|reused|reusing|using|uses|took|taken)\b")


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """The verdict in words, with the matching listings."""
    seller = result["reported_seller_id"]
    sim = result["similarity"]
    theirs = [m for m in result.get("matches", []) if m.get("seller_id") == seller]
    if result.get("flagged"):
        listed = ", ".join(m["product_id"] for m in theirs[:3] if m.get("product_id"))
        return (
            f"Yes: {seller} shows a copy of that photo (similarity {sim:.0%})"
            + (f" on {listed}" if listed else "")
            + ". I flagged the account for a moderator."
        )
    others = len(result.get("matches", []))
    extra = (
        f" It does closely match {others} other listing photo{'s' if others != 1 else ''}."
        if others
        else ""
    )
    return (
        f"I did not find that photo on {seller}'s listings (best similarity {sim:.0%}, "
        f"the bar is 90%).{extra}"
    )


_THEFT_WORDS = re.compile(
    r"\b(stol\w*|steal\w*|theft|copied|copy|copying|reuse\w*|compare|match\w*|same photo|"
    r"someone else|chori|duplicate|lifted|plagiar\w*)\b")


def cued(utt: Utterance) -> bool:
    """A photo key with words of copying or a seller id ("compare img-… against c-0297")."""
    if not image_refs(utt.text):
        return False
    return bool(_THEFT_WORDS.search(utt.norm)) or any(i.startswith("c-") for i in utt.ids)


SKILL = Skill(
    tool="image_theft_check",
    cued=cued,
    fill=fill,
    describe=describe,
    questions={
        "image": "Please upload your original photo and tell me its id (like up-1a2b3c4d5e6f7a8b).",
        "reported_seller_id": "Which seller is using it? Please give their id, like c-0123.",
    },
)
