"""Self-corrections inside one message: "2.5 kg no wait 3 kg" means 3 kg.

`resolve` puts the corrected value where the first one was said and cuts the correction from the
text, so the planner, which reads the first value it finds, reads the one the user meant. A
message with no correction in it comes back unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.nlu.entities import NUMBER_WORDS, _words_to_digits
from agents.nlu.hindi import number_word

# The kind of value a unit says; values of one kind correct each other ("2 din ... matlab 16
# ghante": a duration either way).
_UNIT_KINDS = {
    "weight": "kg kgs kilo kilos kilogram kilograms g gm gms gram grams किलो ग्राम",
    "duration": "h hr hrs hour hours ghanta ghante ghanton ghnte घंटा घंटे day days din दिन "
                "week weeks hafta hafte हफ्ता हफ्ते month months mahina mahine महीना महीने "
                "year years saal साल",
    "distance": "km kms kilometer kilometers kilometre kilometres किलोमीटर",
    "money": "rs rupee rupees rupaye rupay inr ₹ रुपये रुपए",
    "size": "cm cms mm inch inches",
    "count": "piece pieces pc pcs item items unit units pair pairs set sets nos",
    "percent": "% percent",
}
_UNITS = {unit: kind for kind, units in _UNIT_KINDS.items() for unit in units.split()}
_MONEY_SIGNS = frozenset({"₹", "rs", "inr"})
# Said without a unit, a price or a count is still often meant ("price 3350, sorry 3500 rs").
_UNITLESS_OK = frozenset({"money", "count"})

_DEVANAGARI_WORD = r"[\u0900-\u0963\u0970-\u097f]+"
_TOKEN = re.compile(
    r"(?:img|up)-[0-9a-f]+|[a-z]-\d+"  # ids: photo keys, uploads, p-/c-/b-/o- records
    r"|\d+(?:[.,]\d+)*(?:k\b)?"  # "3350", "2.5", "1,400", "5k"
    rf"|[a-z]+(?:'[a-z]+)?|{_DEVANAGARI_WORD}|\S",
    re.I,
)
_ID = re.compile(r"(?:img|up)-[0-9a-f]+|[a-z]-\d+", re.I)
_NUMERAL = re.compile(r"\d+(?:[.,]\d+)*k?", re.I)

# Words that open a correction. "sorry to bother you" is an apology, and a lone "no" a correction
# only before a comma or full stop ("2 kg? no, 3 kg"), never in "no fake reviews".
_LEAD = r"(?:no|nahi|nahin|wait|oh|ok|okay|arre|are|hmm+|umm*|uh)"
_MARKER = (
    r"no\s+wait|nahin?\s+wait|oh\s+wait|wait\s+no|no\s+no|nahin?\s+nahin?|arre?\s+nahin?"
    r"|sorry(?!\s+(?:to|for|about|if|but)\b)|oops|actually|i\s+mean(?:t)?|make\s+(?:it|that)"
    r"|correction|scratch\s+that|or\s+rather|matlab|galti\s+se|no(?=\s*[,.!])"
    r"|नहीं\s+नहीं|अरे\s+नहीं|मतलब|सॉरी"
)
_SEP = r"[\s,.!…]*"
_EDGE_BEFORE = r"(?<![\w\u0900-\u097f])"
_EDGE_AFTER = r"(?![\w\u0900-\u097f])"
_CHAIN = re.compile(
    rf"{_EDGE_BEFORE}(?:{_LEAD}{_SEP})*(?:{_MARKER})"
    rf"(?:{_SEP}(?:{_LEAD}{_SEP})*(?:{_MARKER}))*{_EDGE_AFTER}",
    re.I,
)
_TRAILING_CHAIN = re.compile(rf"\s*,?\s*(?:{_MARKER}){_EDGE_AFTER}", re.I)
_NOT = frozenset({"not"})
# Between a correction's words and its value: a few words for an id or a number with its unit
# ("nahi wait fall lagake 1.1 kg"); a bare number must follow at once ("make it 150"), since
# "actually I have 3" states a number rather than correcting one.
_MAX_GAP_WORDS = 3
_BARE_GAP_WORDS = frozenset({"it", "its", "it's", "is", "to", "just"})
_MAX_PASSES = 5


@dataclass(frozen=True)
class _Value:
    """A value said in the message: an id, or a number with the unit it was said with."""

    start: int
    end: int
    num_start: int  # where the number itself is, without its unit or money sign
    num_end: int
    kind: str  # "id:p", "id:img", a unit kind ("weight", "duration", ...) or "bare"
    unit: str | None  # the unit word as said, lower case
    number: float | None  # None for ids


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum() or "\u0900" <= self.text[0] <= "\u097f"


def resolve(text: str) -> str:
    """``text`` with each value the user corrected replaced by its correction.

    "check c-0110 for fraud, no sorry, I meant c-0101" becomes "check c-0101 for fraud"; "8 hours.
    sorry not 8, 5 hours only" becomes "5 hours. only". The corrected value is the one named
    after "not", else the last one of the same kind said before the correction (a bare number
    keeps that value's unit). Without a correction, or without an earlier value of the corrected
    kind, the text is returned unchanged.
    """
    for _ in range(_MAX_PASSES):
        corrected = _first_correction(text)
        if corrected is None:
            return text
        text = corrected
    return text


def _first_correction(text: str) -> str | None:
    """The text with its first correction that can be resolved applied, or ``None``."""
    tokens = [_Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    values = _values(tokens)
    for chain in _CHAIN.finditer(text):
        fixed = _apply_chain(text, tokens, values, chain.start(), chain.end())
        if fixed is not None:
            return fixed
    return _apply_not_instead(text, tokens, values)


def _apply_chain(text: str, tokens: list[_Token], values: list[_Value], start: int,
                 end: int) -> str | None:
    """Resolve the correction whose words span ``start:end``: find its new value and the old."""
    after = [t for t in tokens if t.start >= end]
    explicit = None
    if after and after[0].low in _NOT:  # "sorry not 8, 5 hours"
        explicit = _value_at(values, after[1].start) if len(after) > 1 else None
        if explicit is None:
            return None
        end = explicit.end
    new = _new_value(tokens, values, end)
    if new is None:
        return None
    cut_end = new.end
    if explicit is None and (said := _not_after(tokens, values, new)) is not None:
        explicit, cut_end = said, said.end  # "150 diyas not 100"
    earlier = [v for v in values if v.end <= start]
    old = _named(earlier, explicit) if explicit is not None else _alike(earlier, new)
    if old is None:
        return None
    if trailing := _TRAILING_CHAIN.match(text, cut_end):  # "p-00222 I mean, the vase"
        cut_end = trailing.end()
    return _rebuild(text, old, new, start, cut_end)


def _apply_not_instead(text: str, tokens: list[_Token], values: list[_Value]) -> str | None:
    """"100 diyas ... 150 diyas not 100": a value said instead of an earlier one, no marker."""
    for new in values:
        said = _not_after(tokens, values, new)
        if said is None:
            continue
        old = _named([v for v in values if v.end <= new.start], said)
        if old is not None:
            return _rebuild(text, old, new, new.start, said.end)
    return None


def _values(tokens: list[_Token]) -> list[_Value]:
    """Every id and number in ``tokens``; a number in words counts only with its unit."""
    values: list[_Value] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if _ID.fullmatch(tok.text):
            prefix = tok.low.split("-")[0]
            values.append(_Value(tok.start, tok.end, tok.start, tok.end, f"id:{prefix}", None,
                                 None))
            i += 1
            continue
        sign = tok.low in _MONEY_SIGNS and i + 1 < len(tokens) \
            and _NUMERAL.fullmatch(tokens[i + 1].text) is not None
        first = i + 1 if sign else i
        read = _number_at(tokens, first)
        if read is None:
            i += 1
            continue
        number, nxt, spoken = read
        unit = tokens[nxt].low if nxt < len(tokens) and tokens[nxt].low in _UNITS else None
        if unit is None and spoken and not sign:
            i = nxt  # "one" in "that one" is no value
            continue
        kind = "money" if sign else (_UNITS[unit] if unit else "bare")
        end = tokens[nxt].end if unit else tokens[nxt - 1].end
        values.append(_Value(tok.start, end, tokens[first].start, tokens[nxt - 1].end, kind,
                             unit, number))
        i = nxt + 1 if unit else nxt
    return values


def _number_at(tokens: list[_Token], i: int) -> tuple[float, int, bool] | None:
    """The number said from ``tokens[i]`` on, the index after it, and whether it was in words."""
    if i >= len(tokens):
        return None
    tok = tokens[i]
    if _NUMERAL.fullmatch(tok.text):
        raw = tok.low.replace(",", "")
        thousands = raw.endswith("k")
        try:
            number = float(raw.rstrip("k"))
        except ValueError:
            return None
        return (number * 1000 if thousands else number), i + 1, False
    if (hindi := number_word(tok.text)) is not None:
        return hindi, i + 1, True
    j = i
    while j < len(tokens) and (tokens[j].low in NUMBER_WORDS and tokens[j].low != "k"
                               or (tokens[j].low == "and" and j > i and j + 1 < len(tokens)
                                   and tokens[j + 1].low in NUMBER_WORDS)):
        j += 1
    if j == i:
        return None
    digits = _words_to_digits(" ".join(t.low for t in tokens[i:j]))
    if not _NUMERAL.fullmatch(digits):
        return None
    return float(digits), j, True


def _value_at(values: list[_Value], start: int) -> _Value | None:
    return next((v for v in values if v.start == start), None)


def _new_value(tokens: list[_Token], values: list[_Value], end: int) -> _Value | None:
    """The first value after a correction's words, if it follows closely enough to be meant."""
    gap: list[str] = []
    for tok in tokens:
        if tok.start < end:
            continue
        value = _value_at(values, tok.start)
        if value is not None:
            if value.kind == "bare" and any(w not in _BARE_GAP_WORDS for w in gap):
                return None
            return value
        if tok.is_word:
            gap.append(tok.low)
            if len(gap) > _MAX_GAP_WORDS:
                return None
    return None


def _not_after(tokens: list[_Token], values: list[_Value], new: _Value) -> _Value | None:
    """The value named after "not" within two words of ``new`` ("150 diyas not 100")."""
    words = 0
    following = [t for t in tokens if t.start >= new.end]
    for k, tok in enumerate(following):
        if tok.low in _NOT:
            return _value_at(values, following[k + 1].start) if k + 1 < len(following) else None
        if _value_at(values, tok.start) is not None or tok.text in ".?!":
            return None
        if tok.is_word:
            words += 1
            if words > 2:
                return None
    return None


def _named(earlier: list[_Value], said: _Value) -> _Value | None:
    """The last earlier value that ``said`` names by its number (and unit kind, when given)."""
    for value in reversed(earlier):
        if value.number is None or said.number is None:
            if value.kind == said.kind and value.kind.startswith("id:"):
                return value
            continue
        if abs(value.number - said.number) < 1e-9 and said.kind in ("bare", value.kind):
            return value
    return None


def _alike(earlier: list[_Value], new: _Value) -> _Value | None:
    """The last earlier value of ``new``'s kind: the same unit first, then the same kind.

    A bare number corrects the last number of any kind; a price or a count may correct a number
    said without its unit.
    """
    numbers = [v for v in earlier if v.number is not None]
    if new.kind.startswith("id:"):
        return next((v for v in reversed(earlier) if v.kind == new.kind), None)
    if new.kind == "bare":
        return numbers[-1] if numbers else None
    for same in (lambda v: v.unit == new.unit, lambda v: v.kind == new.kind,
                 lambda v: new.kind in _UNITLESS_OK and v.kind == "bare"):
        found = [v for v in numbers if same(v)]
        if found:
            return found[-1]
    return None


def _rebuild(text: str, old: _Value, new: _Value, cut_start: int, cut_end: int) -> str:
    """``text`` with ``old`` said as ``new`` and ``cut_start:cut_end`` (the correction) removed."""
    if new.kind == "bare":  # keep the old value's unit and money sign
        said = (text[old.start:old.num_start] + text[new.num_start:new.num_end]
                + text[old.num_end:old.end])
    else:
        said = text[new.start:new.end]
    left = text[:old.start] + said + text[old.end:cut_start]
    right = text[cut_end:]
    if not right.strip(" ,;:"):
        return left.rstrip(" ,;:")
    left_core, right_core = left.rstrip(" ,;:.!?…"), right.lstrip(" ,;:.!?…")
    left_punct = left[len(left_core):].strip()
    right_punct = right[: len(right) - len(right_core)].strip()
    # a sentence the correction ended goes on ending there; else the comma or dots said before
    joint = right_punct if any(c in right_punct for c in ".!?") else left_punct or right_punct
    return f"{left_core}{joint} {right_core}"
