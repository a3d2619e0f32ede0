"""Runs cases against a target: fresh user and session per run, expectations and state checked.

Each run of a case saves the rows its expectations name and puts them back afterwards, and
log checks only see what was written since it began, so cases (and repeats) stay isolated.
Results land in an :class:`EvalRun` as they finish; a Ctrl-C leaves what is done for a partial
report.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from evals.dataset import LoadedCase
from evals.matching import Failure, Observation, check_turn
from evals.results import CaseResult, RunResult, TurnResult
from evals.state import check_state, snapshot, touched_ids, watermark
from evals.targets import TargetError, fresh_user_id
from evals.voice import VoiceUnavailable, wer


@dataclass
class EvalRun:
    """Results by case, in dataset order, filled while the run goes on."""

    cases: list[LoadedCase]
    repeat: int = 1
    results: dict[str, CaseResult] = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    finished: float | None = None
    interrupted: bool = False

    def __post_init__(self) -> None:
        for loaded in self.cases:
            self.results[loaded.case.id] = CaseResult(
                loaded.case.id, loaded.dataset, list(loaded.case.tags)
            )

    def ordered(self) -> list[CaseResult]:
        """Cases that have at least one finished run, in dataset order."""
        return [self.results[c.case.id] for c in self.cases if self.results[c.case.id].runs]

    @property
    def planned_runs(self) -> int:
        """Cases × repeats."""
        return len(self.cases) * self.repeat


def _turn_result(index: int, loaded: LoadedCase, obs: Observation) -> TurnResult:
    turn = loaded.case.turns[index]
    expect = loaded.case.expectation(index)
    return TurnResult(
        index=index,
        kind=turn.kind,
        sent=turn.user or turn.say or turn.audio or f"confirm={turn.confirm}",
        reply=obs.reply[:500],
        expected_tools=expect.expected_names() if expect and expect.checks_tools else None,
        called_tools=obs.called,
        tool_calls=obs.tool_calls,
        abstain_expected=bool(expect and expect.no_tool_call),
        error_code=obs.error_code,
        wall_ms=round(obs.wall_ms, 2),
        latency_ms=dict(obs.latency_ms),
        retrieved=obs.retrieved_docs(),
        cited=obs.cited_docs(),
        citations_expected=expect.citations_any if expect else None,
        reference=turn.reference if turn.is_voice else None,
        transcript=obs.transcript,
    )


async def _check_state(
    target: Any, loaded: LoadedCase, index: int, user_id: str, since: Any
) -> list[Failure]:
    expect = loaded.case.expectation(index)
    if expect is None or not expect.state:
        return []
    if target.store is None or since is None:
        return [
            Failure(
                "state",
                "unavailable",
                "the store is not reachable from the harness "
                "(pass --database-url for a websocket target)",
            )
        ]
    from evals.matching import substitute_user

    state = substitute_user(expect.state, user_id)

    def run() -> list[Failure]:
        with target.store.session() as s:
            return check_state(s, state, since)

    return await asyncio.to_thread(run)


def _seed(case_id: str, index: int) -> int:
    """A stable noise seed per turn (``hash`` of a str changes between processes)."""
    import zlib

    return zlib.crc32(f"{case_id}:{index}".encode()) & 0xFFFF


async def run_once(target: Any, loaded: LoadedCase, repeat: int) -> RunResult:
    """One run of one case in a fresh session; never raises for a failing turn."""
    case = loaded.case
    user_id = case.user_id or fresh_user_id(case.role)
    result = RunResult(case.id, repeat, user_id)
    started = time.perf_counter()
    since, snap = None, None
    if target.store is not None:

        def prepare() -> tuple[Any, Any]:
            with target.store.session() as s:
                return watermark(s), snapshot(s, touched_ids(case.model_dump()))

        since, snap = await asyncio.to_thread(prepare)
    conversation = None
    aborted: Failure | None = None
    try:
        try:
            conversation = await target.conversation(case.role, user_id)
            result.user_id, result.session_id = conversation.user_id, conversation.session_id
        except TargetError as exc:
            aborted = Failure("target_error", exc.code, str(exc))
        for index, turn in enumerate(case.turns):
            turn_started = time.perf_counter()
            obs, problem = Observation(), None
            if aborted is None:
                try:
                    obs = await conversation.send(turn, loaded, seed=_seed(case.id, index))
                except VoiceUnavailable as exc:
                    problem = aborted = Failure("voice_unavailable", "", str(exc))
                except TargetError as exc:
                    problem = aborted = Failure("target_error", exc.code, str(exc))
            elif not result.turns:
                problem = aborted  # the conversation itself could not start
            else:
                problem = Failure("aborted", "", f"an earlier turn failed: {aborted.reason}")
            tr = _turn_result(index, loaded, obs)
            if problem is not None:
                tr.failures.append(problem)
                if tr.expected_tools is not None:
                    tr.name_ok = tr.args_ok = False
            else:
                verdict = check_turn(case.expectation(index), obs, user_id)
                tr.failures.extend(verdict.failures)
                tr.name_ok, tr.args_ok = verdict.name_ok, verdict.args_ok
                tr.failures.extend(await _check_state(target, loaded, index, user_id, since))
                if turn.is_voice and tr.reference and obs.transcript is not None:
                    tr.wer_edits, tr.wer_words = wer(tr.reference, obs.transcript)
            elapsed = (time.perf_counter() - turn_started) * 1000
            tr.harness_ms = round(max(0.0, elapsed - obs.wall_ms), 3)
            result.turns.append(tr)
    finally:
        if conversation is not None:
            await conversation.close()
        if snap is not None and snap.rows:

            def restore() -> None:
                with target.store.session() as s:
                    snap.restore(s)

            await asyncio.to_thread(restore)
    result.wall_ms = (time.perf_counter() - started) * 1000
    return result


async def run_cases(
    target: Any,
    run: EvalRun,
    *,
    concurrency: int = 1,
    on_progress: Callable[[RunResult], None] | None = None,
) -> EvalRun:
    """Every case ``run.repeat`` times; results are recorded in ``run`` as they finish."""
    jobs: Sequence[tuple[LoadedCase, int]] = [
        (loaded, k) for k in range(run.repeat) for loaded in run.cases
    ]
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(loaded: LoadedCase, k: int) -> None:
        async with gate:
            outcome = await run_once(target, loaded, k)
        run.results[loaded.case.id].runs.append(outcome)
        if on_progress is not None:
            on_progress(outcome)

    try:
        if concurrency <= 1:
            for loaded, k in jobs:
                await one(loaded, k)
        else:
            await asyncio.gather(*(one(loaded, k) for loaded, k in jobs))
    except (asyncio.CancelledError, KeyboardInterrupt):
        run.interrupted = True
        raise
    finally:
        run.finished = time.time()
        for result in run.results.values():
            result.runs.sort(key=lambda r: r.repeat)
    return run
