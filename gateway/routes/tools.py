"""The tools over REST: the catalog with JSON Schemas, and one call with the agent's checks."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header

from gateway.deps import CurrentUser, MetricsDep, RegistryDep, StoreDep, ToolConfigDep
from tools.registry import ToolContext, ToolError

router = APIRouter(prefix="/api/v1/tools", tags=["tools"])


@router.get("")
async def list_tools(registry: RegistryDep) -> dict[str, Any]:
    """The tool catalog with JSON Schemas of arguments and results."""
    return {"tools": [t.catalog_entry() for t in sorted(registry, key=lambda t: t.name)]}


@router.post("/{name}")
async def invoke_tool(
    name: str, user: CurrentUser, registry: RegistryDep, store: StoreDep,
    config: ToolConfigDep, metrics: MetricsDep,
    args: Annotated[dict[str, Any] | None, Body()] = None,
    idempotency_key: Annotated[str | None, Header(
        max_length=120, pattern=r"^[A-Za-z0-9._:-]+$",
        description="Makes a critical tool (update_price, publish_listing) exactly-once: a "
        "retry with the same key gets the recorded result instead of a second change",
    )] = None,
) -> dict[str, Any]:
    """Invoke one tool with a JSON object of arguments; same checks as the agent."""
    ctx = ToolContext(user.user_id, user.role, store, config=config)
    try:
        result = await asyncio.to_thread(
            registry.invoke, name, args or {}, ctx, action_id=idempotency_key
        )
    except ToolError:
        metrics.tool_calls.labels(name if name in registry else "(unknown)", "false").inc()
        raise
    metrics.tool_calls.labels(name, "true").inc()
    return result.model_dump(mode="json")
