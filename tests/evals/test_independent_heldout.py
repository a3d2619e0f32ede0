"""The independent eval sets (test and dev) stay out of the embedded planner's training data.

That is everything ``agents.planners.embedded.training_pairs`` returns: the bundled corpus and
the utterances generated from templates.

They were written by someone who never read ``agents/skills/corpus/``; the test set measures how
well the planner understands new people only while none of its requests, nor their English
gloss (Hindi and Hinglish are trained through it), appears in the corpus.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agents.nlu.hindi import to_english
from agents.planners.embedded import training_pairs
from evals.dataset import load_datasets, utterances

DATASETS = Path(__file__).resolve().parents[2] / "evals" / "datasets"
INDEPENDENT = (
    "independent.jsonl",
    "independent_dev.jsonl",
    "independent_test2.jsonl",
    "independent_dev2.jsonl",
    "independent_dev3.jsonl",
    "independent_dev4.jsonl",
    "independent_dev5.jsonl",
    "independent_dev6.jsonl",
    "independent_dev7.jsonl",
    "independent_dev8.jsonl",
    "independent_dev9.jsonl",
    "independent_dev11.jsonl",
    "independent_dev10.jsonl",
    "independent_dev12.jsonl",
    "independent_dev13.jsonl",
)


def _norm(text: str) -> str:
    """Case, punctuation and spacing do not make a request new."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.casefold())).strip()


@pytest.fixture(scope="module")
def corpus() -> set[str]:
    pairs = training_pairs()  # all the classifier trains on
    assert pairs, "the embedded planner's corpus is empty"
    return {_norm(t) for t, _ in pairs} | {_norm(to_english(t)) for t, _ in pairs}


@pytest.mark.parametrize("name", INDEPENDENT)
def test_no_independent_request_is_in_the_training_corpus(name: str, corpus: set[str]) -> None:
    path = DATASETS / name
    assert path.is_file(), f"{name} is missing from evals/datasets"
    texts = utterances(load_datasets([path]))
    assert len(texts) >= 100
    leaked = sorted({t for t in texts if _norm(t) in corpus or _norm(to_english(t)) in corpus})
    assert not leaked, f"{len(leaked)} requests of {name} found in agents/skills/corpus"


def test_the_check_would_catch_a_leak(corpus: set[str]) -> None:
    sample = next(iter(corpus))
    assert _norm("  " + sample.upper() + " ?") in corpus
