"""Craft heritage knowledge: a LlamaIndex + Chroma RAG store that answers with citations.

Import the pieces from their modules (``knowledge.service.get_knowledge_base``,
``knowledge.cli.ingest``); this package keeps its import light because llama-index is heavy.
"""

from __future__ import annotations

from typing import Any


def get_knowledge_base(settings: Any) -> Any:
    """The process-wide :class:`knowledge.service.KnowledgeBase` for ``settings``."""
    from knowledge.service import get_knowledge_base as _get

    return _get(settings)


def get_retriever(settings: Any) -> Any:
    """The process-wide :class:`knowledge.retrieval.HybridRetriever` for ``settings``."""
    from knowledge.service import get_retriever as _get

    return _get(settings)
