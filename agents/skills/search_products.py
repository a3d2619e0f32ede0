"""Skill: ``search_products`` — "blue pottery near Jaipur within 50 km", "silk sarees 5k-15k"."""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import NUMBER_WORDS, Utterance, price_bounds, region_name
from agents.nlu.skill import Skill, SkillContext
from domain.catalog import CLUSTERS
from domain.vocabulary import Vocabulary

_FILLER = frozenset(
    "show me find search for looking look i am im want to buy get some any a an the please can "
    "you near nearby around within in from at of by close km kms kilometers kilometres radius "
    "under below above over less more than rs rupees rupee inr and with made handmade products "
    "items things stuff sell selling sold who where is are there what do have crafts craft me my "
    "something anything available options best good nice cheap budget between upto up max "
    "maximum min minimum least most or plus onwards starting cheaper costlier greater lesser "
    "not no k thousand lakh lakhs lac price priced range costing only just also instead now "
    "then ones those these about how authenticity authentic score rating nothing none pls plz "
    "each "
    # words of a refinement or a reaction, never of a piece: "hmm can you filter to ones with
    # authenticity above 90", "too expensive, something between 3000 and 6000?"
    "hmm hm umm filter filtered narrow down too expensive costly pricey really very few ok okay "
    "yes yeah so well see could would should need it its this that "
    # "what is trending right now": no words to match, the engine ranks by what sells
    "trending popular bestselling bestsellers right currently latest these days".split()
)
# Words of a question, a price check or another task: a product noun alone does not make
# such an utterance a search.
_NOT_SHOPPING = re.compile(
    r"\?|\b(what|whats|why|how|who|whom|when|which|history|story|origin|tell|explain|meaning|"
    r"mean|difference|known|famous|tips|advice|learn|should|is|are|does|do|did|can|could|"
    r"price|pricing|cost|worth|ship|shipping|courier|demand|forecast|plan|produce|stock|"
    r"inventory|listing|photo|picture|image|similar|authentic|real|fake|trail|tour|cluster|"
    r"clusters)\b"
)
_MIN_AUTHENTICITY = re.compile(
    r"\bauthentic\w*(?:\s+(?:ones?|pieces?|items?|only|products?|score|rating))*[\s,]*"
    r"(?:of|above|over|at least|atleast|more than|min|minimum|>)\s*(\d+)"
    r"|\b(?:above|over|at least|more than|min|minimum)\s*(\d+)\s*(?:%|percent)?\s*"
    r"(?:authentic\w*|score|authenticity)"
    # "score 75+", "authenticity 80 plus", "75+ authentic"
    r"|\b(?:score|rating|authentic\w*)(?:\s+(?:ones?|pieces?|items?|only))*[\s,]*(?:of|is)?\s*"
    r"(\d+)\s*(?:\+|plus\b|and above|or more|se kam nahi|se kam nahin|or higher)"
    r"|\b(\d+)\s*(?:\+|plus\b)\s*(?:authentic\w*|score)"
    # "minimum authenticity score 90", "min authenticity of 85", "at least authenticity 80"
    r"|\b(?:min|minimum|at least|atleast)\s+(?:an?\s+)?authentic\w*(?:\s+(?:score|rating))?"
    r"\s*(?:of|is|should be|=|:)?\s*(\d+)"
    # "authentic makers only, score at least 90": a score floor said after the score
    r"|\b(?:authenticity\s+)?(?:score|rating)\s*(?:should be|must be|of|is)?\s*(?:at least|atleast|"
    r"above|over|min|minimum|more than|>=?)\s*(\d+)"
)


def _query(utt: Utterance) -> str | None:
    drop = set(_FILLER | NUMBER_WORDS)
    if utt.coordinates:
        drop.update(("lat", "lon", "lng", "long", "latitude", "longitude"))
    for name in utt.place_names:
        drop.update(name.split())
    words = [w for w in utt.norm.split() if w not in drop]
    return " ".join(words) or None


