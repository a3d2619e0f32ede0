"""Heritage knowledge: ingestion time, retrieval latency and QA quality per embedding candidate.

For every encoder in ``knowledge.embeddings.EMBED_MODELS`` it builds a fresh index in a temporary
folder (timing ``ingest``), then runs the QA set (``evals/datasets/heritage.jsonl``) through the
hybrid retriever. Baselines in the same run: BM25 alone and dense alone (recall), and a BM25-only
query (latency). The default encoder also gets answer figures: citation precision, abstention
and answer latency. Targets: retrieval p95 <= 20 ms, recall@5 >= 0.95, ingest <= 60 s.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from llama_index.core.schema import QueryBundle

from bench.common import figure, report, summary, timings_ms
from knowledge.embeddings import DEFAULT_EMBED_MODEL, EMBED_MODELS
from knowledge.evaluate import evaluate_answers, evaluate_retriever, load_qa
from knowledge.index import KnowledgeConfig, ingest
from knowledge.service import KnowledgeBase


def _ranked_docs(nodes) -> list[str]:  # NodeWithScore list
    return list(dict.fromkeys(n.node.metadata["doc_id"] for n in nodes))


def measure(model: str, root: Path, cases: list) -> tuple[dict, dict]:
    """Figures for one encoder, and extra detail (misses)."""
    config = KnowledgeConfig(data_dir=root / model, embed_model=model)
    started = time.perf_counter()
    built = ingest(config, rebuild=True)
    ingest_s = time.perf_counter() - started
    kb = KnowledgeBase(config)
    r = kb.retriever
    questions = [c.question for c in cases if c.relevant]

    hybrid = evaluate_retriever(lambda q: [h.doc_id for h in r.retrieve(q, k=10).hits], cases)

    def sparse(q: str) -> list[str]:
        return _ranked_docs(r.bm25(QueryBundle(q), None))

    def dense(q: str) -> list[str]:
        v = r.embed.get_query_embedding(q)
        return _ranked_docs(r.dense(QueryBundle(q, embedding=v), None))

    bm25_only = evaluate_retriever(sparse, cases)["metrics"]
    dense_only = evaluate_retriever(dense, cases)["metrics"]
    # Latency: each question three times after warm-up, against a BM25-only query.
    lat = [t for q in questions for t in timings_ms(lambda q=q: r.retrieve(q), 3, warmup=1)]
    base = [t for q in questions for t in timings_ms(lambda q=q: sparse(q), 3, warmup=1)]
    ls, bs = summary(lat), summary(base)
    m = hybrid["metrics"]
    figures = {
        f"{model}.ingest_s": figure(ingest_s, "s", target="<= 60",
                                    note=f"{built.nodes} nodes, {built.sentences} sentences"),
        f"{model}.retrieve_p50_ms": figure(ls["p50"], "ms", baseline=bs["p50"],
                                           note="baseline: BM25-only query"),
        f"{model}.retrieve_p95_ms": figure(ls["p95"], "ms", baseline=bs["p95"], target="<= 20"),
        f"{model}.recall@1": figure(m["recall@1"], "share", baseline=bm25_only["recall@1"],
                                    note="baseline: BM25 alone"),
        f"{model}.recall@5": figure(m["recall@5"], "share", baseline=bm25_only["recall@5"],
                                    target=">= 0.95", note="baseline: BM25 alone"),
        f"{model}.mrr": figure(m["mrr"], "score", baseline=bm25_only["mrr"]),
        f"{model}.dense_only_recall@5": figure(dense_only["recall@5"], "share",
                                               baseline=bm25_only["recall@5"]),
    }
    detail = {"misses": hybrid["misses"], "n": m["n"]}
    if model == DEFAULT_EMBED_MODEL:
        answers = evaluate_answers(kb.ask, cases)
        ans_lat = summary([t for q in questions[:40]
                           for t in timings_ms(lambda q=q: kb.ask(q), 2, warmup=1)])
        figures.update({
            "answer.citation_precision": figure(answers["citation_precision"], "share"),
            "answer.citation_hit_rate": figure(answers["citation_hit_rate"], "share"),
            "answer.answered_rate": figure(answers["answered_rate"], "share",
                                           note="answerable questions answered, not abstained"),
            "answer.abstention_rate": figure(answers["abstention_rate"], "share",
                                             note="off-topic questions answered 'I don't know'"),
            "answer.p95_ms": figure(ans_lat["p95"], "ms", baseline=ls["p95"],
                                    note="baseline: retrieval alone"),
        })
        detail["uncited_or_wrong"] = answers["uncited_or_wrong"]
    return figures, detail


def main() -> None:
    """Measure every embedding candidate and write ``bench/results/knowledge.json``."""
    cases = load_qa()
    figures: dict = {}
    details: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-knowledge-") as tmp:
        for model in EMBED_MODELS:
            got, detail = measure(model, Path(tmp), cases)
            figures.update(got)
            details[model] = detail
    report("knowledge", figures, default_model=DEFAULT_EMBED_MODEL, details=details)


if __name__ == "__main__":
    main()
