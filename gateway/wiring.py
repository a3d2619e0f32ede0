"""Builds the running pieces from settings: store, registry, planner, checkpointer, assistant.

The gateway, the CLI and the eval harness's in-process target all start here, so they run
the very same supervisor.
"""

from __future__ import annotations

from contextlib import AsyncExitStack, asynccontextmanager
from collections.abc import AsyncIterator

from agents.assistant import Assistant, open_checkpointer
from agents.planners.base import Planner
from domain.store import Store
from gateway.settings import Settings
from tools import load_all


def make_planner(settings: Settings) -> Planner:
    """The LLM planner when an endpoint is configured, else the embedded NLU planner."""
    if settings.llm_enabled:
        from agents.planners.llm import LLMPlanner

        return LLMPlanner(
            str(settings.llm_base_url), settings.llm_model, settings.llm_api_key,
            settings.llm_timeout_s,
        )
    from agents.planners.embedded import EmbeddedPlanner

    return EmbeddedPlanner(threshold=settings.planner_confidence)


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
