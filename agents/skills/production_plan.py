"""Skill: ``production_plan`` — "how many diyas should I make for Diwali", "I plan 50 sarees"."""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext
from agents.skills import _intelligence as intel

_CAPITAL = re.compile(r"(capital|budget|savings|invest|money|fund|afford|total of|in hand|spend|"
                      r"put in|to put|pour in|set aside|lagana|laga sakt)")
_SELL = re.compile(r"(sell|selling|sold|price|charge|mrp)")
# "150 each", "costing 150": a unitless number that is the cost of one piece.
# "150 each", "150/piece", "rs 150 per pc", "150 a set": what one piece costs (not per day).
_UNIT_COST_AFTER = re.compile(
    r"\s*(?:rs\.?|rupees?|₹|/-)?\s*(?:(?:making\s+)?(?:cost|lagat|kharcha)\s+)?"
    r"(?:each|apiece|a (?:piece|unit|pc|set|pair|item)|"
    r"(?:per|/)\s*(?!day|week|month|year|hour|km|kg)[a-z]+)\b")
_UNIT_COST_BEFORE = re.compile(
    r"(?:\b(?:costing|costs|cost|cost of|at|lagat|per piece cost|per (?:piece|pc|unit|item)|"
    r"cost (?:becomes|goes to|goes up to|rises to|will be|is now))|@)"
    r"(?:\s+(?:me|us|is|of|about|around|only|roughly|rs\.?|₹|per [a-z]+))*\s*$")
# "cost 125000 total", "total cost of 60000", "1.2 lakh in all": what the whole batch costs
_TOTAL_AFTER = re.compile(r"^\s*(?:rs\.?|rupees?|₹)?\s*(?:total|in total|in all|altogether|"
                          r"all together|"
                          r"for all|for the (?:whole|lot|batch))\b")
_TOTAL_BEFORE = re.compile(r"\b(?:total|whole|overall)\s+(?:making\s+)?(?:cost|lagat|expense)s?"
                           r"(?:\s+(?:of|is|will be|comes to|about|around|rs\.?|₹))*\s*$")
# "25 in stock", "25 pairs are still lying in the godown", "10 pieces left over"
_STOCK_AFTER = re.compile(r"^\s*(?:\w+\s+){0,3}?(in stock|left|ready|already|unsold|lying|"
                          r"in (?:the )?(?:godown|godam|warehouse|shop|store)|"
                          # "5 in hand" (pieces; "60k in hand" is money, read first)
                          r"(?:in|on) hand)")
# "i have 60k", "1.5 lakh with me": money, not pieces in stock (pieces are named after the count)
_MONEY_AFTER = re.compile(r"^\s*(?:rs\.?|rupees?|rupaye|₹|with me|in hand|only|and|to|so|$|[,.?!])")
_PEOPLE_AFTER = re.compile(r"^\s*(?:women|men|ladies|people|artisans|karigars?|workers|weavers|"
                           r"members|log|families)\b")
_SELL_BEFORE = re.compile(
    r"\b(?:sell|sells|selling|sold|mrp|sale price)\s+(?:(?!cost|lagat)\w+\s+)?"
    # "selling price i keep 1800", "sale price will be 900", "mrp is 650"
    r"(?:(?:i|we)\s+(?:will\s+)?(?:keep|set|put|charge|take|ask)\s+|is\s+|will be\s+|of\s+)?"
    r"(?:at|for|in|rs\.?)?\s*$")
