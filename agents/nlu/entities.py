"""Entity extraction from one utterance: numbers with units, ids, statuses, places, crafts.

Robust to speech-recognition output (lower case, no punctuation, words for numbers,
mis-heard place names), because creators talk to the assistant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from domain.catalog import CATEGORY_KEYWORDS, CLUSTERS
from domain.places import Gazetteer, Place, normalize

_WORD_NUMBERS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "half": 0.5, "couple": 2, "few": 3,
}
_UNITS = {
    "km": "km", "kms": "km", "kilometer": "km", "kilometers": "km", "kilometre": "km",
    "kilometres": "km", "kilo meters": "km",
    "kg": "kg", "kgs": "kg", "kilo": "kg", "kilos": "kg", "kilogram": "kg", "kilograms": "kg",
    "g": "g", "gram": "g", "grams": "g", "gm": "g", "gms": "g",
    "hour": "h", "hours": "h", "hr": "h", "hrs": "h",
    "day": "d", "days": "d", "week": "w", "weeks": "w", "month": "mo", "months": "mo",
    "year": "y", "years": "y",
    "rs": "inr", "rupee": "inr", "rupees": "inr", "inr": "inr", "₹": "inr",
    "cm": "cm", "centimeter": "cm", "centimeters": "cm", "centimetre": "cm", "centimetres": "cm",
}
STATUS_SYNONYMS = {
    "pending": ("pending", "new order", "new orders", "waiting", "unconfirmed", "not confirmed",
                "open orders", "awaiting"),
    "confirmed": ("confirmed", "accepted", "approved"),
    "in_production": ("in production", "being made", "making", "in progress", "production"),
    "shipped": ("shipped", "dispatched", "sent out", "on the way", "in transit", "shipping"),
    "delivered": ("delivered", "received", "completed", "reached"),
    "cancelled": ("cancelled", "canceled", "cancelation", "cancellation", "called off"),
}
_ID_RE = re.compile(r"\b([cbpok])\s?[- ]?\s?(\d{1,6})\b", re.I)
_ID_WIDTH = {"c": 4, "b": 4, "p": 5, "o": 6, "k": 3}
_NUM_RE = re.compile(
    r"(₹\s?)?(\d+(?:[.,]\d+)*)\s*(" + "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True)) + r")?\b",
    re.I,
)
_PLACE_CUES = ("near", "in", "around", "from", "at", "to", "of", "close to", "nearby")


@dataclass
class Quantity:
    """A number and its unit (``None`` when the user gave none)."""

    value: float
    unit: str | None
    span: tuple[int, int]


@dataclass
class Utterance:
    """One parsed user message."""

    text: str
    norm: str
    quantities: list[Quantity] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    place_names: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    crafts: list[str] = field(default_factory=list)

    def first(self, unit: str) -> float | None:
        """The first quantity with ``unit``."""
        return next((q.value for q in self.quantities if q.unit == unit), None)


def _words_to_digits(text: str) -> str:
    """``"fifty km"`` → ``"50 km"``, ``"twenty five"`` → ``"25"`` (small numbers only)."""
    tokens = text.split()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        word = tokens[i]
        if word in _WORD_NUMBERS and word not in ("a", "an"):
            value = _WORD_NUMBERS[word]
            if i + 1 < len(tokens) and tokens[i + 1] in _WORD_NUMBERS and tokens[i + 1] not in ("a", "an", "half"):
                nxt = _WORD_NUMBERS[tokens[i + 1]]
                value = value * nxt if nxt == 100 else value + nxt
                i += 1
            out.append(str(value))
        elif word in ("a", "an") and i + 1 < len(tokens) and tokens[i + 1] in _UNITS and _UNITS[tokens[i + 1]] in ("w", "mo", "y", "d"):
            out.append("1")
        else:
            out.append(word)
        i += 1
    return " ".join(out)


@lru_cache(maxsize=1)
def _craft_terms() -> dict[str, str]:
    terms: dict[str, str] = {}
    for c in CLUSTERS:
        terms[normalize(c.craft)] = c.craft.lower()
        for alias in c.aliases:
            if normalize(alias) in ("blue pottery", "dhokra"):
                terms[normalize(alias)] = alias.lower()
    for extra in ("madhubani", "pattachitra", "bidri", "bidriware", "ikat", "dhokra", "kundan",
                  "blue pottery", "banarasi", "kanjeevaram", "pashmina", "block print",
                  "block printing", "applique", "kutch embroidery", "chikankari", "warli",
                  "terracotta", "bandhani", "phulkari", "kalamkari", "meenakari"):
        terms[extra] = extra
    return terms


def _find_places(norm: str, vocabulary: frozenset[str]) -> list[tuple[str, Place]]:
    """Place mentions: exact names anywhere, fuzzy ones only after a cue word or off-vocabulary."""
    gaz = Gazetteer.default()
    tokens = norm.split()
    found: list[tuple[str, Place]] = []
    used: set[int] = set()
    for size in (3, 2, 1):
        for i in range(len(tokens) - size + 1):
            if any(j in used for j in range(i, i + size)):
                continue
            span = " ".join(tokens[i : i + size])
            if len(span) < 3:
                continue
            in_vocab = all(t in vocabulary for t in tokens[i : i + size])
            cued = i > 0 and tokens[i - 1] in _PLACE_CUES
            place = gaz.exact(span) if cued or not in_vocab else None
            if place is None and not in_vocab and len(span) >= 5 and (cued or size == 1):
                # Sound-alike matching only where a cue word says a place follows.
                hit = gaz.fuzzy(span, cutoff=86 if cued else 92, by_sound=cued)
                place = hit[0] if hit else None
            if place is not None:
                found.append((span, place))
                used.update(range(i, i + size))
    return found


def place_free_vocabulary(words: frozenset[str]) -> frozenset[str]:
    """Of ``words``, those that are not town names (craft words stay: "madhubani painting")."""
    gaz = Gazetteer.default()
    crafts = {w for term in _craft_terms() for w in term.split()}

    def is_town(word: str) -> bool:
        place = gaz.exact(word)
        return place is not None and (place.kind == "cluster" or place.population >= 100_000)

    return frozenset(w for w in words if w in crafts or not is_town(w))


def parse(text: str, vocabulary: frozenset[str] = frozenset()) -> Utterance:
    """Extract every entity the skills use from ``text``; ``vocabulary`` = known non-place words."""
    norm_spaced = re.sub(r"\s+", " ", text.lower().replace("₹", " ₹ ")).strip()
    digits = _words_to_digits(norm_spaced)
    utt = Utterance(text=text, norm=normalize(text))
    for m in _ID_RE.finditer(text):
        prefix, num = m.group(1).lower(), m.group(2)
        if len(num) <= _ID_WIDTH[prefix] and (len(num) >= 2 or "-" in m.group(0)):
            utt.ids.append(f"{prefix}-{int(num):0{_ID_WIDTH[prefix]}d}")
    digits = _ID_RE.sub(" ", digits)
    for m in _NUM_RE.finditer(digits):
        raw = m.group(2).replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        unit = _UNITS.get((m.group(3) or "").lower()) if m.group(3) else None
        if m.group(1):
            unit = "inr"
        utt.quantities.append(Quantity(value, unit, m.span()))
    padded = f" {utt.norm} "
    for status, words in STATUS_SYNONYMS.items():
        if any(f" {w} " in padded for w in words):
            utt.statuses.append(status)
    for category, words in CATEGORY_KEYWORDS.items():
        if any(f" {w} " in padded or f" {w}s " in padded for w in words):
            utt.categories.append(category)
    for term, craft in _craft_terms().items():
        if f" {term} " in padded:
            utt.crafts.append(craft)
    for span, place in _find_places(utt.norm, vocabulary):
        utt.places.append(place)
        utt.place_names.append(span)
    return utt
