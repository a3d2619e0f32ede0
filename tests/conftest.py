"""Shared fixtures: clean environment, settings, and one seeded store per test session.

``QALAKAR_TEST_DATABASE_URL`` (set by ``.ci/run``) runs the suite against PostgreSQL; without
it the store is a SQLite file in a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_TEST_DB_URL = os.environ.get("QALAKAR_TEST_DATABASE_URL")


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's ``QALAKAR_*`` variables or .env file."""
    for key in list(os.environ):
        if key.startswith("QALAKAR_"):
            monkeypatch.delenv(key, raising=False)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory for the whole session (checkpoints, media, indexes)."""
    return tmp_path_factory.mktemp("qalakar-var")


@pytest.fixture(scope="session")
def database_url(data_dir: Path) -> str:
    """PostgreSQL when the CI says so, else a SQLite file."""
    return _TEST_DB_URL or f"sqlite:///{data_dir}/qalakar.db"


@pytest.fixture(scope="session")
def seeded_store(database_url: str):  # domain.store.Store
    """The deterministic marketplace (``qalakar seed --seed 42``), built once per session.

    Tests that write to it must restore what they change or use ids nobody else reads.
    """
    from domain.seed import seed
    from domain.store import Store

    store = Store.from_url(database_url)
    seed(store, seed=42, reset=True, progress=False)
    yield store
    store.dispose()


@pytest.fixture()
def settings(data_dir: Path, database_url: str):  # gateway.settings.Settings
    """Settings for the test store, embedded planner, dev auth on."""
    from gateway.settings import Settings

    return Settings(
        env="test", data_dir=data_dir, database_url=database_url, dev_auth=True,
        jwt_secret="test-secret-0123456789abcdef-0123456789", _env_file=None,
    )


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    """Async tests run on asyncio."""
    return "asyncio"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests need Debian's chromium; skip them with a reason where it is missing."""
    if Path("/usr/bin/chromium").exists():
        return
    skip = pytest.mark.skip(reason="needs /usr/bin/chromium (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
