"""Operations: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio
import hmac
import time
import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from langgraph.checkpoint.base import empty_checkpoint
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import text

from domain.store import Store
from gateway.deps import MetricsDep, RegistryDep, SettingsDep
from tools.registry import ToolError

router = APIRouter(tags=["ops"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request, response: Response, registry: RegistryDep) -> dict[str, Any]:
    """Readiness: database, checkpoints, assistant, planner, knowledge and catalogue indexes.

    Ready means the database reads soundly, checkpoints can be written, and the assistant, its
    planner, the knowledge index and the product search index are loaded.
    """
    state = request.app.state
    checks: dict[str, Any] = {}
    try:
        await asyncio.to_thread(_check_db, state)
        checks["database"] = "ok"
    except Exception as exc:  # readiness reports, it does not raise
        checks["database"] = f"error: {type(exc).__name__}"
    assistant = getattr(state, "assistant", None)
    checks["checkpoints"] = await _check_checkpoints(assistant)
    checks["assistant"] = "ok" if assistant is not None else "starting"
    checks["planner"] = assistant.planner.name if assistant is not None else None
    checks["tools"] = len(registry.names())
    warmup = getattr(state, "warmup", {})
    checks["knowledge_index"] = warmup.get("knowledge", "loading")
    # A catalogue index that failed to build is built by the first search: not a reason to wait.
    checks["catalog_index"] = warmup.get("catalog", "loading")
    ready = (
        checks["database"] == "ok" and assistant is not None and checks["knowledge_index"] == "ok"
        and checks["catalog_index"] != "loading" and checks["checkpoints"] == "ok"
    )
    response.status_code = 200 if ready else 503
    return {"status": "ready" if ready else "not_ready", "checks": checks}


INTEGRITY_EVERY_S = 30.0
PROBE_TIMEOUT_S = 3.0


def _check_db(state: Any) -> None:
    """What turns need of the database: it reads real tables, and (SQLite) its pages are sound.

    ``SELECT 1`` answers from a corrupt file; a read of the catalogue does not, and SQLite's
    ``quick_check`` (run at most every 30 s) finds damage in pages no query touched yet.
    """
    store: Store = state.store
    with store.engine.connect() as conn:
        conn.execute(text("SELECT id FROM products LIMIT 1")).all()
        if store.engine.dialect.name != "sqlite":
            return
        checked = getattr(state, "integrity_checked", 0.0)
        if time.monotonic() - checked < INTEGRITY_EVERY_S:
            return
        verdict = conn.execute(text("PRAGMA quick_check(1)")).scalar()
        if verdict != "ok":
            raise RuntimeError("the database file is damaged")
        state.integrity_checked = time.monotonic()


async def _check_checkpoints(assistant: Any) -> str:
    """The checkpoint store takes a write (a probe checkpoint, deleted at once)."""
    saver = getattr(getattr(assistant, "graph", None), "checkpointer", None)
    if saver is None:
        return "starting"
    config: Any = {"configurable": {"thread_id": f"readyz-{uuid.uuid4().hex[:8]}",
                                    "checkpoint_ns": ""}}
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_S):
            await saver.aput(config, empty_checkpoint(), {"source": "input", "step": -1}, {})
            await saver.adelete_thread(config["configurable"]["thread_id"])
    except Exception as exc:  # readiness reports, it does not raise
        return f"error: {type(exc).__name__}"
    return "ok"


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request, metrics: MetricsDep, settings: SettingsDep) -> Response:
    """Prometheus text format; behind ``QALAKAR_METRICS_TOKEN`` when set, off in prod without."""
    token = settings.metrics_token
    if token is None and settings.env == "prod":
        raise ToolError("NOT_FOUND", "metrics are off; set QALAKAR_METRICS_TOKEN to read them")
    if token is not None:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise ToolError("UNAUTHORIZED", "metrics need the metrics token")
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
