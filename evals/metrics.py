"""The metrics of ``evals.md``, computed from recorded outcomes only (pure functions).

Tool name/args accuracy and abstention are per turn that states its tools; task success and
pass^k are per case (pass^k as tau-bench computes it: the mean over cases of C(c,k)/C(n,k) for
c successes in n runs); macro-F1 treats every tool, and "no tool", as a class.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from math import comb
from typing import Any

import numpy as np

from evals.results import CaseResult, TurnResult

NONE_LABEL = "(none)"


def ratio(hits: int, total: int) -> float | None:
    """``hits/total`` rounded, or ``None`` when there is nothing to measure."""
    return round(hits / total, 4) if total else None


def stats(values: Sequence[float]) -> dict[str, float | int | None]:
    """p50, p95, max, mean and count of ``values`` (milliseconds)."""
    if not values:
        return {"p50": None, "p95": None, "max": None, "mean": None, "n": 0}
    arr = np.asarray(values, dtype=float)
    return {
        "p50": round(float(np.percentile(arr, 50)), 2),
        "p95": round(float(np.percentile(arr, 95)), 2),
        "max": round(float(arr.max()), 2),
        "mean": round(float(arr.mean()), 2),
        "n": len(arr),
    }


def pass_hat_k(outcomes: Iterable[tuple[int, int]], k: int) -> float | None:
    """tau-bench pass^k over ``(successes, runs)`` per case; cases with fewer than k runs skip."""
    terms = [comb(c, k) / comb(n, k) for c, n in outcomes if n >= k]
    return round(sum(terms) / len(terms), 4) if terms else None


def _label(names: Iterable[str]) -> str:
    names = sorted(set(names))
    return "+".join(names) if names else NONE_LABEL


def tool_accuracy(turns: Sequence[TurnResult]) -> dict[str, Any]:
    """Name and argument accuracy over turns that say which tools (if any) to call."""
    scored = [t for t in turns if t.name_ok is not None]
    return {
        "tool_name_accuracy": ratio(sum(bool(t.name_ok) for t in scored), len(scored)),
        "tool_args_accuracy": ratio(sum(bool(t.args_ok) for t in scored), len(scored)),
        "turns": len(scored),
    }


def per_tool_f1(turns: Sequence[TurnResult]) -> dict[str, dict[str, Any]]:
    """Precision, recall, F1 and support per tool (and per "no tool") over scored turns."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for t in turns:
        if t.expected_tools is None:
            continue
        want = set(t.expected_tools) or {NONE_LABEL}
        got = set(t.called_tools) or {NONE_LABEL}
        for name in want & got:
            tp[name] += 1
        for name in got - want:
            fp[name] += 1
        for name in want - got:
            fn[name] += 1
    table = {}
    for name in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[name] / (tp[name] + fp[name]) if tp[name] + fp[name] else 0.0
        r = tp[name] / (tp[name] + fn[name]) if tp[name] + fn[name] else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        table[name] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f1, 4),
            "support": tp[name] + fn[name],
        }
    return table


def macro_f1(turns: Sequence[TurnResult]) -> float | None:
    """The unweighted mean F1 over every class that was expected or predicted."""
    table = per_tool_f1(turns)
    return round(sum(v["f1"] for v in table.values()) / len(table), 4) if table else None


def confusion(turns: Sequence[TurnResult]) -> dict[str, dict[str, int]]:
    """Counts of intended tool set (rows) against called tool set (columns)."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for t in turns:
        if t.expected_tools is not None:
            table[_label(t.expected_tools)][_label(t.called_tools)] += 1
    return {row: dict(cols) for row, cols in sorted(table.items())}


def abstention(turns: Sequence[TurnResult]) -> dict[str, Any]:
    """On turns that must call no tool: the share that called none."""
    due = [t for t in turns if t.abstain_expected]
    return {"rate": ratio(sum(not t.called_tools for t in due), len(due)), "turns": len(due)}


def retrieval(turns: Sequence[TurnResult], k: int = 5) -> dict[str, Any]:
    """recall@k, hit@k and MRR of ``citations_any`` among retrieved docs; citation precision."""
    due = [t for t in turns if t.citations_expected]
    recalls, hits, rr = [], [], []
    for t in due:
        want = set(t.citations_expected or [])
        top = t.retrieved[:k]
        recalls.append(len(want & set(top)) / len(want))
        hits.append(bool(want & set(top)))
        rank = next((i for i, d in enumerate(t.retrieved, start=1) if d in want), None)
        rr.append(1 / rank if rank else 0.0)
    cited = [t for t in due if t.cited]
    precision = [len(set(t.cited) & set(t.citations_expected or [])) / len(t.cited) for t in cited]

    def mean(xs: list[float]) -> float | None:
        return round(sum(xs) / len(xs), 4) if xs else None

    return {
        f"recall_at_{k}": mean(recalls),
        f"hit_at_{k}": mean([float(h) for h in hits]),
        "mrr": mean(rr),
        "citation_precision": mean(precision),
        "turns": len(due),
    }


def voice(turns: Sequence[TurnResult]) -> dict[str, Any]:
    """WER of transcripts against the words meant, and the tool metrics on spoken turns."""
    spoken = [t for t in turns if t.is_voice]
    scored = [t for t in spoken if t.wer_words]
    edits = sum(t.wer_edits or 0 for t in scored)
    total = sum(t.wer_words or 0 for t in scored)
    per = [(t.wer_edits or 0) / (t.wer_words or 1) for t in scored]
    return {
        "turns": len(spoken),
        "wer": ratio(edits, total),
        "wer_mean": round(sum(per) / len(per), 4) if per else None,
        "unavailable": sum(any(f.kind == "voice_unavailable" for f in t.failures) for t in spoken),
        **{k: v for k, v in tool_accuracy(spoken).items() if k != "turns"},
    }


def latency(turns: Sequence[TurnResult]) -> dict[str, Any]:
    """Turn latency and each stage of ``turn_end.latency_ms``, plus the harness's own time."""
    stages: dict[str, list[float]] = defaultdict(list)
    for t in turns:
        for stage, ms in (t.latency_ms or {}).items():
            if isinstance(ms, int | float):
                stages[stage].append(float(ms))
    return {
        "turn": stats([t.wall_ms for t in turns if t.wall_ms]),
        "stages": {s: stats(v) for s, v in sorted(stages.items())},
        "harness_overhead": stats([t.harness_ms for t in turns]),
    }


