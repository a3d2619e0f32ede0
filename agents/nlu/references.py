"""What a turn points back to, and what it is plainly not about.

``resolve_reference`` maps "the first one", "more like that", "that saree", "it" to a product
of the last result shown; ``shown_products`` keeps that result's products in order;
``off_topic`` spots requests outside a craft marketplace (the weather in Agra, a flight to
Goa, a cricket score) even when they name a place or a craft.
"""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance

MAX_SHOWN = 10
_ORDINALS = {"first": 0, "1st": 0, "top": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2,
             "fourth": 3, "4th": 3, "fifth": 4, "5th": 4, "last": -1}
_ORDINAL = re.compile(
    r"\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th)\s+(?!time\b|of all\b)[a-z]+\b"
    r"|\b(top|last)\s+(?:one|piece|item|product|result|option|listing|of (?:them|these|those))\b"
    r"|\b(?:the|that|this)\s+(first|second|third)\b"
)
_CHEAPEST = re.compile(r"\b(cheapest|least expensive|lowest priced|most affordable)\b")
_DEAREST = re.compile(r"\b(costliest|most expensive|priciest|highest priced)\b")
_LIKE_THAT = re.compile(
    r"\b(?:like|similar to|same as)\s+(?:that|this|it|these|those|them|the (?:first|last|one))\b"
    r"|\b(?:that|this|the same)\s+(?:one|piece|item|product)\b"
    r"|\bsimilar (?:ones|pieces|items|products)\b"
)
_PRONOUN = re.compile(r"\b(it|its|it's|that|this|them|those|these)\b")

# What a craft marketplace assistant declines, by topic family. Hindi and Hinglish reach these
# through their English gloss ("mausam" weather, "dawai" medicine, "naukri" job, "kundli"
# horoscope). Words that are also the trade's ("rain-proof packing", "a toy train", "coffee
# table", "food-safe glaze", "job work") are left out by their context.
# Festivals by name, for when they fall ("diwali kab hai"), not for what is made for them.
_FESTIVALS = (r"d[ie]wali|deepawali|holi|eid|navratri|dussehra|pongal|onam|christmas|chhath|"
              r"rath yatra")
