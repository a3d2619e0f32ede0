"""Hybrid retrieval: dense (Chroma) and BM25 rankings of section nodes fused by reciprocal rank.

The retriever is loaded once per process: it reads every node and sentence of its collections
into memory (the corpus is small), builds the BM25 index, and keeps the encoder warm, so a query
costs one embedding, one Chroma query and one BM25 lookup. Metadata filters (``crafts``,
``region``, ``kind``, ``doc_id``) are resolved to a set of documents first and then applied to
both rankings, so they agree.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from llama_index.core.schema import BaseNode, NodeWithScore, QueryBundle, TextNode

from domain.errors import InvalidInput
from knowledge.embeddings import OnnxEmbedding
from knowledge.index import KnowledgeConfig, open_client, open_collection

RRF_K = 15
#: How much a document's second-best passage adds to its best one's fused score.
SECOND_PASSAGE_WEIGHT = 0.1
FILTER_KEYS = ("crafts", "region", "kind", "doc_id")


@dataclass(frozen=True)
class DocMeta:
    """What the retriever knows about one document without reading it."""

    doc_id: str
    title: str
    kind: str
    crafts: tuple[str, ...]
    region: str
    gi_tag: str
    cluster_id: str
    images: tuple[str, ...]


@dataclass
class Passage:
    """One ranked section node."""

    node_id: str
    doc_id: str
    text: str
    score: float
    dense: float | None = None
    bm25: float | None = None


@dataclass
class DocHit:
    """One ranked document and the passages that put it there."""

    doc: DocMeta
    score: float
    passages: list[Passage] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        """The document's id."""
        return self.doc.doc_id

    @property
    def best_dense(self) -> float:
        """The highest cosine similarity of any of its passages to the query."""
        return max((p.dense for p in self.passages if p.dense is not None), default=0.0)


@dataclass
class Retrieval:
    """The outcome of one query: ranked documents and the query's vector for later steps."""

    question: str
    hits: list[DocHit]
    query_vector: np.ndarray