def craft_types(utt: Utterance) -> list[str]:
    """The catalog crafts the user names, in their words ("blue pottery", "bidri", "ikat").

    Only words that a catalog craft's name holds ("bidri" in bidriware), which every listing of
    that craft carries, so the filter never empties a search the words alone would fill; a craft
    named otherwise ("kanjeevaram", "kalamkari") is left to the words of the query.
    """
    names = [c.craft.lower() for c in CLUSTERS]
    found = Vocabulary.default().find(utt.norm, kinds=("craft",), fuzzy=False)
    said = [m.surface for m in found] + [c for c in utt.crafts if f" {c} " in f" {utt.norm} "]
    return list(dict.fromkeys(t for t in said if len(t) >= 4 and any(t in n for n in names)))


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """Words, place, radius, price bounds and a minimum authenticity found in the utterance."""
    args: dict[str, Any] = {}
    query = _query(utt)
    if query:
        args["query"] = query
    if crafts := craft_types(utt):
        args["craft_types"] = crafts
    if utt.places:
        # "a boutique in Pune ... any from Pochampally?": where the pieces come from
        come_from = [p for name, p in zip(utt.place_names, utt.places, strict=False)
                     if re.search(rf"\bfrom\s+{re.escape(name)}\b", utt.norm)]
        args["location"] = (come_from or utt.places)[0].name
    elif state := next((r for r in utt.regions if re.search(
            rf"\b(?:from|in|of)\s+{re.escape(r.lower())}\b", utt.norm)), None):
        args["location"] = region_name(state)  # "bamboo baskets from tripura": made there
    elif utt.coordinates:
        args["location"] = utt.coordinates  # "crafts near lat 26.91 lon 75.79"
    radius = utt.first("km")
    if radius:
        args["radius_km"] = radius
    low, high = price_bounds(utt.digits)
    if low is not None:
        args["price_min"] = low
    if high is not None:
        args["price_max"] = high
    if (floor := min_authenticity(utt)) is not None:
        args["min_authenticity"] = floor
    return args


def min_authenticity(utt: Utterance) -> float | None:
    """The authenticity score floor said ("authentic ones, 85 plus"), if any."""
    m = _MIN_AUTHENTICITY.search(utt.digits)
    return float(next(g for g in m.groups() if g)) if m else None


def cued(utt: Utterance) -> bool:
    """A product named without a question or another task.

    "chanderi sarees", "glass bangles in firozabad" are shopping; "what is chanderi?" is for the
    knowledge base.
    """
    if any(i.startswith("p-") for i in utt.ids):
        return False  # a product named by its id is a request about that product, not a search
    if (utt.categories or utt.crafts) and not utt.ids and "?" not in utt.text \
            and _MIN_AUTHENTICITY.search(utt.digits):
        return True  # "marble inlay coasters, authentic ones only, above 90 score"
    if _BUYING.search(utt.norm) and any(b is not None for b in price_bounds(utt.digits)) \
            and not _OTHER_TASK.search(utt.norm):
        # "buying return gifts, not more than 250 each. any bookmarks?": a budget and a wish to
        # buy are shopping, even asked as a question about things the catalog has no word for
        return True
    if (utt.categories or utt.crafts) and _SHOP_ASK.search(utt.norm) \
            and not _NOT_A_SEARCH.search(utt.norm):
        return True  # "do you sell phulkari dupattas?", "where can I buy a banarasi stole"
    if _NOT_SHOPPING.search(utt.text.lower()):
        return False
    if utt.categories or utt.crafts:
        return True
    # "a cheap gift below 500, something handmade": a budget and a wish to buy.
    return bool(_WANTS.search(utt.norm)) and any(b is not None for b in price_bounds(utt.digits))


# Asking where to buy or whether it is sold: a search for what it names.
_SHOP_ASK = re.compile(r"\b(?:where (?:can|do|should|could) (?:i|we) (?:buy|get|find|shop)|"
                       r"where to (?:buy|get|find)|do you (?:sell|have|stock|carry)|"
                       r"(?:is|are) there any|(?:can|could) i (?:buy|get|order)|"
                       r"any (?:\w+ ){0,3}(?:from|in stock|available)|to stock\b|"
                       r"(?:show|see) (?:me )?what (?:you have|is available|s available))")


# ... unless it asks about the craft or a parcel: "where can I learn kantha", "ship it"
_ABOUT_THE_CRAFT = re.compile(r"\b(?:learn|history|story|origin|meaning|explain|ship|shipping|"
                              r"courier|deliver\w*|parcel|price for|pricing|charge)\b")


