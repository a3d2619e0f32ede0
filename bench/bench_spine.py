"""Spine benchmark: one typed turn through the embedded planner and a tool.

In-process and over the websocket (a gateway process on loopback), with the bare tool call measured
in the same run as the baseline.

Run: ``python -m bench.bench_spine`` (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path

from bench.common import figure, process_tree_cpu_s, report, summary, timings_ms

TEXT = "show my pending orders"
REPEAT = 200


async def _inproc(settings, store) -> tuple[list[float], list[float], float]:
    """Turn and bare tool-call wall times, and this process's CPU milliseconds per turn."""
    from gateway.wiring import open_assistant
    from tools.registry import ToolContext

    async with open_assistant(settings, store=store) as assistant:
        turns: list[float] = []
        cpu = 0.0
        for i in range(REPEAT + 5):
            if i == 5:
                cpu = time.process_time()
            started = time.perf_counter()
            await assistant.turn(
                user_id="c-0001", role="creator", session_id=f"bench-{i % 20}", text=TEXT
            )
            if i >= 5:
                turns.append((time.perf_counter() - started) * 1000)
        cpu_ms = (time.process_time() - cpu) * 1000 / REPEAT
        ctx = ToolContext("c-0001", "creator", store)
        tool = timings_ms(
            lambda: assistant.registry.invoke("list_orders", {"status": "pending"}, ctx), REPEAT
        )
    return turns, tool, cpu_ms


async def _websocket(server, sessions: int) -> tuple[list[float], float, float]:
    """REPEAT typed turns over ``sessions`` sockets in turn, one turn in flight at a time.

    Also the server's and this client's CPU milliseconds per turn.
    """
    from websockets.asyncio.client import connect

    token = server.token("c-0001", "creator")
    sockets = [await connect(f"{server.ws}?token={token}") for _ in range(sessions)]
    try:
        for ws in sockets:
            await ws.recv()
        samples = []
        server_cpu = client_cpu = 0.0
        for i in range(REPEAT + 5):
            if i == 5:
                server_cpu, client_cpu = process_tree_cpu_s(server.proc.pid), time.process_time()
            ws = sockets[i % sessions]
            started = time.perf_counter()
            await ws.send(json.dumps({"type": "user_message", "text": TEXT}))
            while json.loads(await ws.recv())["type"] != "turn_end":
                pass
            if i >= 5:
                samples.append((time.perf_counter() - started) * 1000)
        return (samples, (process_tree_cpu_s(server.proc.pid) - server_cpu) * 1000 / REPEAT,
                (time.process_time() - client_cpu) * 1000 / REPEAT)
    finally:
        for ws in sockets:
            await ws.close()


def main() -> None:
    """Seed a fresh store, then measure."""
    from domain.seed import seed
    from domain.store import Store
    from gateway.settings import Settings
    from tests.processes import GatewayProcess, gateway_env

    tmp = Path(tempfile.mkdtemp(prefix="qalakar-bench-"))
    # One user sends REPEAT turns in a row: rate limits off, or the bench would time 429s.
    settings = Settings(
        env="test",
        data_dir=tmp,
        database_url=f"sqlite:///{tmp}/bench.db",
        dev_auth=True,
        jwt_secret="bench-secret-0123456789abcdef-0123456789",
        _env_file=None,
        rate_limit_per_minute=0,
        rate_limit_turns_per_minute=0,
    )
    store = Store.from_url(settings.database_url)
    started = time.perf_counter()
    seed(store, seed=42, reset=True, progress=False)
    seed_s = time.perf_counter() - started
    turns, tool, inproc_cpu = asyncio.run(_inproc(settings, store))
    # The gateway runs as it does in production: its own process (a server thread in this
    # process would share the GIL with the client and time both). The same 20 sessions in turn
    # as in-process; then one session for every turn (a long conversation).
    env = gateway_env(
        tmp, settings.database_url, rate_limit_per_minute=0, rate_limit_turns_per_minute=0,
        rate_limit_frames_per_minute=0, max_sockets_per_user=1000, max_sockets_per_address=1000,
    )
    with GatewayProcess(env, workers=1, log=tmp / "gateway.log") as server:
        ws, server_cpu, client_cpu = asyncio.run(_websocket(server, 20))
        one, _, _ = asyncio.run(_websocket(server, 1))
    t, b, w, o = summary(turns), summary(tool), summary(ws), summary(one)
    report(
        "spine",
        {
            "turn_inproc_p50": figure(
                t["p50"], "ms", baseline=b["p50"], note="baseline: the bare list_orders call"
            ),
            "turn_inproc_p95": figure(
                t["p95"], "ms", baseline=b["p95"], target="<= 40 ms on 2 cores"
            ),
            "turn_websocket_p50": figure(
                w["p50"],
                "ms",
                baseline=t["p50"],
                target="ratio <= 1.5",
                note="baseline: the in-process turn (same 20 sessions)",
            ),
            "turn_websocket_p95": figure(w["p95"], "ms", baseline=t["p95"]),
            "turn_websocket_one_session_p50": figure(
                o["p50"],
                "ms",
                baseline=w["p50"],
                note=f"{REPEAT} turns in one session; baseline: 20 sessions (history is bounded)",
            ),
            "turn_inproc_cpu": figure(inproc_cpu, "ms", note="this process's CPU time per turn"),
            "turn_websocket_server_cpu": figure(
                server_cpu, "ms", baseline=inproc_cpu,
                note="the gateway process's CPU time per turn (user + system, /proc); baseline: "
                     "the in-process turn's; unlike latency it holds on a busy machine"),
            "turn_websocket_client_cpu": figure(
                client_cpu, "ms", note="this client's CPU time per websocket turn"),
            "seed_full_marketplace": figure(seed_s, "s", note="SQLite, seed 42, synthetic data"),
        },
        samples=REPEAT,
        text=TEXT,
    )


if __name__ == "__main__":
    main()
