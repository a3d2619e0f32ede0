"""The FastAPI application: auth, tools over REST, marketplace reads, health, metrics, pages.

``create_app(settings)`` builds one app; its lifespan opens the store and the assistant (with
its checkpointer). Every router module in ``gateway/routes/`` is included automatically.
One middleware tags requests with an id, applies the HTTP rate limit and counts metrics.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import pkgutil
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI, Request, Response
from fastapi.responses import FileResponse, PlainTextResponse
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from pydantic import BaseModel, Field
from sqlalchemy import text

from gateway import errors
from gateway.auth import CurrentUser, guest_id, issue_token
from gateway.metrics import Metrics
from gateway.ratelimit import RateLimits, too_many_requests
from gateway.settings import Settings, get_settings
from gateway.wiring import make_store, open_assistant, tool_extras
from tools import load_all
from tools.registry import ToolContext, ToolError

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


class DevTokenRequest(BaseModel):
    """Body of ``POST /auth/dev-token``."""

    user_id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.:-]+$")
    role: str


core = APIRouter()


@core.get("/healthz", tags=["ops"])
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@core.get("/readyz", tags=["ops"])
async def readyz(request: Request, response: Response) -> dict[str, Any]:
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
    checks["tools"] = len(state.registry.names())
    checks["knowledge_index"] = getattr(state, "warmup", {}).get("knowledge", "loading")
    ready = checks["database"] == "ok" and assistant is not None and checks["knowledge_index"] == "ok"
    response.status_code = 200 if ready else 503
    return {"status": "ready" if ready else "not_ready", "checks": checks}


def _ping_db(store) -> None:  # noqa: ANN001 - domain.store.Store
    with store.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


@core.get("/metrics", tags=["ops"])
async def metrics(request: Request) -> Response:
    """Prometheus text format."""
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)


@core.post("/auth/guest", tags=["auth"])
async def auth_guest(request: Request) -> dict[str, Any]:
    """A buyer guest token for the chat widget."""
    settings: Settings = request.app.state.settings
    user_id = guest_id()
    token = issue_token(settings, user_id, "buyer", settings.guest_ttl_s)
    return {"token": token, "user_id": user_id, "role": "buyer", "expires_in": settings.guest_ttl_s}


@core.post("/auth/dev-token", tags=["auth"])
async def auth_dev_token(request: Request, body: DevTokenRequest) -> dict[str, Any]:
    """A token for any user and role; only when ``QALAKAR_DEV_AUTH=1``."""
    settings: Settings = request.app.state.settings
    if not settings.dev_auth:
        raise ToolError("FORBIDDEN", "dev tokens are disabled (set QALAKAR_DEV_AUTH=1)")
    token = issue_token(settings, body.user_id, body.role)
    return {"token": token, "user_id": body.user_id, "role": body.role, "expires_in": settings.jwt_ttl_s}


@core.get("/api/v1/tools", tags=["tools"])
async def list_tools(request: Request) -> dict[str, Any]:
    """The tool catalog with JSON Schemas of arguments and results."""
    return {"tools": [t.catalog_entry() for t in sorted(request.app.state.registry, key=lambda t: t.name)]}


@core.post("/api/v1/tools/{name}", tags=["tools"])
async def invoke_tool(
    request: Request, name: str, user: CurrentUser,
    args: Annotated[dict[str, Any] | None, Body()] = None,
) -> dict[str, Any]:
    """Invoke one tool with a JSON object of arguments; same checks as the agent."""
    state = request.app.state
    ctx = ToolContext(user.user_id, user.role, state.store, extras=tool_extras(state.settings))
    try:
        result = await asyncio.to_thread(state.registry.invoke, name, args or {}, ctx)
    except ToolError as exc:
        state.metrics.tool_calls.labels(name if name in state.registry else "(unknown)", "false").inc()
        raise exc
    state.metrics.tool_calls.labels(name, "true").inc()
    return result.model_dump(mode="json")


@core.get("/", include_in_schema=False)
async def widget() -> FileResponse:
    """The buyer chat widget."""
    return FileResponse(STATIC / "index.html", media_type="text/html")


@core.get("/creator", include_in_schema=False)
async def creator_console() -> FileResponse:
    """The creator console: voice and text chat."""
    return FileResponse(STATIC / "creator.html", media_type="text/html")


@core.get("/static/{name}", include_in_schema=False)
async def static_file(name: str) -> FileResponse:
    """Scripts and styles of the pages (no build step)."""
    path = (STATIC / name).resolve()
    if path.parent != STATIC or not path.is_file():
        raise ToolError("NOT_FOUND", f"no static file {name!r}")
    media = {"js": "text/javascript", "css": "text/css"}.get(path.suffix.lstrip("."), None)
    return FileResponse(path, media_type=media)


async def _warm_knowledge(app: FastAPI, settings: Settings) -> None:
    try:
        from knowledge import get_knowledge_base

        base = await asyncio.to_thread(get_knowledge_base, settings)
        await asyncio.to_thread(base.retrieve, "madhubani painting", k=1)
        app.state.warmup["knowledge"] = "ok"
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # the rest of the product works without the index
        log.exception("knowledge index failed to load")
        app.state.warmup["knowledge"] = f"error: {type(exc).__name__}"


def _route_modules() -> list[APIRouter]:
    import gateway.routes as package

    routers = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            routers.append(router)
    return routers


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the gateway for ``settings`` (default: the environment's)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = await asyncio.to_thread(make_store, settings)
        app.state.warmup = {"knowledge": "loading"}
        async with open_assistant(settings, store=app.state.store) as assistant:
            app.state.assistant = assistant
            # Load the knowledge index off the request path, so no turn pays for it.
            warming = asyncio.create_task(_warm_knowledge(app, settings))
            yield
            warming.cancel()
        await app.state.rate_limits.aclose()
        app.state.store.dispose()

    app = FastAPI(
        title="Qalakar", version="0.1.0", lifespan=lifespan,
        description="Agentic assistant for a handicraft marketplace: tools, chat, channels.",
    )
    app.state.settings = settings
    app.state.metrics = Metrics()
    app.state.registry = load_all()
    app.state.assistant = None
    app.state.rate_limits = RateLimits(settings)
    errors.install(app)

    @app.middleware("http")
    async def request_context(request: Request, call_next):  # noqa: ANN001, ANN202
        request.state.request_id = request.headers.get("x-request-id") or errors.new_request_id()
        started = time.perf_counter()
        decision = await app.state.rate_limits.check_http(request)
        if decision is not None and not decision.allowed:
            app.state.metrics.rate_limited.labels("http").inc()
            response = too_many_requests(decision, request.state.request_id)
        else:
            response = await call_next(request)
        route = request.scope.get("route")
        app.state.metrics.http_requests.labels(
            request.method, getattr(route, "path", "(unmatched)"), str(response.status_code)
        ).inc()
        response.headers["x-request-id"] = request.state.request_id
        response.headers["server-timing"] = f"total;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    from gateway.ws import router as ws_router

    app.include_router(core)
    app.include_router(ws_router)
    for router in _route_modules():
        app.include_router(router)
    return app


def metrics_text(app: FastAPI) -> PlainTextResponse:
    """The metrics page as text (used by tests)."""
    return PlainTextResponse(generate_latest(app.state.metrics.registry).decode())
