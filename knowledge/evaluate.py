"""Retrieval metrics on a QA set in the eval-harness format (``evals/datasets/heritage.jsonl``).

Deterministic figures first: recall@1, recall@5 and MRR of the documents named in each case's
``citations_any``, citation precision of the answers, and abstention on the cases tagged
``abstain``. LLM-judged faithfulness is added only when an LLM is configured.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

QA_PATH = Path(__file__).resolve().parent.parent / "evals" / "datasets" / "heritage.jsonl"


@dataclass(frozen=True)
class QACase:
    """One question and the documents that answer it (none for an abstention case)."""

    id: str
    question: str
    relevant: tuple[str, ...]
    role: str = "buyer"
    abstain: bool = False


def load_qa(path: Path = QA_PATH) -> list[QACase]:
    """The single-turn cases of a dataset, with their ``citations_any`` as relevant docs."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        expect = raw.get("expect", {})
        cases.append(QACase(
            id=raw["id"], question=raw["turns"][-1]["user"],
            relevant=tuple(expect.get("citations_any", [])), role=raw.get("role", "buyer"),
            abstain="abstain" in raw.get("tags", []),
        ))
    return cases


def first_relevant_rank(ranked: Sequence[str], relevant: Iterable[str]) -> int | None:
    """1-based rank of the first relevant id in ``ranked``, or ``None``."""
    wanted = set(relevant)
    return next((i for i, d in enumerate(ranked, start=1) if d in wanted), None)


def retrieval_metrics(ranked_lists: Sequence[Sequence[str]],
                      relevants: Sequence[Iterable[str]]) -> dict[str, float]:
    """recall@1, recall@5 and MRR (at 10) over paired ranked lists and relevant sets."""
    ranks = [first_relevant_rank(r, rel) for r, rel in zip(ranked_lists, relevants, strict=True)]
    n = max(1, len(ranks))
    return {
        "recall@1": sum(1 for r in ranks if r == 1) / n,
        "recall@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "mrr": sum(1.0 / r for r in ranks if r is not None and r <= 10) / n,
        "n": float(len(ranks)),
    }


def citation_precision(cited: Sequence[Sequence[str]], relevants: Sequence[Iterable[str]]) -> float:
    """Mean share of cited documents that are relevant (answers that cite nothing count 0)."""
    scores = []
    for docs, rel in zip(cited, relevants, strict=True):
        wanted = set(rel)
        scores.append(sum(1 for d in docs if d in wanted) / len(docs) if docs else 0.0)
    return statistics.fmean(scores) if scores else 0.0


def evaluate_retriever(search: Callable[[str], Sequence[str]], cases: Sequence[QACase],
                       ) -> dict[str, Any]:
    """Rank documents for every answerable case with ``search`` and score the rankings."""
    answerable = [c for c in cases if c.relevant]
    ranked, latencies, misses = [], [], []
    for case in answerable:
        started = time.perf_counter()
        docs = list(search(case.question))
        latencies.append((time.perf_counter() - started) * 1000)
        ranked.append(docs)
        rank = first_relevant_rank(docs, case.relevant)
        if rank is None or rank > 5:
            misses.append({"id": case.id, "question": case.question, "expected": case.relevant,
                           "got": docs[:5]})
    metrics = retrieval_metrics(ranked, [c.relevant for c in answerable])
    return {"metrics": metrics, "latencies_ms": latencies, "misses": misses}


def evaluate_answers(ask: Callable[[str], Any], cases: Sequence[QACase]) -> dict[str, Any]:
    """Citation precision on answerable cases and abstention on ``abstain`` cases.

    ``ask`` returns an object with ``citations`` (each with ``doc_id``) and ``confident``.
    """
    answerable = [c for c in cases if c.relevant]
    cited, answered, wrong = [], 0, []
    for case in answerable:
        answer = ask(case.question)
        docs = [c.doc_id for c in answer.citations]
        cited.append(docs)
        answered += bool(answer.confident)
        if not set(docs) & set(case.relevant):
            wrong.append({"id": case.id, "question": case.question, "cited": docs})
    abstain_cases = [c for c in cases if c.abstain]
    abstained = sum(1 for c in abstain_cases if not ask(c.question).confident)
    return {
        "citation_precision": citation_precision(cited, [c.relevant for c in answerable]),
        "citation_hit_rate": 1 - len(wrong) / max(1, len(answerable)),
        "answered_rate": answered / max(1, len(answerable)),
        "abstention_rate": abstained / max(1, len(abstain_cases)),
        "uncited_or_wrong": wrong,
    }


def faithfulness(llm: Any, ask: Callable[[str], Any], cases: Sequence[QACase],
                 limit: int = 30) -> float:
    """Share of answers an LLM judge finds supported by their cited passages (LlamaIndex)."""
    from llama_index.core.evaluation import FaithfulnessEvaluator

    judge = FaithfulnessEvaluator(llm=llm)
    passing = []
    for case in [c for c in cases if c.relevant][:limit]:
        answer = ask(case.question)
        contexts = [c.snippet for c in answer.citations]
        result = judge.evaluate(query=case.question, response=answer.text, contexts=contexts)
        passing.append(bool(result.passing))
    return sum(passing) / max(1, len(passing))
