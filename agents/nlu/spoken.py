"""Transcript repair for voice turns: misheard craft, place and product words put back by sound.

``tiny.en`` writes a word it does not know as the English-looking letters it heard: "Kondan
Jewori" for kundan jewellery, "Moroon" for maroon, "Hachampali" for Pochampally, "Channagar" for
Chandigarh, "P01 905" for the product ``p-01905``. :func:`repair` maps such words back to the
shared vocabulary (crafts, materials, techniques, products, colours, regions, craft towns and
large cities) by a phonetic key, before the planner reads the transcript.

It is conservative on purpose: a word Whisper's own tokenizer holds as a whole lowercase English
word ("series", "choke", "motor") is never rewritten on its own, since Whisper writes such words
when it hears them; only words it had to spell out are candidates. Typed turns are not repaired.

:func:`spoken_training_pairs` loads the committed round-trip transcripts (``spoken_corpus.jsonl``)
that the intent classifier may add to its training data.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

HERE = Path(__file__).parent
COMMON_WORDS = HERE / "spoken_common_words.txt"
SPOKEN_CORPUS = HERE / "spoken_corpus.jsonl"
# Marketplace words the vocabulary does not hold as terms.
MARKET_TERMS = ("saree", "handloom", "golden price", "consolidation", "courier", "heritage trail",
                "artisan", "handicraft")
# Cities at least this large are repair targets (besides the craft towns).
CITY_POPULATION = 500_000
KINDS = ("product", "craft", "material", "technique", "color", "region")
MAX_SPAN = 3
MIN_RATIO = 60.0  # spelling similarity (0-100) a sound match must also have
# Product, creator, buyer and order ids as the store writes them, and their digit counts.
ID_DIGITS = {"p": 5, "c": 4, "b": 4, "o": 6}
_ID = re.compile(r"\b([pcbo])[\s.-]*((?:\d[\s-]?){3,7}\d)\b", re.IGNORECASE)
# One to three words, then the same again (after a comma or a space) at least twice more.
_LOOP = re.compile(r"\b((?:[^\W\d_]+[ ,]+){0,2}[^\W\d_]+)(?:[ ,]+\1\b){2,}", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Units and short words a number goes with: never a misheard term ("kilo" is not "koil").
PROTECTED = frozenset({"kilo", "kilos", "kg", "kgs", "gm", "gms", "gram", "grams", "gramme", "ml",
                       "cm", "mm", "inch", "inches", "feet", "metre", "meter", "rs", "rupee",
                       "rupees", "lakh", "lakhs", "crore", "km", "kms", "pcs", "dozen"})
MIN_LETTERS = 4  # a shorter word is too little sound to go on
_SUFFIXES = ("ing", "ed", "ers", "er", "ly", "es", "s")
_SOUND_RULES = (
    (r"ph", "f"), (r"gh", "g"), (r"kh", "k"), (r"bh", "b"), (r"dh", "d"), (r"th", "t"),
    (r"jh", "j"), (r"sh", "s"), (r"wh", "w"), (r"ck", "k"), (r"ch", "C"),
    (r"c(?=[eiy])", "s"), (r"c", "k"), (r"C", "c"), (r"q", "k"), (r"x", "ks"), (r"z", "j"),
    (r"(?<=[aeiou])w(?![aeiou])", ""), (r"[wv]", "b"), (r"h", ""), (r"y", "i"),
)
HEAD_RATIO = 75.0  # the spelling similarity needed when the first sounds differ


def sound_key(text: str) -> str:
    """A Metaphone-like key: consonants as heard, vowels and doubled letters gone.

    Made for Indian names written by an English recognizer: aspirates lose their ``h``
    ("Bhuj" ~ "Buj"), ``b``/``v``/``w`` merge ("Varanasi" ~ "Baranasi"), a soft ``c`` is an
    ``s``, ``z`` a ``j``, a ``w`` after a vowel is silent ("shawl" ~ "shaul"); a word-initial
    vowel is kept as ``a`` so "Ikat" is not "Kat".
    """
    word = fold(text).replace(" ", "")
    if not word:
        return ""
    for pattern, repl in _SOUND_RULES:
        word = re.sub(pattern, repl, word)
    if not word:  # only silent letters ("hhhh", a breath Whisper wrote down)
        return ""
    head = "a" if word[0] in "aeiou" else ""
    body = re.sub(r"[aeiou]+", "", word)
    return head + re.sub(r"(.)\1+", r"\1", body)


def fold(text: str) -> str:
    """Lowercase ASCII letters and single spaces (diacritics dropped)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z]+", " ", text).split())


