"""One gazetteer of craft words: products, crafts, materials, techniques, colours and regions.

Built once from the catalog (clusters, their materials, techniques and products), the seed's
product kinds and colours, the pricing tables' materials, the heritage corpus' front matter
(``crafts:``, ``region:``) and ``data/vocabulary.json`` (Hinglish and spoken variants).
:meth:`Vocabulary.find` matches exactly (plurals too), then fuzzily for spoken errors
("madubani", "terakota", "pashmeena"): edit distance or the same phonetic skeleton.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from domain.catalog import CATEGORY_KEYWORDS, CLUSTERS
from domain.devanagari import to_latin
from domain.places import phonetic_key

DATA = Path(__file__).parent / "data" / "vocabulary.json"
GLOSSARY = Path(__file__).parent / "data" / "glossary.json"
CORPUS = Path(__file__).resolve().parent.parent / "knowledge" / "corpus"
KINDS = ("product", "craft", "material", "technique", "color", "region", "category")
MAX_NGRAM = 4
# Products that several crafts make: the craft (or the material) decides their category.
SHARED_PRODUCTS = frozenset({
    "box", "tray", "bowl", "plate", "vase", "lamp", "bag", "mat", "wall hanging", "coaster",
    "mask", "bell", "jar", "candle stand", "mirror frame", "horse", "figurine", "idol",
    "elephant", "toy", "doll", "jewellery box", "lamp shade", "screen", "tile",
    "side table", "table top", "chandelier", "bangle", "umbrella", "canopy", "hand fan",
})

_BREAK = re.compile(r"[,;.!?|()\[\]{}:]")
_TOKEN = re.compile(
    r"[0-9]{1,3}(?:,[0-9]{2,3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|[a-z]+|[\u0900-\u097f]+"
)


@dataclass(frozen=True)
class Entry:
    """One canonical term of one kind (``"silk"``, material), with what it implies."""

    kind: str
    canonical: str
    category: str | None = None
    region: str | None = None
    cluster_id: str | None = None
    source: str = "lexicon"  # catalog | lexicon | seed | pricing | corpus


@dataclass(frozen=True)
class Match:
    """Where an entry was found: token span ``[start, end)``, the words, and how sure (0-100)."""

    entry: Entry
    start: int
    end: int
    surface: str
    score: float

    @property
    def fuzzy(self) -> bool:
        """True when the words were not an exact form of the term."""
        return self.score < 100


@dataclass(frozen=True)
class Token:
    """A lower-case word of the text and its character span."""

    text: str
    start: int
    end: int


def fold(text: str) -> str:
    """Lower case, accents off (Devanagari kept), hyphens and apostrophes joined."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        c for c in unicodedata.normalize("NFKD", text)
        if not unicodedata.combining(c) or "\u0900" <= c <= "\u097f"
    )
    return text.lower().replace("'", "").replace("’", "")


def tokenize(text: str) -> list[Token]:
    """Words and numbers (``2.5`` stays whole) with their spans in the folded text."""
    return [
        Token(m.group().replace(",", ""), m.start(), m.end()) for m in _TOKEN.finditer(fold(text))
    ]


def _forms(surface: str) -> set[str]:
    """``surface`` and its plural forms (the last word takes s / es / ies)."""
    words = " ".join(t.text for t in tokenize(surface))
    if not words:
        return set()
    out = {words}
    head, _, last = words.rpartition(" ")
    prefix = f"{head} " if head else ""
    if not last[-1].isdigit():
        out.add(f"{prefix}{last}s")
        if last.endswith(("s", "x", "ch", "sh")):
            out.add(f"{prefix}{last}es")
        if last.endswith("y") and len(last) > 2:
            out.add(f"{prefix}{last[:-1]}ies")
    return out


