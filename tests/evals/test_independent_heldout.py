"""The held-out independent eval sets stay out of the embedded planner's training data.

That is everything ``agents.planners.embedded.training_pairs`` returns: the bundled corpus, the
utterances generated from templates, and the requests of the blind development sets the
classifier learns from (``agents.nlu.collected.TRAINING_SETS``).

The held-out sets were written by someone who never read ``agents/skills/corpus/``; they measure
how well the planner understands new people only while none of their requests, nor their English
gloss (Hindi and Hinglish are trained through it), appears in what it learns from. Every
``independent*.jsonl`` set is one or the other: a new set must be listed here to be used.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agents.nlu.collected import HELD_OUT_SETS, TRAINING_SETS
from agents.nlu.hindi import to_english
from agents.planners.embedded import training_pairs
from evals.dataset import load_datasets, utterances

DATASETS = Path(__file__).resolve().parents[2] / "evals" / "datasets"
INDEPENDENT = tuple(f"{name}.jsonl" for name in HELD_OUT_SETS)  # TEST sets, dev10 and after


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


def test_every_independent_set_is_held_out_or_learnt_from() -> None:
    found = {p.name for p in DATASETS.glob("independent*.jsonl")}
    learnt = {f"{name}.jsonl" for name in TRAINING_SETS}
    assert not learnt & set(INDEPENDENT), "a set cannot be both learnt from and held out"
    assert found == learnt | set(INDEPENDENT), "list a new independent set in one of the two"


def test_the_training_sets_are_learnt_from(corpus: set[str]) -> None:
    texts = utterances(load_datasets([DATASETS / f"{TRAINING_SETS[-1]}.jsonl"]))
    assert sum(_norm(t) in corpus for t in texts) >= 50
