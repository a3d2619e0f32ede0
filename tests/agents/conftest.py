"""Fixtures of the agent tests: the scripted LLM server and an empty store."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.store import Store
from tests.agents.llm_support import ScriptedLLM


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedLLM]:
    llm = ScriptedLLM()
    thread = threading.Thread(target=llm.serve_forever, daemon=True)
    thread.start()
    yield llm
    llm.shutdown()
    llm.server_close()


@pytest.fixture()
def llm(server: ScriptedLLM) -> ScriptedLLM:
    server.reset()
    return server


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """An empty marketplace: the tools run for real and find nothing."""
    path: Path = tmp_path_factory.mktemp("llm-planner") / "empty.db"
    store = Store.from_url(f"sqlite:///{path}")
    store.create_all()
    yield store
    store.dispose()
