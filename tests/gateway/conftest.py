"""Gateway test fixtures: one live server over the seeded marketplace per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gateway.settings import Settings
from tests.live import LiveServer


@pytest.fixture(scope="module")
def live(seeded_store, data_dir, database_url) -> Iterator[LiveServer]:
    """One running gateway over the seeded marketplace for the module."""
    settings = Settings(env="test", data_dir=data_dir, database_url=database_url, dev_auth=True,
                        jwt_secret="test-secret-0123456789abcdef-0123456789", _env_file=None)
    server = LiveServer(settings).start()
    yield server
    server.stop()
