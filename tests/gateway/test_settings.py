"""Settings: one object, placeholder secrets refused outside dev, env prefix honoured."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.settings import PLACEHOLDER_JWT_SECRET, Settings


def test_defaults_run_offline_on_embedded_pieces() -> None:
    s = Settings(_env_file=None)
    assert s.database_url.startswith("sqlite:///")
    assert s.chroma_url is None and s.redis_url is None and not s.llm_enabled


@pytest.mark.parametrize("env", ["test", "prod"])
def test_placeholder_secret_is_refused_outside_dev(env: str) -> None:
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        Settings(env=env, jwt_secret=PLACEHOLDER_JWT_SECRET, _env_file=None)
    with pytest.raises(ValidationError, match="32 characters"):
        Settings(env=env, jwt_secret="short", _env_file=None)
    assert Settings(env=env, jwt_secret="s" * 32, _env_file=None).env == env


def test_environment_variables_use_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QALAKAR_LLM_BASE_URL", "http://vllm:8000/v1")
    monkeypatch.setenv("QALAKAR_DEV_AUTH", "1")
    s = Settings(_env_file=None)
    assert s.llm_enabled and s.dev_auth
