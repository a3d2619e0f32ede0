"""The eval report: ``report.json`` (everything, machine-readable), ``report.html``, a summary.

The JSON holds the metrics, the run's facts (datasets, target, planner, repeat, whether it was
interrupted) and every case's runs turn by turn, so it can be re-read and compared later.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path
from typing import Any

from evals import metrics
from evals.results import CaseResult
from evals.runner import EvalRun

SCHEMA_VERSION = 1


def build(
    run: EvalRun,
    *,
    target: str,
    planner: str,
    datasets: list[str],
    tags: list[str] | None = None,
    harness_s: float | None = None,
) -> dict[str, Any]:
    """The report of ``run`` (possibly partial)."""
    cases = run.ordered()
    done = sum(len(c.runs) for c in cases)
    finished = run.finished or time.time()
    return {
        "schema": SCHEMA_VERSION,
        "meta": {
            "target": target,
            "planner": planner,
            "datasets": datasets,
            "tags": tags or [],
            "repeat": run.repeat,
            "cases_planned": len(run.cases),
            "runs_planned": run.planned_runs,
            "runs_done": done,
            "interrupted": run.interrupted or done < run.planned_runs,
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(run.started)),
            "duration_s": round(harness_s if harness_s is not None else finished - run.started, 3),
            "machine": platform.platform(),
        },
        "metrics": metrics.compute(cases, run.repeat),
        "cases": [c.to_dict() for c in cases],
    }


def load(path: Path | str) -> dict[str, Any]:
    """A saved ``report.json`` (a folder holding one works too)."""
    path = Path(path)
    if path.is_dir():
        path = path / "report.json"
    if not path.is_file():
        raise FileNotFoundError(f"no report at {path}")
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "metrics" not in data:
        raise ValueError(f"{path} is not an eval report")
    return data


def case_results(report: dict[str, Any]) -> list[CaseResult]:
    """The recorded cases of a report, as result objects (to recompute metrics)."""
    return [CaseResult.from_dict(c) for c in report.get("cases", [])]


def write(report: dict[str, Any], out: Path | str) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.html`` into ``out``."""
    from evals.html import render_report

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / "report.json", out / "report.html"
    json_path.write_text(
        json.dumps(report, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    html_path.write_text(render_report(report), encoding="utf-8")
    return json_path, html_path


def pct(value: float | None) -> str:
    """``0.8123`` → ``81.2%``; ``None`` → ``–``."""
    return "–" if value is None else f"{value * 100:.1f}%"


def ms(value: float | None) -> str:
    """Milliseconds for people."""
    return "–" if value is None else f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def summary(report: dict[str, Any], limit: int = 8) -> str:
    """The few lines printed on stdout after a run."""
    m, meta = report["metrics"], report["meta"]
    lat = m["latency"]["turn"]
    lines = [
        f"eval: {m['cases']} cases, {m['runs']} runs, {m['turns']} turns on {meta['target']} "
        f"({meta['planner']} planner) in {meta['duration_s']:.1f} s"
        + ("  [INTERRUPTED: partial report]" if meta["interrupted"] else ""),
        f"  tool name accuracy {pct(m['tool_name_accuracy'])}   args accuracy "
        f"{pct(m['tool_args_accuracy'])}   task success {pct(m['task_success'])}",
        "  pass^k "
        + "  ".join(f"k={k}: {pct(v)}" for k, v in m["pass_hat_k"].items())
        + f"   abstention {pct(m['abstention']['rate'])}   macro-F1 "
        + ("–" if m["macro_f1"] is None else f"{m['macro_f1']:.3f}"),
        f"  latency p50 {ms(lat['p50'])}  p95 {ms(lat['p95'])}  max {ms(lat['max'])}   "
        f"harness overhead p50 {ms(m['latency']['harness_overhead']['p50'])}/turn",
    ]
    if m["voice"]["turns"]:
        v = m["voice"]
        lines.append(
            f"  voice: {v['turns']} turns, WER {pct(v['wer'])}, tool name accuracy "
            f"{pct(v['tool_name_accuracy'])}, unavailable {v['unavailable']}"
        )
    if m["retrieval"]["turns"]:
        r = m["retrieval"]
        mrr = "–" if r["mrr"] is None else f"{r['mrr']:.3f}"
        lines.append(
            f"  retrieval: recall@5 {pct(r['recall_at_5'])}  MRR {mrr}  "
            f"citation precision {pct(r['citation_precision'])}"
        )
    failing = m["failing"]
    if failing:
        lines.append(f"  failing runs: {len(failing)}")
        for f in failing[:limit]:
            lines.append(f"    {f['case_id']} (run {f['repeat']}): {', '.join(f['reasons'][:3])}")
        if len(failing) > limit:
            lines.append(f"    … and {len(failing) - limit} more (see report.html)")
    return "\n".join(lines)


def gate(
    report: dict[str, Any], min_tool_accuracy: float | None, min_task_success: float | None
) -> list[str]:
    """Why the run misses the thresholds (empty: it meets them)."""
    m, problems = report["metrics"], []
    checks = (
        ("tool name accuracy", m["tool_name_accuracy"], min_tool_accuracy),
        ("task success", m["task_success"], min_task_success),
    )
    for label, value, floor in checks:
        if floor is not None and (value is None or value < floor):
            problems.append(f"{label} {pct(value)} is below {pct(floor)}")
    if report["meta"]["interrupted"] and (
        min_tool_accuracy is not None or min_task_success is not None
    ):
        problems.append("the run was interrupted")
    return problems
