"""``report.html`` and ``compare.html``: one self-contained page each, readable at a glance.

Inline CSS and inline SVG charts only (no scripts, fonts or images from anywhere), so the page
opens offline and can be attached to an issue. Every value from a dataset is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from evals.report import ms, pct

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2330;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#5b6475;margin-bottom:16px}.tiles{display:flex;flex-wrap:wrap;gap:10px}
.tile{background:#fff;border:1px solid #e2e5ea;border-radius:8px;padding:10px 14px;min-width:130px}
.tile b{display:block;font-size:22px}.tile span{color:#5b6475;font-size:12px}
table{border-collapse:collapse;background:#fff;margin:6px 0}td,th{border:1px solid #e2e5ea;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#b42318}.good{color:#067647}.warn{background:#fff4e5;border:1px solid #f5c27a;padding:8px;border-radius:6px}
.grid{display:flex;flex-wrap:wrap;gap:24px}code{font-size:12px;background:#f0f2f5;padding:1px 4px;border-radius:3px}
"""


def _tile(label: str, value: str, good: bool | None = None) -> str:
    cls = "" if good is None else (" class='good'" if good else " class='bad'")
    return f"<div class='tile'><b{cls}>{escape(value)}</b><span>{escape(label)}</span></div>"


def bar_chart(
    title: str,
    items: list[tuple[str, float | None]],
    *,
    unit: str = "%",
    scale: float | None = None,
    width: int = 460,
) -> str:
    """Horizontal bars (values in [0, 1] for ``%``, else raw numbers against ``scale``)."""
    if not items:
        return ""
    row, label_w = 22, 170
    values = [v or 0.0 for _, v in items]
    top = scale or (1.0 if unit == "%" else max(values) or 1.0)
    height = row * len(items) + 30
    parts = [
        f"<svg role='img' aria-label='{escape(title)}' width='{width}' height='{height}' "
        f"xmlns='http://www.w3.org/2000/svg'><text x='0' y='14' font-weight='600'>"
        f"{escape(title)}</text>"
    ]
    for i, (label, value) in enumerate(items):
        y = 24 + i * row
        w = 0 if value is None else max(1.0, (width - label_w - 70) * min(value, top) / top)
        color = (
            "#2e90fa"
            if unit != "%"
            else (
                "#12b76a"
                if (value or 0) >= 0.9
                else "#f79009"
                if (value or 0) >= 0.7
                else "#f04438"
            )
        )
        shown = "–" if value is None else (pct(value) if unit == "%" else f"{value:,.1f} {unit}")
        parts.append(
            f"<text x='0' y='{y + 14}' font-size='12'>{escape(label[:26])}</text>"
            f"<rect x='{label_w}' y='{y + 3}' width='{w:.1f}' height='{row - 8}' fill='{color}' rx='2'/>"
            f"<text x='{label_w + w + 4:.1f}' y='{y + 14}' font-size='12'>{escape(shown)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for cell in row:
            text = cell if isinstance(cell, str) else ("–" if cell is None else f"{cell}")
            cls = " class='num'" if isinstance(cell, int | float) else ""
            cells.append(f"<td{cls}>{escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _confusion(conf: dict[str, dict[str, int]]) -> str:
    if not conf:
        return "<p>No turn states its tools.</p>"
    cols = sorted({c for row in conf.values() for c in row} | set(conf))
    head = "<th>intended \\ called</th>" + "".join(f"<th>{escape(c)}</th>" for c in cols)
    rows = []
    for intended, called in conf.items():
        total = sum(called.values()) or 1
        cells = []
        for c in cols:
            n = called.get(c, 0)
            alpha = n / total
            hue = "18,183,106" if c == intended else "240,68,56"
            style = f" style='background:rgba({hue},{alpha * 0.55:.2f})'" if n else ""
            cells.append(f"<td class='num'{style}>{n or ''}</td>")
        rows.append(f"<tr><th>{escape(intended)}</th>{''.join(cells)}</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def render_report(report: dict[str, Any]) -> str:
    """The whole report page."""
    m, meta = report["metrics"], report["meta"]
    lat = m["latency"]
    tiles = [
        _tile("tool name accuracy", pct(m["tool_name_accuracy"])),
        _tile("tool args accuracy", pct(m["tool_args_accuracy"])),
        _tile("task success", pct(m["task_success"])),
        *[_tile(f"pass^{k}", pct(v)) for k, v in m["pass_hat_k"].items()],
        _tile("abstention", pct(m["abstention"]["rate"])),
        _tile("macro-F1", "–" if m["macro_f1"] is None else f"{m['macro_f1']:.3f}"),
        _tile("turn latency p50 / p95", f"{ms(lat['turn']['p50'])} / {ms(lat['turn']['p95'])}"),
        _tile("harness overhead p50", ms(lat["harness_overhead"]["p50"])),
    ]
    if m["voice"]["turns"]:
        tiles.append(_tile("voice WER", pct(m["voice"]["wer"])))
    if m["retrieval"]["turns"]:
        tiles.append(_tile("recall@5", pct(m["retrieval"]["recall_at_5"])))
    warn = (
        (
            "<p class='warn'>This run was interrupted: the report covers "
            f"{meta['runs_done']} of {meta['runs_planned']} runs.</p>"
        )
        if meta["interrupted"]
        else ""
    )
    tags = m["by_tag"]
    tools = m["by_tool"]
    stages = [(name, s["p50"]) for name, s in lat["stages"].items()]
    charts = "".join(
        [
            bar_chart("task success by tag", [(t, v["task_success"]) for t, v in tags.items()]),
            bar_chart("F1 by tool", [(n, v["f1"]) for n, v in m["per_tool_f1"].items()]),
            bar_chart("latency p50 by stage", stages, unit="ms"),
            bar_chart("pass^k", [(f"k={k}", v) for k, v in m["pass_hat_k"].items()]),
        ]
    )
    tag_rows = [
        [
            t,
            v["cases"],
            v["runs"],
            pct(v["task_success"]),
            pct(v["tool_name_accuracy"]),
            pct(v["tool_args_accuracy"]),
        ]
        for t, v in tags.items()
    ]
    tool_rows = [
        [
            n,
            v["turns"],
            pct(v["tool_name_accuracy"]),
            pct(v["tool_args_accuracy"]),
            v["precision"],
            v["recall"],
            v["f1"],
        ]
        for n, v in tools.items()
    ]
    stage_rows = [
        [name, ms(s["p50"]), ms(s["p95"]), ms(s["max"]), s["n"]]
        for name, s in [
            ("turn (wall)", lat["turn"]),
            *lat["stages"].items(),
            ("harness overhead", lat["harness_overhead"]),
        ]
    ]
    fail_rows = [
        [f["case_id"], f["dataset"], f["repeat"], "; ".join(f["reasons"]), f["detail"][:200]]
        for f in m["failing"]
    ]
    r, v = m["retrieval"], m["voice"]
    extra = _table(
        ["metric", "value"],
        [
            ["retrieval turns", r["turns"]],
            ["recall@5", pct(r["recall_at_5"])],
            ["hit@5", pct(r["hit_at_5"])],
            ["MRR", r["mrr"]],
            ["citation precision", pct(r["citation_precision"])],
            ["voice turns", v["turns"]],
            ["WER (corpus)", pct(v["wer"])],
            ["WER (mean)", pct(v["wer_mean"])],
            ["voice tool name accuracy", pct(v["tool_name_accuracy"])],
            ["voice tool args accuracy", pct(v["tool_args_accuracy"])],
            ["voice turns unavailable", v["unavailable"]],
            ["abstention turns", m["abstention"]["turns"]],
        ],
    )
    reasons = _table(["failure kind", "count"], [[k, n] for k, n in m["failure_reasons"].items()])
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Qalakar eval report</title><style>{CSS}</style></head><body>
<h1>Qalakar eval report</h1>
<div class="meta">{escape(meta["target"])} target · {escape(meta["planner"])} planner ·
{m["cases"]} cases · {m["runs"]} runs · {m["turns"]} turns · repeat {meta["repeat"]} ·
{meta["duration_s"]:.1f} s · {escape(meta["started_at"])}<br>datasets: {escape(", ".join(meta["datasets"]))}</div>
{warn}<div class="tiles">{"".join(tiles)}</div>
<h2>Charts</h2><div class="grid">{charts}</div>
<h2>By tag</h2>{_table(["tag", "cases", "runs", "task success", "tool name", "tool args"], tag_rows)}
<h2>By tool</h2>{_table(["tool", "turns", "name acc.", "args acc.", "precision", "recall", "F1"], tool_rows)}
<h2>Confusion: intended vs called tools</h2>{_confusion(m["confusion"])}
<h2>Latency</h2>{_table(["stage", "p50", "p95", "max", "n"], stage_rows)}
<h2>Retrieval, voice, abstention</h2>{extra}
<h2>Failures ({len(m["failing"])} runs)</h2>{reasons}
{_table(["case", "dataset", "run", "reasons", "first detail"], fail_rows) if fail_rows else "<p class='good'>Every run passed.</p>"}
</body></html>
"""


def render_compare(diff: dict[str, Any]) -> str:
    """The comparison page of two reports."""
    rows = [
        [name, _fmt(d["a"]), _fmt(d["b"]), _delta(d["delta"])]
        for name, d in diff["metrics"].items()
    ]
    tag_rows = [
        [t, _fmt(d["a"]), _fmt(d["b"]), _delta(d["delta"])] for t, d in diff["by_tag"].items()
    ]
    tool_rows = [
        [t, _fmt(d["a"]), _fmt(d["b"]), _delta(d["delta"])] for t, d in diff["by_tool"].items()
    ]
    fixed = "".join(f"<li>{escape(c)}</li>" for c in diff["fixed"]) or "<li>none</li>"
    broken = "".join(f"<li>{escape(c)}</li>" for c in diff["broken"]) or "<li>none</li>"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Qalakar eval comparison</title><style>{CSS}</style></head><body>
<h1>Eval comparison</h1><div class="meta">A: {escape(diff["a"]["label"])}<br>B: {escape(diff["b"]["label"])}</div>
<h2>Metrics</h2>{_table(["metric", "A", "B", "B − A"], rows)}
<h2>Task success by tag</h2>{_table(["tag", "A", "B", "B − A"], tag_rows)}
<h2>Args accuracy by tool</h2>{_table(["tool", "A", "B", "B − A"], tool_rows)}
<div class="grid"><div><h2>Fixed in B ({len(diff["fixed"])})</h2><ul>{fixed}</ul></div>
<div><h2>Broken in B ({len(diff["broken"])})</h2><ul class="bad">{broken}</ul></div></div>
</body></html>
"""


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _delta(value: float | None) -> str:
    return "–" if value is None else f"{value:+.4g}"
