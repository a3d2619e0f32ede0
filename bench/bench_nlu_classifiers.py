"""Intent classifiers compared.

TF-IDF (today's), USE-multilingual embeddings + a linear head, and both together; trained on the
planner's corpus, scored on an eval set's first turns.

    python -m bench.bench_nlu_classifiers [--dataset evals/datasets/independent_dev.jsonl ...]
        [--generated]

``--generated`` adds the template-generated utterances (``agents/nlu/generated.py``) to the
training corpus, as the planner does.

The label of a case is the tool its first turn must call, or ``out_of_scope`` when it must call
none (forbidden requests included: no tool is the right answer for the caller). Prints accuracy
and per-prediction latency (median, p95) for each classifier and writes
``bench/results/nlu_classifiers.json``. Only aggregate figures are printed.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from agents.nlu.classifier import EmbeddingIntentClassifier, IntentClassifier
from agents.nlu.generated import generated_corpus
from agents.nlu.skill import load_corpus

RESULTS = Path(__file__).parent / "results" / "nlu_classifiers.json"


def labelled_first_turns(path: Path) -> list[tuple[str, str]]:
    """``(text, intent)`` for single-turn typed cases with one expected tool or none."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        turns = case.get("turns", [])
        if len(turns) != 1 or "user" not in turns[0]:
            continue
        expect = case.get("expect", {})
        calls = expect.get("tool_calls") or []
        if expect.get("no_tool_call") and not expect.get("asks_for"):
            out.append((turns[0]["user"], "out_of_scope"))
        elif len(calls) == 1:
            out.append((turns[0]["user"], calls[0]["name"]))
    return out


def score(clf: object, cases: list[tuple[str, str]]) -> dict[str, float]:
    """Accuracy (refusal intents count as right for out_of_scope) and latency in ms."""
    no_tool = {"out_of_scope", "greet", "thanks", "goodbye", "help", "affirm", "deny"}
    right, times = 0, []
    for text, label in cases:
        started = time.perf_counter()
        intent = clf.predict(text).intent  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
        right += intent == label or (label == "out_of_scope" and intent in no_tool)
    return {"accuracy": round(right / len(cases), 4), "p50_ms": round(float(np.median(times)), 2),
            "p95_ms": round(float(np.percentile(times, 95)), 2), "n": len(cases)}


def main() -> None:
    """Train each classifier, score it, print and save the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", action="append")
    parser.add_argument("--generated", action="store_true")
    args = parser.parse_args()
    datasets = args.dataset or ["evals/datasets/independent_dev.jsonl"]
    cases = [c for d in datasets for c in labelled_first_turns(Path(d))]
    pairs = load_corpus() + (generated_corpus() if args.generated else [])
    rows = {}
    for name, make in (("tfidf", IntentClassifier),
                       ("use", lambda: EmbeddingIntentClassifier(with_tfidf=False)),
                       ("tfidf+use", lambda: EmbeddingIntentClassifier(with_tfidf=True))):
        started = time.perf_counter()
        clf = make().fit(pairs)
        fit_s = time.perf_counter() - started
        rows[name] = {**score(clf, cases), "fit_s": round(fit_s, 2)}
        print(f"{name:10s} accuracy {rows[name]['accuracy']:.3f}  predict p50 "
              f"{rows[name]['p50_ms']:.2f} ms p95 {rows[name]['p95_ms']:.2f} ms  "
              f"fit {fit_s:.1f} s  ({rows[name]['n']} cases, corpus {len(pairs)})")
    base = rows["tfidf"]["accuracy"]
    for name, row in rows.items():
        print(f"{name:10s} accuracy ratio to tfidf {row['accuracy'] / base:.3f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"datasets": datasets, "generated": args.generated,
                                   "results": rows}, indent=2))


if __name__ == "__main__":
    main()
