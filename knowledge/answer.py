"""Answers with citations: extractive by default, an LLM synthesizer when one is configured.

The extractive answer ranks the sentences of the best documents by similarity to the question,
picks a few with maximal marginal relevance (MMR) so they do not repeat each other, and cites the
documents they came from. When even the best sentence is weakly related to the question, the
answer is an honest "I don't know" with no citations rather than a guess. With an LLM, a
LlamaIndex response synthesizer writes the answer from numbered sources and the citations are
the sources it referred to; an answer that cites none (or is empty) gives way to the extractive
one, and LlamaIndex's placeholder ``MockLLM`` is refused.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from domain.chat_text import STOP_SEQUENCES, until_turn_end
from knowledge.retrieval import HybridRetriever, Retrieval

log = logging.getLogger(__name__)

IDK = ("I don't know: my heritage notes don't cover that. Try asking about a craft, its "
       "history, how it is made or how to tell genuine work.")
_WORD = re.compile(r"[a-z]+")
_STOP = frozenset(
    "a an the of in on at to for from by with and or is are was were be been do does did how what "
    "which who whom why when where can could should would i me my we our you your it its this "
    "that these those there their them they tell about know if is it any some please make made "
    "get much many most more than as into like just also".split()
)
# Hindi function words as typed in Latin letters: a Hinglish question ("GI tag kya hota hai")
# is asked as said and glossed, and its grammar words are in no English document.
_HINGLISH_STOP = frozenset(
    "hai hain ho hota hoti hote tha thi the kya kaise kaisa kaisi kyun kyon kyu kahan kab kaun "
    "kaunsa kaunsi kaunse konsa konsi ka ki ke ko se mein mai me par pe aur ya bhi toh wala wali "
    "wale kis kisi ye yeh woh wo iska iski iske uska uski uske mujhe mera meri mere hum aap apna "
    "apni karna karte karti kar samjhao batao bataiye btao jata jati jate sakta sakti sakte".split()
)


@dataclass
class Citation:
    """A cited document: what it is and the words of it the answer used."""

    doc_id: str
    title: str
    snippet: str
    score: float


@dataclass
class Answer:
    """An answer, its citations, and whether retrieval was confident enough to answer."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    confident: bool = True
    confidence: float = 0.0
    mode: str = "extractive"


def content_words(text: str) -> set[str]:
    """Lower-case words of ``text`` that carry meaning (stop words dropped)."""
    return {w for w in _WORD.findall(text.lower())
            if w not in _STOP and w not in _HINGLISH_STOP and len(w) > 2}


_SUFFIXES = ("ings", "ing", "ions", "ion", "ive", "ed", "es", "s")


