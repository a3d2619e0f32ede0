"""A bounded schemathesis run over ``/openapi.json``, as a creator and as an admin: no 5xx.

Issue 12 ("In CI"): every operation the schema lists gets a few generated requests (valid and
invalid bodies, paths and queries) through the real app on a private seeded store; the only
check is that none of them is answered with a server error. Examples per operation are few so
the run takes a minute or two.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from domain.store import Store
from gateway.app import create_app

EXAMPLES = 4
# Operations whose examples cost seconds each (model inference, forecasts) get fewer.
SLOW = ("/api/v1/tools/{name}", "/api/v1/uploads")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The gateway on a private seeded store: admins generated here change prices and cases."""
    from domain.seed import seed
    from gateway.settings import Settings

    root = tmp_path_factory.mktemp("schemathesis")
    store = Store.from_url(f"sqlite:///{root / 'q.db'}")
    seed(store, seed=42, reset=True, progress=False)
    settings = Settings(env="test", data_dir=root, database_url=store.url, dev_auth=True,
                        rate_limit_per_minute=0, guest_tokens_per_minute=0,
                        jwt_secret="test-secret-0123456789abcdef-0123456789", _env_file=None)
    application = create_app(settings)
    with TestClient(application):  # runs the lifespan: store, assistant
        yield application
    store.dispose()


@pytest.mark.parametrize("role", ["creator", "admin"])
def test_no_operation_answers_with_a_server_error(app: Any, role: str) -> None:
    client = TestClient(app)
    user = {"creator": "c-0001", "admin": "a-0001"}[role]
    token = client.post("/auth/dev-token", json={"user_id": user, "role": role}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        examples = 1 if operation.path in SLOW else EXAMPLES

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            try:
                response = case.call(headers=headers)
            except Exception as exc:  # the test client re-raises what the app did not handle
                failures.append(f"{case.method} {case.formatted_path} -> {exc!r:.300}")
                return
            if response.status_code == 503 and case.path == "/readyz":
                return  # not ready (the knowledge index still loading) is its answer, not a fault
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> "
                                f"{response.status_code} {response.text[:200]}")

        run()
    assert failures == []
