"""Skill: ``craft_clusters`` — "which craft clusters are near Jaipur?"."""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance, region_name
from agents.nlu.skill import Skill, SkillContext
from domain.vocabulary import Vocabulary

# What a cluster's craft is called by its technique or material: "weaving clusters", "clusters
# that make silk", "clusters for marble inlay". Each is a word of some cluster's craft name.
_CRAFT_WORD = re.compile(
    r"\b(marble inlay|block printing|wood carving|papier mache|pottery|weaving|silk|brass|"
    r"embroidery|painting|glass|bamboo|cane|toys?|jewellery|applique|ikat|dhokra|bidriware|"
    r"pashmina|chappals|lacquer|kundan|terracotta|textiles?)\b")
# "which crafts are dying near Hyderabad", "kaun si kalayen lupt ho rahi hain".
_ENDANGERED = re.compile(r"\b(?:endangered|dying|disappearing|vanishing|extinct|dying out|"
                         r"at risk|near extinction|fading)\b")


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """Place, radius and craft when named."""
    args: dict[str, Any] = {}
    radius = utt.first("km")
    regions = {r.lower() for r in utt.regions}
    towns = [p.name for p, said in zip(utt.places, utt.place_names, strict=False)
             if said.lower() not in regions]
    if utt.regions and not (radius and towns):
        # "clusters in Kashmir" is the state, not Srinagar
        args["location"] = region_name(utt.regions[0])
    elif towns and utt.regions:
        # "within 50 km of Bhuj in Kutch": a distance is measured from a town, not a region
        args["location"] = towns[0]
    elif utt.places:
        args["location"] = utt.places[0].name
    elif utt.coordinates:
        args["location"] = utt.coordinates  # "clusters near 17.38, 78.48"
    if radius:
        args["radius_km"] = radius
    if _ENDANGERED.search(utt.norm):
        args["endangered_only"] = True
    said = Vocabulary.default().find(utt.norm, kinds=("craft",), fuzzy=False)
    if said:
        # The craft in the user's words ("dokra", "glass bangles"): the tool knows its other
        # names and its kind, and the reply speaks as the user did.
        args["craft"] = said[0].surface
    elif utt.crafts:
        args["craft"] = utt.crafts[0]
    elif m := _CRAFT_WORD.search(utt.norm):
        args["craft"] = "toys" if m.group(1) == "toy" else m.group(1)
    return args


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """The nearest few clusters and the endangered ones."""
    clusters = result.get("clusters", [])
    kind = "endangered craft cluster" if args.get("endangered_only") else "craft cluster"
    if not clusters:
        return f"I found no {kind}s there."
    shown = "; ".join(
        f"{c['name']} ({c['creator_count']} creators"
        + (f", {c['distance_km']:.0f} km away" if c.get("distance_km") is not None else "")
        + (", endangered" if c.get("endangered") else "")
        + ")"
        for c in clusters[:4]
    )
    total = f"{len(clusters)} {kind}{'s' if len(clusters) != 1 else ''}"
    if len(clusters) > 4:  # say what is listed: "25 craft clusters:" above four read as a cut
        return f"{total}; showing the nearest 4: {shown}."
    return f"{total}: {shown}."


# Asking where a craft is made or for its villages: "where is bidriware made", "craft clusters
# near Bhuj", "kahan banta hai".
_WHERE_MADE = re.compile(
    r"\bclusters?\b|\b(?:artisan|craft|crafts|weaving|weavers?) (?:villages?|hubs?|pockets?|"
    r"centres?|centers?)\b"
    r"|\bwhere (?:is|are|do|does)\b(?:\s+\w+){1,4}?\s+(?:made|produced|woven|crafted|painted|"
    r"carved|cast|done|practi[sc]ed|printed)\b|\bkahan (?:banta|banti|bante|bana|bani|bane)\b")


# "which towns do block printing", "kaha kaha bante hai" (glossed "where where made").
_WHICH_PLACES = re.compile(r"\bwhich (?:other )?(?:towns?|cit(?:y|ies)|villages?|places?|states?|"
                           r"districts?|areas?|regions?)\b|\bwhere (?:all|where|else)\b")
_CRAFTS_AT_LARGE = re.compile(r"\b(?:crafts?|arts?|handicrafts?|traditions?|skills?|artforms?)\b")
# Why or how a craft is dying is its story, told by the heritage notes; so is what the
# marketplace itself marks as endangered (its preservation badges), and whose GI tag it is.
_WHY = re.compile(r"\b(?:why|how|history|story|meaning|reason|causes?|platform|marketplace|"
                  r"this site|this app|badges?|gi|tags?|tagged|certif\w*)\b")


_HUBS = re.compile(r"\b(?:craft|crafts|artisan|artisans|weaving|weavers?)\s+(?:clusters?|hubs?|"
                   r"villages?|pockets?|centres?|centers?|towns?)\b")


# "what crafts are practised near Kolhapur", "which arts are found around Bhuj"
_CRAFTS_THERE = re.compile(r"\b(?:what|which)\s+(?:all\s+|other\s+)?(?:crafts?|arts?|handicrafts?|"
                           r"artforms?)\s+(?:are\s+|is\s+)?(?:practi[sc]ed|made|done|found|"
                           r"there|alive)\b")


def cued(utt: Utterance) -> bool:
    """Where a named craft is made, or the clusters near a named place."""
    return sure(utt) or (bool(_WHERE_MADE.search(utt.norm))
                         and bool(utt.crafts or utt.places or utt.regions))


def sure(utt: Utterance) -> bool:
    """Which crafts are endangered (anywhere, or near a place), or which towns make a craft."""
    norm = utt.norm
    if _WHY.search(norm):
        return False
    if _ENDANGERED.search(norm) and _CRAFTS_AT_LARGE.search(norm):
        return True
    if (_HUBS.search(norm) or _CRAFTS_THERE.search(norm)) and (
            utt.places or utt.regions or utt.coordinates):
        return True  # "artisan hubs within 100 km of Hyderabad", "what crafts are done in Bhuj"
    return bool(_WHICH_PLACES.search(norm)) and bool(
        utt.crafts or utt.categories or _CRAFT_WORD.search(norm))


SKILL = Skill(
    tool="craft_clusters", fill=fill, describe=describe,
    refines=("location", "radius_km", "endangered_only"),
    cued=cued, sure=sure,
)
