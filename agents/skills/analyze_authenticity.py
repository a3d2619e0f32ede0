"""Skill: ``analyze_authenticity`` — "is my photo up-… hand-made looking? it's a saree"."""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext
from agents.skills import _intelligence as intel
from agents.skills._images import image_refs

_TECHNIQUES = (
    "hand weaving",
    "hand painting",
    "hand carving",
    "block printing",
    "embroidery",
    "wheel throwing",
    "glazing",
    "lacquerware",
    "wood turning",
    "inlay",
    "tie dye",
    "hand knotting",
    "filigree",
    "casting",
    "mirror work",
)


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """Images, the category, claimed techniques and a product id, where said."""
    args: dict[str, Any] = {}
    refs = image_refs(utt.text)
    if refs:
        args["images"] = refs
    # The product noun decides ("lamp shade" is home decor, not the brass of a lamp).
    if cat := intel.category(utt):
        args["category"] = cat
    claimed = [t for t in _TECHNIQUES if t in utt.norm]
    if claimed:
        args["claimed_techniques"] = claimed
    products = [i for i in utt.ids if i.startswith("p-")]
    if products:
        args["product_id"] = products[0]
    return args


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """The score, what it rests on, and whether a moderator will look."""
    score = result["authenticity_score"]
    ind = result.get("handmade_indicators", {})
    marks = len(ind.get("tool_marks", []))
    flags = result.get("mass_production_flags", [])
    parts = [
        f"Authenticity score: {score:.0f} out of 100 "
        f"(confidence {result.get('confidence', 0):.0%})."
    ]
    parts.append(
        f"I found {marks} tool mark{'s' if marks != 1 else ''}, texture irregularity "
        f"{ind.get('texture_irregularity', 0):.2f} and colour variation "
        f"{ind.get('color_variation', 0):.2f}."
    )
    if result.get("style_consistency") is not None:
        parts.append(f"Style match with your earlier photos: {result['style_consistency']:.0%}.")
    if flags:
        parts.append("Signs of machine work: " + "; ".join(flags[:2]) + ".")
    if result.get("requires_manual_review"):
        parts.append("Because the score is below 60, the listing goes to manual review.")
    return " ".join(parts)


def cued(utt: Utterance) -> bool:
    """Photo keys with no seller named: "vision check for img-… (pottery)"."""
    return bool(image_refs(utt.text)) and not any(i.startswith("c-") for i in utt.ids)


_TAKEN = re.compile(r"\b(?:stole\w*|steal\w*|cop(?:y|ied|ying)|lifted|chori|chura\w*|using my|"
                    r"uses my|theft)\b")


def sure(utt: Utterance) -> bool:
    """Two photos or more of one's own and no one accused: a look at the work.

    "meri saree ki photo img-… aur img-… check karo": a theft check compares one photo with
    one seller.
    """
    return len(image_refs(utt.text)) > 1 and cued(utt) and not _TAKEN.search(utt.norm)


SKILL = Skill(
    tool="analyze_authenticity",
    cued=cued,
    sure=sure,
    fill=fill,
    describe=describe,
    questions={
        "images": "Please upload the photo first and tell me its id "
        "(it looks like up-1a2b3c4d5e6f7a8b).",
        "category": "What kind of product is it: textiles, pottery, painting, woodwork, "
        "metalware…?",
    },
)