def names_wares(utt: Utterance) -> bool:
    """A craft or kind of piece named with no question, task or id ("bidri ka vase?")."""
    return bool(utt.categories or utt.crafts) and not utt.ids \
        and not _NOT_SHOPPING.search(utt.text.lower().replace("?", " "))


# Buying said outright; with a budget that is a search, whatever the products are called.
_BUYING = re.compile(r"\b(buy|buying|purchase|purchasing|gift|gifts|gifting|shopping|shop for|"
                     r"looking for|need some|want some|kharidna|kharidne)\b")
# ... unless the words name another task (shipping a gift, pricing, planning, the map).
_OTHER_TASK = re.compile(
    r"\b(ship|shipping|courier|parcel|send|deliver|delivery|demand|forecast|plan|produce|make|"
    r"stock|inventory|listing|list|photo|picture|image|similar|trail|tour|cluster|clusters|"
    r"history|story|origin|explain|meaning|price for|pricing|charge|sell|selling|orders?)\b")
_WANTS = re.compile(r"\b(gift|gifts|buy|shop|shopping|looking for|need|want|show|find|"
                    r"handmade|something)\b")


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """How many were found and the best few, with distances when a place was given."""
    products = result.get("products", [])
    where = ""
    if result.get("center"):
        where = f" near {result['center']['name']}"
        if result.get("radius_km"):
            where = f" within {result['radius_km']:g} km of {result['center']['name']}"
    what = args.get("query") or "crafts"
    if not products:
        return f"I found no {what}{where}. Try a wider radius or other words."
    shown = "; ".join(
        f"{p['title']} (₹{p['price']:,.0f}"
        + (f", {p['distance_km']:.0f} km away" if p.get("distance_km") is not None else "")
        + f", {p['id']})"
        for p in products[:3]
    )
    total = result.get("total", len(products))
    return f"I found {total} matches for {what}{where}. Top picks: {shown}."


# What others ask for the same pieces: "what are other sellers charging for blue pottery vases"
_OTHERS_PRICES = re.compile(
    r"\b(?:other|competitor\w*|similar|baaki|dusre)\s+(?:sellers?|shops?|makers?|artisans?|"
    r"creators?|log)\b.{0,60}\b(?:charg\w*|pric\w*|sell\w*|listing\w*|rate|rates|daam)\b"
    r"|\bwhat (?:the )?(?:competition|competitors?) (?:is |are )?(?:charg|pric|sell)\w*")

_TRENDING = re.compile(r"\b(?:trending|most popular|popular (?:crafts?|items?|pieces?|products?)|"
                       r"best ?sell\w*|top selling|hot selling)\b")

# One's own piece, a change to make or a seller to judge: never only a search.
_NOT_A_SEARCH = re.compile(r"\b(?:my|mine|meri|mera|mere|our|update|change|reduce|increase|"
                           r"discount|fraud|fake|scam|suspicious|report|suspend|ban)\b")


def sure(utt: Utterance) -> bool:
    """Others' listings asked for, or a kind of piece with a price range and nothing else.

    "what are other sellers charging for ikat dupattas"; "dhokra items 1500 to 4000" (no
    weight, place or id: not a parcel to quote).
    """
    if utt.ids or _NOT_A_SEARCH.search(utt.norm):
        return False
    if _OTHERS_PRICES.search(utt.norm) or _TRENDING.search(utt.norm):
        return True  # "what are other sellers charging", "what crafts are trending right now"
    if (utt.crafts or utt.categories) and _SHOP_ASK.search(utt.norm) \
            and not _ABOUT_THE_CRAFT.search(utt.norm):
        return True  # "where can I get a real pashmina stole in Srinagar"
    low, high = price_bounds(utt.digits)
    measured = any(q.unit in ("kg", "g", "h", "d") for q in utt.quantities)
    # "glass chandelier from Firozabad, 10k to 20k": a place it is from, not one to send it to
    sent_to = any(re.search(rf"\b(?:to|tak)\s+{re.escape(name)}\b", utt.norm)
                  for name in utt.place_names)
    return (low is not None and high is not None and bool(utt.crafts or utt.categories)
            and not measured and not sent_to and not _OTHER_TASK.search(utt.norm))



SKILL = Skill(
    tool="search_products",
    fill=fill,
    describe=describe,
    refines=("location", "radius_km", "price_min", "price_max", "min_authenticity"),
    cued=cued,
    sure=sure,
)
