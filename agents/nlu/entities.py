"""Entity extraction from one utterance: numbers with units, ids, statuses, places, crafts.

Robust to speech-recognition output (lower case, no punctuation, words for numbers,
mis-heard place names), because creators talk to the assistant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from domain.catalog import CATEGORY_KEYWORDS, CLUSTERS
from domain.places import Gazetteer, Place, normalize
from domain.vocabulary import Vocabulary, category_of

_SMALL_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "k": 1_000, "lakh": 100_000, "lakhs": 100_000,
           "dozen": 12, "dozens": 12,
           "lac": 100_000, "lacs": 100_000, "crore": 10_000_000, "crores": 10_000_000}
NUMBER_WORDS = frozenset({*_SMALL_NUMBERS, *_TENS, *_SCALES})
_PERIODS = ("d", "w", "mo", "y")
_VAGUE_NUMBERS = {"half": 0.5, "quarter": 0.25, "couple": 2, "few": 3}
_NUMERAL = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
_THOUSANDS = re.compile(r"^(\d+(?:\.\d+)?)k$")
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
# "orders I haven't confirmed": pending, and not the confirmed status the words contain.
_NOT_CONFIRMED = ("haven t confirmed", "havent confirmed", "have not confirmed", "didn t confirm",
                  "did not confirm", "not accepted", "haven t accepted", "have not accepted")
STATUS_SYNONYMS = {
    "pending": ("pending", "new order", "new orders", "waiting", "unconfirmed", "not confirmed",
                "open orders", "awaiting", "yet to be confirmed", "not yet confirmed",
                # a confirmation said as not done yet is no confirmed order
                *_NOT_CONFIRMED, "yet to confirm", "still to confirm", "confirm nahi",
                "confirm nahin"),
    "confirmed": ("confirmed", "accepted", "approved",
                  # Hinglish "kitne order confirm ho gaye" (glossed "order confirm")
                  "order confirm", "orders confirm", "confirm ho", "confirm kiye", "confirm kar"),
    "in_production": ("in production", "being made", "making", "in progress", "production",
                      "being crafted", "being woven", "in the making", "in the works",
                      "under production", "being prepared", "getting made", "getting ready",
                      "being readied", "under preparation", "work in progress",
                      # Hinglish left unglossed: "jo abhi tayyar ho rahe", "ban rahe hain"
                      "tayyar ho rahe", "taiyar ho rahe", "tayyar ho raha", "taiyar ho raha",
                      "tayyar ho rahi", "taiyar ho rahi", "ban rahe", "ban rahi", "ban raha"),
    "shipped": ("shipped", "dispatched", "sent out", "on the way", "in transit", "shipping",
                "on their way", "on its way", "out for delivery", "couriered", "posted",
                # a sending said as done: "which did I already dispatch", "jo bhej diye"
                "already dispatch", "already sent", "already send", "already ship", "i dispatched",
                "did i dispatch", "have i dispatched", "i have sent", "i ve sent", "mailed",
                "dispatch ho", "dispatch kiye", "ship ho", "ship chuke", "ship kar diye",
                "dispatch kar diye", "dispatch kar diya",
                "bhej diye", "bhej diya", "bhej chuke", "bhej chuka", "with the courier"),
    "delivered": ("delivered", "received", "recieved", "completed", "reached", "arrived"),
    "cancelled": ("cancelled", "canceled", "cancelation", "cancellation", "called off",
                  # "cancel wale", "jo cancel kiye", "cancel ho gaye": cancelled, said in Hinglish
                  "cancel wale", "cancel wala", "cancel wali", "cancel kiye", "cancel kiya",
                  "cancel kar diye", "cancel kar diya", "cancel ho", "cancel hue", "cancel hua",
                  "got cancel", "radd"),
}
# Phrases that say a status is NOT reached ("haven't confirmed"): the status they name is not meant.
_NEGATED = {"confirmed": (*_NOT_CONFIRMED, "not confirmed", "not yet confirmed",
                          "yet to be confirmed", "confirm nahi", "confirm nahin")}
# Single words a mistyped or mis-heard status is compared with ("shiped", "pendng").
_STATUS_WORDS = {"pending": "pending", "confirmed": "confirmed", "production": "in_production",
                 "shipped": "shipped", "dispatched": "shipped", "delivered": "delivered",
                 "cancelled": "cancelled", "canceled": "cancelled"}
# "p-00234", "p 234", "P-234", and digit by digit as speech-to-text writes it: "p 0 0 2 3 4".
_ID_RE = re.compile(r"\b([cbpok])\s?[- ]?\s?(\d(?: \d(?!\d)){1,5}|\d{1,6})\b", re.I)
_ID_WIDTH = {"c": 4, "b": 4, "p": 5, "o": 6, "k": 3}
_UNIT_ALT = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
# A unit may be joined by a hyphen ("a 500-km radius", "a 2-kg box"); a range's hyphen is not.
# A seller by number: "seller 297", "artisan no. 42" (not "seller 2 kg", "3 sellers")
_SELLER_NUMBER = re.compile(r"\b(seller|creator|artisan|maker|vendor|weaver)\s+"
                            r"(?:no\.?\s*|number\s+|id\s+|#\s*)?(\d{1,4})\b(?![.,]?\d)(?!\s*(?:%|(?:kg|g|gm|km|rs|hours?|"
                            r"pieces?|items?|listings?|orders?|products?)\b))")
_NUM_RE = re.compile(
    rf"(₹\s?)?(\d+(?:[.,]\d+)*)(?:\s*-(?=\s*(?:{_UNIT_ALT})\b))?\s*({_UNIT_ALT})?\b", re.I
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
    said: str = ""  # the message as typed, when ``text`` is its English gloss
    digits: str = ""  # lower case, spoken numbers as digits, ids blanked out
    quantities: list[Quantity] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    place_names: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    crafts: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)  # states named ("Rajasthan", "Kashmir")
    coordinates: dict[str, float] | None = None  # "near 17.38, 78.48", "lat 26.91 lon 75.79"

    def first(self, unit: str) -> float | None:
        """The first quantity with ``unit``."""
        return next((q.value for q in self.quantities if q.unit == unit), None)


def _bare(token: str) -> str:
    return token.strip(".,!?;:\"'()")


def _read_number(words: list[str], i: int) -> tuple[float, int] | None:
    """The number spoken from ``words[i]`` on and how many words it took, or ``None``.

    "fourteen hundred" is 1400 and "two thousand five hundred" 2500, but "zero zero two"
    stays three numbers: digit-by-digit speech is how ids are read out.
    """
    total = current = 0.0
    last: str | None = None  # the kind of the previous word
    scale = 0.0  # the last scale said ("lakh" in "1 lakh 50 thousand")
    j = i
    while j < len(words):
        word = words[j]
        nxt, after = (words[j + 1 : j + 3] + ["", ""])[:2]
        small, tens = _SMALL_NUMBERS.get(word), _TENS.get(word)
        if last is None and word in ("a", "an") and nxt in _SCALES and nxt != "k":
            current, last = 1, "small"
        elif last is None and (m := _THOUSANDS.match(word)):
            current, last = float(m.group(1)) * 1000, "scale"  # "5k"
        elif last is None and _NUMERAL.match(word):
            current, last = float(word.replace(",", "")), "numeral"
        elif (last == "scale" and _NUMERAL.match(word) and nxt in _SCALES and nxt != "k"
              and _SCALES[nxt] < scale):
            current, last = float(word.replace(",", "")), "numeral"  # "1 lakh 50 thousand"
        elif small is not None and (last in (None, "hundred", "scale")
                                    or (last == "tens" and 0 < small < 10)):
            current, last = current + small, "small"
        elif tens is not None and last in (None, "hundred", "scale"):
            current, last = current + tens, "tens"
        elif tens is not None and last == "small" and current < 20 and not total and not scale:
            current, last = current * 100 + tens, "tens"  # "two fifty" 250, "twelve fifty" 1250
        elif word == "hundred" and last != "scale" and current < 100:
            current, last = (current or 1) * 100, "hundred"
        # alone, "k" is a letter and "lac" the resin of lacquer work ("lac has become costly")
        elif word in _SCALES and word != "hundred" and (last or word not in ("k", "lac", "lacs")) \
                and last != "scale":
            total, current, last = total + (current or 1) * _SCALES[word], 0, "scale"
            scale = _SCALES[word]
        elif word == "and" and last and ((nxt, after) == ("a", "half") or nxt in ("half",
                                                                                 "quarter")):
            size = 3 if nxt == "a" else 2
            value = current + _VAGUE_NUMBERS["half" if nxt == "a" else nxt]
            later = words[j + size] if j + size < len(words) else ""
            if later in _SCALES and later not in ("k", "lac", "lacs") and last != "scale":
                # "one and a half thousand" is 1500, "two and a half lakh" 250000
                return total + value * _SCALES[later], j + size + 1 - i
            return total + value, j + size - i
        elif word == "and" and last in ("hundred", "scale") and (nxt in _SMALL_NUMBERS
                                                                  or nxt in _TENS):
            pass  # "one hundred and fifty"
        else:
            break
        j += 1
    return (total + current, j - i) if last else None


_SCALED_RANGE = re.compile(
    r"\b(\d+(?:\.\d+)?)(k|lakhs?)?\s*(-|to)\s*(\d+(?:\.\d+)?)\s*(k|lakhs?)\b")
_SCALED = re.compile(r"\b(\d+(?:\.\d+)?)(k|lakhs?)\b")


def _scaled_ranges(text: str) -> str:
    """"20-40k" and "20k-40k" are 20000 to 40000; "1.5-2 lakh" 150000 to 200000."""

    def number(raw: str, scale: str | None) -> str:
        value = float(raw) * _SCALES[scale] if scale else float(raw)
        return f"{value:g}" if value < 1e15 else raw

    def both(m: re.Match[str]) -> str:
        low, high = float(m.group(1)), float(m.group(4))
        scale = m.group(5)
        first = number(m.group(1), m.group(2) or (scale if low < high else None))
        return f"{first} {m.group(3)} {number(m.group(4), scale)}"

    text = _SCALED_RANGE.sub(both, text)
    return _SCALED.sub(lambda m: number(m.group(1), m.group(2)), text)


# Words before "one" that make it a pronoun ("the first one", "which one", "this one").
_POINTING = frozenset({"the", "this", "that", "which", "each", "every", "any", "first", "second",
                       "third", "fourth", "fifth", "last", "next", "other", "same", "cheapest",
                       "cheaper", "costliest", "big", "bigger", "small", "smaller", "new", "old",
                       "red", "blue", "green", "yellow", "black", "white", "pink", "middle"})


_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# "one point two kilos" is 1.2; "three quarters of a kilo" 0.75
_POINT = re.compile(rf"\b({'|'.join(_DIGIT_WORDS)}|\d+) point ({'|'.join(_DIGIT_WORDS)}|\d)\b")
_THREE_QUARTERS = re.compile(r"\bthree[- ](?:quarters?|fourths?)(?: of(?: an?)?)?\b")
# "a day and a half", "2 kilos and a half": half as much again of that unit
_AND_A_HALF = re.compile(r"\b(\d+(?:\.\d+)?) (days?|weeks?|months?|hours?|hrs?|kilos?|kgs?)"
                         r" and a (?:half\b|0\.5(?![\d.]))")


_MINUTES = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:minutes?|mins?)\b")


def _spoken_fractions(text: str) -> str:
    def point(m: re.Match[str]) -> str:
        whole, tenth = (str(_DIGIT_WORDS.index(g)) if g in _DIGIT_WORDS else g
                        for g in m.groups())
        return f"{whole}.{tenth}"

    return _THREE_QUARTERS.sub("0.75", _POINT.sub(point, text))


def _words_to_digits(text: str) -> str:
    """``"fifty km"`` → ``"50 km"``, ``"fourteen hundred"`` → ``"1400"``, ``"5k"`` → ``"5000"``."""
    out = _words_to_digits_only(_spoken_fractions(text))
    out = _AND_A_HALF.sub(lambda m: f"{float(m.group(1)) + 0.5:g} {m.group(2)}", out)
    # "150 minutes of work" is 2.5 hours
    return _MINUTES.sub(lambda m: f"{float(m.group(1)) / 60:.3g} hours", out)


def _words_to_digits_only(text: str) -> str:
    tokens = _scaled_ranges(text).split()
    words = [_bare(t) for t in tokens]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        word = words[i]
        read = _read_number(words, i)
        if (read is not None and read[1] == 1 and word == "one" and i and words[i - 1] in _POINTING
                and _UNITS.get(words[i + 1] if i + 1 < len(words) else "") is None):
            read = None  # "the third one", "that one": which piece ("the next one month" counts)
        if read is not None and (read[1] > 1 or not _NUMERAL.match(word)):
            value, size = read
            last = tokens[i + size - 1]
            number = str(int(value)) if value == int(value) else str(value)
            out.append(number + last[len(last.rstrip(".,!?;:")):])  # keep "hundred." 's full stop
            i += size
            continue
        if word in _VAGUE_NUMBERS:
            out.append(str(_VAGUE_NUMBERS[word]))
            if word in ("half", "quarter") and words[i + 1 : i + 2] in (["a"], ["an"]):
                i += 1  # "half a kilo"
            elif word == "quarter" and words[i + 1 : i + 2] == ["of"]:
                i += 1
        elif word in ("a", "an") and _UNITS.get(" ".join(words[i + 1 : i + 2])) in (
                *_PERIODS, "kg"):
            out.append("1")  # "a week", "about a kilo"
        else:
            out.append(tokens[i])
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


# The people or language of a region ("the Punjabi embroidered ones") are no misspelt town.
_PEOPLES = frozenset(
    "punjabi bengali gujarati rajasthani kashmiri odia oriya assamese bihari marathi tamil "
    "kannada kannadiga malayali malayalam telugu sindhi marwari pahari naga manipuri kutchi "
    "bundeli awadhi bhojpuri maithili konkani tribal adivasi".split())


# Words a town's name does not start or end with: "to my amma in Kochi" is not a sound-alike
# of "Mamun".
_SPAN_EDGES = frozenset("my in the a an to of for at from is and or his her our your their me "
                        "near with by on".split())


def _find_places(norm: str, vocabulary: frozenset[str]) -> list[tuple[str, Place]]:
    """Place mentions: exact names anywhere, fuzzy ones only after a cue word or off-vocabulary.

    Exact names are found first in the whole turn, so "to Pune it costs" is Pune and not a
    sound-alike of the longer span "pune it".
    """
    gaz = Gazetteer.default()
    tokens = norm.split()
    found: list[tuple[int, str, Place]] = []
    used: set[int] = set()
    for fuzzy in (False, True):
        for size in (3, 2, 1):
            for i in range(len(tokens) - size + 1):
                if any(j in used for j in range(i, i + size)):
                    continue
                span = " ".join(tokens[i : i + size])
                if len(span) < 3:
                    continue
                if any(len(t) < 2 for t in tokens[i : i + size]):
                    continue  # a lone letter is what is left of "5k" or an id, not of a town
                in_vocab = all(t in vocabulary for t in tokens[i : i + size])
                cued = i > 0 and tokens[i - 1] in _PLACE_CUES
                place = None
                if not fuzzy and (cued or not in_vocab):
                    place = _as_spelled(gaz.exact(span), span)
                    if place is not None and not cued and _craft_alias(place, span):
                        place = None  # "dhokra elephant to Raipur": the craft, not Kondagaon
                elif fuzzy and not in_vocab and len(span) >= 5 and (cued or size == 1) \
                        and span not in _PEOPLES and not (
                            size > 1 and {tokens[i], tokens[i + size - 1]} & _SPAN_EDGES):
                    # Sound-alike matching only where a cue word says a place follows.
                    hit = gaz.fuzzy(span, cutoff=86 if cued else 92, by_sound=cued)
                    place = hit[0] if hit else None
                    if place is not None and not cued and _craft_alias(place, span):
                        place = None
                if place is not None:
                    found.append((i, span, place))
                    used.update(range(i, i + size))
    return [(span, place) for _, span, place in sorted(found, key=lambda f: f[0])]


def _craft_alias(place: Place, span: str) -> bool:
    """Whether ``span`` names a cluster only through its craft ("dhokra" for Kondagaon)."""
    if place.kind != "cluster" or normalize(place.name) == span:
        return False
    return bool(Vocabulary.default().find(span, kinds=("craft",), fuzzy=False))


def _as_spelled(place: Place | None, span: str) -> Place | None:
    """The town under the name the user wrote ("Panaji", "Bangalore") when it is one of its names.

    Tools resolve any name of a town, and a reply that renames the user's town (Panjim for Panaji)
    reads as a mistake. Craft clusters keep their own name (an alias there is often a craft's name),
    and so do names read in Devanagari or misspelt (matched fuzzily, not here).
    """
    if place is None or place.kind != "city" or not span.isascii():
        return place
    span = re.sub(r"\s(?:city|town|district|shahar)$", "", span)  # "Jaipur city" is Jaipur
    if normalize(place.name) == span and place.name.isascii():
        return place  # (a name with marks the user did not type, "Bānkura", is said as typed)
    return replace(place, name=" ".join(w.capitalize() for w in span.split()))


def _statuses(norm: str, vocabulary: frozenset[str]) -> list[str]:
    """Order statuses named in ``norm``, always values of the status enum.

    A word one letter away from a status word ("shiped", "deliverd") counts as that status,
    unless it is a word the corpus knows (then it means something else).
    """
    padded = f" {norm} "
    found = [s for s, words in STATUS_SYNONYMS.items() if any(f" {w} " in padded for w in words)]
    for status, phrases in _NEGATED.items():
        if status in found and any(f" {p} " in padded for p in phrases):
            # "orders I haven't confirmed yet" are pending, not confirmed; unless said again
            rest = padded
            for p in phrases:
                rest = rest.replace(f" {p} ", " ")
            if not any(f" {w} " in rest for w in STATUS_SYNONYMS[status]):
                found.remove(status)
    for token in norm.split():
        if len(token) < 5 or token in vocabulary or token in _STATUS_WORDS:
            continue
        for word, status in _STATUS_WORDS.items():
            if token[0] == word[0] and Levenshtein.distance(token, word, score_cutoff=1) <= 1:
                if status not in found:
                    found.append(status)
                break
    return found


# Grouping commas only between digits: "9000, score min 60" ends the amount at the comma.
_AMOUNT = r"(?:₹|rs\.?|inr)?\s*(\d+(?:,\d{2,3})*(?:\.\d+)?)(?![\d.,]*\d)"
_CURRENCY = r"\s*(?:₹|rs\b\.?|rupees?\b|inr\b|/-)?"
# An amount followed by another unit is a distance, weight or count, not a price.
_NOT_PRICE = (r"(?!\s*(?:km|kms|kilomet\w*|miles?|kg|kgs|kilo|grams?\b|g\b|gms?\b|hours?|hrs?\b"
              r"|days?|weeks?|months?|years?|cm|%|percent|pieces|pcs|items|units|stars?)\b)")
_PRICE_RANGE = (
    re.compile(rf"\b(?:between|from){_CURRENCY}{_AMOUNT}{_CURRENCY}\s*(?:and|to|-){_CURRENCY}{_AMOUNT}"
               rf"{_NOT_PRICE}"),
    re.compile(rf"\b(?:range|price|priced|budget|costing)\s*(?:of|is)?{_CURRENCY}{_AMOUNT}{_CURRENCY}"
               rf"\s*(?:to|-){_CURRENCY}{_AMOUNT}{_NOT_PRICE}"),
    # A bare "5000 to 15000" or "5000-15000" is a price when money is named after it.
    re.compile(rf"{_AMOUNT}\s*(?:to|-)\s*{_AMOUNT}\s*(?:₹|rs\b|rupees?\b|inr\b)"),
    # ... or when it is said as an estimate ("something around 3000 to 6000").
    re.compile(rf"\b(?:around|about|roughly|approx\w*|somewhere|anywhere from){_CURRENCY}"
               rf"{_AMOUNT}{_CURRENCY}\s*(?:to|-){_CURRENCY}{_AMOUNT}{_NOT_PRICE}"),
)
# "around 3000, plus minus 500", "2500 give or take 300": a price and how far from it
_PLUS_MINUS = re.compile(rf"{_AMOUNT}{_CURRENCY}[\s,]*(?:plus minus|plus or minus|\+/-|±|"
                         rf"give or take|upar neeche|aage peeche){_CURRENCY}{_AMOUNT}{_NOT_PRICE}")
# A bare "2000-4000" after what is wanted: two amounts of money (both 100 or more)
_BARE_RANGE = re.compile(rf"(?<![\w.-]){_AMOUNT}\s*(?:-|to)\s*{_AMOUNT}{_NOT_PRICE}(?![\w-])")
_PRICE_MAX = (
    # "not less than 500" is a floor, "not more than 800" a ceiling: the negation decides
    re.compile(rf"(?<!not )(?<!no )\b(?:under|undr|below|blw|less than|lesser than|upto|up to|"
               rf"within|max|"
               rf"maximum|at most"
               rf"|not more than|no more than|cheaper than|budget of|budget is|budget"
               # "nothing above 1200", "not over 800", "none costlier than 500": a ceiling
               rf"|(?:nothing|none|not|no|never)\s+(?:above|over|more than|costlier than|"
               rf"pricier than|beyond|exceeding)){_CURRENCY}"
               rf"{_AMOUNT}{_NOT_PRICE}"),
    re.compile(rf"{_AMOUNT}{_CURRENCY}\s*(?:or less|or below|or under|and below|and under|max)\b"),
)
_PRICE_MIN = (
    re.compile(rf"(?<!not )(?<!no )(?<!nothing )(?<!none )(?<!never )"
               rf"\b(?:above|abv|abov|over|more than|greater than|at least|atleast|min|"
               rf"minimum|starting at"
               rf"|starting from|costlier than|not less than){_CURRENCY}{_AMOUNT}{_NOT_PRICE}"),
    re.compile(rf"{_AMOUNT}{_CURRENCY}\s*(?:or more|or above|and above|plus|onwards|minimum|min|"
               rf"at least)\b"),
)
# "I don't want to spend more than 2500": a floor's words under a negation are a ceiling
_NOT_SPEND = re.compile(r"\b(?:don['’ ]?t|do not|not|won['’ ]?t|never|no)\b[^,.;]{0,20}"
                        r"\b(?:spend|pay|go|want)\b[^,.;]{0,14}$")
# Bounds right after these words are scores, not prices ("authenticity above 80").
_SCORE_WORDS = re.compile(r"(?:authentic\w*|score|rating|rated)(?:\s+(?:ones?|pieces?|items?|only"
                          r"|products?))*[\s,]*(?:of|is|should be)?\s*$")
_SCORE_AFTER = re.compile(r"^\s*(?:%|percent|score|points|authentic|rating|stars?)\b")


def price_bounds(digits: str) -> tuple[float | None, float | None]:
    """``(price_min, price_max)`` said in ``digits`` (an ``Utterance.digits``).

    "between 5000 and 15000", "from 2k to 5k", "3000-6000 rupees", "under 2500", "above 10000", "500
    or more".
    """

    def amount(raw: str) -> float:
        return float(raw.replace(",", ""))

    def is_price(m: re.Match[str]) -> bool:
        return not (_SCORE_WORDS.search(digits[max(0, m.start() - 30):m.start()])
                    or _SCORE_AFTER.match(digits[m.end():m.end() + 12]))

    for pattern in _PRICE_RANGE:
        for m in pattern.finditer(digits):
            if is_price(m):
                low, high = sorted((amount(m.group(1)), amount(m.group(2))))
                return low, high
    for m in _PLUS_MINUS.finditer(digits):
        if is_price(m) and amount(m.group(2)) < amount(m.group(1)):
            return amount(m.group(1)) - amount(m.group(2)), amount(m.group(1)) + amount(m.group(2))

    def first(patterns: tuple[re.Pattern[str], ...]) -> float | None:
        hits = (m for p in patterns for m in p.finditer(digits) if is_price(m))
        return next((amount(m.group(1)) for m in hits), None)

    floors = [m for p in _PRICE_MIN for m in p.finditer(digits) if is_price(m)]
    if floors and _NOT_SPEND.search(digits[:floors[0].start()]) and first(_PRICE_MAX) is None:
        return None, amount(floors[0].group(1))
    bounds = first(_PRICE_MIN), first(_PRICE_MAX)
    if bounds == (None, None):
        for m in _BARE_RANGE.finditer(digits):
            low, high = sorted((amount(m.group(1)), amount(m.group(2))))
            years = 1900 <= low and high <= 2100 and high - low <= 10  # "2024-2025 sales"
            if is_price(m) and 100 <= low < high and not years:
                return low, high
    return bounds


_QUESTION_START = re.compile(
    r"^(?:what|whats|which|who|whom|whose|why|how|when|where|is|are|was|were|does|do|did|can|"
    r"could|should|would|will|tell me|explain)\b"
)
_ADVICE = re.compile(r"\b(?:what should|should i|what now|what do i do|how (?:do|should|can) i|"
                     r"tips|advice|best way)\b")


def is_question(utt: Utterance) -> bool:
    """Whether the utterance is phrased as a question ("who revived blue pottery", "…?")."""
    return utt.text.rstrip().endswith("?") or bool(_QUESTION_START.match(utt.norm))


def asks_advice(utt: Utterance) -> bool:
    """Whether the user asks what to do ("a buyer got a broken vase, what now")."""
    return bool(_ADVICE.search(utt.norm))


def place_free_vocabulary(words: frozenset[str]) -> frozenset[str]:
    """Of ``words``, those that are not town names (craft words stay: "madhubani painting")."""
    gaz = Gazetteer.default()
    crafts = {w for term in _craft_terms() for w in term.split()}

    def is_town(word: str) -> bool:
        place = gaz.exact(word)
        return place is not None and (place.kind == "cluster" or place.population >= 100_000)

    return frozenset(w for w in words if w in crafts or not is_town(w))


def _add_vocabulary(utt: Utterance) -> None:
    """Crafts, categories and states the shared craft vocabulary knows.

    ("kantha quilt", "chikan kurta", "sandalwood box", "Tamil Nadu") beyond the catalog's keywords.
    """
    matches = Vocabulary.default().find(utt.norm, kinds=("craft", "product", "region"),
                                        fuzzy=False)
    towns = {w for name in utt.place_names for w in name.split()}
    for m in matches:
        if m.entry.kind == "region" and m.entry.cluster_id is None and m.surface not in towns:
            utt.regions.append(" ".join(w.capitalize() if w != "and" else w
                                        for w in m.surface.split()))
    matches = [m for m in matches if m.entry.kind != "region"]
    for m in matches:
        if m.entry.kind == "craft" and m.entry.canonical not in utt.crafts:
            utt.crafts.append(m.entry.canonical)
    if not utt.categories and matches:
        category = category_of(utt.norm)
        if category:
            utt.categories.append(category)


_OLD_STATE_NAMES = frozenset({"orissa", "uttaranchal", "pondicherry"})


def region_name(said: str) -> str:
    """A state by its own name ("UP" → "Uttar Pradesh", "orissa" → "Odisha").

    Any other name a state is known by ("Kashmir", "Kutch") stays as said: the narrower place.
    """
    entry = Vocabulary.default().canonical("region", said)
    if entry is None or not (len(said) <= 3 or said.lower() in _OLD_STATE_NAMES):
        return said  # a district ("Kutch", "Bastar") or a part ("Kashmir") is the narrower place
    return entry.canonical


def keep_said_abbreviations(utt: Utterance, said: str) -> None:
    """Drop states read from a short word the user did not write in capitals.

    "UP", "MP", "TN" are states when written so, or with a Hindi postposition ("up me"); "pick
    up the demand" has no Uttar Pradesh in it. Messages in Devanagari have no capitals to go by
    and keep what was read.
    """
    if not said or re.search(r"[\u0900-\u097f]", said):
        return  # (a dash or a ₹ sign is no reason to keep "up or down" as a state)
    lowered = said.lower()
    utt.regions = [r for r in utt.regions
                   if len(r) > 3 or not r.isalpha() or re.search(rf"\b{r.upper()}\b", said)
                   # Hinglish "up me", "mp ke": a place by its postposition
                   or re.search(rf"\b{r.lower()}\s+(?:me|mein|main|ke|ki|ka|se|wale|wali)\b",
                                lowered)]


# A point given by its coordinates, with or without their names: "17.38, 78.48".
_COORDINATES = re.compile(r"(?:\blat(?:itude)?\s*[:=]?\s*)?(\d{1,2}\.\d{2,})\s*[,/ ]\s*"
                          r"(?:\b(?:lon|lng|long|longitude)\s*[:=]?\s*)?(\d{2}\.\d{2,})")

# Named, one decimal is enough: "lat 26.9 lon 75.8".
_NAMED_COORDINATES = re.compile(r"\blat(?:itude)?\s*[:=]?\s*(\d{1,2}(?:\.\d+)?)\s*[,/ ]?\s*"
                                r"\b(?:lon|lng|long|longitude)\s*[:=]?\s*(\d{2}(?:\.\d+)?)\b")


def _in_india(lat: float, lon: float) -> bool:
    return 6 <= lat <= 37.5 and 68 <= lon <= 98


def parse(text: str, vocabulary: frozenset[str] = frozenset()) -> Utterance:
    """Extract every entity the skills use from ``text``; ``vocabulary`` = known non-place words."""
    norm_spaced = re.sub(r"\s+", " ", text.lower().replace("₹", " ₹ ")).strip()
    digits = _SELLER_NUMBER.sub(lambda m: f"{m.group(1)} c-{int(m.group(2)):04d}",
                                _words_to_digits(norm_spaced))  # "is seller 297 legit?"
    utt = Utterance(text=text, norm=normalize(text))
    for m in _ID_RE.finditer(digits):
        prefix, num = m.group(1).lower(), m.group(2).replace(" ", "")
        if len(num) <= _ID_WIDTH[prefix] and (len(num) >= 2 or "-" in m.group(0)):
            utt.ids.append(f"{prefix}-{int(num):0{_ID_WIDTH[prefix]}d}")
    digits = _ID_RE.sub(" ", digits)
    utt.digits = digits
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
    point = _NAMED_COORDINATES.search(norm_spaced) or _COORDINATES.search(norm_spaced)
    if point and _in_india(float(point[1]), float(point[2])):
        utt.coordinates = {"lat": float(point[1]), "lon": float(point[2])}
    padded = f" {utt.norm} "
    utt.statuses = _statuses(utt.norm, vocabulary)
    for category, words in CATEGORY_KEYWORDS.items():
        if any(f" {w} " in padded or f" {w}s " in padded for w in words):
            utt.categories.append(category)
    for term, craft in _craft_terms().items():
        if f" {term} " in padded:
            utt.crafts.append(craft)
    _add_vocabulary(utt)
    for span, place in _find_places(utt.norm, vocabulary):
        utt.places.append(place)
        utt.place_names.append(span)
    return utt
