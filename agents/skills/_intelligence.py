"""Slot helpers shared by the intelligence skills: numbers with the words around them.

Materials from the cost table, a category from what the piece is, spoken periods in days.

Creators speak ("took me forty hours", "capital of 20 thousand", "fifty diyas"), so amounts
are read with their context words rather than by position alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from agents.nlu.entities import Utterance, _words_to_digits
from domain.catalog import CLUSTERS
from domain.pricing.tables import default_tables
from domain.vocabulary import Vocabulary

# Whole words only: "colours 0.5 kg" and "coasters 120" are not rupees.
_MONEY_WORDS = r"(?:(?<![a-z])(?:rs\.?|rupees?|inr)|₹)"
_NUM = re.compile(
    r"(₹\s*)?(\d+(?:,\d{2,3})*(?:\.\d+)?)\s*(k\b|thousand\b|lakhs?\b|lacs?\b)?\s*"
    r"(rs\.?|rupees?|inr|kgs?|kilos?|kilograms?|grams?|gms?|g\b|hours?|hrs?|h\b|days?|weeks?|"
    r"months?|years?|minutes?|mins?\b)?", re.I)
_SCALE = {"k": 1_000, "thousand": 1_000, "lakh": 100_000, "lakhs": 100_000, "lac": 100_000,
          "lacs": 100_000}
_UNIT = {"rs": "inr", "rs.": "inr", "rupee": "inr", "rupees": "inr", "inr": "inr",
         "kg": "kg", "kgs": "kg", "kilo": "kg", "kilos": "kg", "kilogram": "kg", "kilograms": "kg",
         "gram": "g", "grams": "g", "gm": "g", "gms": "g", "g": "g",
         "hour": "h", "hours": "h", "hr": "h", "hrs": "h", "h": "h",
         "day": "d", "days": "d", "week": "w", "weeks": "w", "month": "mo", "months": "mo",
         "year": "y", "years": "y"}
# What may stand between the kilograms and the grams of one weight ("1 kilo 200 gram").
_KG_AND_G = re.compile(r"\s*(?:and\s+|&\s*)?")
_PERIOD_DAYS = {"d": 1, "w": 7, "mo": 30, "y": 365}
_NEXT_PERIOD = {"next week": 7, "next month": 30, "coming month": 30, "next quarter": 90,
                "next year": 365, "this year": 365, "coming year": 365, "festive season": 60,
                "festival season": 60, "wedding season": 120,
                # the whole of a period said without a number: "for the full year"
                "full year": 365, "whole year": 365, "entire year": 365, "all year": 365,
                "year round": 365, "year long": 365, "half year": 180, "half a year": 180,
                "coming quarter": 90, "this quarter": 90, "fortnight": 14}
# Category cues the catalog's keywords miss or get wrong for creators' own words.
_DIYA = re.compile(r"\bdiyas?\b|\bdeepam\b|\bdeeye\b|\bdiye\b")
_METAL = re.compile(r"\b(brass|metal|bell metal|copper|bronze|dhokra)\b")
_EXTRA_CATEGORY = (
    (re.compile(r"\b(kurtas?|sarees?|saris?|dupattas?|stoles?|shawls?|fabric|cloth)\b"),
     "textiles"),
    (re.compile(r"\b(pots?|pottery|terracotta|clay|ceramics?|matka)\b"), "pottery"),
    (re.compile(r"\b(paintings?|artworks?|madhubani|pattachitra|warli)\b"), "painting"),
    (re.compile(r"\b(brass|bell metal|dhokra|bidri|metal ?ware)\b"), "metalware"),
    (re.compile(r"\b(jewell?e?ry|necklaces?|earrings?|bangles?|jhumkas?)\b"), "jewellery"),
    (re.compile(r"\b(toys?|dolls?)\b"), "toys"),
    (re.compile(r"\b(baskets?|bamboo|cane)\b"), "basketry"),
    (re.compile(r"\b(leather|chappals?|juttis?|sandals?)\b"), "leather"),
    (re.compile(r"\b(marble|stone ?work|soapstone)\b"), "stonework"),
    (re.compile(r"\b(glass|bangles of glass)\b"), "glass"),
    (re.compile(r"\b(wooden|woodwork|wood carving|carved wood)\b"), "woodwork"),
    (re.compile(r"\b(wall hangings?|home decor|lamp shades?|applique)\b"), "home_decor"),
)


@dataclass(frozen=True)
class Amount:
    """A number, its unit (``None`` when unsaid) and the words just before and after it."""

    value: float
    unit: str | None
    before: str
    after: str


def amounts(utt: Utterance) -> list[Amount]:
    """Every number in the utterance, in order, with its unit and context words."""
    text = _words_to_digits(re.sub(r"\s+", " ", utt.text.lower().replace("₹", " ₹ ")).strip())
    text = re.sub(r"\b[cbpok]-?\d{2,6}\b", " ", text)  # ids are not amounts
    out: list[Amount] = []
    end = -1  # where the previous amount ended
    for m in _NUM.finditer(text):
        value = float(m.group(2).replace(",", ""))
        if m.group(3):
            value *= _SCALE[m.group(3).lower()]
        unit = _UNIT.get((m.group(4) or "").lower().rstrip(".") or "", None)
        if (m.group(4) or "").lower() == "rs.":
            unit = "inr"
        if (m.group(4) or "").lower().startswith("min"):
            value, unit = round(value / 60, 2), "h"  # "150 minutes of work" is 2.5 hours
        before = text[max(0, m.start() - 40):m.start()]
        # "240 rupaye 2 mahine": a money word before a number with its own unit is not its unit
        if m.group(1) or (unit is None and re.search(_MONEY_WORDS + r"\s*$", before)):
            unit = "inr"
        if unit == "g" and out and out[-1].unit == "kg" \
                and _KG_AND_G.fullmatch(text[end:m.start()]):
            # "1 kilo 200 gram", "2 kg and 300 g": one weight, said in two units
            out[-1] = Amount(round(out[-1].value + value / 1000, 3), "kg", out[-1].before,
                             text[m.end():m.end() + 30])
        else:
            out.append(Amount(value, unit, before, text[m.end():m.end() + 30]))
        end = m.end()
    return out


@lru_cache(maxsize=1)
def _material_terms() -> list[tuple[str, str]]:
    tables = default_tables()
    terms = [(alias, name) for alias, name in tables.aliases.items()]
    return sorted(terms, key=lambda t: -len(t[0]))


# Adjectives people use for a material ("a wooden toy"); "golden" is left out on purpose:
# "golden price" is the tool's name, not gold.
_ADJECTIVES = {"wooden": "wood", "woollen": "wool", "woolen": "wool", "earthen": "clay",
               "silken": "silk", "metallic": "brass", "leathern": "leather"}
_NOT_A_MATERIAL = frozenset(
    "it is its it's made of from with out mostly mainly pure real the a an i used use using "
    "mine my some and".split())


def materials(utt: Utterance) -> list[str]:
    """Materials named in the utterance, in the user's words (longest phrase first).

    "pashmina" stays "pashmina" and "buffalo leather" stays itself: the pricing tool knows every
    name of a material, and a call that renames what the user said ("vegetable tanned leather")
    reads as a different material. One name per material: "pashmina wool" is not also "wool".
    Words written together that the table writes apart ("softwood", "soft wood") count too.
    """
    words = [_ADJECTIVES.get(w, w) for w in utt.norm.split()]
    padded = " " + " ".join(words) + " "
    found: list[str] = []
    seen: set[str] = set()
    for term, name in _material_terms():
        joined = term.replace(" ", "")
        said = next((t for t in (term, joined) if f" {t} " in padded or f" {t}s " in padded),
                    None)
        if said is None:
            continue
        if name not in seen:
            seen.add(name)
            # The user's word, unless the table's own name is shorter: "pashmina" and "buffalo
            # leather" stay, the gloss "cotton fabric" of "सूती कपड़ा" is plain "cotton".
            found.append(min((term, name), key=lambda t: (len(t.split()), t != term)))
        padded = padded.replace(f" {said} ", " ").replace(f" {said}s ", " ")
    return found


def unknown_material(utt: Utterance) -> str | None:
    """A short answer that names no known material ("kryptonite") is passed on as said.

    Then the tool's validation answers with the materials it knows instead of the question looping.
    """
    words = [w for w in utt.norm.split() if w not in _NOT_A_MATERIAL]
    if not words or len(utt.norm.split()) > 4 or utt.quantities or utt.places:
        return None
    return " ".join(words)


# What a piece made of one material is, when the noun alone does not say ("glass bangles",
# "marble box", "sandalwood box").
_MATERIAL_CATEGORY = {
    "glass": "glass", "brass": "metalware", "bell metal": "metalware", "copper": "metalware",
    "bronze": "metalware", "zinc": "metalware", "clay": "pottery", "terracotta": "pottery",
    "ceramic": "pottery", "marble": "stonework", "stone": "stonework", "soapstone": "stonework",
    "wood": "woodwork", "sandalwood": "woodwork", "rosewood": "woodwork", "sheesham": "woodwork",
    "sheesham wood": "woodwork", "bamboo": "basketry", "cane": "basketry", "jute": "basketry",
    "leather": "leather", "vegetable tanned leather": "leather",
}
# Nouns whose category is the material's ("a glass bangle" is glass, "a marble box" stone);
# toys, dolls and paintings stay what they are whatever they are made of.
_MATERIAL_DECIDES = frozenset({
    "box", "tray", "bowl", "plate", "vase", "lamp", "bag", "mat", "coaster", "bell", "jar",
    "candle stand", "mirror frame", "figurine", "idol", "elephant", "horse", "jewellery box",
    "screen", "tile", "side table", "table top", "bangle", "mask",
    # things made in many materials: "bamboo lamp shades" are basketry, "brass lamp shades" metal
    "lamp shade", "lampshade", "lantern", "planter", "pen stand", "pen holder", "photo frame",
    "frame", "clock", "stool", "wind chime", "candle holder", "tea light holder", "wall hanging",
    "key chain", "keychain", "bookmark", "hanger", "mug", "cup", "lamp stand",
})


def category(utt: Utterance) -> str | None:
    """The product category: a diya is clay unless its material is said; a craft decides.

    Then a product noun (by its material when the noun is one many crafts make), then the material,
    then the catalog's cues.
    """
    norm = utt.norm
    found = Vocabulary.default().find(norm, kinds=("craft", "product", "material"), fuzzy=False)
    if _DIYA.search(norm):
        if _METAL.search(norm):
            return "metalware"
        # "kaanch ke diye": glass; "marble diya": stone; a diya of no material named is clay
        made_of = [_MATERIAL_CATEGORY[m.entry.canonical] for m in found
                   if m.entry.kind == "material" and m.entry.canonical in _MATERIAL_CATEGORY]
        return made_of[0] if made_of else "pottery"
    products = [m.entry for m in found if m.entry.kind == "product" and m.entry.category]
    own_noun = any(e.canonical not in _MATERIAL_DECIDES for e in products)
    # A catalog craft decides; a craft named only in the heritage corpus ("wooden toys") gives
    # way to a product noun of its own ("toys").
    crafts = [m.entry.category for m in found if m.entry.kind == "craft" and m.entry.category
              and (m.entry.cluster_id is not None or not own_noun)]
    materials = [_MATERIAL_CATEGORY[m.entry.canonical] for m in found
                 if m.entry.kind == "material" and m.entry.canonical in _MATERIAL_CATEGORY]
    if crafts:
        return crafts[0]
    for entry in products:
        if entry.canonical in _MATERIAL_DECIDES and materials:
            return materials[0]
        return entry.category
    if materials:
        return materials[0]
    for pattern, cat in _EXTRA_CATEGORY:
        if pattern.search(norm):
            return cat
    if utt.categories:
        return utt.categories[0]
    for craft in utt.crafts:
        for c in CLUSTERS:
            if craft in (c.craft.lower(), *[a.lower() for a in c.aliases]):
                return c.category
    return None


def category_guessed(utt: Utterance) -> bool:
    """Whether :func:`category` only guessed: a diya of no material said is taken to be clay.

    A conversation that was about brass ("UP me brass ki demand", then "150 diye banau?") keeps
    its own category over that guess.
    """
    norm = utt.norm
    if not _DIYA.search(norm) or _METAL.search(norm):
        return False
    found = Vocabulary.default().find(norm, kinds=("material",), fuzzy=False)
    return not any(m.entry.canonical in _MATERIAL_CATEGORY for m in found)


def techniques(utt: Utterance) -> list[str]:
    """Techniques of the catalog named in the utterance."""
    padded = f" {utt.norm} "
    names = {t for c in CLUSTERS for t in c.techniques}
    return sorted(t for t in names if f" {t} " in padded)


def horizon_days(utt: Utterance) -> int | None:
    """A spoken period in days ("next three months" → 90, "two weeks" → 14)."""
    for a in amounts(utt):
        if a.unit in _PERIOD_DAYS:
            return int(round(a.value * _PERIOD_DAYS[a.unit]))
    for phrase, days in _NEXT_PERIOD.items():
        if phrase in utt.norm:
            return days
    return None


def region(utt: Utterance) -> str | None:
    """The place the user named (its canonical name), or "all" for the whole country."""
    if re.search(r"\b(all india|whole country|nationwide|across india|all over india|"
                 r"entire country|in india|(?:pure|poore|pura|poora|sare|saare) (?:desh|bharat)|"
                 r"all over the country|countrywide|country wide|national|nationally|"
                 r"pan india|pan-india)\b", utt.norm):
        return "all"
    if utt.regions:  # a state by any of its names ("UP", "orissa"): the tools want its own
        entry = Vocabulary.default().canonical("region", utt.regions[0])
        return entry.canonical if entry is not None else utt.regions[0]
    padded = f" {utt.norm} "
    for state in sorted(default_tables().wages, key=len, reverse=True):
        if f" {state.lower()} " in padded:  # a state before a sound-alike town ("kerala")
            return state
    # "madhubani painting ki bikri": the town in a craft's name is not where it sells
    return next((p.name for name, p in zip(utt.place_names, utt.places, strict=False)
                 if not names_the_piece(utt, name, p)), None)


def names_the_piece(utt: Utterance, name: str, place: object) -> bool:
    """Whether a craft town names the piece ("a Channapatna toy set"), not a place it goes to.

    Said with "to" or "tak" before it, it is a destination all the same.
    """
    if getattr(place, "kind", "") != "cluster":
        return False
    first = re.escape(name.split()[0])
    if re.search(rf"\b(?:to|tak|till|upto)\s+{first}", utt.norm):
        return False
    after = re.search(rf"\b{re.escape(name)}\s+(\w+(?:\s\w+)?)", utt.norm)
    kinds = ("product", "craft", "category", "material")
    return bool(after and any(m.start == 0 for m in Vocabulary.default().find(
        after.group(1), kinds=kinds, fuzzy=False)))  # the very next word, not "ship saree"


# The price just suggested, pointed back at: "set it to that price", "usi daam pe"
THAT_PRICE = re.compile(r"\b(?:that|this|the same|the suggested|your|the golden|suggested|"
                        r"recommended) (?:price|rate|amount)\b|\b(?:isi|usi|wahi|wohi|is|us) "
                        r"(?:price|daam|dam|rate|keemat)\b"
                        r"|\bthe price you (?:suggested|said|gave)\b")


def dimensions(utt: Utterance) -> dict[str, float] | None:
    """A piece's or parcel's size in cm, converted from the unit said (inches, feet, mm).

    Only all three sides: "14 x 10 x 6 inches", "12 inches long 8 inches wide 4 inches high".
    """
    from domain.listing_attributes import extract

    dims = extract(utt.text).dimensions_cm
    return dict(dims) if {"length", "width", "height"} <= set(dims) else None
