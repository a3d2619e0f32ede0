"""Skill: ``heritage_trail`` — "plan a heritage trail for blue pottery"."""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance, _craft_terms, region_name
from agents.nlu.skill import Skill, SkillContext

_CLUSTER = re.compile(r"\bk\s*-?\s*(\d{1,3})\b")


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """A cluster id, or a craft and a region."""
    args: dict[str, Any] = {}
    if m := _CLUSTER.search(utt.text.lower()):
        args["cluster_id"] = f"k-{int(m.group(1)):03d}"
        return args
    if pointed := next((i for i in utt.ids if i.startswith("k-")), None):
        return {"cluster_id": pointed}  # "the first one" after a map of clusters
    catalog = set(_craft_terms().values())
    # Only a craft of the catalog names a trail; another ("channapatna toys") leaves the place.
    if crafts := [c for c in utt.crafts if c in catalog]:
        args["craft"] = crafts[0]
    # A region that only names the craft ("kutch embroidery wale gaon, bhuj ke paas") gives way
    # to a town the user names beside it.
    in_craft = {w for c in utt.crafts for w in c.split()}
    beside = [n for n in utt.place_names if not set(n.lower().split()) <= in_craft]
    regions = [r for r in utt.regions if not (beside and set(r.lower().split()) <= in_craft)]
    if regions:
        args["region"] = region_name(regions[0])
    elif utt.places:
        args["region"] = utt.places[0].name
    return args


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """The route in short: stops, time, the first stop's story."""
    stops = result.get("waypoints", [])
    hours = result.get("estimated_duration_min", 0) / 60
    names = ", ".join(w.get("name") or w["creator_id"] for w in stops[:4])
    more = f" and {len(stops) - 4} more" if len(stops) > 4 else ""
    first = stops[0]["narrative"] if stops else ""
    return (
        f"{result['name']}: {len(stops)} workshops, about {hours:.1f} hours "
        f"({result.get('distance_km', 0):.0f} km). Stops: {names}{more}. First stop: {first}"
    )


# A route to walk: "make a craft walk in Varanasi", "bhuj ke paas ka trail bana do".
_ROUTE = re.compile(r"\b(?:trails?|craft walks?|heritage walks?|craft tours?|heritage tours?|"
                    r"workshop tours?|itinerar\w*|yatra|routes?|tours?|ghumane|ghoomne|ghumne|"
                    # "a walk where they can meet pattachitra painters", "visit a few of them in
                    # one morning": going round the makers
                    r"walk(?= (?:\w+ ){0,4}(?:meet|makers|artisans|weavers|painters|potters|"
                    r"workshops|karigars))"
                    r"|(?:meet|visit|see)\s+(?:the\s+|a few\s+|some\s+)?(?:of\s+)?(?:them|"
                    r"\w+\s+)?(?:makers|artisans|weavers|painters|potters|karigars|workshops|"
                    r"craftsmen|craftspeople)|visit (?:a few|some|several) of them)\b")


def cued(utt: Utterance) -> bool:
    """A route said with where or of which craft it goes (a place, a region, a craft, a cluster)."""
    return bool(_ROUTE.search(utt.norm)) and bool(fill(utt, SkillContext("", "buyer")))


SKILL = Skill(tool="heritage_trail", fill=fill, describe=describe, cued=cued)