_OFF_TOPIC_FAMILIES: dict[str, str] = {
    "weather": r"weather(?![- ]?proof)|rain(?![- ]?proof)|raining|rainfall|temperature|humidity|"
               r"forecast for tomorrow|cyclone|heat ?wave|thunderstorm|aqi|air quality|"
               r"snow|snowfall",
    "travel": r"flights?|airlines?|airport|(?:train|bus|railway|movie|plane|air|metro) tickets?|"
              r"(?<!toy )(?<!wooden )(?<!tin )trains?(?! sets?\b| toys?\b)|pnr|irctc|tatkal|"
              r"railway station|bus stand|tickets? to|sightseeing|tourist spots?|vacation|"
              r"holiday package|tour package|honeymoon|visa|passport|places to visit|"
              r"things to do in|book (?:me )?(?:a )?(?:cab|taxi|hotel|room|table|flight|train|bus)|"
              r"cab|taxi|uber|ola cab|bus|buses|stations?|shikara|"
              r"(?:boat|shikara|camel|elephant|jeep|safari) rides?|"
              r"rajdhani|shatabdi|vande bharat|duronto|garib rath|"
              r"(?:tent|hotel|room|homestay|seat) booking|tickets?|darshan|"
              r"temple (?:\w+ ){0,2}open\w*|open\w* (?:\w+ ){0,2}temple|temple timings?|"
              r"(?:way|how) to (?:get|reach|go) (?:from|to)|how (?:do i|can i) (?:get|reach|go) to|"
              r"how far is|how long (?:does it take|to reach)|driving distance|"
              r"travell?ers?|solo (?:trip|travel\w*|women)|"
              r"safe (?:for (?:women|tourists|travel\w*|visitors)|to (?:travel|visit))|"
              # a fair's or a bazaar's dates and gate, not its crafts: "the entry fee"
              r"entry fees?|entry tickets?|entrance fees?|gate timings?|opening hours|"
              r"open (?:on )?(?:mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|"
              r"sundays?|weekends?|holidays?)|closed on (?:\w+days?|weekends?|holidays?)|"
              r"(?:fair|mela|festival) (?:start|starts|begin|begins|dates?)|"
              r"when (?:does|is) the (?:\w+ ){0,3}(?:fair|mela)\b|mela when|"
              r"place to stay|where to stay|stay for (?:\w+ )?nights?|"
              r"(?:two|three|four|2|3|4) nights(?! lamps?)|(?:one|1) night (?:stay|trip)",
    "sports": r"cricket|football|hockey|kabaddi|tennis|badminton|olympics|match score|"
              r"score of (?:the )?(?:\w+ )?match|ipl|t20|world cup|wickets?|test match|"
              r"(?:india|bharat|pakistan|australia|england|ostreliya)\b.{0,30}\bmatch|"
              r"match (?:which|who) (?:won|win\w*)|who (?:won|is winning) the|won the match|"
              r"(?:ind|india|aus|pak|eng|nz|sa|sl|ban|wi)\s+(?:vs?|versus)\.?\s+"
              r"(?:ind|india|aus|pak|eng|nz|sa|sl|ban|wi)\b",
    "news": r"news|headlines|elections?|votes?|voting|chief minister|prime minister|minister|"
            r"president|governor|politics|political part(?:y|ies)|parliament|lok sabha|mla",
    "food": r"recipes?|how (?:do i|to) cook|biryani|kebabs?|samosas?|pizza|burger|"
            r"paneer|jalebi|petha|ladd?oos?|mithai|chaat|dosa|idli|restaurant food|"
            r"litti|chokha|chole|rajma|halwa|kheer|pakor[ae]s?|momos|maggi|poha|paratha|"
            r"pulao|khichdi|curry|sweets|"
            r"paan(?! ?(?:daan|dan|box|dabba))|(?<!for )food(?![- ]?(?:safe|grade))",
    "health": r"doctor|medicines?|fever|hospital|clinic|headache|cough|diabetes|"
              r"blood pressure|covid|vaccines?|symptoms?|pharmacy|illness|disease|dentist|"
              r"lose weight|weight loss|painkillers?|pain killers?|ointment|"
              r"tablets?(?! (?:covers?|cases?|sleeves?|stands?|holders?|bags?|pouch\w*))|"
              r"(?:body|back|knee|joint|neck) pain|(?:hands?|back|knees?|eyes?|legs?) "
              r"(?:are |is )?(?:paining|hurting|aching|hurt|hurts|ache|aches|burning|sore)|"
              r"eye ?drops?|drops for (?:my )?eyes|spectacles|eye (?:doctor|test|infection)",
    "money": r"loans?|emi|bank|credit card|debit card|atm|insurance|interest rate|"
             r"fixed deposit|mutual funds?|upi pin|pan card|aadhaar|income tax|"
             r"stock price|share price|stock market|sensex|nifty|bitcoin|crypto|"
             r"gold (?:rate|price) today|today'?s? gold (?:rate|price)|today gold (?:rate|price)|"
             r"gold rate|silver rate|(?:gold|silver) (?:rate|price)\b.{0,20}\btoday|"
             r"petrol|diesel|cng|lpg|gas cylinder|fuel price|"
             # bills and registrations of the state: "a GST number", "pay the electricity bill"
             r"refund(?:s|ed|ing)?|payment (?:has )?(?:failed|failure|issue|problem|stuck)|"
             r"money (?:got |was |has been )?deducted|chargeback|"
             r"gst|gstin|electricity bill|bijli (?:ka )?bill|water bill|phone bill|bill payment|"
             r"(?:pay|paying|bharna|bharu|bhare) (?:\w+ ){0,3}bills?|bills? online|"
             r"tax return|itr|fssai|trade licen[cs]e|udyam registration|msme registration|"
             r"ration card|voter id|driving licen[cs]e",
    "phone": r"recharge|data pack|sim card|mobile plan|jio|airtel|vodafone|bsnl|whatsapp|"
             r"(?:phone|mobile)\W+(?:\w+ ){0,2}(?:battery|batteries|charger|charging|screen)|"
             r"battery (?:life|backup|drain\w*)|screen guard|phone (?:is )?(?:slow|hang\w*)|"
             r"youtube|instagram|facebook|password|hacked|hack|virus|laptop|wifi|television",
    "study": r"exams?|homework|board (?:\w+ ){0,3}results?|exam results?|admit card|syllabus|"
             r"neet|jee|upsc|cbse|(?:engineering|medical|college|school|mba) admissions?|"
             r"admissions? (?:in|to|for)|(?:which|best|good|top) colleges?|college fees|"
             r"school fees|marksheet|class results?|results? (?:will )?(?:come|comes|be declared)",
    "jobs": r"jobs?(?! work)|vacanc(?:y|ies)|hiring|resume",
    # someone to mend a machine or a house, not a craft: "a mistri for my loom"
    "services": r"mistri|mistry|mechanic|plumber|electrician|repair ?man|repair wala|tailor|"
                r"darzi|darji|"
                r"(?:phone|contact|mobile) number of|(?:ka|ki) (?:phone |mobile )?number",
    "stars": r"horoscope|astrolog\w*|zodiac|lottery|tarot|numerology|palm reading",
    "media": r"movies?|films?|bollywood|netflix|web series|actor|actress|songs?|music|"
             r"lyrics|singer|jokes?",
    "facts": r"capital of|population of|speed of light|who invented|who discovered|"
             r"highest mountain|largest (?:country|state|river|ocean|planet)|"
             r"photosynthesis|gravity|newton|laws? of motion|"
             # school science and the first this or that of a country
             r"(?:first|pehl[ae]) (?:president|prime minister|rashtrapati|pradhan ?mantri)",
    # a monument's or a ruler's history, not a craft's: "who built golconda fort", "why is the
    # sun temple called the black pagoda" (a craft named beside it is a heritage question)
    "monuments": r"taj mahal|golden temple|sun temple|qutub minar|charminar|hawa mahal|"
                 r"red fort|gateway of india|india gate|"
                 r"(?:forts?|palaces?|minars?|pagodas?|stupas?|tombs?|temples?|mosques?|"
                 r"monuments?)\b(?:\s+\w+){0,4}?\s+(?:built|constructed|called|architect|"
                 r"burn\w*|destroyed|kab|kisne|history|itihas)|"
                 r"(?:history|story|itihas) of (?:the )?(?:\w+ ){0,2}(?:forts?|palaces?|minars?|"
                 r"temples?|mosques?|tombs?|monuments?)|"
                 r"(?:who|when)\b(?:\s+\w+){0,6}?\s+(?:built|constructed|banwaya)\b|"
                 r"architect of|freedom (?:fighters?|struggle)",
    # when a festival falls and how it is kept, not what is made for it: "when is diwali
    # this year", "the puja muhurat", "rath yatra ki date"
    "observances": r"muhurat|shubh (?:muhurat|samay)|puja (?:time|timings?|vidhi|samagri)|"
                   r"(?:significance|importance) of (?:\w+ ){0,2}(?:puja|vrat|fast|festival)|"
                   r"(?:chhath|karva chauth|teej|ekadashi|navratri|janmashtami) (?:puja|vrat)|"
                   rf"(?:when|kab) (?:is|hai|falls?) (?:\w+ ){{0,2}}(?:{_FESTIVALS}|rakhi|"
                   r"raksha bandhan)|"
                   rf"(?:{_FESTIVALS}|rath trail)(?:\s+\w+){{0,3}}\s+(?:date|dates|kab|when)\b|"
                   rf"(?:{_FESTIVALS}) (?:in|of)? ?20\d\d",
    "code": r"sql|python|javascript|programming|coding|write a program|write code",
    # other shops and what a craft marketplace does not sell: "a sewing machine on amazon"
    "elsewhere": r"amazon|flipkart|meesho|myntra|snapdeal|ebay|sewing machines?|smart ?phones?|"
                 r"laptops?|televisions?|fridge|refrigerator|washing machine|air conditioner",
    # facts about a place, not its crafts: "the population of kutch district"
    "census": r"population|census|literacy rate|sex ratio|area of|how many people live|"
              r"capital of|district collector|tehsil|assembly seat",
    # the services of daily life: "Srinagar mein internet kab aayega", "Moradabad ka pin code"
    "utilities": r"internet|wi-?fi|broadband|mobile network|network (?:down|issue|problem)|"
                 r"pin ?codes?|pincode|postal code|zip code|recharge|sim card|power cut|"
                 r"electricity (?:bill|cut|supply)|bijli",
    "chores": r"pressure cooker|aarti|girlfriend|boyfriend|alarm|reminder|"
              r"(?:call|phone|ring|message|sms) (?:the|my|this|that) (?:buyer|customer|seller)|"
              r"timer|translate",
}
_OFF_TOPIC = {name: re.compile(rf"\b(?:{words})\b") for name, words in _OFF_TOPIC_FAMILIES.items()}
# Families that a craft named beside them makes a heritage question ("who invented tanjore
# painting"); the rest stay out of scope whatever they name ("Banarasi paan", "the weather
# in Kutch").
_CRAFT_QUESTIONS = frozenset({"facts", "monuments"})
# Family is off topic only in a turn about no piece of work: "me and my husband took 22 days
# on this saree" is a price question, "what gift for my wife" is not one for a marketplace tool.
_FAMILY = re.compile(r"\b(wife|husband)\b")