class Vocabulary:
    """Surface forms to entries; a form can name several kinds ("terracotta": craft, material)."""

    def __init__(self, pairs: Iterable[tuple[str, Entry]], stopwords: Iterable[str] = ()) -> None:
        """Index ``(surface form, entry)`` pairs; ``stopwords`` are never fuzzy-matched."""
        self._forms: dict[str, list[Entry]] = {}
        for surface, entry in pairs:
            for form in _forms(surface):
                bucket = self._forms.setdefault(form, [])
                if all(e.kind != entry.kind for e in bucket):  # the first source of a kind wins
                    bucket.append(entry)
        self.stopwords = frozenset(stopwords)
        single = [f for f in self._forms if " " not in f]
        self._known_words = frozenset(w for f in self._forms for w in f.split())
        # Fuzzy candidates: forms of 5+ letters, bucketed by first letter and word count.
        self._fuzzy: dict[tuple[str, int], list[tuple[str, str]]] = {}
        for form in self._forms:
            if len(form.replace(" ", "")) >= 5 and not form[0].isdigit():
                key = (form[0], form.count(" ") + 1)
                self._fuzzy.setdefault(key, []).append((form, phonetic_key(form)))
        self._single = frozenset(single)

    @classmethod
    def default(cls) -> Vocabulary:
        """The shared vocabulary (built once per process)."""
        return _default()

    def __contains__(self, form: str) -> bool:
        """Whether ``form`` (folded words) names a term."""
        return form in self._forms

    @property
    def words(self) -> frozenset[str]:
        """Every word of every form of every term ("kurti", "potteries", "neeli")."""
        return self._known_words

    def entries(self, kind: str) -> list[Entry]:
        """Every distinct entry of ``kind``, sorted by canonical name."""
        seen = {e.canonical: e for es in self._forms.values() for e in es if e.kind == kind}
        return sorted(seen.values(), key=lambda e: e.canonical)

    def canonical(self, kind: str, text: str) -> Entry | None:
        """The entry of ``kind`` that ``text`` names exactly (or fuzzily), or ``None``.

        A name in Devanagari ("राजस्थान") is read in its transliteration ("rajasthan").
        """
        text = to_latin(text)
        for m in self.find(text, kinds=(kind,)):
            if m.start == 0 and m.end == len(tokenize(text)):
                return m.entry
        return None

    def find(
        self,
        text: str,
        kinds: Iterable[str] | None = None,
        *,
        fuzzy: bool = True,
        protect: frozenset[str] = frozenset(),
    ) -> list[Match]:
        """Mentions of vocabulary terms in ``text``, longest first and not overlapping per kind.

        Args:
            text: What was said or typed.
            kinds: Only these kinds (default: all).
            fuzzy: Also match near-misses of five letters or more.
            protect: Words never taken as a misspelling (a caller's units, number words).

        Returns:
            Matches in text order.
        """
        wanted = frozenset(kinds) if kinds is not None else frozenset(KINDS)
        tokens = tokenize(text)
        words = [t.text for t in tokens]
        folded = fold(text)
        # A term never runs across a comma or a full stop: "silver, inlay" is two things.
        breaks = {i for i in range(len(tokens) - 1)
                  if _BREAK.search(folded[tokens[i].end : tokens[i + 1].start])}
        taken: dict[str, set[int]] = {k: set() for k in wanted}
        found: list[Match] = []
        for size in range(min(MAX_NGRAM, len(words)), 0, -1):
            for i in range(len(words) - size + 1):
                if any(j in breaks for j in range(i, i + size - 1)):
                    continue
                span = " ".join(words[i : i + size])
                entries = self._forms.get(span)
                score = 100.0
                if entries is None and fuzzy and not protect.intersection(words[i : i + size]):
                    entries, score = self._near(span, words[i : i + size])
                for entry in entries or ():
                    if entry.kind not in wanted or taken[entry.kind] & set(range(i, i + size)):
                        continue
                    taken[entry.kind].update(range(i, i + size))
                    found.append(Match(entry, i, i + size, span, score))
        return sorted(found, key=lambda m: (m.start, -m.end))

    def _near(self, span: str, words: list[str]) -> tuple[list[Entry] | None, float]:
        """The closest form to a span no exact form matched: few edits or the same sound."""
        letters = span.replace(" ", "")
        if len(letters) < 5 or any(w in self.stopwords or w[0].isdigit() for w in words):
            return None, 0.0
        if len(words) == 1 and span in self._known_words:
            return None, 0.0  # a word of some longer term is not a misspelling of another
        best: tuple[int, str] | None = None
        key = phonetic_key(span)
        allowed = 1 if len(letters) < 8 else 2
        for form, form_key in self._fuzzy.get((span[0], len(words)), ()):
            if abs(len(form) - len(span)) > 3:
                continue
            dist = Levenshtein.distance(span, form, score_cutoff=allowed + 1)
            if dist <= allowed or (len(letters) >= 6 and key == form_key and len(key) >= 3):
                d = min(dist, allowed + 1)
                if best is None or d < best[0]:
                    best = (d, form)
        if best is None:
            return None, 0.0
        score = 100.0 * (1 - best[0] / max(len(span), len(best[1]))) if best[0] else 99.0
        return self._forms[best[1]], round(min(score, 99.0), 1)


def category_of(text: str, vocabulary: Vocabulary | None = None) -> str | None:
    """The product category that ``text`` points to, or ``None`` when nothing says.

    The product decides (the craft first for shared products), then the craft, then words.
    """
    vocab = vocabulary or Vocabulary.default()
    matches = vocab.find(text, kinds=("product", "craft", "category"))
    shared = any(m.entry.kind == "product" and m.entry.canonical in SHARED_PRODUCTS
                 for m in matches)
    for kind in ("craft", "product", "category") if shared else ("product", "craft", "category"):
        for m in matches:
            if m.entry.kind == kind and m.entry.category:
                return m.entry.category
    return None


