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
    elif not args and (town := _craft_town(utt.crafts)):
        args["region"] = town  # "the thanjavur art plate makers": that town's makers
    return args


def _craft_town(crafts: list[str]) -> str | None:
    """The town a craft outside the catalog is named after ("thanjavur painting")."""
    from domain.places import Gazetteer

    gazetteer = Gazetteer.default()
    for craft in crafts:
        for word in craft.split():
            if len(word) > 3 and (place := gazetteer.exact(word)) is not None:
                return place.name
    return None


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


# Going round the makers, said beyond doubt: a trail, a tour or a walk of the workshops, not a
# "route" or a "yatra" (a festival's procession) that may be something else.
_SURE_ROUTE = re.compile(r"\b(?:(?<!rath )trails?|craft walks?|heritage walks?|craft tours?|"
                         r"heritage tours?|workshop tours?|itinerar\w*|ghumane|ghoomne|ghumne)\b")
_ABOUT = re.compile(r"\b(?:history|story|meaning|why)\b")
_MAKERS = re.compile(r"\b(?:makers|artisans|weavers|painters|potters|karigars|workshops|"
                     r"craftsmen)\b")
_CLUSTERS = re.compile(r"\bclusters?\b")


def sure(utt: Utterance) -> bool:
    """A trail or a walk among the makers, of a place or a craft, and not asked about.

    "could they do a walk meeting the art plate makers in thanjavur", "pochampally mein weavers
    ke ghar ghoomne ka plan": the classifier reads the craft as a heritage question.
    """
    norm = utt.norm
    if _ABOUT.search(norm) or _CLUSTERS.search(norm):
        return False  # "where are the dokra clusters? want to visit the artisans": the map first
    said = _SURE_ROUTE.search(norm) or (_ROUTE.search(norm) and _MAKERS.search(norm))
    return bool(said) and bool(fill(utt, SkillContext("", "buyer")))


SKILL = Skill(tool="heritage_trail", fill=fill, describe=describe, cued=cued, sure=sure)