def singular(word: str) -> str:
    """``word`` without a plural ``s`` (the key of "sarees" is the key of "saree")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Term:
    """One repair target: how it is written, its words and its sound."""

    text: str
    words: tuple[str, ...]
    key: str


@dataclass(frozen=True)
class Lexicon:
    """The repair targets and the words that are never rewritten alone."""

    terms: tuple[Term, ...]
    known: frozenset[str]  # every word of every term (already right: left alone)
    common: frozenset[str]  # whole lowercase English words of Whisper's tokenizer

    def near(self, words: list[str]) -> Term | None:
        """The term that sounds like ``words`` (folded), or ``None``; the best one wins."""
        joined = "".join(singular(w) for w in words)
        key = sound_key(joined)
        if len(key) < 2:
            return None
        allowed = 0 if len(key) <= 3 else 1 if len(key) <= 7 else 2
        best: tuple[float, Term] | None = None
        for term in self.terms:
            if abs(len(term.key) - len(key)) > allowed:
                continue
            dist = Levenshtein.distance(key, term.key, score_cutoff=allowed)
            if dist > allowed:
                continue
            spelled = ratio(joined, "".join(singular(w) for w in term.words))
            same_head = key[0] == term.key[0]
            if spelled < (MIN_RATIO if same_head else HEAD_RATIO):
                continue
            score = spelled - 15 * dist - (0 if same_head else 10)
            if best is None or score > best[0]:
                best = (score, term)
        return best[1] if best else None


def _term(text: str) -> Term | None:
    words = tuple(fold(text).split())
    if not words or len(words) > MAX_SPAN:
        return None
    written = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return Term(written, words, sound_key("".join(singular(w) for w in words)))


def _targets() -> list[str]:
    """Vocabulary terms of the repairable kinds, craft towns, large cities, market words."""
    from domain.vocabulary import Vocabulary

    vocabulary = Vocabulary.default()
    out = [e.canonical for kind in KINDS for e in vocabulary.entries(kind)]
    # the long words of a craft's name are said alone too ("kundan" of kundan jewellery)
    out += [w for term in list(out) if " " in term for w in term.split() if len(w) >= 5]
    return [*out, *place_targets(), *MARKET_TERMS]


@lru_cache(maxsize=1)
def place_targets() -> tuple[str, ...]:
    """Craft towns and large cities, each under its own name (not its alternate spellings)."""
    from domain.catalog import CLUSTERS
    from domain.places import Gazetteer

    gazetteer = Gazetteer.default()
    large = sorted({place.name for place in gazetteer._by_name.values()
                    if place.population >= CITY_POPULATION})
    return tuple([c.town for c in CLUSTERS] + large)


@lru_cache(maxsize=1)
def large_place_names() -> tuple[str, ...]:
    """Every name, alternates too ("bangalore", "bombay"), of the craft towns and large cities."""
    from domain.places import Gazetteer

    gazetteer = Gazetteer.default()
    return tuple(sorted({name for name, place in gazetteer._by_name.items()
                         if place.population >= CITY_POPULATION} | set(place_targets())))


def _place_words() -> set[str]:
    """Every word of every gazetteer name (alternates too): a town's name is not a mishearing."""
    from domain.places import Gazetteer

    return {w for name in Gazetteer.default()._by_name for w in name.split()}


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shared lexicon (built once per process)."""
    terms = {t.words: t for text in _targets() if (t := _term(text)) is not None}
    known = frozenset({w for t in terms.values() for w in t.words} | _place_words())
    common = frozenset(COMMON_WORDS.read_text().split()) if COMMON_WORDS.is_file() else frozenset()
    return Lexicon(tuple(terms.values()), known, common - known)


def _ids(text: str) -> str:
    """Spoken ids written as the store writes them ("P01 905" → ``p-01905``)."""
    def put(m: re.Match[str]) -> str:
        letter, digits = m.group(1).lower(), re.sub(r"\D", "", m.group(2))
        if ID_DIGITS[letter] != len(digits):
            return m.group(0)
        return f"{letter}-{digits}"

    return _ID.sub(put, text)


def _candidate(word: str, lex: Lexicon) -> bool:
    """Whether ``word`` may be a misheard term: neither a term's word nor English nor a unit.

    An inflected form of a known or common word ("embroidered", "weaving") counts as that word:
    the tokenizer's list holds the frequent forms only.
    """
    folded = fold(word)
    if len(folded) < MIN_LETTERS or " " in folded or folded in PROTECTED:
        return False
    stems = {folded}
    for suffix in _SUFFIXES:
        if folded.endswith(suffix) and len(folded) - len(suffix) >= 3:
            stem = folded[:-len(suffix)]
            stems |= {stem, stem + "e", stem + "y", stem[:-1] if stem[-1:] == stem[-2:-1] else stem}
    return not any(s in lex.known or s in lex.common for s in stems)


def unloop(text: str) -> str:
    """``text`` without Whisper's decoding loops: a phrase said three times running is said once.

    Greedy decoding of unclear audio can repeat a few words until the token limit ("Kondakara,
    Kondakara, Kondakara, …"); nobody asks for anything that way.
    """
    return _LOOP.sub(r"\1", text)


def repair(text: str) -> str:
    """``text`` with misheard domain words and spoken ids put back (unchanged if none)."""
    if not text:
        return text
    text = _ids(unloop(text))
    lex = lexicon()
    tokens = list(_WORD.finditer(text))
    out: list[str] = []
    pos, i = 0, 0
    while i < len(tokens):
        hit = _span_at(text, tokens, i, lex)
        if hit is None:
            i += 1
            continue
        size, term = hit
        out += [text[pos:tokens[i].start()], term.text]
        pos, i = tokens[i + size - 1].end(), i + size
    return "".join([*out, text[pos:]])


def _span_at(text: str, tokens: list[re.Match[str]], i: int,
             lex: Lexicon) -> tuple[int, Term] | None:
    """The longest span from token ``i`` (within one phrase) that sounds like a term.

    A span must begin and end with a candidate word (not a term's word, not common English),
    so "silk series" or "show me" are never touched.
    """
    for size in range(min(MAX_SPAN, len(tokens) - i), 0, -1):
        span = tokens[i:i + size]
        gaps = [text[a.end():b.start()] for a, b in zip(span, span[1:], strict=False)]
        if any(g.strip(" -") for g in gaps):  # a comma or a full stop between: two phrases
            continue
        if not (_candidate(span[0].group(), lex) and _candidate(span[-1].group(), lex)):
            continue
        term = lex.near([fold(m.group()) for m in span])
        if term is not None:
            return size, term
    return None


def spoken_training_pairs(path: Path = SPOKEN_CORPUS) -> list[tuple[str, str]]:
    """``(transcript, intent)`` pairs heard in the TTS → STT round trip (empty if absent)."""
    if not path.is_file():
        return []
    out = []
    for line in path.read_text().splitlines():
        row = json.loads(line)
        if row.get("heard"):
            out.append((row["heard"], row["intent"]))
    return out
