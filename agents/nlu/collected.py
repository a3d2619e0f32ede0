"""Requests written by people who never saw the corpus, as training data for the intent classifier.

The development sets ``independent_dev`` to ``independent_dev9`` were written blind, from the
specs alone (each set's ``.md`` says how), and their rules were tuned on for several sessions.
Their first turns, labelled with the tool the writer expected (or ``out_of_scope`` for a request
no tool serves), teach the classifier how people who did not write it phrase things. Added to
the corpus they raised the task success of four later blind sets it never saw: dev10 0.881 →
0.884, dev11 0.851 → 0.870, dev12 0.944 → 0.947, dev13 0.878 → 0.899, mostly by declining more
out-of-scope requests.

Only the sets in :data:`TRAINING_SETS` are learnt from. The sealed TEST sets and the newer
development sets (:data:`HELD_OUT_SETS`) stay out, so they still measure phrasing the planner has
never seen: a request written the same way in both ("show my pending orders") is dropped from
the training side. ``tests/evals/test_independent_heldout.py`` checks it.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from agents.nlu.hindi import to_english

log = logging.getLogger(__name__)

DATASETS = Path(__file__).resolve().parents[2] / "evals" / "datasets"
TRAINING_SETS = ("independent_dev", *(f"independent_dev{n}" for n in range(2, 10)))
HELD_OUT_SETS = ("independent", "independent_test2", "independent_dev10", "independent_dev11",
                 "independent_dev12", "independent_dev13", "independent_dev14",
                 "independent_dev15", "independent_dev16", "independent_dev17",
                 "independent_dev18", "independent_dev19")
OUT_OF_SCOPE = "out_of_scope"


def _label(case: dict[str, Any], tools: frozenset[str]) -> str | None:
    """The intent of a case's first turn, or ``None`` when the case does not say it plainly.

    The tool of the first expected call (on the confirm turn for a critical action); out of
    scope for a declined request that is not a tool the role may not use; the one tool named
    in the tags of a forbidden request or one answered with a question.
    """
    turns = case["turns"]
    expect = turns[0].get("expect") or {}
    tags = set(case.get("tags") or [])
    if expect.get("tool_calls"):
        return str(expect["tool_calls"][0]["name"])
    if len(turns) > 1 and turns[1].get("confirm") and (turns[1].get("expect") or {}).get(
            "tool_calls"):
        return str(turns[1]["expect"]["tool_calls"][0]["name"])
    if expect.get("no_tool_call") and "out_of_scope" in tags and "forbidden" not in tags:
        return OUT_OF_SCOPE
    named = tags & tools
    if len(named) == 1 and ("forbidden" in tags or expect.get("asks_for")):
        return named.pop()
    return None


def same_request(text: str) -> str:
    """A request as compared across sets: its English gloss, without case or punctuation."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", to_english(text).casefold())).strip()


def _cases(name: str, directory: Path) -> list[dict[str, Any]]:
    path = directory / f"{name}.jsonl"
    if not path.is_file():
        log.warning("eval set %s is missing", path)
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def collected_pairs(tools: frozenset[str], directory: Path = DATASETS) -> list[tuple[str, str]]:
    """``(request, intent)`` of every training set's first typed turns that say their intent."""
    held_out = {same_request(str(turn[key])) for name in HELD_OUT_SETS
                for case in _cases(name, directory) for turn in case["turns"]
                for key in ("user", "say") if turn.get(key)}
    pairs: list[tuple[str, str]] = []
    for name in TRAINING_SETS:
        for case in _cases(name, directory):
            text = case["turns"][0].get("user")
            label = _label(case, tools) if text else None
            if label is None or (label not in tools and label != OUT_OF_SCOPE):
                continue
            if same_request(str(text)) not in held_out:
                pairs.append((str(text), label))
    return pairs
