"""What an attacker found over HTTP (issue 12, findings 4, 7, 8 and 10), each refused cleanly."""

from __future__ import annotations

import time
from collections.abc import Iterator

import jwt
import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import Settings

SECRET = "test-secret-0123456789abcdef-0123456789"


def make_settings(data_dir, database_url, **over) -> Settings:
    values = dict(env="test", data_dir=data_dir, database_url=database_url, dev_auth=True,
                  jwt_secret=SECRET, _env_file=None)
    return Settings(**{**values, **over})


@pytest.fixture(scope="module")
def client(seeded_store, data_dir, database_url) -> Iterator[TestClient]:
    settings = make_settings(data_dir, database_url, rate_limit_per_minute=0,
                             max_request_bytes=2_000_000, max_upload_bytes=1_000_000,
                             metrics_token="metrics-token-0123456789abcdefXYZ")
    with TestClient(create_app(settings)) as c:
        yield c


def bearer(client: TestClient, user: str, role: str) -> dict[str, str]:
    token = client.post("/auth/dev-token", json={"user_id": user, "role": role}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    err = response.json()["error"]
    assert err["code"] == code and "Traceback" not in response.text
    return err


# -- finding 7: request bodies ---------------------------------------------------------------

def test_a_body_over_the_limit_is_refused_by_its_length(client: TestClient) -> None:
    big = b'{"destination": "' + b"x" * 3_000_000 + b'"}'
    r = client.post("/api/v1/tools/shipping_quote", content=big,
                    headers={**bearer(client, "c-0001", "creator"),
                             "content-type": "application/json"})
    err = assert_error(r, 413, "PAYLOAD_TOO_LARGE")
    assert err["details"]["limit_bytes"] == 2_000_000


def test_a_streamed_body_is_refused_while_it_streams(client: TestClient) -> None:
    sent = []

    def chunks() -> Iterator[bytes]:
        yield b'{"destination": "'
        for _ in range(100):  # 10 MB if it were all read
            sent.append(1)
            yield b"x" * 100_000
        yield b'"}'

    r = client.post("/api/v1/tools/shipping_quote", content=chunks(),
                    headers={**bearer(client, "c-0001", "creator"),
                             "content-type": "application/json"})
    assert_error(r, 413, "PAYLOAD_TOO_LARGE")


def test_an_upload_over_the_limit_is_refused(client: TestClient) -> None:
    r = client.post("/api/v1/uploads", files={"file": ("a.png", b"\x89PNG" + b"0" * 1_500_000)},
                    headers=bearer(client, "c-0001", "creator"))
    assert_error(r, 413, "PAYLOAD_TOO_LARGE")


# -- finding 8: no 500s ----------------------------------------------------------------------

@pytest.mark.parametrize("route", ["/api/v1/products", "/api/v1/creators", "/api/v1/orders"])
def test_huge_offsets_are_a_400(client: TestClient, route: str) -> None:
    r = client.get(f"{route}?offset={2**63}", headers=bearer(client, "a-0001", "admin"))
    assert r.status_code == 400, r.text


@pytest.mark.parametrize("ref", ["img-\x00.png", "n" * 300])
def test_bad_image_names_are_a_400(client: TestClient, ref: str) -> None:
    r = client.post("/api/v1/tools/analyze_authenticity", headers=bearer(client, "a-0001", "admin"),
                    json={"images": [ref], "category": "pottery"})
    assert_error(r, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("claims", [{"role": ["admin"]}, {"role": {"a": 1}}, {"sub": ["c-1"]},
                                    {"sub": "x" * 5000}])
def test_odd_jwt_claims_are_a_401(client: TestClient, claims: dict) -> None:
    token = jwt.encode({"sub": "c-0001", "role": "creator", "exp": int(time.time()) + 60,
                        **claims}, SECRET, algorithm="HS256")
    r = client.get("/api/v1/portfolio", headers={"Authorization": f"Bearer {token}"})
    assert_error(r, 401, "UNAUTHORIZED")


# -- finding 10 -------------------------------------------------------------------------------

def test_prices_below_one_rupee_are_refused(client: TestClient) -> None:
    r = client.post("/api/v1/tools/update_price", headers=bearer(client, "a-0001", "admin"),
                    json={"product_id": "p-00001", "new_price": 5e-324})
    err = assert_error(r, 400, "VALIDATION_ERROR")
    assert err["details"]["field"] == "new_price"


@pytest.mark.parametrize("rid", ["x" * 10_000, "a b", "<script>", "a/b"])
def test_request_ids_are_bounded(client: TestClient, rid: str) -> None:
    r = client.get("/healthz", headers={"X-Request-ID": rid})
    assert r.headers["x-request-id"] != rid and r.headers["x-request-id"].startswith("req-")
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers[
        "x-request-id"] == "abc-123"


def test_upload_errors_name_no_python_objects(client: TestClient) -> None:
    r = client.post("/api/v1/uploads", files={"file": ("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 200)},
                    headers=bearer(client, "c-0001", "creator"))
    err = assert_error(r, 415, "UNSUPPORTED_MEDIA")
    assert "object at" not in err["message"] and "<" not in err["message"]


def test_metrics_need_their_token(client: TestClient) -> None:
    assert_error(client.get("/metrics"), 401, "UNAUTHORIZED")
    token = "metrics-token-0123456789abcdefXYZ"
    ok = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and "qalakar_http_requests_total" in ok.text


def test_prod_hides_docs_and_metrics(seeded_store, data_dir, database_url) -> None:
    settings = make_settings(data_dir, database_url, env="prod", dev_auth=False,
                             jwt_secret="k3Yq-8vN2_xT5wL9mR4pZ7cH1jB6dF0sG")
    with TestClient(create_app(settings)) as c:
        assert c.get("/docs").status_code == 404 and c.get("/openapi.json").status_code == 404
        assert c.get("/metrics").status_code == 404


def test_readiness_checks_the_checkpoint_store(client: TestClient) -> None:
    deadline = time.monotonic() + 120
    while (r := client.get("/readyz")).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert r.json()["checks"]["checkpoints"] == "ok"
    saver = client.app.state.assistant.graph.checkpointer
    original = saver.aput

    async def locked(*args, **kwargs):
        raise RuntimeError("database is locked")

    saver.aput = locked
    try:
        r = client.get("/readyz")
        assert r.status_code == 503 and r.json()["checks"]["checkpoints"].startswith("error")
    finally:
        saver.aput = original
    assert client.get("/readyz").status_code == 200


def test_readiness_sees_a_corrupt_database(tmp_path, seeded_store) -> None:
    import shutil

    from domain.store import Store

    db = tmp_path / "copy.db"
    src = seeded_store.url.split("///", 1)[-1]
    if not src.endswith(".db"):
        pytest.skip("needs the SQLite store")
    with seeded_store.engine.connect() as conn:
        conn.exec_driver_sql(f"VACUUM INTO '{db}'")
    store = Store.from_url(f"sqlite:///{db}")
    settings = make_settings(tmp_path, f"sqlite:///{db}")
    with TestClient(create_app(settings)) as c:
        deadline = time.monotonic() + 120
        while c.get("/readyz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        store.dispose()
        c.app.state.store.dispose()
        with open(db, "r+b") as f:  # scribble over pages in the middle of the file
            f.seek(db.stat().st_size // 2)
            f.write(b"\xde\xad\xbe\xef" * 4096)
        c.app.state.integrity_checked = 0.0
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["checks"]["database"].startswith("error")
    shutil.rmtree(tmp_path, ignore_errors=True)


# -- finding 4: guests --------------------------------------------------------------------------

def test_guest_tokens_and_guest_requests_count_per_address(
    seeded_store, data_dir, database_url
) -> None:
    settings = make_settings(data_dir, database_url, guest_tokens_per_minute=3,
                             rate_limit_per_minute=5)
    with TestClient(create_app(settings)) as c:
        tokens = [c.post("/auth/guest") for _ in range(4)]
        assert [t.status_code for t in tokens] == [200, 200, 200, 429]
        statuses = []
        for t in tokens[:3]:  # fresh guest tokens share their address's budget
            h = {"Authorization": f"Bearer {t.json()['token']}"}
            statuses += [c.get("/api/v1/products?limit=1", headers=h).status_code for _ in range(2)]
        assert statuses.count(429) >= 1


def test_deeply_nested_json_is_a_400(client: TestClient) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    r = client.post("/api/v1/tools/shipping_quote", content=body,
                    headers={**bearer(client, "c-0001", "creator"),
                             "content-type": "application/json"})
    assert r.status_code == 400, r.text


def test_forwarding_headers_count_only_from_trusted_proxies(
    seeded_store, data_dir, database_url
) -> None:
    """Uvicorn believed X-Forwarded-For from loopback: every local client could be anyone."""
    import httpx

    from gateway.cli import server_options
    from tests.live import LiveServer

    assert server_options(make_settings(data_dir, database_url))["proxy_headers"] is False
    behind = server_options(make_settings(data_dir, database_url, trusted_proxies="10.0.0.2"))
    assert behind["proxy_headers"] and behind["forwarded_allow_ips"] == "10.0.0.2"
    live = LiveServer(make_settings(data_dir, database_url, guest_tokens_per_minute=2)).start()
    try:
        codes = [httpx.post(f"{live.http}/auth/guest",
                            headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                 for i in range(4)]
    finally:
        live.stop()
    assert codes == [200, 200, 429, 429]


def test_a_retried_critical_request_with_an_idempotency_key_runs_once(
    client: TestClient, seeded_store
) -> None:
    """Finding 2 over REST: the same Idempotency-Key returns the recorded result."""
    from sqlalchemy import func, select

    from domain.store import AuditEntry, Product

    with seeded_store.session() as s:
        old = s.get(Product, "p-00031").price
    headers = {**bearer(client, "a-0001", "admin"), "Idempotency-Key": "retry-test-1"}

    def audits() -> int:
        with seeded_store.session() as s:
            return s.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action == "price_update", AuditEntry.target == "p-00031"))

    before = audits()
    try:
        body = {"product_id": "p-00031", "new_price": 4321}
        first = client.post("/api/v1/tools/update_price", json=body, headers=headers)
        again = client.post("/api/v1/tools/update_price", json=body, headers=headers)
        assert first.status_code == again.status_code == 200 and first.json() == again.json()
        assert audits() == before + 1
        other = client.post("/api/v1/tools/update_price", headers=headers,
                            json={**body, "new_price": 999})
        assert_error(other, 409, "CONFLICT")
    finally:
        with seeded_store.session() as s:
            s.get(Product, "p-00031").price = old
