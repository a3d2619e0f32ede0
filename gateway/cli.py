"""The ``qalakar`` command line: serve, worker, seed, ingest, token, chat, eval.

Bad arguments exit 2 with a one-line message; no command prints a traceback.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

try:  # typer ≥ 0.20 vendors click; its exceptions are not click's
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older typer
    from click import exceptions as click_errors

from evals.cli import app as eval_app
from gateway.settings import Settings, get_settings

app = typer.Typer(
    name="qalakar", add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
    help="Qalakar: an agentic assistant for a handicraft marketplace.",
)

ROLES = ("buyer", "creator", "admin", "evaluator")


class RoleName(StrEnum):
    """Roles of contracts §3, plus the heritage readers of seed prop 57."""

    buyer = "buyer"
    creator = "creator"
    admin = "admin"
    evaluator = "evaluator"
    researcher = "researcher"
    tourist = "tourist"
    cultural_organization = "cultural_organization"


def _settings() -> Settings:
    try:
        return get_settings()
    except Exception as exc:  # pydantic's message names the variable
        raise click_errors.UsageError(
            f"bad configuration: {exc}".splitlines()[0] + " " + _first_error(exc)
        ) from exc


def _first_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"({'.'.join(map(str, first['loc'])) or 'settings'}: {first['msg']})"
    return ""


def default_workers() -> int:
    """The cores this process may run on (its CPU affinity), at least one."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def server_options(settings: Settings) -> dict[str, Any]:
    """Uvicorn options the settings decide: websocket frame size and whom to believe.

    Frames up to ``ws_max_bytes`` are read so the app can answer an oversized one with a
    ``PAYLOAD_TOO_LARGE`` frame; ``X-Forwarded-For`` counts only from ``trusted_proxies``
    (uvicorn otherwise believes it from loopback, and every local client could be anyone).
    """
    proxies = settings.proxies()
    return {
        "ws_max_size": max(settings.ws_max_bytes, settings.max_frame_bytes + 1),
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": ",".join(proxies) if proxies else "",
    }


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port")] = 0,
    workers: Annotated[
        int,
        typer.Option(
            min=0,
            max=64,
            help="Worker processes sharing the store and checkpoints (0: the number of cores)",
        ),
    ] = 0,
) -> None:
    """Run the gateway (uvicorn), one worker process per core unless told otherwise.

    Workers share the database and the checkpoints; their caches follow the store's change
    versions. Rate limits are per worker unless QALAKAR_REDIS_URL is set.
    """
    import uvicorn

    settings = _settings()
    count = workers or default_workers()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    options = dict(
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
        **server_options(settings),
    )
    if count == 1:
        from gateway.app import create_app

        uvicorn.run(create_app(settings), **options)
        return
    import multiprocessing

    from gateway.wiring import prepare_shared

    # What the workers share is made once, before they race to (in a child process, so this
    # supervisor never holds the encoder in memory).
    child = multiprocessing.get_context("spawn").Process(target=prepare_shared, args=(settings,))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise click_errors.ClickException("could not prepare the database, checkpoints or index")
    # Each worker imports the app factory and reads the same environment. Workers import
    # heavy libraries: give them a minute to answer the supervisor's first health check.
    uvicorn.run(
        "gateway.app:create_app",
        factory=True,
        workers=count,
        timeout_worker_healthcheck=120,
        **options,
    )


JsonFlag = Annotated[bool, typer.Option("--json", help="Print the full report as JSON")]


def _say(lines: list[str]) -> None:
    typer.echo("\n".join(lines))