_THAT_CLUSTER = re.compile(r"\b(?:that|this|the same|same|us|is)\s+cluster\b")


def shown_products(payload: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The products a tool result showed, in order (``None`` when it showed none)."""
    products = payload.get("products")
    if isinstance(products, list) and products:
        out = []
        for p in products[:MAX_SHOWN]:
            if isinstance(p, dict) and isinstance(p.get("id"), str):
                out.append({k: p.get(k) for k in ("id", "price", "title", "category")})
        return out or None
    if isinstance(payload.get("product_id"), str):
        return [{"id": payload["product_id"], "price": payload.get("new_price")}]
    stock = [f for key in ("unsold_over_60_days", "slow_moving")
             for f in payload.get(key) or [] if isinstance(f, dict)]
    if stock:
        # "cut the price of the first one on that list" after a stock check
        ids = dict.fromkeys(str(f["product_id"]) for f in stock
                            if isinstance(f.get("product_id"), str))
        return [{"id": i} for i in list(ids)[:MAX_SHOWN]] or None
    clusters = payload.get("clusters")
    if isinstance(clusters, list) and clusters:
        # "make a trail for the first one" after a map of clusters: the cluster it showed first
        return [{"id": c["id"], "title": c.get("name")} for c in clusters[:MAX_SHOWN]
                if isinstance(c, dict) and isinstance(c.get("id"), str)] or None
    return None


def resolve_reference(utt: Utterance, shown: list[dict[str, Any]],
                      strong_only: bool = True, last: bool = False) -> dict[str, Any] | None:
    """The shown product the turn points to, or ``None``.

    Strong references name a position or a likeness ("the second one", "more like that",
    "the cheapest one"); weak ones are bare pronouns ("change its price to 900"), taken only
    when the caller knows the intent needs a product. With ``last``, of several positions
    said the last counts.
    """
    if not shown:
        return None
    norm = utt.norm
    # ``last``: of several positions said, the last ("the first one needs photos, so publish
    # the second one")
    said = list(_ORDINAL.finditer(norm))
    if said and (m := said[-1] if last else said[0]):
        index = _ORDINALS[m.group(1) or m.group(2) or m.group(3)]
        return shown[index] if -len(shown) <= index < len(shown) else None
    priced = [p for p in shown if isinstance(p.get("price"), int | float)]
    if priced and _CHEAPEST.search(norm):
        return min(priced, key=lambda p: p["price"])
    if priced and _DEAREST.search(norm):
        return max(priced, key=lambda p: p["price"])
    if _LIKE_THAT.search(norm) or (_THAT_CLUSTER.search(norm)
                                   and str(shown[0].get("id")).startswith("k-")):
        return shown[0]
    if strong_only:
        return None
    return shown[0] if _PRONOUN.search(norm) else None


# Hotels and restaurants are off topic as places to stay or eat, not as a maker's customers
# ("an order of 300 tiles for a hotel lobby").
_VENUES = re.compile(r"\b(hotels?|restaurants?|dhabas?|homestays?|home stays?|guest ?houses?|"
                     r"lodges?|resorts?|dharamshalas?)\b")
_TRADE = re.compile(r"\b(orders?|bulk|supply|make|making|produce|production|plan|pieces|batch|"
                    r"custom\w*|logo|sourc\w*|interior\w*|lobby|decor\w*|furnish\w*|"
                    r"wholesale|export\w*|ship|shipping|send|deliver\w*|courier|parcel|"
                    r"dispatch)\b")


def off_topic(utt: Utterance) -> bool:
    """Whether the turn asks for something no tool of a craft marketplace does."""
    if utt.ids:
        return False
    if _VENUES.search(utt.norm) and not _TRADE.search(utt.norm):
        return True
    if _FAMILY.search(utt.norm) and not (utt.categories or utt.crafts or any(
            q.unit in ("kg", "g", "h", "d") for q in utt.quantities)):
        return True
    families = {name for name, words in _OFF_TOPIC.items() if words.search(utt.norm)}
    if families and families <= _CRAFT_QUESTIONS and (utt.crafts or utt.categories):
        return False
    return bool(families)
