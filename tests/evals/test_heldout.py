"""No bundled eval utterance is copied into the planner's hand-written corpus.

(The blind development sets the classifier learns from are read from their own files by
``agents.nlu.collected``; ``test_independent_heldout`` keeps the held-out sets out of both.)
"""

from __future__ import annotations

import re
from pathlib import Path

from agents.nlu.skill import CORPUS_DIR, load_corpus
from evals.dataset import load_datasets, utterances

DATASETS = Path(__file__).resolve().parents[2] / "evals" / "datasets"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip()


def test_no_eval_utterance_appears_verbatim_in_the_training_corpus() -> None:
    corpus = {_norm(text) for text, _ in load_corpus(CORPUS_DIR)}
    assert corpus, "the embedded planner's corpus is empty"
    evals = utterances(load_datasets(sorted(DATASETS.glob("*.jsonl"))))
    leaked = sorted({u for u in evals if _norm(u) in corpus})
    assert not leaked, f"eval utterances found in agents/skills/corpus: {leaked}"


def test_the_check_would_catch_a_leak() -> None:
    corpus = {_norm(text) for text, _ in load_corpus(CORPUS_DIR)}
    sample = next(iter(corpus))
    assert _norm("  " + sample.upper() + " ") in corpus
