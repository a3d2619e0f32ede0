"""Eval harness speed: 200 typed cases in process (goal ≤ 30 s) and the harness's own cost per turn.

The baseline is the same turns sent straight to ``Assistant.stream`` in a bare loop, in the same
run on the same seeded store: the difference is what the harness adds (sessions, matching,
state checks, snapshots and restores, metrics and the report).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import figure, report
from evals import report as reports
from evals.dataset import LoadedCase, load_datasets
from evals.runner import EvalRun, run_cases
from evals.targets import InprocTarget, fresh_user_id

DATASETS = Path(__file__).resolve().parent.parent / "evals" / "datasets"
N_CASES = 200


def typed_cases(n: int) -> list[LoadedCase]:
    """``n`` typed cases cycled from the bundled sets (speech turns excluded: STT dominates)."""
    pool = [
        c
        for c in load_datasets(sorted(DATASETS.glob("*.jsonl")))
        if not any(t.is_voice for t in c.case.turns)
    ]
    out = []
    for i in range(n):
        src = pool[i % len(pool)]
        case = src.case.model_copy(update={"id": f"{src.case.id}#{i}"})
        out.append(LoadedCase(case, src.source, src.line))
    return out


async def bare_loop(assistant, cases: list[LoadedCase]) -> tuple[float, int]:
    """Every turn straight through the assistant: seconds and turns."""
    started, turns = time.perf_counter(), 0
    for loaded in cases:
        case = loaded.case
        user_id, session = case.user_id or fresh_user_id(case.role), assistant.new_session_id()
        for turn in case.turns:
            kwargs = {"confirm": turn.confirm} if turn.confirm is not None else {"text": turn.user}
            async for _ in assistant.stream(
                user_id=user_id, role=case.role, session_id=session, **kwargs
            ):
                pass
            turns += 1
    return time.perf_counter() - started, turns


async def measure(settings, store, cases: list[LoadedCase]) -> dict:
    """Harness run and bare baseline on one warmed-up assistant."""
    async with InprocTarget(settings, store=store) as target:
        await run_cases(target, EvalRun(cases[:10]))  # warm-up: classifier, caches, checkpointer
        bare_s, turns = await bare_loop(target.assistant, cases)
        run = EvalRun(cases)
        started = time.perf_counter()
        await run_cases(target, run)
        built = reports.build(run, target="inproc", planner=target.planner, datasets=["bench"])
        reports.write(built, Path(tempfile.mkdtemp()) / "report")
        harness_s = time.perf_counter() - started
    runs = [r for c in run.ordered() for r in c.runs]
    per_turn = [t.harness_ms for r in runs for t in r.turns]
    # everything of a run outside the assistant's turns: session, snapshot, checks, restore
    outside = sum(r.wall_ms - sum(t.wall_ms for t in r.turns) for r in runs)
    return {
        "harness_s": harness_s,
        "bare_s": bare_s,
        "turns": turns,
        "overhead_p50_ms": statistics.median(per_turn),
        "outside_ms_per_turn": outside / turns,
        "metrics": built["metrics"],
    }


def main() -> None:
    """Seed a temporary store (or use ``--database-url``) and report the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="an already seeded store (default: seed a temp one)")
    parser.add_argument("--cases", type=int, default=N_CASES)
    args = parser.parse_args()
    from domain.store import Store
    from gateway.settings import Settings

    data_dir = Path(tempfile.mkdtemp(prefix="bench-evals-"))
    url = args.database_url or f"sqlite:///{data_dir}/bench.db"
    store = Store.from_url(url)
    if not args.database_url:
        from domain.seed import seed

        seed(store, seed=42, reset=True, progress=False)
    settings = Settings(data_dir=data_dir, database_url=url, _env_file=None)
    cases = typed_cases(args.cases)
    out = asyncio.run(measure(settings, store, cases))
    report(
        "evals",
        {
            f"{len(cases)}_cases_inproc": figure(
                out["harness_s"],
                "s",
                baseline=out["bare_s"],
                target="≤ 30 s",
                note=f"{out['turns']} turns; baseline: the same turns "
                "sent to the assistant in a bare loop",
            ),
            "harness_overhead_per_turn_p50": figure(
                out["overhead_p50_ms"],
                "ms",
                note="turn time outside the assistant (matching, state)",
            ),
            "harness_outside_assistant_per_turn_mean": figure(
                out["outside_ms_per_turn"],
                "ms",
                note="all run time outside assistant turns (sessions, snapshots, checks, "
                "restores) / turns",
            ),
        },
        tool_name_accuracy=out["metrics"]["tool_name_accuracy"],
        task_success=out["metrics"]["task_success"],
    )


if __name__ == "__main__":
    main()
