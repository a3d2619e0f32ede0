"""Typing slips put right before the planner reads a typed message.

People type fast on phones: "blu potery from jaipr", "histroy of madhubani paintng", "endagered
crafts near varansi", "shiping to banglore". A word that no list knows — not English, not Hinglish,
not a place of the gazetteer, not a term of the shared vocabulary — and that is one slip (two for
a long word) away from a word the assistant does know is read as that word.

The words it may become are the assistant's own: the words of its training utterances, of the
shared vocabulary (crafts, products, materials, techniques, colours, regions), of the heritage
notes, and the names of craft towns and large cities. The first letter must agree (a slip there is
rare, and "kaise" must never become "raise"), and a known word is never rewritten, so a village the
gazetteer holds or a Hinglish word stays as typed. Voice transcripts have their own repair
(:mod:`agents.nlu.spoken`); this one is for what people type.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from agents.nlu import spoken
from domain.english import english_words

MIN_LETTERS = 4  # shorter words are too easily some other word ("blu", "mai")
LONG_WORD = 7  # from this length two slips are allowed, one below it
TERM_WEIGHT = 100  # a term of the shared vocabulary counts as a word used this many times
_PLACE_CUES = frozenset({"near", "from", "around", "within"})
_WORD = re.compile(r"(?<![\w-])[A-Za-z]+(?![\w-])")


@dataclass(frozen=True)
class Dictionary:
    """What may be corrected into (with how common each word is) and what is never touched."""

    targets: dict[tuple[str, int], list[tuple[str, int]]]  # (first letter, length) -> words
    known: frozenset[str]
    domain: frozenset[str]  # the targets that are terms of crafts or names of places
    places: frozenset[str]  # the targets that are (words of) names of towns and cities

    def correct(self, word: str, domain_only: bool = False, place: bool = False) -> str | None:
        """The word ``word`` was meant to be, or ``None`` when it is known or nothing is close.

        ``domain_only``: only a craft term or a place may be meant (for Hinglish, whose words the
        lists know least, and for short words); ``place``: only a place ("from jaipr").
        """
        folded = word.lower()
        if len(folded) < MIN_LETTERS - 1 or folded in self.known:
            return None
        if len(folded) < MIN_LETTERS:
            # "blu": a short word only becomes a term of the domain, by one added letter
            hits = [t for t, n in self.targets.get((folded[0], len(folded) + 1), ())
                    if n >= TERM_WEIGHT and t.startswith(folded[:2])
                    and OSA.distance(folded, t, score_cutoff=1) <= 1]
            return hits[0] if len(hits) == 1 else None
        stem = self._known_stem(folded)
        # An inflection of a known word stays, unless it is one slip from a word that begins
        # with that stem: "shiping" is "shipping", "embroidering" stays.
        allowed = 1 if stem or len(folded) < LONG_WORD else 2
        domain_only = domain_only or len(folded) <= MIN_LETTERS
        # Fewest slips first; then a letter left out (the commonest slip: "deliverd" is
        # "delivered", not "delivery"); then the more common word.
        best: tuple[int, int, int, str] | None = None
        for size in range(len(folded) - allowed, len(folded) + allowed + 1):
            for target, count in self.targets.get((folded[0], size), ()):
                if stem and not target.startswith(stem):
                    continue
                if (place and target not in self.places
                        or domain_only and target not in self.domain):
                    continue
                if size < len(folded) < LONG_WORD - 1 and target not in _undoubled(folded):
                    continue  # "aarti" is a word of its own, not "aari" with a letter too many
                dist = OSA.distance(folded, target, score_cutoff=allowed)
                rank = (dist, 0 if len(target) > len(folded) else 1, -count)
                if dist <= allowed and (best is None or rank < best[:3]):
                    best = (*rank, target)
        return best[3] if best else None

    def _known_stem(self, word: str) -> str:
        """The known word ``word`` inflects ("weavers", "embroidered"), or ``""``."""
        for suffix in ("ing", "ed", "ers", "er", "ly", "es", "s", "ies", "ness"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                stem = word[: -len(suffix)]
                forms = {stem, stem + "e", stem + "y", stem[:-1] if stem[-1] == stem[-2] else stem}
                if forms & self.known:
                    return stem
        return ""


def _undoubled(word: str) -> set[str]:
    """``word`` with one letter of a doubled pair dropped: the slip a short word may have."""
    return {word[:i] + word[i + 1:] for i in range(1, len(word)) if word[i] == word[i - 1]}


def _heritage_words() -> Counter[str]:
    from knowledge.corpus import load_corpus

    counts: Counter[str] = Counter()
    for doc in load_corpus():
        counts.update(re.findall(r"[a-z]{4,}", f"{doc.title} {doc.body}".lower()))
    return counts


@lru_cache(maxsize=2)
def dictionary(trained: frozenset[str] = frozenset()) -> Dictionary:
    """The dictionary over the planner's training words ``trained``, built once per process.

    A training word is a target only when some other list knows it too: the corpus holds a few
    slips on purpose ("potery"), and those must not become what other slips are read as.
    """
    from agents.nlu.hindi import latin_words
    from domain.vocabulary import Vocabulary

    lex = spoken.lexicon()
    english = english_words()
    heritage = _heritage_words()
    counts = Counter(heritage)
    # Domain terms weigh as much as a word used a hundred times: they are what people mean.
    places = frozenset(w for text in spoken.large_place_names() for w in spoken.fold(text).split()
                       if len(w) >= MIN_LETTERS)  # "banglore" is Bangalore, whatever its entry
    terms = places | {w for text in spoken._targets() for w in spoken.fold(text).split()
                      if len(w) >= MIN_LETTERS}
    counts.update(dict.fromkeys(terms, TERM_WEIGHT))
    # The heritage notes' own words ("pattachitra", "bagru"), not their everyday English.
    domain = frozenset(terms | {w for w in heritage if len(w) >= LONG_WORD - 1
                                and w not in english}) | places
    elsewhere = frozenset(counts) | lex.known | lex.common | latin_words() | english
    counts.update({w: 10 for w in trained if len(w) >= MIN_LETTERS and w in elsewhere})
    targets: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
    for word, count in counts.most_common():
        targets[(word[0], len(word))].append((word, count))
    known = elsewhere | Vocabulary.default().words | spoken.PROTECTED
    return Dictionary(dict(targets), known, domain, places)


def correct(text: str, trained: frozenset[str] = frozenset()) -> str:
    """``text`` with its typing slips put right (unchanged when there are none).

    ``trained``: the words of the planner's training utterances, also targets.
    """
    if not _WORD.search(text):
        return text
    from agents.nlu.hindi import hinglish_score

    words = dictionary(trained)
    hinglish = hinglish_score(text) > 0

    def fix(m: re.Match[str]) -> str:
        if hinglish and len(m.group()) < LONG_WORD - 1:
            return m.group()  # short Hinglish words are the ones no list knows ("baje", "pada")
        before = text[max(0, m.start() - 8):m.start()].lower().split()
        cued = bool(before) and before[-1] in _PLACE_CUES  # "from jaipr": a place or nothing
        return words.correct(m.group(), domain_only=hinglish, place=cued) or m.group()

    return _WORD.sub(fix, text)
