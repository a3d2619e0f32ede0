"""The websocket target against a live gateway (uvicorn on a free port, seeded store)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from evals import report as reports
from evals.dataset import load_dataset
from evals.runner import EvalRun, run_cases
from evals.targets import InprocTarget, TargetError, WsTarget

SMOKE = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "smoke.jsonl"

pytestmark = [pytest.mark.anyio, pytest.mark.integration]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def gateway(settings, seeded_store) -> Iterator[str]:
    """The real app served by uvicorn in a thread; yields its ws:// URL."""
    import uvicorn

    from gateway.app import create_app

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    else:
        server.should_exit = True
        pytest.fail("the gateway did not become ready")
    yield f"ws://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(15)


async def test_smoke_over_the_websocket_scores_like_in_process(
    gateway: str, settings, seeded_store
) -> None:
    cases = load_dataset(SMOKE)
    over_ws = EvalRun(cases)
    async with WsTarget(gateway, database_url=settings.database_url) as target:
        assert target.planner == "embedded"
        await run_cases(target, over_ws)
    inproc = EvalRun(cases)
    async with InprocTarget(settings, store=seeded_store) as target:
        await run_cases(target, inproc)
    ws_report = reports.build(over_ws, target=gateway, planner="embedded", datasets=[str(SMOKE)])
    m = ws_report["metrics"]
    assert m["tool_name_accuracy"] >= 0.9, reports.summary(ws_report)
    for case in cases:
        cid = case.case.id
        ws_run, local_run = over_ws.results[cid].runs[0], inproc.results[cid].runs[0]
        if any(t.is_voice for t in ws_run.turns):
            # spoken turns go as audio frames: transcribed by the gateway, or refused with a type
            turn = ws_run.turns[0]
            assert turn.transcript is not None or "turn 0: voice_unavailable" in ws_run.reasons()
            continue
        assert ws_run.passed == local_run.passed, (cid, ws_run.reasons(), local_run.reasons())
        assert [t.called_tools for t in ws_run.turns] == [t.called_tools for t in local_run.turns]


async def test_unreachable_gateway_is_a_typed_error() -> None:
    with pytest.raises(TargetError) as err:
        async with WsTarget(f"ws://127.0.0.1:{_free_port()}"):
            pass
    assert err.value.code == "UNREACHABLE"
