"""Operations: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import text

from domain.store import Store
from gateway.deps import MetricsDep, RegistryDep

router = APIRouter(tags=["ops"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request, response: Response, registry: RegistryDep) -> dict[str, Any]:
    """Readiness: the database answers, the assistant and its planner are loaded."""
    state = request.app.state
    checks: dict[str, Any] = {}
    try:
        await asyncio.to_thread(_ping_db, state.store)
        checks["database"] = "ok"
    except Exception as exc:  # readiness reports, it does not raise
        checks["database"] = f"error: {type(exc).__name__}"
    assistant = getattr(state, "assistant", None)
    checks["assistant"] = "ok" if assistant is not None else "starting"
    checks["planner"] = assistant.planner.name if assistant is not None else None
    checks["tools"] = len(registry.names())
    checks["knowledge_index"] = getattr(state, "warmup", {}).get("knowledge", "loading")
    ready = (
        checks["database"] == "ok" and assistant is not None and checks["knowledge_index"] == "ok"
    )
    response.status_code = 200 if ready else 503
    return {"status": "ready" if ready else "not_ready", "checks": checks}


def _ping_db(store: Store) -> None:
    with store.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


@router.get("/metrics")
async def metrics(metrics: MetricsDep) -> Response:
    """Prometheus text format."""
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
