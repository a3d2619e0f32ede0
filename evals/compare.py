"""``qalakar eval compare A B``: what changed between two reports (planners, or before/after).

The headline metrics, task success per tag and argument accuracy per tool side by side with
their difference, and which cases B fixed or broke (a case passes when all its runs did).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HEADLINE = (
    ("tool_name_accuracy", ("tool_name_accuracy",)),
    ("tool_args_accuracy", ("tool_args_accuracy",)),
    ("task_success", ("task_success",)),
    ("abstention", ("abstention", "rate")),
    ("macro_f1", ("macro_f1",)),
    ("retrieval.recall_at_5", ("retrieval", "recall_at_5")),
    ("retrieval.mrr", ("retrieval", "mrr")),
    ("retrieval.citation_precision", ("retrieval", "citation_precision")),
    ("voice.wer", ("voice", "wer")),
    ("latency.turn.p50_ms", ("latency", "turn", "p50")),
    ("latency.turn.p95_ms", ("latency", "turn", "p95")),
    ("latency.harness_overhead.p50_ms", ("latency", "harness_overhead", "p50")),
)


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _pair(a: Any, b: Any) -> dict[str, Any]:
    numeric = isinstance(a, int | float) and isinstance(b, int | float)
    return {"a": a, "b": b, "delta": round(b - a, 4) if numeric else None}


def _passing(report: dict[str, Any]) -> dict[str, bool]:
    return {
        c["case_id"]: bool(c["runs"]) and all(r["passed"] for r in c["runs"])
        for c in report.get("cases", [])
    }


def _label(report: dict[str, Any], source: str) -> str:
    meta = report.get("meta", {})
    return (
        f"{source} ({meta.get('target', '?')} target, {meta.get('planner', '?')} planner, "
        f"{', '.join(Path(d).name for d in meta.get('datasets', []))})"
    )


def compare(
    a: dict[str, Any], b: dict[str, Any], a_source: str = "A", b_source: str = "B"
) -> dict[str, Any]:
    """The differences of report ``b`` against report ``a``."""
    ma, mb = a["metrics"], b["metrics"]
    metrics = {name: _pair(_get(ma, path), _get(mb, path)) for name, path in HEADLINE}
    for k in sorted(set(ma.get("pass_hat_k", {})) | set(mb.get("pass_hat_k", {})), key=int):
        metrics[f"pass^{k}"] = _pair(
            ma.get("pass_hat_k", {}).get(k), mb.get("pass_hat_k", {}).get(k)
        )
    tags = sorted(set(ma.get("by_tag", {})) | set(mb.get("by_tag", {})))
    tools = sorted(set(ma.get("by_tool", {})) | set(mb.get("by_tool", {})))
    pa, pb = _passing(a), _passing(b)
    shared = sorted(set(pa) & set(pb))
    return {
        "a": {"label": _label(a, a_source)},
        "b": {"label": _label(b, b_source)},
        "metrics": metrics,
        "by_tag": {
            t: _pair(
                _get(ma, ("by_tag", t, "task_success")), _get(mb, ("by_tag", t, "task_success"))
            )
            for t in tags
        },
        "by_tool": {
            t: _pair(
                _get(ma, ("by_tool", t, "tool_args_accuracy")),
                _get(mb, ("by_tool", t, "tool_args_accuracy")),
            )
            for t in tools
        },
        "fixed": [c for c in shared if not pa[c] and pb[c]],
        "broken": [c for c in shared if pa[c] and not pb[c]],
        "only_in_a": sorted(set(pa) - set(pb)),
        "only_in_b": sorted(set(pb) - set(pa)),
    }


def text(diff: dict[str, Any]) -> str:
    """The comparison as lines for the terminal."""

    def fmt(v: Any) -> str:
        return "–" if v is None else (f"{v:.4g}" if isinstance(v, float) else str(v))

    lines = [
        f"A: {diff['a']['label']}",
        f"B: {diff['b']['label']}",
        f"{'metric':<34}{'A':>10}{'B':>10}{'B-A':>10}",
    ]
    for name, d in diff["metrics"].items():
        delta = "–" if d["delta"] is None else f"{d['delta']:+.4g}"
        lines.append(f"{name:<34}{fmt(d['a']):>10}{fmt(d['b']):>10}{delta:>10}")
    changed = {t: d for t, d in diff["by_tag"].items() if d["delta"]}
    if changed:
        lines.append(
            "task success by tag (changed): "
            + ", ".join(f"{t} {d['delta']:+.3g}" for t, d in changed.items())
        )
    lines.append(f"fixed in B: {len(diff['fixed'])}  " + " ".join(diff["fixed"][:10]))
    lines.append(f"broken in B: {len(diff['broken'])}  " + " ".join(diff["broken"][:10]))
    return "\n".join(lines)


def write(diff: dict[str, Any], out: Path | str) -> tuple[Path, Path]:
    """Write ``compare.json`` and ``compare.html`` into ``out``."""
    from evals.html import render_compare

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / "compare.json", out / "compare.html"
    json_path.write_text(json.dumps(diff, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    html_path.write_text(render_compare(diff), encoding="utf-8")
    return json_path, html_path
