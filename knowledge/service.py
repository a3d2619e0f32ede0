"""The knowledge base as the rest of the product sees it: one per process, loaded once.

:func:`get_knowledge_base` builds (and caches) the retriever and answerer for a configuration,
ingesting the corpus first when the index is empty, so the first question after a fresh clone
still works. Heritage trails and tools call :meth:`KnowledgeBase.retrieve` and
:meth:`KnowledgeBase.ask`; nothing on that path loads a model.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.english import english_words
from knowledge.access import require_reader
from knowledge.answer import Answer, ExtractiveAnswerer, LLMAnswerer, build_llm
from knowledge.config import KnowledgeConfig
from knowledge.index import index_is_empty, ingest
from knowledge.questions import (
    GUIDE_WORDS,
    asks_to_compare,
    comparison_sides,
    guide_topic,
    in_notes_words,
    is_how_to,
)
from knowledge.retrieval import DocHit, HybridRetriever, Retrieval

log = logging.getLogger(__name__)

#: Confidence below which the answer is "I don't know", per encoder: chosen on the QA set so that
#: about 97% of answerable questions pass and the off-topic ones do not (bench_knowledge prints
#: both rates).
MIN_CONFIDENCE = {"use-multilingual-v3": 0.5, "minilm-l6-int8": 0.6}
#: The confidence a help guide needs to answer a how-to question first. Lower than the
#: general floor because guides speak in general words ("fragile items", "festive season")
#: where questions name things ("a clay pot", "diwali"); on 11 hand-written questions the
#: answerable ones scored 0.46-0.70 and off-topic how-tos (cars, visas, cricket) at most 0.31.
GUIDE_MIN_CONFIDENCE = 0.42
#: The confidence the page of a craft the question names needs: it was found by its name, so
#: only a question that shares almost nothing else with it ("madhubani" and no other word of
#: the page) goes unanswered.
NAMED_MIN_CONFIDENCE = 0.3


#: Sections of a heritage document that tell a craft's story to a visitor, in telling order
#: ("" is the opening paragraph); care and buying notes are left to ``heritage_lookup``.
STORY_SECTIONS = ("", "historical context", "technique and materials",
                  "regional specialisations", "how to tell genuine work")


@dataclass(frozen=True)
class Story:
    """A short passage of a heritage document, for a trail stop or a listing."""

    doc_id: str
    title: str
    section: str
    text: str


def _story_text(markdown: str, sentences: int = 2) -> tuple[str, str]:
    """(section heading, its first ``sentences`` sentences as plain text)."""
    heading, lines = "", []
    for line in markdown.splitlines():
        line = line.strip()
        if line.startswith("#"):
            heading = heading or line.lstrip("#").strip()
        elif line.startswith("!["):
            continue
        elif line:
            lines.append(line[2:].rstrip(".") + "." if line.startswith("- ") else line)
    text = re.sub(r"\s+", " ", " ".join(lines)).strip()
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\"'(])", text)
    return heading, " ".join(parts[:sentences]).strip()


class KnowledgeBase:
    """Retrieval plus answering over the heritage index."""

    def __init__(self, config: KnowledgeConfig, *, llm: Any = None,
                 min_confidence: float | None = None) -> None:
        self.config = config
        self.retriever = HybridRetriever(config)
        self._name_index: list[tuple[str, str]] | None = None  # see _names
        if min_confidence is None:
            min_confidence = config.min_confidence
        if min_confidence is None:
            min_confidence = MIN_CONFIDENCE.get(config.embed_model, 0.5)
        self.extractive = ExtractiveAnswerer(self.retriever, min_confidence=min_confidence)
        self.answerer: ExtractiveAnswerer | LLMAnswerer = self.extractive
        if llm is None and config.llm_base_url:
            llm = build_llm(config.llm_base_url, config.llm_model, config.llm_api_key,
                            config.llm_timeout_s)
        if llm is not None:
            self.answerer = LLMAnswerer(llm, self.extractive)

    def retrieve(self, question: str, filters: Mapping[str, Any] | None = None,
                 k: int = 5) -> list[DocHit]:
        """The ``k`` best documents for ``question`` (filters: crafts, region, kind, doc_id)."""
        return self.retriever.retrieve(question, filters, k).hits

    def ask(self, question: str, filters: Mapping[str, Any] | None = None,
            role: str | None = None, k: int = 5) -> Answer:
        """An answer with citations, or "I don't know" when retrieval is not confident."""
        if role is not None:
            require_reader(role)
        sides = comparison_sides(question)
        if sides is not None:
            compared = self._compare(question, sides, filters)
            if compared is not None:
                return compared
        if asks_to_compare(question) and len(named := self._named(question, filters)) == 2:
            # "jamdani aur chanderi dono halke hain, fark kya hai": both named, however asked
            return self._compare_hits(question, named)
        retrieval = self.retriever.retrieve(in_notes_words(question), filters, k)
        topic = guide_topic(question)
        if topic is not None or is_how_to(question):
            guided = self._with_guide_first(retrieval, filters, k, topic)
            if guided is not None:
                # a guide found by its topic answers however the question is worded
                floor = 0.0 if topic is not None else GUIDE_MIN_CONFIDENCE
                return self.extractive.answer(guided, min_confidence=floor) \
                    if self.answerer is self.extractive else self.answerer.answer(guided)
        named = self._named(question, filters)
        if len(named) == 1 and retrieval.hits and retrieval.hits[0].doc_id != named[0].doc_id:
            # "what does the tree of life mean in madhubani": the page of the craft it names
            # first, though others share more of its words
            own = self.retriever.retrieve(question, {"doc_id": named[0].doc_id}, 1).hits
            rest = [h for h in retrieval.hits if h.doc_id != named[0].doc_id][: k - 1]
            retrieval = Retrieval(retrieval.question, own + rest, retrieval.query_vector)
            if self.answerer is self.extractive:
                # found by its name, the page answers for it (as each side of a comparison does)
                return self.extractive.answer(retrieval, min_confidence=NAMED_MIN_CONFIDENCE)
        return self.answerer.answer(retrieval)

    def _with_guide_first(self, general: Retrieval, filters: Mapping[str, Any] | None,
                          k: int, topic: str | None = None) -> Retrieval | None:
        """For a how-to question, the best help guide first, then the other documents.

        A craft's page can share more words with "how do I wash a block-printed dupatta"
        than the care guide does, but the guide is what answers it; the craft page still
        follows it. A question on a guide's topic in other words ("phone se photo kaise
        khichu") is asked with the guide's own words too. ``None`` when no guide is close
        enough to the question.
        """
        asked = f"{general.question} {GUIDE_WORDS[topic]}" if topic else general.question
        guides = self.retriever.retrieve(asked, {**(filters or {}), "kind": "help"}, 1)
        if not guides.hits or self.extractive.confidence(guides) < GUIDE_MIN_CONFIDENCE:
            return None
        guide = guides.hits[0]
        rest = [h for h in general.hits if h.doc_id != guide.doc_id][: k - 1]
        return Retrieval(general.question, [guide, *rest], general.query_vector)

    def _compare(self, question: str, sides: tuple[str, str],
                 filters: Mapping[str, Any] | None) -> Answer | None:
        """Each side of a comparison retrieved on its own and cited; ``None`` if one is unknown."""
        hits: list[DocHit] = []
        for side in sides:
            found = self.retriever.retrieve(side, filters, k=3)
            best = next((h for h in found.hits if h.doc_id not in {x.doc_id for x in hits}), None)
            if best is None or self.extractive.confidence(found) < self.extractive.min_confidence:
                return None
            hits.append(best)
        return self._compare_hits(question, hits)

    def _named(self, question: str, filters: Mapping[str, Any] | None) -> list[DocHit]:
        """The documents the question names by one of their crafts or their title, in order.

        A name two documents share ("handloom") names neither; guides name nothing.
        """
        text = " ".join(question.casefold().split())
        allowed = self.retriever.allowed_docs(filters)
        found: dict[str, int] = {}
        taken: list[tuple[int, int]] = []
        for name, doc_id in self._names():  # longest first: "uppada jamdani" before "jamdani"
            if allowed is not None and doc_id not in allowed:
                continue
            match = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
            if match is None or any(a <= match.start() < b for a, b in taken):
                continue
            taken.append(match.span())
            found[doc_id] = min(found.get(doc_id, match.start()), match.start())
        return [DocHit(self.retriever.docs[d], 1.0) for d in sorted(found, key=found.__getitem__)]

    def _names(self) -> list[tuple[str, str]]:
        """``(name, doc id)`` of every name that one page alone has, longest first (built once).

        A page's crafts and title, and their words that are not English ("madhubani",
        "chanderi"; not "blue", "brass").
        """
        if self._name_index is None:
            owners: dict[str, set[str]] = {}
            for meta in self.retriever.docs.values():
                if meta.kind == "help":
                    continue
                for name in {*meta.crafts, meta.title}:
                    owners.setdefault(name.casefold().strip(), set()).add(meta.doc_id)
                    for word in re.findall(r"[a-z]{5,}", name.casefold()):
                        if word not in english_words():
                            owners.setdefault(word, set()).add(meta.doc_id)
            self._name_index = sorted(
                ((name, next(iter(docs))) for name, docs in owners.items()
                 if len(docs) == 1 and len(name) >= 4),
                key=lambda pair: -len(pair[0]))
        return self._name_index

    def _compare_hits(self, question: str, hits: list[DocHit]) -> Answer:
        """Each of two documents answers for its side, and both are cited."""
        if isinstance(self.answerer, LLMAnswerer):
            both = self.retriever.retrieve(question, {"doc_id": [h.doc_id for h in hits]}, k=2)
            return self.answerer.answer(both)
        parts: list[Answer] = []
        for hit in hits:
            focused = self.retriever.retrieve(f"{hit.doc.title} {question}", {"doc_id": hit.doc_id},
                                              k=1)
            # the document was found by its name, so it answers for its side even when the
            # whole question's words match it only partly
            parts.append(self.extractive.answer(focused, min_confidence=0.0))
        text = " ".join(f"{h.doc.title}: {a.text}" for h, a in zip(hits, parts, strict=True))
        citations = [c for a in parts for c in a.citations]
        confidence = min(a.confidence for a in parts)
        return Answer(text, citations, confident=True, confidence=confidence)


    def stories(self, craft: str, cluster_id: str | None = None) -> list[Story]:
        """Passages telling ``craft``'s story from its heritage document.

        History, technique, specialities and how to tell genuine work, from the
        cluster's own document when there is one, else the best document about the craft. Empty when
        the knowledge base has none.
        """
        docs = self.retriever.docs
        doc_id = next((d for d, m in sorted(docs.items())
                       if cluster_id and m.cluster_id == cluster_id), None)
        if doc_id is None and craft.strip():
            hits = self.retrieve(f"history and technique of {craft}", {"crafts": craft}, k=1)
            doc_id = hits[0].doc_id if hits else None
        if doc_id is None:
            return []
        nodes = sorted((n for n in self.retriever.nodes.values()
                        if n.metadata.get("doc_id") == doc_id),
                       key=lambda n: (getattr(n, "start_char_idx", None) or 0, n.node_id))
        title = docs[doc_id].title
        found: dict[str, Story] = {}
        for i, node in enumerate(nodes):
            heading, text = _story_text(node.get_content())
            section = "" if i == 0 or heading.casefold() == title.casefold() else heading.casefold()
            if section in STORY_SECTIONS and text and section not in found:
                found[section] = Story(doc_id, title, heading or title, text)
        return [found[k] for k in STORY_SECTIONS if k in found]


_BASES: dict[KnowledgeConfig, KnowledgeBase] = {}
_LOCK = threading.Lock()


def get_knowledge_base(config: KnowledgeConfig) -> KnowledgeBase:
    """The process-wide knowledge base for ``config``, ingesting first if the index is empty."""
    with _LOCK:
        base = _BASES.get(config)
        if base is None:
            if index_is_empty(config):
                log.warning("heritage index is empty: ingesting the corpus now")
                ingest(config)
            base = _BASES[config] = KnowledgeBase(config)
        return base


def get_retriever(config: KnowledgeConfig) -> HybridRetriever:
    """The process-wide retriever (for heritage trails: ``retrieve(q, filters=..., k=...)``)."""
    return get_knowledge_base(config).retriever


def reset() -> None:
    """Forget cached knowledge bases (after a rebuild, or between tests)."""
    with _LOCK:
        _BASES.clear()
