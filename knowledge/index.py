"""Ingestion: the corpus, split by a Markdown-aware node parser, embedded into Chroma.

Two collections per embedding model: ``heritage-<model>`` holds section nodes (what retrieval
ranks, written through LlamaIndex's ``ChromaVectorStore``) and ``heritage-sentences-<model>``
holds single sentences (what the extractive answer picks from). Every record carries its
document's content hash, so a re-run re-embeds only documents that changed and drops removed
ones; ``rebuild=True`` starts over. Chroma is persistent under ``data_dir/chroma`` unless a
server URL is configured. Chroma never embeds anything itself: our encoder does.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from llama_index.core import Document
from llama_index.core.node_parser import MarkdownNodeParser
from llama_index.core.schema import TextNode

from knowledge.config import KnowledgeConfig
from knowledge.corpus import CorpusDoc, document_sentences, load_corpus
from knowledge.embeddings import OnnxEmbedding

log = logging.getLogger(__name__)

#: Metadata that describes a node's provenance but says nothing about its meaning.
_NOT_EMBEDDED = ["doc_id", "kind", "gi_tag", "cluster_id", "doc_hash", "images", "region"]


def open_client(config: KnowledgeConfig):  # chromadb.ClientAPI
    """A Chroma client: HTTP when ``chroma_url`` is set, else persistent on disk; no telemetry."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if config.chroma_url:
        url = urlparse(config.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "localhost",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https", settings=chroma_settings,
        )
    path = Path(config.data_dir) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def open_collection(client: Any, name: str, model: str):  # chromadb.Collection
    """Get or create a cosine collection that never embeds on its own."""
    return client.get_or_create_collection(
        name, metadata={"hnsw:space": "cosine", "embed_model": model}, embedding_function=None
    )


@dataclass
class IngestReport:
    """What one ingestion did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    nodes: int = 0
    sentences: int = 0
    seconds: float = 0.0
    rebuilt: bool = False

    @property
    def embedded(self) -> list[str]:
        """Documents embedded in this run."""
        return self.added + self.updated

    def summary(self) -> str:
        """One line for the CLI."""
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} "
                f"removed, {self.unchanged} unchanged; {self.nodes} nodes and {self.sentences} "
                f"sentences embedded in {self.seconds:.1f} s")


_PARSER = MarkdownNodeParser(include_metadata=True, include_prev_next_rel=False)


def document_nodes(doc: CorpusDoc) -> list[TextNode]:
    """Section nodes of one document, with its metadata and stable ids ``doc_id#n``."""
    document = Document(
        id_=doc.doc_id, text=doc.body, metadata=doc.metadata(),
        excluded_embed_metadata_keys=list(_NOT_EMBEDDED),
        excluded_llm_metadata_keys=["doc_hash", "images", "cluster_id"],
    )
    nodes = []
    for i, node in enumerate(_PARSER.get_nodes_from_documents([document])):
        if not isinstance(node, TextNode) or len(node.get_content().split()) < 4:
            # not text, or a bare title or an image line alone
            continue
        node.id_ = f"{doc.doc_id}#{i}"
        node.excluded_embed_metadata_keys = list(_NOT_EMBEDDED)
        node.excluded_llm_metadata_keys = ["doc_hash", "images", "cluster_id"]
        nodes.append(node)
    return nodes


def _indexed_hashes(collection: Any) -> dict[str, str]:
    got = collection.get(include=["metadatas"])
    return {m["doc_id"]: m.get("doc_hash", "") for m in got["metadatas"] or [] if m}


def _embed_document(doc: CorpusDoc, embed: OnnxEmbedding, nodes_store: Any,
                    sentences: Any) -> tuple[int, int]:
    nodes = document_nodes(doc)
    texts = [n.get_content(metadata_mode="embed") for n in nodes]  # type: ignore[arg-type]
    for node, vector in zip(nodes, embed.get_text_embedding_batch(texts), strict=True):
        node.embedding = vector
    nodes_store.add(nodes)
    pairs = document_sentences(doc)
    vectors = embed.get_text_embedding_batch([f"{doc.title}. {s}" for _, s in pairs])
    sentences.add(
        ids=[f"{doc.doc_id}~{i}" for i in range(len(pairs))],
        embeddings=vectors,
        documents=[s for _, s in pairs],
        metadatas=[{"doc_id": doc.doc_id, "title": doc.title, "section": h or "Overview",
                    "doc_hash": doc.content_hash, "position": i}
                   for i, (h, _) in enumerate(pairs)],
    )
    return len(nodes), len(pairs)


def ingest(config: KnowledgeConfig, *, rebuild: bool = False, progress: bool = False,
           docs: Iterable[CorpusDoc] | None = None) -> IngestReport:
    """Bring the index in line with the corpus, embedding only new or changed documents."""
    from llama_index.vector_stores.chroma import ChromaVectorStore

    started = time.perf_counter()
    corpus = list(docs) if docs is not None else load_corpus(config.corpus_dir)
    client = open_client(config)
    report = IngestReport(rebuilt=rebuild)
    if rebuild:
        for name in (config.node_collection, config.sentence_collection):
            if name in {getattr(c, "name", c) for c in client.list_collections()}:
                client.delete_collection(name)
    nodes_coll = open_collection(client, config.node_collection, config.embed_model)
    sent_coll = open_collection(client, config.sentence_collection, config.embed_model)
    indexed = _indexed_hashes(nodes_coll)
    wanted = {d.doc_id: d for d in corpus}
    for doc_id in sorted(set(indexed) - set(wanted)):
        nodes_coll.delete(where={"doc_id": doc_id})
        sent_coll.delete(where={"doc_id": doc_id})
        report.removed.append(doc_id)
    todo = [d for d in corpus if indexed.get(d.doc_id) != d.content_hash]
    report.unchanged = len(corpus) - len(todo)
    if todo:
        embed = OnnxEmbedding.from_name(config.embed_model)
        store = ChromaVectorStore(chroma_collection=nodes_coll)
        bar = _progress(todo, progress)
        for doc in bar:
            if doc.doc_id in indexed:
                nodes_coll.delete(where={"doc_id": doc.doc_id})
                sent_coll.delete(where={"doc_id": doc.doc_id})
                report.updated.append(doc.doc_id)
            else:
                report.added.append(doc.doc_id)
            n_nodes, n_sentences = _embed_document(doc, embed, store, sent_coll)
            report.nodes += n_nodes
            report.sentences += n_sentences
    report.seconds = time.perf_counter() - started
    log.info("heritage index %s: %s", config.node_collection, report.summary())
    return report


def _progress(items: list[CorpusDoc], enabled: bool) -> Iterable[CorpusDoc]:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="embedding heritage documents", unit="doc")


def index_is_empty(config: KnowledgeConfig) -> bool:
    """True when nothing has been ingested for this model yet."""
    client = open_client(config)
    return open_collection(client, config.node_collection, config.embed_model).count() == 0
