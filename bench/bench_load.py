"""Load benchmark: gateways as real processes on loopback, many websocket sessions at once.

* burst: 50 sockets each send one typed turn at the same moment; wall time until the last
  ``turn_end``, with one worker (the baseline) and with one worker per core;
* sessions: 200 connected sessions, each sending a turn every ~10 s (jittered), for
  ``BENCH_LOAD_SECONDS``; p50/p95 turn latency and errors, on one gateway with workers;
* replicas: the same on two gateway processes sharing PostgreSQL and Redis, sessions split
  between them (only when ``BENCH_PG_URL`` names a database this bench may reset, e.g.
  ``postgresql+psycopg://postgres@127.0.0.1:5432/scale_db``; Redis db ``BENCH_REDIS_DB``).

Beside each latency figure, the gateway processes' CPU time per turn (user + system, all
workers): unlike latency it hardly moves when other programs share the machine, so capacity
can be read on a busy one (turns a second per core ~ 1000 / CPU ms per turn).

Run: ``python -m bench.bench_load`` (bounded: about two minutes with the defaults). Turns are
synthetic buyer and creator questions over the seed-42 marketplace.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import figure, process_tree_cpu_s, report, summary

BURST = int(os.environ.get("BENCH_LOAD_BURST", "50"))
SESSIONS = int(os.environ.get("BENCH_LOAD_SESSIONS", "200"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "30"))
PERIOD_S = 10.0
PG_URL = os.environ.get("BENCH_PG_URL")
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "7"))
TEXTS = (
    "show me madhubani paintings",
    "pottery under 2000",
    "brass diyas near Jaipur",
    "show my pending orders",
    "what is the story of blue pottery",
    "handloom sarees from Varanasi",
)


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


async def _open(urls: list[str], tokens: list[str], count: int) -> list[Any]:
    from websockets.asyncio.client import connect

    async def one(i: int) -> Any:
        ws = await connect(f"{urls[i % len(urls)]}?token={tokens[i % len(tokens)]}",
                           open_timeout=60, max_size=4_000_000)
        await ws.recv()  # the session frame
        return ws

    sockets = []
    for start in range(0, count, 25):  # connect in small waves, as clients arrive
        sockets += await asyncio.gather(*(one(i) for i in range(start, min(count, start + 25))))
    return sockets


async def _turn(ws: Any, text: str) -> tuple[float, bool]:
    started = time.perf_counter()
    await ws.send(json.dumps({"type": "user_message", "text": text}))
    ok = True
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if frame["type"] == "error":
            ok = False
        if frame["type"] == "turn_end":
            return (time.perf_counter() - started) * 1000, ok


async def _burst(urls: list[str], tokens: list[str]) -> tuple[float, int]:
    sockets = await _open(urls, tokens, BURST)
    try:
        started = time.perf_counter()
        results = await asyncio.gather(*(_turn(ws, TEXTS[i % len(TEXTS)])
                                         for i, ws in enumerate(sockets)))
        return time.perf_counter() - started, sum(not ok for _, ok in results)
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets))


async def _sessions(urls: list[str], tokens: list[str], meter: Callable[[], float] = float,
                    ) -> tuple[list[float], int, int, tuple[float, float]]:
    """Latencies, errors and sockets of the sessions run; what ``meter`` counted meanwhile.

    ``meter`` reads the servers' CPU seconds so far; the last value is what connecting and
    what the turns spent of it.
    """
    start = meter()
    sockets = await _open(urls, tokens, SESSIONS)
    opened = meter()
    rng = random.Random(7)
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + SECONDS

    async def client(i: int, ws: Any) -> None:
        nonlocal errors
        await asyncio.sleep(rng.uniform(0, PERIOD_S))  # spread the first turns
        while time.perf_counter() < deadline:
            ms, ok = await _turn(ws, TEXTS[(i + len(latencies)) % len(TEXTS)])
            latencies.append(ms)
            errors += not ok
            await asyncio.sleep(max(0.0, rng.uniform(0.8, 1.2) * PERIOD_S - ms / 1000))

    try:
        await asyncio.gather(*(client(i, ws) for i, ws in enumerate(sockets)))
        spent = (opened - start, meter() - opened)
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets))
    return latencies, errors, len(sockets), spent


def _measured_sessions(urls: list[str], tokens: list[str], servers: list[Any],
                       ) -> tuple[list[float], int, int, float, float]:
    """:func:`_sessions`, with the servers' CPU milliseconds per socket opened and per turn.

    The turns' share includes the servers' idle work between turns.
    """
    latencies, errors, opened, (connect_s, turns_s) = asyncio.run(_sessions(
        urls, tokens, lambda: sum(process_tree_cpu_s(server.proc.pid) for server in servers)))
    return (latencies, errors, opened, connect_s * 1000 / max(1, opened),
            turns_s * 1000 / max(1, len(latencies)))


def _tokens(settings: Any) -> list[str]:
    from gateway.auth import issue_token

    buyers = [issue_token(settings, f"b-{i:04d}", "buyer") for i in range(1, 151)]
    creators = [issue_token(settings, f"c-{i:04d}", "creator") for i in range(1, 51)]
    return [t for pair in zip(buyers[:50], creators, strict=True) for t in pair] + buyers[50:]


def _settings(tmp: Path, url: str) -> Any:
    from gateway.settings import Settings
    from tests.processes import SECRET

    return Settings(env="test", data_dir=tmp, database_url=url, jwt_secret=SECRET,
                    _env_file=None)


def main() -> None:
    """Seed, then run each scenario against freshly started gateway processes."""
    from domain.seed import seed
    from domain.store import Store
    from tests.processes import GatewayProcess, gateway_env

    tmp = Path(tempfile.mkdtemp(prefix="qalakar-load-"))
    url = f"sqlite:///{tmp}/load.db"
    seed(Store.from_url(url), seed=42, reset=True, progress=False)
    settings = _settings(tmp, url)
    tokens = _tokens(settings)
    # Per-user limits stay on (a turn every 10 s is far under them); the loopback client is
    # one address, so the per-address HTTP limit and socket cap are off.
    env = gateway_env(tmp, url, rate_limit_per_minute=0, max_sockets_per_address=100_000)
    cores = _cores()
    figures: dict[str, Any] = {}

    with GatewayProcess(env, workers=1, log=tmp / "one.log") as one:
        single_s, single_err = asyncio.run(_burst([one.ws], tokens))
    with GatewayProcess(env, workers=cores, log=tmp / "workers.log") as many:
        burst_s, burst_err = asyncio.run(_burst([many.ws], tokens))
        lat, errors, opened, connect_ms, cpu_ms = _measured_sessions([many.ws], tokens, [many])
    s = summary(lat)
    figures["burst_50_turns_s"] = figure(
        burst_s, "s", baseline=single_s,
        note=f"{BURST} sockets, one turn each at once; {cores} workers "
             f"(baseline: 1 worker); errors {burst_err} / {single_err}")
    figures["sessions_200_p95"] = figure(
        s["p95"], "ms", target="<= 250 ms on 2 cores",
        note=f"{opened} sessions, a turn every ~{PERIOD_S:.0f} s for {SECONDS:.0f} s on one "
             f"gateway with {cores} workers; {s['n']} turns, {errors} errors, p50 {s['p50']} ms")
    figures["sessions_cpu_per_turn"] = figure(
        cpu_ms, "ms", note="gateway CPU time (user + system, every worker) while the sessions "
                           "talk / turns (idle work between turns included)")
    figures["sessions_cpu_per_connect"] = figure(
        connect_ms, "ms", note="gateway CPU time while the sockets open / sockets (token check, "
                               "session binding, profile, history)")

    if PG_URL:
        pg_seed = Store.from_url(PG_URL)
        seed(pg_seed, seed=42, reset=True, progress=False)
        pg_seed.dispose()
        redis = f"redis://127.0.0.1:6379/{REDIS_DB}"
        env_pg = gateway_env(tmp, PG_URL, rate_limit_per_minute=0, redis_url=redis,
                             max_sockets_per_address=100_000)
        per = max(1, cores // 2)
        a = GatewayProcess(env_pg, workers=per, log=tmp / "replica-a.log")
        b = GatewayProcess(env_pg, workers=per, log=tmp / "replica-b.log")
        with a, b:
            lat2, errors2, opened2, _, cpu2_ms = _measured_sessions([a.ws, b.ws], tokens, [a, b])
        r = summary(lat2)
        figures["replicas_200_p95"] = figure(
            r["p95"], "ms", baseline=s["p95"], target="<= 250 ms on 2 cores",
            note=f"{opened2} sessions over 2 replicas ({per} workers each) on PostgreSQL + "
                 f"Redis; {r['n']} turns, {errors2} errors, p50 {r['p50']} ms; "
                 "baseline: one gateway on SQLite")
        figures["replicas_cpu_per_turn"] = figure(
            cpu2_ms, "ms", baseline=cpu_ms,
            note="both replicas' CPU time / turns; baseline: one gateway on SQLite")
    else:
        print("replicas skipped: set BENCH_PG_URL to a database this bench may reset")
    report("load", figures, burst=BURST, sessions=SESSIONS, seconds=SECONDS, cores=cores)


if __name__ == "__main__":
    main()
