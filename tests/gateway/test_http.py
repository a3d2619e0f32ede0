"""HTTP surface: auth, tools over REST with the same checks as the agent, reads, ops routes."""

from __future__ import annotations

import time

import jwt
import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app


@pytest.fixture(scope="module")
def client(seeded_store, data_dir, database_url):
    from gateway.settings import Settings

    settings = Settings(env="test", data_dir=data_dir, database_url=database_url, dev_auth=True,
                        jwt_secret="test-secret-0123456789abcdef-0123456789", _env_file=None)
    with TestClient(create_app(settings)) as c:
        deadline = time.monotonic() + 120
        while c.get("/readyz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)  # the knowledge index loads in the background
        yield c


def bearer(client: TestClient, user: str, role: str) -> dict[str, str]:
    token = client.post("/auth/dev-token", json={"user_id": user, "role": role}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    err = response.json()["error"]
    assert err["code"] == code
    assert set(err) == {"code", "message", "details", "timestamp", "request_id"}
    assert "Traceback" not in response.text
    return err


def test_ops_routes(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["checks"]["database"] == "ok"
    # the product search index is built before readiness, not by the first search
    assert ready["checks"]["catalog_index"] == "ok"
    client.get("/healthz")
    assert (
        'qalakar_http_requests_total{method="GET",route="/healthz",status="200"}'
        in client.get("/metrics").text
    )


def test_widget_and_console_pages_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "/ws/chat" not in page.text and "chat.js" in page.text
    assert "ws/chat" in client.get("/static/chat.js").text
    assert client.get("/creator").status_code == 200
    assert_error(client.get("/static/..%2Fapp.py"), 404, "NOT_FOUND")


def test_tool_catalog_has_schemas(client: TestClient) -> None:
    tools = {t["name"]: t for t in client.get("/api/v1/tools").json()["tools"]}
    assert {"list_orders", "search_products", "update_price"} <= set(tools)
    assert tools["list_orders"]["args_schema"]["properties"]["status"]
    assert tools["update_price"]["critical"] is True
    assert "/api/v1/tools/{name}" in client.get("/openapi.json").json()["paths"]


def test_invoke_a_tool_over_rest(client: TestClient) -> None:
    r = client.post(
        "/api/v1/tools/list_orders",
        json={"status": "pending"},
        headers=bearer(client, "c-0001", "creator"),
    )
    assert r.status_code == 200
    assert r.json()["orders"] and {o["status"] for o in r.json()["orders"]} == {"pending"}


def test_rest_errors_have_the_contract_shape(client: TestClient) -> None:
    creator = bearer(client, "c-0001", "creator")
    err = assert_error(
        client.post("/api/v1/tools/list_orders", json={"status": "returned"}, headers=creator),
        400,
        "VALIDATION_ERROR",
    )
    assert err["details"]["field"] == "status"
    assert_error(client.post("/api/v1/tools/list_orders", json={}), 401, "UNAUTHORIZED")
    assert_error(client.post("/api/v1/tools/nope", json={}, headers=creator), 404, "UNKNOWN_TOOL")
    assert_error(
        client.post(
            "/api/v1/tools/update_price",
            json={"product_id": "p-00012", "new_price": 900},
            headers=bearer(client, "b-0001", "buyer"),
        ),
        403,
        "FORBIDDEN",
    )
    expired = jwt.encode(
        {"sub": "c-0001", "role": "creator", "exp": int(time.time()) - 5},
        client.app.state.settings.jwt_secret,
        algorithm="HS256",
    )
    err = assert_error(
        client.get("/api/v1/orders", headers={"Authorization": f"Bearer {expired}"}),
        401,
        "UNAUTHORIZED",
    )
    assert err["details"]["reason"] == "expired"
    assert_error(
        client.post("/auth/dev-token", json={"user_id": "x", "role": "king"}),
        400,
        "VALIDATION_ERROR",
    )
    assert_error(client.get("/api/v1/orders?limit=0", headers=creator), 400, "VALIDATION_ERROR")


def test_creator_cannot_change_another_creators_price(client: TestClient, seeded_store) -> None:
    from domain.store import Product

    with seeded_store.session() as s:
        other = s.query(Product).filter(Product.creator_id != "c-0001").first()
        before = other.price
    r = client.post(
        "/api/v1/tools/update_price",
        json={"product_id": other.id, "new_price": before + 1},
        headers=bearer(client, "c-0001", "creator"),
    )
    assert_error(r, 403, "FORBIDDEN")
    with seeded_store.session() as s:
        assert s.get(Product, other.id).price == before


def test_orders_are_scoped_to_their_owner(client: TestClient) -> None:
    mine = client.get("/api/v1/orders?limit=200", headers=bearer(client, "b-0001", "buyer")).json()
    assert all(o["buyer_id"] == "b-0001" for o in mine["items"])
    some = client.get("/api/v1/orders?limit=1", headers=bearer(client, "admin-1", "admin")).json()[
        "items"
    ][0]
    if some["buyer_id"] != "b-0002":
        assert_error(
            client.get(f"/api/v1/orders/{some['id']}", headers=bearer(client, "b-0002", "buyer")),
            404,
            "NOT_FOUND",
        )
    page = client.get(
        "/api/v1/products?limit=5&offset=5", headers=bearer(client, "b-0001", "buyer")
    ).json()
    assert len(page["items"]) == 5 and page["total"] >= 2000 and page["offset"] == 5


def test_guest_token_is_a_buyer(client: TestClient) -> None:
    body = client.post("/auth/guest").json()
    assert body["role"] == "buyer" and body["user_id"].startswith("b-guest-")