def _as_list(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return list(value)
    raise InvalidInput(f"filter '{key}' must be a string or a list of strings", field=key)


def matches(doc: DocMeta, filters: Mapping[str, Any]) -> bool:
    """Whether ``doc`` passes every filter (case-insensitive; crafts and region by substring)."""
    for key, raw in filters.items():
        if raw is None or raw == [] or raw == "":
            continue
        wanted = [w.strip().lower() for w in _as_list(raw, key) if w.strip()]
        if key == "crafts":
            ok = any(w in c or c in w for w in wanted for c in doc.crafts)
        elif key == "region":
            ok = any(w in doc.region.lower() for w in wanted)
        elif key == "kind":
            ok = doc.kind in wanted
        elif key == "doc_id":
            ok = doc.doc_id in wanted
        else:
            raise InvalidInput(f"unknown filter '{key}'; use one of {FILTER_KEYS}", field=key)
        if not ok:
            return False
    return True


def rrf(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: each list adds ``1 / (k + rank)`` to the ids it ranks."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


class Lexical:
    """BM25 over some nodes (LlamaIndex's index and tokenizer) that answers with those nodes.

    ``BM25Retriever.retrieve`` rebuilds every hit from its stored JSON, 30 pydantic nodes a
    query (a third of a heritage turn's CPU); the nodes are in memory already.
    """

    def __init__(self, nodes: list[BaseNode], top_k: int) -> None:
        from llama_index.retrievers.bm25 import BM25Retriever

        self.nodes = nodes  # the index's corpus is in this order
        self.index = BM25Retriever(nodes=nodes, similarity_top_k=top_k)

    def search(self, query: str) -> list[NodeWithScore]:
        """Nodes by BM25 score, best first (only those that share a term with the query)."""
        import bm25s

        index = self.index
        tokens = bm25s.tokenize(query, stemmer=index.stemmer, token_pattern=index.token_pattern,
                                show_progress=False)
        positions, scores = index.bm25.retrieve(tokens, k=index.similarity_top_k,
                                                show_progress=False)
        return [NodeWithScore(node=self.nodes[int(i)], score=float(score))
                for i, score in zip(positions[0], scores[0], strict=True) if score > 0]


class HybridRetriever:
    """Dense + BM25 over one embedding model's collections, fused with RRF."""

    def __init__(self, config: KnowledgeConfig, embed: OnnxEmbedding | None = None,
                 candidates: int = 30) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.config = config
        self.rrf_k = RRF_K
        self.second_passage_weight = SECOND_PASSAGE_WEIGHT
        self.embed = embed or OnnxEmbedding.from_name(config.embed_model)
        client = open_client(config)
        self._nodes_coll = open_collection(client, config.node_collection, config.embed_model)
        sent_coll = open_collection(client, config.sentence_collection, config.embed_model)
        store = ChromaVectorStore(chroma_collection=self._nodes_coll)
        self.nodes = {n.node_id: n for n in store.get_nodes(None)}
        if not self.nodes:
            raise InvalidInput("the heritage index is empty; run `qalakar ingest` first",
                               field="index")
        self.docs = {m.doc_id: m for m in (_doc_meta(n.metadata) for n in self.nodes.values())}
        self.candidates = min(candidates, len(self.nodes))
        self._bm25_all = Lexical(list(self.nodes.values()), self.candidates)
        self._bm25_filtered: dict[frozenset[str], Lexical] = {}
        self._lock = threading.Lock()
        got = sent_coll.get(include=["embeddings", "documents", "metadatas"])
        self.sentences: list[str] = list(got["documents"] or [])
        self.sentence_meta: list[dict[str, Any]] = [dict(m) for m in got["metadatas"] or []]
        self.sentence_vectors = np.asarray(got["embeddings"], dtype=np.float32).reshape(
            len(self.sentences), -1)
        self.sentence_doc = np.array([m["doc_id"] for m in self.sentence_meta])

    # -- filters ------------------------------------------------------------------------
    def allowed_docs(self, filters: Mapping[str, Any] | None) -> frozenset[str] | None:
        """The documents passing ``filters`` (``None`` = no filter)."""
        if not filters or all(v in (None, "", []) for v in filters.values()):
            return None
        return frozenset(d for d, meta in self.docs.items() if matches(meta, filters))

    def _bm25_for(self, allowed: frozenset[str] | None) -> Lexical:
        if allowed is None:
            return self._bm25_all
        with self._lock:
            retriever = self._bm25_filtered.get(allowed)
            if retriever is None:
                nodes = [n for n in self.nodes.values() if n.metadata["doc_id"] in allowed]
                retriever = Lexical(nodes, min(self.candidates, len(nodes)))
                if len(self._bm25_filtered) > 64:  # filters come from a few trails and crafts
                    self._bm25_filtered.clear()
                self._bm25_filtered[allowed] = retriever
        return retriever

    # -- ranking ------------------------------------------------------------------------
    def dense(self, bundle: QueryBundle, allowed: frozenset[str] | None) -> list[NodeWithScore]:
        """Nodes by cosine similarity, from Chroma.

        Chroma is asked for ids and distances only: the nodes are already in memory, and
        rebuilding them from the stored documents and metadata cost 6 of a query's 7 ms. The
        score is LlamaIndex's for Chroma, ``exp(-distance)``, so thresholds are unchanged.
        """
        where = {"doc_id": {"$in": sorted(allowed)}} if allowed is not None else None
        found = self._nodes_coll.query(query_embeddings=[bundle.embedding],
                                       n_results=self.candidates, where=where,
                                       include=["distances"])
        return [NodeWithScore(node=self.nodes[node_id], score=math.exp(-distance))
                for node_id, distance in zip(found["ids"][0], found["distances"][0], strict=True)
                if node_id in self.nodes]

    def bm25(self, bundle: QueryBundle, allowed: frozenset[str] | None) -> list[NodeWithScore]:
        """Nodes by BM25 score (only those that share a term with the query)."""
        return self._bm25_for(allowed).search(bundle.query_str)

    def retrieve(self, question: str, filters: Mapping[str, Any] | None = None,
                 k: int = 5) -> Retrieval:
        """The ``k`` best documents for ``question`` (after ``filters``), best first."""
        question = question.strip()
        if not question:
            raise InvalidInput("the question is empty", field="question")
        allowed = self.allowed_docs(filters)
        vector = np.asarray(self.embed.get_query_embedding(question), dtype=np.float32)
        if allowed is not None and not allowed:
            return Retrieval(question, [], vector)
        bundle = QueryBundle(query_str=question, embedding=vector.tolist())
        dense = self.dense(bundle, allowed)
        sparse = self.bm25(bundle, allowed)
        fused = rrf([[n.node.node_id for n in dense], [n.node.node_id for n in sparse]],
                    k=self.rrf_k)
        dense_score = {n.node.node_id: float(n.score or 0.0) for n in dense}
        bm25_score = {n.node.node_id: float(n.score or 0.0) for n in sparse}
        by_doc: dict[str, DocHit] = {}
        for node_id, score in sorted(fused.items(), key=lambda kv: -kv[1]):
            node = self.nodes.get(node_id)
            if node is None:
                continue
            doc_id = node.metadata["doc_id"]
            hit = by_doc.setdefault(doc_id, DocHit(self.docs[doc_id], 0.0))
            # A document scores by its best passage plus a little for a second one.
            if len(hit.passages) < 2:
                hit.score += score if not hit.passages else self.second_passage_weight * score
            hit.passages.append(Passage(node_id, doc_id, node.get_content(), score,
                                        dense_score.get(node_id), bm25_score.get(node_id)))
        hits = sorted(by_doc.values(), key=lambda h: -h.score)[:k]
        return Retrieval(question, hits, vector)


def _doc_meta(meta: Mapping[str, Any]) -> DocMeta:
    return DocMeta(
        doc_id=str(meta["doc_id"]), title=str(meta.get("title", meta["doc_id"])),
        kind=str(meta.get("kind", "")),
        crafts=tuple(c.strip() for c in str(meta.get("crafts", "")).split(";") if c.strip()),
        region=str(meta.get("region", "")), gi_tag=str(meta.get("gi_tag", "")),
        cluster_id=str(meta.get("cluster_id", "")),
        images=tuple(i for i in str(meta.get("images", "")).split("; ") if i),
    )


__all__ = ["DocHit", "DocMeta", "HybridRetriever", "Passage", "Retrieval", "TextNode", "matches",
           "rrf"]
