"""The knowledge base as the rest of the product sees it: one per process, loaded once.

:func:`get_knowledge_base` builds (and caches) the retriever and answerer for a configuration,
ingesting the corpus first when the index is empty, so the first question after a fresh clone
still works. Heritage trails and tools call :meth:`KnowledgeBase.retrieve` and
:meth:`KnowledgeBase.ask`; nothing on that path loads a model.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

from knowledge.access import require_reader
from knowledge.answer import Answer, ExtractiveAnswerer, LLMAnswerer, build_llm
from knowledge.index import KnowledgeConfig, index_is_empty, ingest
from knowledge.retrieval import DocHit, HybridRetriever

log = logging.getLogger(__name__)

#: Confidence below which the answer is "I don't know", per encoder: chosen on the QA set so that
#: about 97% of answerable questions pass and the off-topic ones do not (bench_knowledge prints
#: both rates).
MIN_CONFIDENCE = {"use-multilingual-v3": 0.5, "minilm-l6-int8": 0.6}


class KnowledgeBase:
    """Retrieval plus answering over the heritage index."""

    def __init__(self, config: KnowledgeConfig, *, llm: Any = None,
                 min_confidence: float | None = None) -> None:
        self.config = config
        self.retriever = HybridRetriever(config)
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
        return self.answerer.answer(self.retriever.retrieve(question, filters, k))


_BASES: dict[KnowledgeConfig, KnowledgeBase] = {}
_LOCK = threading.Lock()


def get_knowledge_base(settings_or_config: Any) -> KnowledgeBase:
    """The process-wide knowledge base for these settings, ingesting first if the index is empty."""
    config = (settings_or_config if isinstance(settings_or_config, KnowledgeConfig)
              else KnowledgeConfig.from_settings(settings_or_config))
    with _LOCK:
        base = _BASES.get(config)
        if base is None:
            if index_is_empty(config):
                log.warning("heritage index is empty: ingesting the corpus now")
                ingest(config)
            floor = getattr(settings_or_config, "knowledge_min_confidence", None)
            base = _BASES[config] = KnowledgeBase(config, min_confidence=floor)
        return base


def get_retriever(settings_or_config: Any) -> HybridRetriever:
    """The process-wide retriever (for heritage trails: ``retrieve(q, filters=..., k=...)``)."""
    return get_knowledge_base(settings_or_config).retriever


def reset() -> None:
    """Forget cached knowledge bases (after a rebuild, or between tests)."""
    with _LOCK:
        _BASES.clear()
