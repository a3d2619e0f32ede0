"""The FastAPI application: ``create_app(settings)`` builds one gateway.

Its lifespan opens the store and the assistant (with its checkpointer) and warms the
knowledge index off the request path. The routers are listed in :data:`gateway.routes.ROUTERS`
plus the chat socket; one middleware tags requests with an id, applies the HTTP rate limit and
counts metrics; :mod:`gateway.errors` is the one error boundary.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from gateway import errors
from gateway.limits import BodyLimit, make_socket_counts, request_id
from gateway.logs import install_token_redaction
from gateway.metrics import Metrics
from gateway.ratelimit import RateLimits, too_many_requests
from gateway.routes import ROUTERS
from gateway.settings import Settings, get_settings
from gateway.wiring import knowledge_config, make_store, open_assistant, tool_config
from gateway.ws import router as ws_router
from knowledge.config import KnowledgeConfig
from tools import load_all

log = logging.getLogger(__name__)


async def _warm_catalog(app: FastAPI) -> None:
    """Build the product search index before the first search needs it.

    A full build reads every active listing (0.4 s of CPU for the seed's 2,700, and several
    seconds of waiting for the turns that arrive meanwhile); after it, a search reads one
    version row and the listings changed since.
    """
    from tools.search import product_index

    try:
        await asyncio.to_thread(product_index, app.state.store)
        app.state.warmup["catalog"] = "ok"
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # the first search builds it instead
        log.exception("product index failed to load")
        app.state.warmup["catalog"] = f"error: {type(exc).__name__}"


async def _warm(app: FastAPI, config: KnowledgeConfig) -> None:
    """The indexes turns read, loaded off the request path so no turn pays for them."""
    await _warm_catalog(app)
    await _warm_knowledge(app, config)


async def _warm_knowledge(app: FastAPI, config: KnowledgeConfig) -> None:
    try:
        from knowledge.service import get_knowledge_base

        base = await asyncio.to_thread(get_knowledge_base, config)
        await asyncio.to_thread(base.retrieve, "madhubani painting", k=1)
        app.state.warmup["knowledge"] = "ok"
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # the rest of the product works without the index
        log.exception("knowledge index failed to load")
        app.state.warmup["knowledge"] = f"error: {type(exc).__name__}"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the gateway for ``settings`` (default: the environment's)."""
    settings = settings or get_settings()
    install_token_redaction()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = await asyncio.to_thread(make_store, settings)
        app.state.warmup = {"catalog": "loading", "knowledge": "loading"}
        async with open_assistant(settings, store=app.state.store) as assistant:
            app.state.assistant = assistant
            warming = asyncio.create_task(_warm(app, knowledge_config(settings)))
            yield
            warming.cancel()
        channels = getattr(app.state, "channels", None)  # made by the first webhook, if any
        if channels is not None:
            await channels.http.aclose()
        await app.state.rate_limits.aclose()
        await app.state.sockets.aclose()
        app.state.store.dispose()

    docs = settings.docs_enabled
    app = FastAPI(
        title="Qalakar", version="0.1.0", lifespan=lifespan,
        description="Agentic assistant for a handicraft marketplace: tools, chat, channels.",
        # gateway.routes.pages serves /docs (when docs are on) with local Swagger UI assets
        docs_url=None, redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.settings = settings
    app.state.tool_config = tool_config(settings)
    app.state.metrics = Metrics()
    app.state.registry = load_all()
    app.state.assistant = None
    app.state.rate_limits = RateLimits(settings)
    app.state.sockets = make_socket_counts(settings)
    errors.install(app)

    @app.middleware("http")
    async def request_context(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request.state.request_id = request_id(request.headers.get("x-request-id"))
        started = time.perf_counter()
        decision = await app.state.rate_limits.check_http(request)
        if decision is not None and not decision.allowed:
            app.state.metrics.rate_limited.labels("http").inc()
            response: Response = too_many_requests(decision, request.state.request_id)
        else:
            try:
                response = await call_next(request)
            except Exception as exc:
                if not errors.unavailable(exc):
                    raise
                # A database restart is a 503 to retry, answered here without a traceback.
                response = errors.unavailable_response(request.state.request_id)
        route = request.scope.get("route")
        app.state.metrics.http_requests.labels(
            request.method, getattr(route, "path", "(unmatched)"), str(response.status_code)
        ).inc()
        response.headers["x-request-id"] = request.state.request_id
        elapsed = (time.perf_counter() - started) * 1000
        response.headers["server-timing"] = f"total;dur={elapsed:.1f}"
        return response

    for router in ROUTERS:
        app.include_router(router)
    app.include_router(ws_router)
    app.add_middleware(BodyLimit, settings=settings)
    return app
