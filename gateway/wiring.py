"""Builds the running pieces from settings: store, registry, planner, checkpointer, assistant.

The gateway, the CLI and the eval harness's in-process target all start here, so they run
the very same supervisor.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from agents.assistant import Assistant, open_checkpointer
from agents.planners.base import Planner
from domain.store import Store
from gateway.settings import Settings
from tools import load_all


def make_planner(settings: Settings) -> Planner:
    """The LLM planner when an endpoint is configured, else the embedded NLU planner."""
    from agents.planners.embedded import EmbeddedPlanner

    embedded = EmbeddedPlanner(threshold=settings.planner_confidence)
    if not settings.llm_enabled:
        return embedded
    from agents.planners.guard import CircuitBreaker
    from agents.planners.llm import LLMPlanner
    from agents.planners.routing import intent_router

    router = None
    if settings.llm_route_tools:
        router = intent_router(
            lambda text: embedded.classifier.predict(text).ranking, load_all().names()
        )
    return LLMPlanner(
        str(settings.llm_base_url), settings.llm_model, settings.llm_api_key,
        settings.llm_timeout_s, fallback=embedded, max_tokens=settings.llm_max_tokens,
        context_tokens=settings.llm_context_tokens, router=router,
        breaker=CircuitBreaker(settings.llm_breaker_failures, settings.llm_breaker_cooldown_s),
    )


def make_store(settings: Settings) -> Store:
    """The store at ``QALAKAR_DATABASE_URL`` with its tables created."""
    store = Store.from_url(settings.database_url)
    store.create_all()
    return store


def checkpoint_url(settings: Settings) -> str | None:
    """Checkpoints go to Postgres when the store is Postgres (or a URL says so), else SQLite."""
    if settings.checkpoint_url:
        return settings.checkpoint_url
    if settings.database_url.startswith("postgres"):
        return settings.database_url
    return None


def tool_extras(settings: Settings) -> dict:
    """What tools may read besides the store: the settings and where data files live."""
    return {"settings": settings, "data_dir": settings.data_dir}


def prepare_shared(settings: Settings) -> None:
    """Create what every worker and replica shares: tables, checkpoint tables, the heritage index.

    ``qalakar serve --workers N`` runs this once before starting the workers, so they do not
    race to create tables or to ingest the corpus into one index.
    """
    import asyncio
    import logging

    logging.basicConfig(level=logging.INFO)
    make_store(settings).dispose()

    async def checkpoints() -> None:
        async with AsyncExitStack() as stack:
            await open_checkpointer(stack, checkpoint_url(settings), settings.checkpoint_path())

    asyncio.run(checkpoints())
    try:
        from knowledge.index import KnowledgeConfig, index_is_empty, ingest
    except ImportError:  # the knowledge extra is not installed: nothing to build
        return
    config = KnowledgeConfig.from_settings(settings)
    if index_is_empty(config):
        ingest(config)


@asynccontextmanager
async def open_assistant(
    settings: Settings, store: Store | None = None, planner: Planner | None = None
) -> AsyncIterator[Assistant]:
    """An :class:`Assistant` with its checkpointer open for the duration of the block."""
    async with AsyncExitStack() as stack:
        store = store or make_store(settings)
        saver = await open_checkpointer(stack, checkpoint_url(settings), settings.checkpoint_path())
        yield Assistant(planner or make_planner(settings), load_all(), store, saver,
                        tool_extras=tool_extras(settings))
