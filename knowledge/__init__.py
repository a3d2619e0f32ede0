"""Craft heritage knowledge: a LlamaIndex + Chroma RAG store that answers with citations.

Import the pieces from their modules (``knowledge.service.get_knowledge_base``,
``knowledge.cli.ingest``, ``knowledge.config.KnowledgeConfig``); this package keeps its
import light because llama-index is heavy.
"""
