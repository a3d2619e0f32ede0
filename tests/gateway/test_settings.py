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
    good = "k3Yq-8vN2_xT5wL9mR4pZ7cH1jB6dF0sG"
    assert Settings(env=env, jwt_secret=good, _env_file=None).env == env


@pytest.mark.parametrize(
    ("secret", "why"),
    [(" " * 36, "32 characters"), ("s" * 32, "different characters"),
     ("ab" * 20, "different characters"), (" k3Yq-8vN2_xT5wL9mR4pZ7cH1jB6dF0sG", "blanks")],
)
def test_weak_secrets_are_refused_outside_dev(secret: str, why: str) -> None:
    """Issue 12, finding 10: 36 spaces passed the length check."""
    with pytest.raises(ValidationError, match=why):
        Settings(env="prod", jwt_secret=secret, _env_file=None)


def test_prod_refuses_dev_auth() -> None:
    good = "k3Yq-8vN2_xT5wL9mR4pZ7cH1jB6dF0sG"
    with pytest.raises(ValidationError, match="DEV_AUTH"):
        Settings(env="prod", jwt_secret=good, dev_auth=True, _env_file=None)
    assert Settings(env="test", jwt_secret=good, dev_auth=True, _env_file=None).dev_auth


def test_docs_are_off_in_prod_unless_asked() -> None:
    good = "k3Yq-8vN2_xT5wL9mR4pZ7cH1jB6dF0sG"
    assert not Settings(env="prod", jwt_secret=good, _env_file=None).docs_enabled
    assert Settings(env="prod", jwt_secret=good, expose_docs=True, _env_file=None).docs_enabled
    assert Settings(_env_file=None).docs_enabled


def test_environment_variables_use_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QALAKAR_LLM_BASE_URL", "http://vllm:8000/v1")
    monkeypatch.setenv("QALAKAR_DEV_AUTH", "1")
    s = Settings(_env_file=None)
    assert s.llm_enabled and s.dev_auth
