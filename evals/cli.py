"""``qalakar eval run`` and ``qalakar eval compare`` (mounted by ``gateway.cli``).

``run`` loads the datasets (refusing a bad line with exit 2), runs them against the in-process
supervisor or a gateway's websocket, writes ``report.json`` and ``report.html``, prints a
summary and exits 1 below the given thresholds. Ctrl-C writes a partial report and exits 130.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from evals import report as reports
from evals.dataset import DatasetError, load_datasets
from evals.runner import EvalRun, run_cases

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="The eval harness: run datasets against the assistant, compare reports.",
)


def _settings() -> Any:
    from gateway.settings import get_settings

    try:
        return get_settings()
    except Exception as exc:  # pydantic names the variable
        raise typer.BadParameter(f"bad configuration: {str(exc).splitlines()[0]}") from exc


def _planner(settings: Any, choice: str) -> Any:
    if choice == "auto":
        return None  # the same choice the gateway makes
    if choice == "llm":
        if not settings.llm_enabled:
            raise typer.BadParameter(
                "--planner llm needs QALAKAR_LLM_BASE_URL", param_hint="--planner"
            )
        from gateway.wiring import make_planner

        return make_planner(settings)
    if choice == "embedded":
        from agents.planners.embedded import EmbeddedPlanner, default_classifier

        return EmbeddedPlanner(default_classifier(settings.nlu_classifier),
                               threshold=settings.planner_confidence)
    raise typer.BadParameter(f"{choice!r} is not auto, embedded or llm", param_hint="--planner")


def _target(
    target: str, settings: Any, planner: str, token: str | None, database_url: str | None
) -> Any:
    from evals.targets import InprocTarget, WsTarget

    if target == "inproc":
        return InprocTarget(settings, planner=_planner(settings, planner))
    if target.startswith(("ws://", "wss://")):
        if planner != "auto":
            raise typer.BadParameter(
                "the gateway chooses its planner; --planner is for inproc", param_hint="--planner"
            )
        try:
            return WsTarget(target, token=token, database_url=database_url or settings.database_url)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--target") from exc
    raise typer.BadParameter(
        f"{target!r} is neither 'inproc' nor ws://HOST:PORT", param_hint="--target"
    )


async def _execute(target: Any, run: EvalRun, concurrency: int, progress: bool) -> str:
    from tqdm import tqdm

    bar = tqdm(
        total=run.planned_runs,
        unit="run",
        file=sys.stderr,
        disable=not progress,
        dynamic_ncols=True,
        leave=False,
    )
    passed = [0, 0]

    def tick(outcome: Any) -> None:
        passed[0] += outcome.passed
        passed[1] += 1
        bar.set_postfix_str(f"pass {passed[0]}/{passed[1]}", refresh=False)
        bar.update(1)

    try:
        async with target:
            await run_cases(target, run, concurrency=concurrency, on_progress=tick)
            return str(target.planner)
    finally:
        bar.close()


@app.command("run")
def run_command(
    dataset: Annotated[
        list[Path], typer.Option("--dataset", "-d", help="A JSONL dataset (repeatable)")
    ],
    target: Annotated[
        str, typer.Option(help="'inproc' or ws://HOST:PORT of a running gateway")
    ] = "inproc",
    repeat: Annotated[int, typer.Option(min=1, max=100, help="Runs per case (pass^k)")] = 1,
    out: Annotated[
        Path | None, typer.Option(help="Report folder [default: DATA_DIR/evals/<time>]")
    ] = None,
    min_tool_accuracy: Annotated[
        float | None, typer.Option(min=0, max=1, help="Exit 1 below this")
    ] = None,
    min_task_success: Annotated[
        float | None, typer.Option(min=0, max=1, help="Exit 1 below this")
    ] = None,
    tags: Annotated[str, typer.Option(help="Only cases with any of these tags (a,b)")] = "",
    planner: Annotated[str, typer.Option(help="inproc planner: auto, embedded or llm")] = "auto",
    token: Annotated[
        str | None, typer.Option(help="ws: one JWT for every case (else dev tokens)")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option(help="ws: the gateway's store, for state checks")
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Cases run at once")] = 1,
    progress: Annotated[bool, typer.Option(help="Show a progress bar")] = True,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the full report.json instead of the summary")
    ] = False,
) -> None:
    """Run eval datasets and write report.json and report.html."""
    wanted = [t.strip() for t in tags.split(",") if t.strip()]
    try:
        cases = load_datasets(dataset, wanted)
    except DatasetError as exc:
        raise typer.BadParameter(str(exc), param_hint="--dataset") from exc
    if not cases:
        raise typer.BadParameter(f"no case carries any of the tags {wanted}", param_hint="--tags")
    settings = _settings()
    logging.basicConfig(level=logging.WARNING)
    the_target = _target(target, settings, planner, token, database_url)
    out = out or settings.data_dir / "evals" / time.strftime("%Y%m%d-%H%M%S")
    run = EvalRun(cases, repeat=repeat)
    started = time.perf_counter()
    planner_name, interrupted = planner, False
    try:
        planner_name = asyncio.run(
            _execute(the_target, run, concurrency, progress and sys.stderr.isatty())
        )
    except KeyboardInterrupt:
        interrupted = run.interrupted = True
    except Exception as exc:
        from evals.targets import TargetError

        if isinstance(exc, TargetError):
            raise typer.BadParameter(str(exc), param_hint="--target") from exc
        raise
    report = reports.build(
        run,
        target=target,
        planner=planner_name,
        datasets=[str(d) for d in dataset],
        tags=wanted,
        harness_s=time.perf_counter() - started,
    )
    json_path, html_path = reports.write(report, out)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, default=str))
    else:
        typer.echo(reports.summary(report))
        typer.echo(f"report: {json_path}  {html_path}")
    if interrupted:
        raise typer.Exit(130)
    problems = reports.gate(report, min_tool_accuracy, min_task_success)
    if problems:
        typer.echo("eval gate failed: " + "; ".join(problems), err=True)
        raise typer.Exit(1)


@app.command("compare")
def compare_command(
    a: Annotated[Path, typer.Argument(help="The first report.json (or its folder)")],
    b: Annotated[Path, typer.Argument(help="The second report.json (or its folder)")],
    out: Annotated[
        Path | None, typer.Option(help="Where compare.json/.html go [default: B's folder]")
    ] = None,
) -> None:
    """Print and write the differences of report B against report A."""
    from evals import compare

    loaded = []
    for label, path in (("A", a), ("B", b)):
        try:
            loaded.append(reports.load(path))
        except (OSError, ValueError) as exc:
            raise typer.BadParameter(str(exc).splitlines()[0], param_hint=label) from exc
    diff = compare.compare(loaded[0], loaded[1], str(a), str(b))
    typer.echo(compare.text(diff))
    folder = out or (b if b.is_dir() else b.parent)
    json_path, html_path = compare.write(diff, folder)
    typer.echo(f"comparison: {json_path}  {html_path}")


if __name__ == "__main__":
    app()