def _case_block(cases: Sequence[CaseResult]) -> dict[str, Any]:
    turns = [t for c in cases for r in c.runs for t in r.turns]
    runs = [r for c in cases for r in c.runs]
    return {
        "cases": len(cases),
        "runs": len(runs),
        "task_success": ratio(sum(r.passed for r in runs), len(runs)),
        **{k: v for k, v in tool_accuracy(turns).items() if k != "turns"},
    }


def by_tag(cases: Sequence[CaseResult]) -> dict[str, dict[str, Any]]:
    """Task success and tool accuracy per tag."""
    groups: dict[str, list[CaseResult]] = defaultdict(list)
    for c in cases:
        for tag in c.tags or ["(untagged)"]:
            groups[tag].append(c)
    return {tag: _case_block(group) for tag, group in sorted(groups.items())}


def by_tool(turns: Sequence[TurnResult]) -> dict[str, dict[str, Any]]:
    """Per expected tool: turns, name and argument accuracy, with precision/recall/F1."""
    f1 = per_tool_f1(turns)
    out = {}
    for name in sorted({n for t in turns for n in t.expected_tools or []}):
        due = [t for t in turns if t.expected_tools and name in t.expected_tools]
        out[name] = {
            "turns": len(due),
            "called": ratio(sum(name in t.called_tools for t in due), len(due)),
            **{k: v for k, v in tool_accuracy(due).items() if k != "turns"},
            **{k: f1[name][k] for k in ("precision", "recall", "f1")},
        }
    return out


def failing(cases: Sequence[CaseResult]) -> list[dict[str, Any]]:
    """Every failed run with its typed reasons and the first detail."""
    out = []
    for c in cases:
        for r in c.runs:
            if r.passed:
                continue
            first = next((f for t in r.turns for f in t.failures), None)
            out.append(
                {
                    "case_id": c.case_id,
                    "dataset": c.dataset,
                    "repeat": r.repeat,
                    "tags": c.tags,
                    "reasons": r.reasons(),
                    "detail": first.detail if first else "",
                }
            )
    return out


def reason_counts(cases: Sequence[CaseResult]) -> dict[str, int]:
    """How often each failure kind occurred."""
    counts: Counter[str] = Counter(
        f.kind for c in cases for r in c.runs for t in r.turns for f in t.failures
    )
    return dict(counts.most_common())


def compute(cases: Sequence[CaseResult], repeat: int = 1) -> dict[str, Any]:
    """Every metric of ``evals.md`` over the recorded cases."""
    turns = [t for c in cases for r in c.runs for t in r.turns]
    outcomes = [(c.successes, len(c.runs)) for c in cases if c.runs]
    first_runs = [c.runs[0].passed for c in cases if c.runs]
    headline = _case_block(cases)
    return {
        "cases": len(cases),
        "runs": headline["runs"],
        "turns": len(turns),
        "tool_name_accuracy": headline["tool_name_accuracy"],
        "tool_args_accuracy": headline["tool_args_accuracy"],
        "task_success": headline["task_success"],
        "task_success_first_run": ratio(sum(first_runs), len(first_runs)),
        "pass_hat_k": {str(k): pass_hat_k(outcomes, k) for k in range(1, max(1, repeat) + 1)},
        "abstention": abstention(turns),
        "macro_f1": macro_f1(turns),
        "per_tool_f1": per_tool_f1(turns),
        "retrieval": retrieval(turns),
        "voice": voice(turns),
        "latency": latency(turns),
        "by_tag": by_tag(cases),
        "by_tool": by_tool(turns),
        "confusion": confusion(turns),
        "failure_reasons": reason_counts(cases),
        "failing": failing(cases),
    }
