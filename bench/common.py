"""Shared helpers for benchmarks: timing, percentiles, and the results file.

Every benchmark module ``bench/bench_<area>.py`` has ``main()``; it measures its figures and
a baseline in the same run and calls :func:`report`, which prints them and writes
``bench/results/<area>.json``. Machines here are noisy: quote medians and ratios.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def timings_ms(fn: Callable[[], Any], repeat: int, warmup: int = 3) -> list[float]:
    """Wall-clock milliseconds of ``repeat`` calls after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def process_tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` and its live descendants (Linux /proc).

    CPU time, unlike latency, hardly moves when other programs share the machine.
    """
    import os

    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:  # it exited meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
        todo += [int(c) for c in children]
    return total


def summary(samples: list[float]) -> dict[str, float]:
    """p50, p95, max and count of a list of samples."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50": round(statistics.median(ordered), 3), "p95": round(p95, 3),
            "max": round(ordered[-1], 3), "n": len(ordered)}


def figure(value: float, unit: str, *, baseline: float | None = None, target: str | None = None,
           note: str = "") -> dict[str, Any]:
    """One reported figure, with its ratio to the baseline measured in the same run."""
    out: dict[str, Any] = {"value": round(value, 3), "unit": unit}
    if baseline:
        out["baseline"] = round(baseline, 3)
        out["ratio"] = round(value / baseline, 2)
    if target:
        out["target"] = target
    if note:
        out["note"] = note
    return out


def report(area: str, figures: dict[str, dict[str, Any]], **extra: Any) -> Path:
    """Print the figures and write ``bench/results/<area>.json``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "area": area,
        "machine": platform.platform(),
        "cpu_count": __import__("os").cpu_count(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "figures": figures,
        **extra,
    }
    path = RESULTS / f"{area}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    print(f"== {area}")
    for name, fig in figures.items():
        ratio = f"  (×{fig['ratio']} of baseline {fig['baseline']})" if "ratio" in fig else ""
        target = f"  target {fig['target']}" if "target" in fig else ""
        print(f"  {name}: {fig['value']} {fig['unit']}{ratio}{target}")
    return path