@app.command()
def seed(
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed; the same seed gives the same data")
    ] = 42,
    reset: Annotated[bool, typer.Option("--reset", help="Drop all tables first")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Create tables and a deterministic synthetic marketplace (idempotent without --reset)."""
    from domain.seed import seed as run_seed
    from domain.store import Store
    from gateway.summaries import as_dict, seed_lines

    settings = _settings()
    store = Store.from_url(settings.database_url)
    progress = sys.stderr.isatty()
    report = as_dict(run_seed(store, seed=seed, reset=reset, progress=progress))
    # Every seeded product gets real image files; their hashes feed the theft index.
    from domain.vision.library import forget_indexes, generate_seed_images

    if reset:
        forget_indexes()
    images = as_dict(generate_seed_images(store, settings.data_dir, progress=progress))
    if as_json:
        typer.echo(json.dumps({"database": store.url, **report, "images": images}, default=str))
    else:
        _say(seed_lines(store.url, report, images))


@app.command()
def refresh(as_json: JsonFlag = False) -> None:
    """Recompute golden prices and demand forecasts after new sales; notify affected creators."""
    import time

    from domain.forecasting.service import refresh_forecasts
    from domain.pricing.refresh import refresh_golden_prices
    from gateway.summaries import as_dict, refresh_lines
    from gateway.wiring import make_store

    settings = _settings()
    store = make_store(settings)
    started = time.perf_counter()
    prices = as_dict(refresh_golden_prices(store, settings.data_dir))
    forecasts = as_dict(refresh_forecasts(store, progress=sys.stderr.isatty()))
    seconds = round(time.perf_counter() - started, 2)
    if as_json:
        typer.echo(
            json.dumps(
                {"golden_prices": prices, "forecasts": forecasts, "seconds": seconds}, default=str
            )
        )
    else:
        _say(refresh_lines(prices, forecasts, seconds))


@app.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="One pass, print its figures, exit")] = False,
    no_refresh: Annotated[
        bool, typer.Option("--no-refresh", help="Deliver notifications only; skip the refresh")
    ] = False,
) -> None:
    """Deliver queued notifications and run the periodic refresh (prices, forecasts, alerts).

    Several workers may share one PostgreSQL (rows claimed with FOR UPDATE SKIP LOCKED);
    on SQLite run one.
    """
    import signal

    from gateway.wiring import make_store
    from gateway.worker import Worker

    settings = _settings()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    loop = Worker(settings, make_store(settings), refresh_enabled=not no_refresh)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: loop.stop.set())
    figures = loop.run(once=once)
    if once:
        typer.echo(json.dumps(figures, default=str))


@app.command()
def token(
    user_id: Annotated[str, typer.Option("--user-id", help="Subject of the token")],
    role: Annotated[RoleName, typer.Option(help="buyer, creator, admin or evaluator")],
    ttl: Annotated[int, typer.Option(min=60, help="Lifetime in seconds")] = 12 * 3600,
) -> None:
    """Print a signed JWT for that user."""
    from gateway.auth import issue_token

    typer.echo(issue_token(_settings(), user_id, role.value, ttl))


@app.command()
def chat(
    text: Annotated[str, typer.Argument(help="What the user says")],
    role: Annotated[
        RoleName, typer.Option(help="buyer, creator, admin or evaluator")
    ] = RoleName.buyer,
    user_id: Annotated[str, typer.Option("--user-id")] = "b-0001",
    session: Annotated[
        str, typer.Option("--session", help="Session id; reuse it to continue")
    ] = "cli",
    as_json: Annotated[bool, typer.Option("--json", help="Print the turn object")] = False,
) -> None:
    """One turn in-process, through the same supervisor the gateway runs."""
    from gateway.wiring import open_assistant

    settings = _settings()
    logging.basicConfig(level=logging.WARNING)

    async def run() -> dict:
        async with open_assistant(settings) as assistant:
            turn = await assistant.turn(
                user_id=user_id, role=role.value, session_id=session, text=text
            )
            return turn.to_dict()

    turn = asyncio.run(run())
    typer.echo(json.dumps(turn, ensure_ascii=False, indent=2) if as_json else turn["reply"])


@app.command()
def ingest(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start over")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Build the heritage knowledge index (only changed documents are re-embedded)."""
    from gateway.summaries import as_dict, ingest_lines
    from gateway.wiring import knowledge_config
    from knowledge.cli import ingest as ingest_index

    config = knowledge_config(_settings())
    result = as_dict(ingest_index(config, rebuild=rebuild, progress=sys.stderr.isatty()))
    if as_json:
        typer.echo(json.dumps(result, default=str))
    else:
        _say(ingest_lines(result))


app.add_typer(eval_app, name="eval", help="The eval harness (evals.md)")


def main() -> None:
    """Console entry point: one-line errors, exit 2 on usage errors."""
    try:
        app(standalone_mode=False)
    except (typer.Exit, SystemExit) as exc:
        sys.exit(getattr(exc, "exit_code", getattr(exc, "code", 0)))
    except click_errors.NoArgsIsHelpError as exc:
        typer.echo(exc.format_message() if hasattr(exc, "format_message") else str(exc), err=True)
        sys.exit(2)
    except click_errors.UsageError as exc:
        typer.echo(f"qalakar: error: {' '.join(exc.format_message().split())}", err=True)
        sys.exit(2)
    except typer.Abort:
        typer.echo("qalakar: aborted", err=True)
        sys.exit(130)
    except click_errors.ClickException as exc:
        typer.echo(f"qalakar: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # never a traceback to the user
        typer.echo(f"qalakar: error: {type(exc).__name__}: {exc}".splitlines()[0], err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