# Words that say a count is a batch to make ("75 dhokra elephants ... order", "12 dupatte banane")
_MAKING = re.compile(r"\b(?:make|making|produce|production|batch|order|plan|planning|weave|"
                     r"paint|stitch|carve|cast)\b")


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """Category, how many to make, unit cost, stock on hand, capital, selling price, region."""
    args: dict[str, Any] = {}
    if cat := intel.category(utt):
        args["category"] = cat
        if intel.category_guessed(utt) and ctx.previous_args.get("category"):
            args["category"] = ctx.previous_args["category"]  # brass diyas, talked about before
    total: float | None = None
    for a in intel.amounts(utt):
        near_before = a.before[-22:]
        if a.unit in (None, "inr") and a.value >= 100 and (
                _TOTAL_AFTER.match(a.after) or _TOTAL_BEFORE.search(a.before[-30:])):
            total = a.value
        if a.unit is None and (a.value == 1 or _PEOPLE_AFTER.match(a.after)):
            continue  # "ek stole 1100 ka padta hai", "a group of 6 women": no batch size
        if a.unit in (None, "inr") and _SELL_BEFORE.search(a.before):
            args.setdefault("unit_price", a.value)  # "i sell at 4500", "bechungi 1200 mein"
            continue
        if a.unit in (None, "inr") and _UNIT_COST_AFTER.match(a.after):
            args.setdefault("unit_cost", a.value)  # "3200 each, capital 80000": not the capital
            continue
        if a.unit in (None, "inr") and _UNIT_COST_BEFORE.search(near_before) \
                and not _CAPITAL.search(near_before[-12:]) and "unit_cost" not in args:
            args["unit_cost"] = a.value  # "per piece cost 4000, budget 1 lakh": not the budget
            continue
        if a.value >= 1000 and _CAPITAL.search(a.after[:14]) and "capital" not in args:
            args["capital"] = a.value  # "i have only 30000 capital"
            continue
        if a.unit == "inr" or (a.value >= 1000 and _CAPITAL.search(near_before)):
            if _CAPITAL.search(near_before) or _CAPITAL.search(a.after[:12]) or (
                    a.value >= 1000 and re.search(r"\b(?:have|got|hold)\s*(?:only|just|about)?\s*$",
                                                  near_before)
                    and "capital" not in args):
                # "I have 60,000 rupees to put in": money in hand is the capital
                args.setdefault("capital", a.value)
            elif _SELL.search(near_before):
                args.setdefault("unit_price", a.value)
            else:
                args.setdefault("unit_cost", a.value)
        elif a.unit is None:
            if a.value >= 1000 and _MONEY_AFTER.match(a.after) and "capital" not in args \
                    and re.search(r"\b(have|got)\b", near_before):
                args["capital"] = a.value  # "i only have 60k", "i have 1 lakh with me"
            elif _STOCK_AFTER.search(a.after) or re.search(r"(have|already|stock)\s*\w*\s*$",
                                                          near_before):
                args.setdefault("current_inventory", int(a.value))
            elif _UNIT_COST_AFTER.match(a.after) or _UNIT_COST_BEFORE.search(near_before):
                args.setdefault("unit_cost", a.value)
            else:
                args.setdefault("planned_quantity", int(a.value))
        elif a.unit in ("d", "w", "mo") and "horizon_days" not in args:
            days = {"d": 1, "w": 7, "mo": 30}[a.unit] * a.value
            args["horizon_days"] = int(min(180, max(7, days)))
    if total is not None and args.get("unit_cost") == total and args.get("planned_quantity"):
        # "10 sarees, cost 1.25 lakh total": one piece costs the total over the batch
        args["unit_cost"] = round(total / args["planned_quantity"], 2)
    if region := intel.region(utt):
        args["region"] = region
    return args


def cued(utt: Utterance) -> bool:
    """A batch to make: a count of pieces with what one costs, or either with words of making."""
    args = fill(utt, SkillContext("", "creator"))
    if "planned_quantity" in args and "unit_cost" in args:
        return True
    return ("planned_quantity" in args or "unit_cost" in args) and bool(_MAKING.search(utt.norm))


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """How many to make against the plan, the risk and the first warnings."""
    rec, planned = result["recommended_quantity"], result["planned_quantity"]
    days = result["horizon_days"]
    parts = [f"Make about {rec} pieces" + (f" rather than {planned}" if rec < planned else "")
             + f": I expect you can sell about {result['forecast_demand']:,.0f} in the next "
             f"{days} days, plus a safety margin of {result['safety_margin']:,.0f}"
             + (f", minus the {result['current_inventory']} you already have"
                if result.get("current_inventory") else "") + "."]
    parts.append(f"Risk is {result['risk_level']} (financial exposure "
                 f"{result['financial_exposure']:.2f}).")
    warnings = result.get("warnings", [])
    # The first warning restates "make fewer than planned", which the opening already says.
    parts.extend(warnings[1:3] if rec < planned else warnings[:2])
    return " ".join(parts)


SKILL = Skill(
    tool="production_plan",
    fill=fill,
    describe=describe,
    cued=cued,
    questions={
        "category": "Which product are you planning to make: diyas, sarees, brass lamps…?",
        "planned_quantity": "How many pieces are you planning to make?",
        "unit_cost": "How much does one piece cost you to make? Say it in rupees, like "
                     "'40 rupees each'.",
    },
)
