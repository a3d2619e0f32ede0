"""Guests read, they do not register creators (issue 12, finding 3); bodies are bounded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from domain.store import Store
from gateway.app import create_app

BODY = {"name": "Meera Devi", "phone": "+91 98765 43210", "craft": "blue pottery",
        "category": "pottery", "location": "Jaipur", "materials": ["clay"]}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Registration writes creators: a store of this module's own."""
    from domain.seed import seed
    from gateway.settings import Settings

    path = tmp_path_factory.mktemp("registration") / "q.db"
    store = Store.from_url(f"sqlite:///{path}")
    seed(store, seed=7, reset=True, progress=False)
    settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("rvar"),
                        database_url=store.url, dev_auth=True, rate_limit_per_minute=0,
                        jwt_secret="test-secret-0123456789abcdef-0123456789", _env_file=None)
    with TestClient(create_app(settings)) as c:
        yield c
    store.dispose()


def bearer(client: TestClient, user: str, role: str) -> dict[str, str]:
    token = client.post("/auth/dev-token", json={"user_id": user, "role": role}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def guest(client: TestClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {client.post('/auth/guest').json()['token']}"}


def total(client: TestClient) -> int:
    admin = bearer(client, "a-0001", "admin")
    return client.get("/api/v1/creators?limit=1", headers=admin).json()["total"]


@pytest.mark.parametrize("who", ["guest", "buyer", "creator"])
def test_only_admins_register_without_an_invitation(client: TestClient, who: str) -> None:
    headers = guest(client) if who == "guest" else bearer(client, f"{who[0]}-0001", who)
    before = total(client)
    r = client.post("/api/v1/creators", json=BODY, headers=headers)
    assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN"
    assert total(client) == before
    assert client.post("/api/v1/creators", json=BODY,
                       headers=bearer(client, "a-0001", "admin")).status_code == 201
    assert total(client) == before + 1


def test_an_invitation_registers_once(client: TestClient) -> None:
    assert client.post("/api/v1/creators/invitations", json={},
                       headers=guest(client)).status_code == 403
    invite = client.post("/api/v1/creators/invitations", json={"phone": "+91 98765 43210"},
                         headers=bearer(client, "a-0001", "admin"))
    assert invite.status_code == 201
    token = invite.json()["invitation"]
    # An invitation is not a bearer token.
    assert client.get("/api/v1/portfolio", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 401
    wrong_phone = client.post("/api/v1/creators", headers=guest(client),
                              json={**BODY, "phone": "+91 90000 00000", "invitation": token})
    assert wrong_phone.status_code == 403
    before = total(client)
    r = client.post("/api/v1/creators", json={**BODY, "invitation": token}, headers=guest(client))
    assert r.status_code == 201, r.text
    new_id, new_token = r.json()["creator_id"], r.json()["token"]
    mine = client.get("/api/v1/portfolio", headers={"Authorization": f"Bearer {new_token}"})
    assert mine.json()["creator_id"] == new_id
    again = client.post("/api/v1/creators", json={**BODY, "invitation": token},
                        headers=guest(client))
    assert again.status_code == 409 and again.json()["error"]["details"]["field"] == "invitation"
    assert total(client) == before + 1
    forged = client.post("/api/v1/creators", json={**BODY, "invitation": token[:-4] + "AAAA"},
                         headers=guest(client))
    assert forged.status_code == 403


@pytest.mark.parametrize(
    ("field", "value"),
    [("techniques", ["x"] * 21), ("materials", ["m" * 81]), ("location", "J" * 100_000),
     ("bio", "b" * 4001), ("category", "c" * 1000)],
)
def test_every_list_and_string_is_bounded(client: TestClient, field: str, value: object) -> None:
    r = client.post("/api/v1/creators", json={**BODY, field: value},
                    headers=bearer(client, "a-0001", "admin"))
    assert r.status_code == 400 and r.json()["error"]["details"]["field"].startswith(field)
    assert len(r.content) < 2000


def test_a_2_mb_portfolio_edit_is_refused(client: TestClient) -> None:
    r = client.patch("/api/v1/portfolio", json={"techniques": ["t" * 1000] * 1000},
                     headers=bearer(client, "c-0003", "creator"))
    assert r.status_code == 400 and r.json()["error"]["details"]["field"].startswith("techniques")
