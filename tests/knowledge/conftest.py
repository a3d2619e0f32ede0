"""Fixtures for the knowledge tests: one heritage index built from the real corpus per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.index import KnowledgeConfig, ingest


@pytest.fixture(scope="session")
def kb_config(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeConfig:
    """The default encoder's index of the bundled corpus, in a temporary data dir."""
    config = KnowledgeConfig(data_dir=Path(tmp_path_factory.mktemp("heritage")))
    ingest(config)
    return config


@pytest.fixture(scope="session")
def kb(kb_config: KnowledgeConfig):  # knowledge.service.KnowledgeBase
    """The knowledge base over that index (extractive answers)."""
    from knowledge.service import get_knowledge_base

    return get_knowledge_base(kb_config)
