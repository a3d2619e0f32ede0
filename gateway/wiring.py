"""Builds the running pieces from settings: store, registry, planner, checkpointer, assistant.

The narrow configs that the lower rooms receive (knowledge, geocoder, logistics, media) are
made here, once, from the one :class:`Settings`; nothing below the gateway reads settings.
The gateway, the CLI and the eval harness's in-process target all start here, so they run
the very same supervisor.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from agents.assistant import Assistant, open_checkpointer
from agents.planners.base import Planner
from domain.geocoder import GeocoderConfig
from domain.logistics import LogisticsConfig
from domain.media import MediaConfig
from domain.store import Store
from gateway.settings import Settings
from knowledge.config import KnowledgeConfig
from tools import load_all
from tools.registry import LLMConfig, ToolConfig


def knowledge_config(settings: Settings) -> KnowledgeConfig:
    """Where the heritage index lives, its encoder, the LLM for answers and the answer floor."""
    return KnowledgeConfig(
        data_dir=settings.data_dir,
        chroma_url=settings.chroma_url,
        embed_model=settings.embed_model,
        llm_base_url=str(settings.llm_base_url) if settings.llm_base_url else None,
        llm_model=settings.llm_model,
        llm_api_key=settings.llm_api_key,
        llm_timeout_s=settings.llm_timeout_s,
        min_confidence=settings.knowledge_min_confidence,
    )


def geocoder_config(settings: Settings) -> GeocoderConfig | None:
    """The online geocoder, when ``QALAKAR_GEOCODER_URL`` names one; else fully offline."""
    if not settings.geocoder_url:
        return None
    return GeocoderConfig(
        url=settings.geocoder_url,
        cache_path=settings.data_dir / "geocoder-cache.json",
        user_agent=settings.geocoder_user_agent,
        timeout_s=settings.geocoder_timeout_s,
    )


def media_config(settings: Settings) -> MediaConfig:
    """Where uploads are stored, and their size limits."""
    return MediaConfig(
        root=settings.data_dir / "media",
        max_bytes=settings.max_upload_bytes,
        max_pixels=settings.max_upload_pixels,
    )


def llm_config(settings: Settings) -> LLMConfig | None:
    """The OpenAI-compatible endpoint, when ``QALAKAR_LLM_BASE_URL`` names one."""
    if not settings.llm_base_url:
        return None
    return LLMConfig(
        str(settings.llm_base_url), settings.llm_model, settings.llm_api_key,
        settings.llm_timeout_s,
    )


def tool_config(settings: Settings) -> ToolConfig:
    """Everything tools may use besides the store, from the settings."""
    return ToolConfig(
        data_dir=settings.data_dir,
        knowledge=knowledge_config(settings),
        geocoder=geocoder_config(settings),
        logistics=LogisticsConfig(settings.logistics_api_url, settings.logistics_api_key),
        media=media_config(settings),
        llm=llm_config(settings),
    )


def make_planner(settings: Settings) -> Planner:
    """The LLM planner when an endpoint is configured, else the embedded NLU planner."""
    from agents.planners.embedded import EmbeddedPlanner, default_classifier

    embedded = EmbeddedPlanner(default_classifier(settings.nlu_classifier),
                    threshold=settings.planner_confidence)
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
        from knowledge.index import index_is_empty, ingest
    except ImportError:  # the knowledge extra is not installed: nothing to build
        return
    config = knowledge_config(settings)
    if index_is_empty(config):
        ingest(config)


BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def limit_numeric_threads(threads: int) -> None:
    """BLAS libraries of this process use at most ``threads`` threads each.

    A turn multiplies tens of sentence vectors at a time; OpenBLAS's pool (one thread per core
    by default) wakes and spins for each such product, which cost the heritage answer 4x its
    CPU time on a busy two-core machine (ask: 53 vs 14 ms). Libraries already loaded are
    limited with threadpoolctl; the variables cover those loaded later and spawned workers.
    OpenMP is left alone: speech recognition (CTranslate2) sizes its threads from
    ``OMP_NUM_THREADS`` and gains from them.
    """
    from threadpoolctl import threadpool_limits

    for name in BLAS_THREAD_VARIABLES:
        os.environ[name] = str(threads)
    threadpool_limits(threads, user_api="blas")


@asynccontextmanager
async def open_assistant(
    settings: Settings, store: Store | None = None, planner: Planner | None = None
) -> AsyncIterator[Assistant]:
    """An :class:`Assistant` with its checkpointer open for the duration of the block."""
    limit_numeric_threads(settings.numeric_threads)
    async with AsyncExitStack() as stack:
        store = store or make_store(settings)
        saver = await open_checkpointer(stack, checkpoint_url(settings), settings.checkpoint_path())
        yield Assistant(planner or make_planner(settings), load_all(), store, saver,
                        tool_config=tool_config(settings))
