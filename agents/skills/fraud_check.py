"""Skill: ``fraud_check`` — "check seller c-0297 for fraud" (admins only)."""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext
from agents.skills._images import image_refs

_ACTION = {
    "no_action": "no action is needed",
    "warning": "a warning is advised",
    "manual_review": "a moderator should review the account",
    "suspend": "suspension is recommended (a moderator confirms it)",
}


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """The seller id."""
    sellers = [i for i in utt.ids if i.startswith("c-")]
    return {"seller_id": sellers[0]} if sellers else {}


_FRAUD_WORDS = frozenset(
    "fraud fraudulent scam scammer fake suspend suspension ban block complaint complaints "
    "suspicious investigate investigation reseller reselling dodgy cheat cheating risk risky "
    "trust trustworthy genuine legit legitimate dhokha fishy shady garbar gadbad gadbadi "
    "suspect bots bot manipulated genuinely jaanch janch jaach jaanch".split()
) | {"flags", "flag", "flagged"} | {  # "c-0082, any red flags?"
    # the signals the check reads: "check c-0201 for duplicate images and price anomalies"
    "duplicate", "duplicates", "duplicated", "anomaly", "anomalies", "anomalous", "outliers"}
# Words that say plainly something is wrong (not "check", not "trust": "can I trust this seal").
_WRONG_WORDS = frozenset(
    "fraud fraudulent scam scammer fake suspicious dodgy cheat cheating fishy shady garbar "
    "gadbad gadbadi dhokha manipulated bots complaints complaint flipping reselling reseller "
    "resells".split()
)
# Photos like someone else's, said of a seller's listings (plural: "copy that photo" is the
# photo just talked about, for an image theft check)
_COPIED = re.compile(r"\bsame (?:photos|pictures|pics|images) as\b|\bcop(?:y|ied|ying|ies)\b"
                     r"(?: \w+){0,3} (?:photos|pictures|pics|images)\b")
# A look at how a seller's account behaves: "c-0297 put up 64 listings in a day, check it"
_CHECK_THE_ACCOUNT = re.compile(
    r"\b(?:check|verify|look into|review|audit|examine)\b.*\b(?:listings?|reviews?|ratings?|"
    r"sales|account|profile|shop)\b|\b(?:listings?|reviews?|ratings?|sales|account|profile)\b"
    r".*\b(?:check|verify|look into|review|audit|examine)\b")
_GOOD_FAITH = frozenset("legit legitimate genuine trustworthy trusted reliable honest".split())
_SELLER = re.compile(r"\b(?:sellers?|vendors?|shops?|accounts?|vikreta|creators?|artisans?)\b")


def cued(utt: Utterance) -> bool:
    """A seller id said with words of fraud.

    ("should we suspend c-0297", "complaints against c-0142").
    """
    if not any(i.startswith("c-") for i in utt.ids):
        return False
    # "their listing has the same photos as a Kanchipuram weaver's": duplicate images, no photo
    return bool(_FRAUD_WORDS & set(utt.norm.split())) or (
        bool(_COPIED.search(utt.norm) or _CHECK_THE_ACCOUNT.search(utt.norm))
        and not image_refs(utt.text) and not any(i.startswith("p-") for i in utt.ids))


def sure(utt: Utterance) -> bool:
    """A seller (by id or by the word) said with words that something is wrong with them.

    "c-0244 ke saare reviews ... fishy lag raha", "a seller whose reviews all come from new
    accounts, check them for fraud" (then the id is asked for).
    """
    words = set(utt.norm.split())
    seller = any(i.startswith("c-") for i in utt.ids) or bool(_SELLER.search(utt.norm))
    if any(i.startswith("p-") for i in utt.ids) or image_refs(utt.text):
        return False  # a listing or a photo named: the complaint is about that (theft, a price)
    copied = any(i.startswith("c-") for i in utt.ids) and bool(_COPIED.search(utt.norm))
    # "is seller 1420 genuine?", "is c-0297 legit": a seller's good faith, asked outright
    vouched = any(i.startswith("c-") for i in utt.ids) and bool(_GOOD_FAITH & words)
    return (seller and bool(_WRONG_WORDS & words)) or copied or vouched


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """Scores, the rules that fired, the recommended action."""
    rules = result.get("rules_triggered", [])
    ev = result.get("evidence", {})
    complaints = ev.get("buyer_complaints", {}).get("count", 0)
    text = (
        f"{result['seller_id']}: fraud risk {result['fraud_risk_score']:.0f}/100, "
        f"reseller score {result['reseller_score']:.0f}/100; "
        f"{_ACTION[result['recommended_action']]}."
    )
    if rules:
        text += " Why: " + "; ".join(r.split(":", 1)[1].strip() for r in rules[:3]) + "."
    else:
        text += f" No rule fired; {complaints} buyer complaint{'s' if complaints != 1 else ''}."
    if result.get("review_id"):
        text += f" Opened review case {result['review_id']}."
    return text


SKILL = Skill(
    tool="fraud_check",
    fill=fill,
    describe=describe,
    questions={"seller_id": "Which seller should I check? Please give their id, like c-0123."},
    cued=cued,
    sure=sure,
)
