"""The runner on the tiny store: isolation, state checks, typed failures, voice, interruption."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from domain.store import AuditEntry, Product
from evals import report as reports
from evals.dataset import LoadedCase, parse_case
from evals.runner import EvalRun, run_cases
from evals.targets import InprocTarget
from evals.voice import Audio, Voice

pytestmark = pytest.mark.anyio


def _cases(*raw: dict) -> list[LoadedCase]:
    return [LoadedCase(parse_case(c), Path("hand.jsonl"), i + 1) for i, c in enumerate(raw)]


PRICE_CASE = {
    "id": "price",
    "role": "creator",
    "user_id": "c-0001",
    "turns": [
        {"user": "set the price of p-00002 to 700 rupees", "expect": {"no_tool_call": True}},
        {"user": "yes please change it"},
    ],
    "expect": {
        "tool_calls": [
            {"name": "update_price", "args": {"product_id": "p-00002", "new_price": 700}}
        ],
        "state": {
            "product": {"id": "p-00002", "price": 700},
            "audit_log_contains": {"action": "price_update", "target": "p-00002", "actor": "$user"},
        },
    },
}


async def _run(settings, store, cases, repeat=1, voice=None) -> EvalRun:
    run = EvalRun(cases, repeat=repeat)
    async with InprocTarget(settings, store=store, voice=voice) as target:
        await run_cases(target, run)
    return run


async def test_repeats_are_isolated_and_the_store_is_restored(mini_settings, mini_store) -> None:
    run = await _run(mini_settings, mini_store, _cases(PRICE_CASE), repeat=3)
    runs = run.results["price"].runs
    assert [r.passed for r in runs] == [True, True, True], [r.reasons() for r in runs]
    with mini_store.session() as s:
        assert s.get(Product, "p-00002").price == 650.0  # put back after every run
        entries = s.scalars(select(AuditEntry).where(AuditEntry.target == "p-00002")).all()
        assert len(entries) >= 3  # the audit log is append-only: each run left its entry
    m = reports.build(run, target="inproc", planner="embedded", datasets=["hand"])["metrics"]
    assert m["pass_hat_k"] == {"1": 1.0, "2": 1.0, "3": 1.0}


async def test_state_check_catches_a_change_that_did_not_happen(mini_settings, mini_store) -> None:
    declined = {
        **PRICE_CASE,
        "id": "declined",
        "turns": [PRICE_CASE["turns"][0], {"confirm": False}],
    }
    run = await _run(mini_settings, mini_store, _cases(declined))
    reasons = run.results["declined"].runs[0].reasons()
    assert "turn 1: missing_call:update_price" in reasons
    assert "turn 1: state:product.price" in reasons
    assert "turn 1: state:audit_log_contains" in reasons


async def test_wrong_argument_and_fresh_users(mini_settings, mini_store) -> None:
    cases = _cases(
        {
            "id": "wrong",
            "role": "creator",
            "user_id": "c-0001",
            "turns": [{"user": "show me my shipped orders"}],
            "expect": {"tool_calls": [{"name": "list_orders", "args": {"status": "pending"}}]},
        },
        {
            "id": "fresh",
            "role": "buyer",
            "turns": [{"user": "do i have any orders"}],
            "expect": {"tool_calls": [{"name": "list_orders"}], "reply_contains": ["no"]},
        },
        {
            "id": "forbidden",
            "turns": [{"user": "set the price of p-00001 to 5 rupees"}],
            "expect": {
                "error_code": "FORBIDDEN",
                "state": {"product": {"id": "p-00001", "price": 1200}},
            },
        },
    )
    run = await _run(mini_settings, mini_store, cases)
    wrong = run.results["wrong"].runs[0]
    assert wrong.reasons() == ["turn 0: wrong_value:status"]
    assert wrong.turns[0].name_ok and not wrong.turns[0].args_ok
    fresh = run.results["fresh"].runs[0]
    assert fresh.passed and fresh.user_id.startswith("b-eval-")
    assert run.results["forbidden"].runs[0].passed


class _EchoTTS:
    def synthesize(self, text: str, voice: str | None = None) -> Audio:
        return Audio(np.full(1600, 0.1, dtype=np.float32), 16_000)


class _FixedSTT:
    def __init__(self, text: str) -> None:
        self.text = text

    def transcribe(self, audio: Audio) -> str:
        return self.text


async def test_voice_turns_score_wer_and_never_pass_without_speech(
    mini_settings, mini_store
) -> None:
    case = {
        "id": "spoken",
        "role": "creator",
        "user_id": "c-0001",
        "turns": [{"say": "show my shipped orders", "snr_db": 20}],
        "expect": {"tool_calls": [{"name": "list_orders", "args": {"status": "shipped"}}]},
    }
    heard = Voice(_EchoTTS(), _FixedSTT("show my shipped orders please"))
    run = await _run(mini_settings, mini_store, _cases(case), voice=heard)
    turn = run.results["spoken"].runs[0].turns[0]
    assert turn.passed and (turn.wer_edits, turn.wer_words) == (1, 4)
    assert turn.transcript == "show my shipped orders please" and "stt" in turn.latency_ms
    missing = Voice(None, None, "piper-tts is not installed")
    run = await _run(mini_settings, mini_store, _cases(case), voice=missing)
    result = run.results["spoken"].runs[0]
    assert result.reasons() == ["turn 0: voice_unavailable"]
    assert result.turns[0].name_ok is False


async def test_interrupted_run_leaves_a_partial_report(mini_settings, mini_store) -> None:
    cases = _cases(
        *(
            {"id": f"c{i}", "turns": [{"user": "tell me a joke"}], "expect": {"no_tool_call": True}}
            for i in range(6)
        )
    )
    run = EvalRun(cases)
    async with InprocTarget(mini_settings, store=mini_store) as target:
        task = asyncio.ensure_future(
            run_cases(
                target, run, on_progress=lambda r: task.cancel() if r.case_id == "c1" else None
            )
        )
        with pytest.raises(asyncio.CancelledError):
            await task
    report = reports.build(run, target="inproc", planner="embedded", datasets=["hand"])
    assert run.interrupted and report["meta"]["interrupted"]
    assert 2 <= report["meta"]["runs_done"] < 6
    assert report["metrics"]["task_success"] == 1.0
