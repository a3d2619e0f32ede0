"""``qalakar worker``: delivers notifications and runs the periodic refresh, forever.

Several workers may share one PostgreSQL: notification rows are claimed with ``FOR UPDATE SKIP
LOCKED`` (:mod:`gateway.channels.dispatch`), and the refresh (golden prices, forecasts and the
alerts they raise, what ``qalakar refresh`` does by hand) runs in whichever worker first locks
its ``worker_jobs`` row once the interval has passed. On SQLite, run a single worker.

Why the database and not a Redis queue: the outbox rows must be written in the transaction of
the change that caused them, so they live in the database anyway; claiming them there needs no
second system, cannot lose a message between a commit and a queue push, and the deployment's
PostgreSQL is already the one thing every process shares (Redis is optional here).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from domain.store import Store
from domain.store.models import WorkerJob, utcnow
from gateway.channels.dispatch import Dispatcher, adapters
from gateway.settings import Settings

log = logging.getLogger(__name__)
REFRESH_JOB = "refresh"
SESSIONS_JOB = "sessions"


def refresh(store: Store, settings: Settings) -> dict[str, Any]:
    """Golden prices and demand forecasts after new sales; their notifications are queued."""
    from dataclasses import asdict, is_dataclass

    from domain.forecasting.service import refresh_forecasts
    from domain.pricing.refresh import refresh_golden_prices

    def plain(report: object) -> Any:
        if is_dataclass(report) and not isinstance(report, type):
            return asdict(report)
        return report if isinstance(report, dict) else str(report)

    prices = refresh_golden_prices(store, settings.data_dir)
    forecasts = refresh_forecasts(store)
    return {"golden_prices": plain(prices), "forecasts": plain(forecasts)}


def prune_sessions(settings: Settings) -> dict[str, Any]:
    """Expire idle conversations and prune old checkpoints (:mod:`agents.retention`)."""
    import asyncio
    from contextlib import AsyncExitStack
    from dataclasses import asdict

    from agents.assistant import open_checkpointer
    from agents.retention import prune_sessions as prune
    from gateway.wiring import checkpoint_url

    async def run() -> dict[str, Any]:
        async with AsyncExitStack() as stack:
            saver = await open_checkpointer(stack, checkpoint_url(settings),
                                            settings.checkpoint_path())
            report = await prune(saver, ttl_days=settings.session_ttl_days,
                                 keep_last=settings.session_keep_checkpoints)
            return asdict(report)

    return asyncio.run(run())


def run_job_if_due(store: Store, name: str, every_s: float, job: Any,
                   now: dt.datetime | None = None) -> dict[str, Any] | None:
    """Run ``job()`` when ``name`` last ran more than ``every_s`` ago and no worker holds it."""
    moment = now or utcnow()
    try:
        with store.session() as s:
            if s.get(WorkerJob, name) is None:
                s.add(WorkerJob(name=name, last_run_at=None, last_result={}))
    except IntegrityError:
        pass  # another worker created it first
    with store.session() as s:
        row = s.scalars(select(WorkerJob).where(WorkerJob.name == name)
                        .with_for_update(skip_locked=True)).first()
        if row is None:
            return None  # another worker is running it now
        last = row.last_run_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=dt.UTC)
        if last is not None and (moment - last).total_seconds() < every_s:
            return None
        result = job()
        row.last_run_at = moment
        summary = result if isinstance(result, dict) else {}
        row.last_result = {k: str(v)[:500] for k, v in summary.items()}
        return result


@dataclass
class Worker:
    """One worker process's loop."""

    settings: Settings
    store: Store
    refresh_enabled: bool = True
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, once: bool = False) -> dict[str, Any]:
        """Loop until stopped (or one pass with ``once``); returns the last pass's figures."""
        last: dict[str, Any] = {}
        with httpx.Client(max_redirects=0) as http:
            dispatcher = Dispatcher(self.store, self.settings, adapters(self.settings, http))
            while True:
                last = self.tick(dispatcher)
                if once or self.stop.wait(self.settings.worker_poll_s):
                    return last

    def tick(self, dispatcher: Dispatcher) -> dict[str, Any]:
        """One pass: deliver what is due, then the refresh if its time has come."""
        started = time.perf_counter()
        report = dispatcher.run_once()
        figures: dict[str, Any] = {"claimed": report.claimed, "outcomes": report.outcomes}
        if self.refresh_enabled:
            try:
                ran = run_job_if_due(self.store, REFRESH_JOB, self.settings.worker_refresh_s,
                                     lambda: refresh(self.store, self.settings))
            except Exception:  # a failed refresh is retried next interval; delivery goes on
                log.exception("refresh failed")
                ran = None
            figures["refreshed"] = ran is not None
        try:
            pruned = run_job_if_due(self.store, SESSIONS_JOB, self.settings.session_prune_s,
                                    lambda: prune_sessions(self.settings))
        except Exception:  # retried next interval; delivery goes on
            log.exception("session pruning failed")
            pruned = None
        if pruned:
            figures["sessions"] = pruned
        figures["seconds"] = round(time.perf_counter() - started, 3)
        if report.claimed:
            log.info("worker pass: %s", figures)
        return figures
