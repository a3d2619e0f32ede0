"""The bundled smoke set on the seeded marketplace, in process, gated like ``make test``.

Equivalent of ``qalakar eval run --dataset evals/datasets/smoke.jsonl --min-tool-accuracy 0.9
--min-task-success 0.85``; it also checks that the run leaves the shared store as it found it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from domain.store import Product
from evals import report as reports
from evals.dataset import load_dataset
from evals.runner import EvalRun, run_cases
from evals.state import touched_ids
from evals.targets import InprocTarget

SMOKE = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "smoke.jsonl"
MIN_TOOL_ACCURACY = 0.9
MIN_TASK_SUCCESS = 0.85

pytestmark = pytest.mark.anyio


def _prices(store, cases) -> dict[str, float]:
    ids = sorted(
        {key for c in cases for kind, key in touched_ids(c.case.model_dump()) if kind == "product"}
    )
    with store.session() as s:
        return {p.id: p.price for p in s.scalars(select(Product).where(Product.id.in_(ids)))}


async def test_smoke_dataset_meets_its_thresholds(settings, seeded_store, tmp_path: Path) -> None:
    cases = load_dataset(SMOKE)
    before = _prices(seeded_store, cases)
    run = EvalRun(cases)
    async with InprocTarget(settings, store=seeded_store) as target:
        await run_cases(target, run)
        planner = target.planner
    report = reports.build(run, target="inproc", planner=planner, datasets=[str(SMOKE)])
    reports.write(report, tmp_path)
    problems = reports.gate(report, MIN_TOOL_ACCURACY, MIN_TASK_SUCCESS)
    assert not problems, reports.summary(report)
    assert report["metrics"]["abstention"]["rate"] == 1.0
    assert _prices(seeded_store, cases) == before  # every case put back what it changed