def corpus_terms(corpus_dir: Path = CORPUS) -> list[tuple[str, str, str | None, str]]:
    """``(craft words, canonical craft, region, title)`` from the heritage corpus.

    Read from each document's front matter; its first craft name is canonical for all.
    """
    out: list[tuple[str, str, str | None, str]] = []
    if not corpus_dir.is_dir():
        return out
    for path in sorted(corpus_dir.glob("*.md")):
        head = path.read_text(encoding="utf-8").split("---", 2)
        if len(head) < 3:
            continue
        meta: dict[str, str] = {}
        for line in head[1].splitlines():
            name, sep, value = line.partition(":")
            if sep:
                meta[name.strip()] = value.strip()
        if meta.get("kind") not in ("cluster", "technique"):
            continue
        region = meta.get("region") or None
        title = meta.get("title", "")
        names = [c.strip().lower() for c in meta.get("crafts", "").strip("[]").split(",")
                 if c.strip() and c.strip() != "all crafts"]
        for craft in names:
            out.append((craft, names[0], None if region == "India" else region, title))
    return out


def _keyword_category(text: str) -> str | None:
    padded = f" {text.lower()} "
    for category, words in CATEGORY_KEYWORDS.items():
        if any(f" {w} " in padded for w in words):
            return category
    return None


@lru_cache(maxsize=1)
def _default() -> Vocabulary:
    from domain.pricing.tables import load_tables  # the cost tables' material names and aliases
    from domain.seed.kinds import KINDS as SEED_KINDS
    from domain.seed.texts import STYLES

    raw = json.loads(DATA.read_text(encoding="utf-8"))
    pairs: list[tuple[str, Entry]] = []
    add = pairs.append
    # Hand-kept words first: for a form that could name two terms of one kind, the first wins.
    crafts: dict[str, Entry] = {}
    for c in CLUSTERS:
        row = raw["crafts"].get(c.craft.lower(), {})
        crafts[c.craft.lower()] = Entry("craft", c.craft.lower(), c.category, c.state, c.id,
                                        "catalog")
        for form in (c.craft, *c.aliases, *row.get("aliases", ())):
            add((form, crafts[c.craft.lower()]))
    for name, row in raw["crafts"].items():
        entry = crafts.get(name) or Entry("craft", name, row.get("category"), row.get("region"))
        for form in (name, *row.get("aliases", ())):
            add((form, entry))
    for name, row in raw["products"].items():
        for form in (name, *row["aliases"]):
            add((form, Entry("product", name, row["category"])))
    for name, aliases in raw["materials"].items():
        for form in (name, *aliases):
            add((form, Entry("material", name)))
    for name, aliases in raw["techniques"].items():
        for form in (name, *aliases):
            add((form, Entry("technique", name)))
    context_only = set(raw["color_only_in_context"])
    for name, aliases in raw["colors"].items():
        for form in (aliases if name in context_only else [name, *aliases]):
            add((form, Entry("color", name)))
    for state, aliases in raw["regions"].items():
        for form in (state, *aliases):
            add((form, Entry("region", state, region=state)))
    # Then what the catalog, the seed, the cost tables and the heritage corpus know.
    for c in CLUSTERS:
        add((c.town, Entry("region", c.state, region=c.state, cluster_id=c.id)))
        for m in c.materials:
            add((m, Entry("material", m)))
        for t in c.techniques:
            add((t, Entry("technique", t)))
        for p in c.products:
            # A cluster of two crafts ("Pashmina and papier-mache") is filed under one category;
            # a product named after a craft with its own ("papier mache box") takes that one.
            own = next((row["category"] for name, row in raw["crafts"].items()
                        if name in p.lower() and row.get("category")), c.category)
            add((p, Entry("product", p, own)))
    for cluster_id, kinds in SEED_KINDS.items():
        cluster = next(c for c in CLUSTERS if c.id == cluster_id)
        for kind in kinds:
            add((kind.name, Entry("product", kind.name, kind.category or cluster.category)))
    for name in sorted({c for s in STYLES.values() for c in s.colors} - context_only):
        add((name, Entry("color", name)))
    for alias, canonical in load_tables().aliases.items():
        add((alias, Entry("material", canonical)))
    # The corpus names crafts by technique too ("handloom", "double ikat"): those stay
    # techniques and materials; only the other names become crafts.
    common = {f for surface, e in pairs if e.kind in ("technique", "material", "product")
              for f in _forms(surface)}
    for words, canonical, region, title in corpus_terms():
        if words not in common:
            category = _keyword_category(f"{words} {title}")
            add((words, Entry("craft", canonical, category, region, source="corpus")))
    for category in CATEGORY_KEYWORDS:
        add((category.replace("_", " "), Entry("category", category, category)))
    # Hindi in Devanagari: the translation glossary's words name the same terms.
    pairs_index: dict[str, list[Entry]] = {}
    for surface, entry in pairs:
        for f in _forms(surface):
            pairs_index.setdefault(f, []).append(entry)
    glossary = json.loads(GLOSSARY.read_text(encoding="utf-8"))
    for term_kind in ("product", "material", "technique", "color", "craft"):
        for term, row in glossary[term_kind].items():
            hindi = row[0].partition("|")[0]
            found = [e for f in _forms(term) for e in pairs_index.get(f, [])
                     if e.kind == term_kind]
            if found:
                add((hindi, found[0]))
    return Vocabulary(pairs, raw.get("stopwords", ()))
