"""Skill: ``demand_forecast`` — "how will pottery sell in Rajasthan over the next three months"."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext
from agents.skills import _intelligence as intel


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """Category, region (a state, a place or "all") and the horizon in days."""
    args: dict[str, Any] = {}
    if cat := intel.category(utt):
        args["category"] = cat
        if intel.category_guessed(utt) and ctx.previous_args.get("category"):
            args["category"] = ctx.previous_args["category"]  # brass diyas, talked about before
    if region := intel.region(utt):
        args["region"] = region
    if (days := intel.horizon_days(utt)) is not None:
        args["horizon_days"] = min(365, max(7, days))
    return args


def _day(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d %b")


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """Total expected sales, the peaks ahead, the main driver and what to make."""
    where = f" in {result['region']}" if result.get("region") else " across India"
    days = result["horizon_days"]
    total = result["total_predicted"]
    parts = [f"Over the next {days} days I expect about {total:,.0f} {result['category']} "
             f"pieces to sell{where} (about {total / max(days, 1):,.0f} a day)."]
    if result.get("fallback"):
        parts.append("There is little sales history, so this is only the historical average.")
    peaks = result.get("seasonal_peaks", [])[:3]
    if peaks:
        parts.append("Peaks: " + "; ".join(
            f"{_day(p['date'])} ({p['reason']}, ~{p['expected']:,.0f} a day)" for p in peaks) + ".")
    drivers = [d for d in result.get("key_drivers", []) if d["impact"] > 0][:2]
    if drivers:
        parts.append("Main drivers: " + ", ".join(
            f"{d['factor']} (+{d['impact']:.0%})" for d in drivers) + ".")
    parts.append(f"Plan to make about {result['recommended_production']:,} pieces yourself.")
    return " ".join(parts)


# How much a kind of piece will sell, asked in other words: "how many will sell between now and
# holi", "which months do brass items sell the most", "is there going to be a spike"
_WILL_SELL = re.compile(
    r"\b(?:demand|how (?:many|much) (?:will|would|might|can i expect to) sell|"
    r"will (?:they|these|those|it|this|that) sell|sell(?:s)? (?:the )?(?:most|best)|"
    r"(?:which|what) months?\b.{0,30}\bsell|selling season|peak (?:season|months?)|spike|"
    r"bikri|bikegi|bikenge|bikega|maang)\b")


def cued(utt: Utterance) -> bool:
    """A kind of piece named with words about how it will sell."""
    return not utt.ids and bool(_WILL_SELL.search(utt.norm)) and intel.category(utt) is not None


_HOW_MANY_SELL = re.compile(r"\bhow (?:many|much) (?:will|would|might|can i expect to) sell\b"
                            r"|\bwill (?:they|these|those) sell\b")


def sure(utt: Utterance) -> bool:
    """How many of a kind of piece will sell, asked outright (stock held is only the reason)."""
    return cued(utt) and bool(_HOW_MANY_SELL.search(utt.norm))


SKILL = Skill(
    tool="demand_forecast",
    fill=fill,
    describe=describe,
    cued=cued,
    sure=sure,
    questions={"category": "Which craft should I forecast: pottery, textiles, brass, jewellery…?"},
)