def stem(word: str) -> str:
    """A word without its ending ("packing" → "pack", "photos" → "photo"), four letters kept."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def shares_a_form(word: str, stems: set[str]) -> bool:
    """Whether ``word`` meets one of ``stems`` in some form.

    "photograph" meets "photo", "reflect" "reflective", "pack" "packing": one is a prefix of
    the other, four letters or more.
    """
    s = stem(word)
    return s in stems or (len(s) >= 4 and any(
        len(d) >= 4 and (d.startswith(s) or s.startswith(d)) for d in stems))


_GLOSS = re.compile(r"\(([^()]+)\)\s*$")


def _wordings(question: str) -> list[set[str]]:
    """The question's content words, and those of its English gloss alone when it has one.

    A Hindi or Hinglish question comes as said and then glossed in brackets ("phulkari ka
    matlab kya hai (phulkari meaning what)"): the Hinglish words are in no English document,
    so they would halve the overlap of a question the gloss matches well.
    """
    wordings = [content_words(question)]
    if gloss := _GLOSS.search(question):
        wordings.append(content_words(gloss.group(1)))
    return wordings



def mmr(query: np.ndarray, candidates: np.ndarray, relevance: np.ndarray, k: int,
        lambda_: float = 0.7) -> list[int]:
    """Indices of ``k`` candidates by maximal marginal relevance.

    Each step takes the candidate maximising ``lambda * relevance - (1 - lambda) * max
    similarity to those already taken``; ``candidates`` are L2-normalised rows.
    """
    if len(candidates) == 0 or k <= 0:
        return []
    chosen: list[int] = []
    remaining = list(range(len(candidates)))
    sims = candidates @ candidates.T
    while remaining and len(chosen) < k:
        if chosen:
            redundancy = sims[np.ix_(remaining, chosen)].max(axis=1)
        else:
            redundancy = np.zeros(len(remaining))
        scores = lambda_ * relevance[remaining] - (1 - lambda_) * redundancy
        best = remaining[int(np.argmax(scores))]
        chosen.append(best)
        remaining.remove(best)
    return chosen


class ExtractiveAnswerer:
    """Best sentences of the top documents, MMR-deduplicated, with citations."""

    def __init__(self, retriever: HybridRetriever, *, min_confidence: float = 0.5,
                 sentences: int = 3, docs: int = 3, redundancy_cutoff: float = 0.9) -> None:
        self.retriever = retriever
        self.min_confidence = min_confidence
        self.sentences = sentences
        self.docs = docs
        self.redundancy_cutoff = redundancy_cutoff

    def confidence(self, retrieval: Retrieval) -> float:
        """How sure retrieval is that the top document answers the question (0..1 scale-ish).

        Best sentence similarity in the top document plus the share of the question's content
        words that document contains: unrelated questions fail both.
        """
        if not retrieval.hits:
            return 0.0
        top = retrieval.hits[0]
        r = self.retriever
        mask = r.sentence_doc == top.doc_id
        vectors = r.sentence_vectors[mask]
        best = float((vectors @ retrieval.query_vector).max()) if mask.any() else 0.0
        doc_words: set[str] = set()
        for p in top.passages:
            doc_words |= content_words(p.text)
        doc_words |= content_words(top.doc.title + " " + " ".join(top.doc.crafts))
        overlap = 0.0
        doc_stems = {stem(w) for w in doc_words}
        for words in _wordings(retrieval.question):
            # another form of a word counts half: "pack" for "packing", not "cook" for "cooked"
            shared = sum(1.0 if w in doc_words else 0.5 if shares_a_form(w, doc_stems) else 0.0
                         for w in words)
            overlap = max(overlap, shared / len(words) if words else 0.0)
        return round(best + 0.5 * overlap, 4)

    def answer(self, retrieval: Retrieval, min_confidence: float | None = None) -> Answer:
        """The extractive answer for one retrieval (``min_confidence`` overrides the floor)."""
        confidence = self.confidence(retrieval)
        floor = self.min_confidence if min_confidence is None else min_confidence
        if not retrieval.hits or confidence < floor:
            return Answer(IDK, [], confident=False, confidence=confidence)
        r = self.retriever
        hits = retrieval.hits[: self.docs]
        rank = {h.doc_id: i for i, h in enumerate(hits)}
        idx = np.flatnonzero(np.isin(r.sentence_doc, list(rank)))
        vectors = r.sentence_vectors[idx]
        cos = vectors @ retrieval.query_vector
        words = content_words(retrieval.question)
        lexical = np.array([len(words & content_words(r.sentences[i])) / max(1, len(words))
                            for i in idx])
        # Sentences of lower-ranked documents must be clearly better to be chosen.
        prior = np.array([1.0 - 0.15 * rank[r.sentence_doc[i]] for i in idx])
        relevance = (cos + 0.2 * lexical) * prior
        picked = [int(idx[j]) for j in mmr(retrieval.query_vector, vectors, relevance,
                                           self.sentences)]
        picked = [i for i in picked if relevance[np.flatnonzero(idx == i)[0]]
                  >= 0.6 * relevance.max()]
        by_doc: dict[str, list[int]] = {}
        for i in picked:
            by_doc.setdefault(str(r.sentence_doc[i]), []).append(i)
        ordered_docs = sorted(by_doc, key=lambda d: rank[d])
        text_parts, citations = [], []
        for doc_id in ordered_docs:
            positions = sorted(by_doc[doc_id], key=lambda i: r.sentence_meta[i]["position"])
            snippet = " ".join(r.sentences[i] for i in positions)
            text_parts.append(snippet)
            best = max(float(vectors[np.flatnonzero(idx == i)[0]] @ retrieval.query_vector)
                       for i in positions)
            citations.append(Citation(doc_id, r.docs[doc_id].title, snippet, round(best, 4)))
        return Answer(" ".join(text_parts), citations, confident=True, confidence=confidence)


CITATION_PROMPT = (
    "You answer questions about Indian handicrafts for a marketplace assistant.\n"
    "Use only the numbered sources below. Cite every claim with its source number in square "
    "brackets, like [1]. If the sources do not answer the question, reply exactly: "
    "I don't know.\n\n{context_str}\n\nQuestion: {query_str}\nAnswer: "
)


class LLMAnswerer:
    """A LlamaIndex response synthesizer over numbered sources; cites what it referenced."""

    def __init__(self, llm: Any, fallback: ExtractiveAnswerer) -> None:
        from llama_index.core.llms.mock import MockLLM

        if llm is None or isinstance(llm, MockLLM):
            raise ValueError(
                "LLMAnswerer needs a real LLM; LlamaIndex's MockLLM writes placeholders")
        from llama_index.core import PromptTemplate, get_response_synthesizer
        from llama_index.core.response_synthesizers import ResponseMode

        self.llm = llm
        self.fallback = fallback
        self.synthesizer = get_response_synthesizer(
            llm=llm,
            response_mode=ResponseMode.COMPACT,
            text_qa_template=PromptTemplate(CITATION_PROMPT),
        )

    def answer(self, retrieval: Retrieval) -> Answer:
        """The synthesized answer, or the extractive one if the LLM fails or is unsure."""
        from llama_index.core.schema import NodeWithScore, TextNode

        confidence = self.fallback.confidence(retrieval)
        if confidence < self.fallback.min_confidence:
            return Answer(IDK, [], confident=False, confidence=confidence, mode="llm")
        hits = retrieval.hits[: self.fallback.docs]
        sources = [
            NodeWithScore(
                node=TextNode(
                    text=f"Source [{n}] ({h.doc.title}):\n"
                    + "\n".join(p.text for p in h.passages[:2])
                ),
                score=h.score,
            )
            for n, h in enumerate(hits, start=1)
        ]
        try:
            response = self.synthesizer.synthesize(retrieval.question, nodes=sources)
        except Exception:  # an unreachable endpoint must not cost the user the answer
            log.exception("LLM synthesis failed; answering extractively")
            return self.fallback.answer(retrieval)
        text = until_turn_end(str(response)).strip()
        if text.lower().startswith("i don't know"):
            return Answer(IDK, [], confident=False, confidence=confidence, mode="llm")
        used = sorted({int(n) for n in re.findall(r"\[(\d+)\]", text) if 1 <= int(n) <= len(hits)})
        if not used:
            # Retrieval was confident, so an empty or uncited answer is the model failing the
            # prompt (a base model continuing the chat template writes nothing or babbles).
            log.warning("LLM answer cites no source (%d chars); answering extractively", len(text))
            return self.fallback.answer(retrieval)
        chosen = [hits[n - 1] for n in used]
        citations = [
            Citation(h.doc_id, h.doc.title, h.passages[0].text[:300], round(h.score, 4))
            for h in chosen
        ]
        return Answer(text, citations, confident=True, confidence=confidence, mode="llm")


def build_llm(base_url: str, model: str, api_key: str, timeout_s: float) -> Any:
    """A LlamaIndex LLM for any OpenAI-compatible endpoint (vLLM, llama.cpp server, Ollama)."""
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(
        model=model,
        api_base=base_url,
        api_key=api_key,
        timeout=timeout_s,
        is_chat_model=True,
        max_tokens=400,
        temperature=0.0,
        additional_kwargs={"stop": list(STOP_SEQUENCES)},
    )


def cited_ids(answer: Answer) -> Sequence[str]:
    """The doc ids an answer cites, in order."""
    return [c.doc_id for c in answer.citations]
