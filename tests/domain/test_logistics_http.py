"""The HTTP logistics provider against a small provider server on loopback (prop 32)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.logistics import (
    CircuitBreaker,
    HttpProvider,
    ProviderUnavailable,
    Shipment,
    quote_shipment,
)
from domain.places import Gazetteer

GAZ = Gazetteer.default()
JAIPUR, DELHI = GAZ.resolve("Jaipur"), GAZ.resolve("Delhi")


class ProviderServer:
    """A courier rate API whose behaviour the test sets: ok, error, slow, garbage."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.hits = 0
        self.last_auth: str | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # http.server's naming
                server.hits += 1
                server.last_auth = self.headers.get("Authorization")
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if server.mode == "slow":
                    time.sleep(0.5)
                if server.mode == "error":
                    self.send_response(503)
                    self.end_headers()
                    return
                if server.mode == "garbage":
                    payload = b"<html>maintenance</html>"
                else:
                    cost = 60 + 40 * body["weight_kg"]
                    payload = json.dumps(
                        {
                            "quotes": [
                                {
                                    "provider": "TestCourier Express",
                                    "cost": cost,
                                    "delivery_days": 2,
                                },
                                {
                                    "provider": "TestCourier Economy",
                                    "cost": cost * 0.7,
                                    "delivery_days": 6,
                                },
                            ]
                        }
                    ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> ProviderServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def server() -> Iterator[ProviderServer]:
    with ProviderServer() as s:
        yield s


def shipment(w: float = 1.0) -> Shipment:
    return Shipment(JAIPUR, DELHI, w, 2000.0)


def test_api_quotes_are_used_and_the_key_is_sent(server: ProviderServer) -> None:
    api = HttpProvider("api", server.url, "k-123", timeout_s=1.0)
    advice = quote_shipment(shipment(), [api])
    assert advice.best.source == "api" and advice.best.provider == "TestCourier Economy"
    assert advice.fallback_reason is None
    assert server.last_auth == "Bearer k-123"


@pytest.mark.parametrize("mode", ["error", "slow", "garbage"])
def test_failures_fall_back_to_rate_cards_and_say_so(server: ProviderServer, mode: str) -> None:
    server.mode = mode
    api = HttpProvider("api", server.url, timeout_s=0.2)
    advice = quote_shipment(shipment(), [api])
    assert advice.best.source == "rate_card"
    assert advice.fallback_reason and "rate cards" in advice.fallback_reason
    assert advice.failures and advice.failures[0]["provider"] == "api"


def test_a_failing_provider_is_skipped_for_the_next(server: ProviderServer) -> None:
    with ProviderServer() as broken:
        broken.mode = "error"
        first = HttpProvider("broken", broken.url, timeout_s=0.5)
        second = HttpProvider("good", server.url, timeout_s=0.5)
        advice = quote_shipment(shipment(), [first, second])
    assert advice.sources == ["good"] and advice.best.source == "api"
    assert [f["provider"] for f in advice.failures] == ["broken"]


def test_circuit_opens_after_five_failures_and_recovers(server: ProviderServer) -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=5, cooldown_s=30, clock=lambda: now[0])
    api = HttpProvider("api", server.url, timeout_s=0.5, breaker=breaker)
    server.mode = "error"
    for _ in range(5):
        with pytest.raises(ProviderUnavailable):
            api.quote(shipment())
    assert breaker.state == "open" and server.hits == 5
    for _ in range(3):  # open: the server is not even asked
        advice = quote_shipment(shipment(), [api])
        assert advice.best.source == "rate_card"
    assert server.hits == 5
    now[0] = 31.0
    server.mode = "ok"
    assert breaker.state == "half_open"
    assert quote_shipment(shipment(), [api]).best.source == "api"
    assert breaker.state == "closed" and server.hits == 6


def test_a_failed_trial_reopens_the_circuit(server: ProviderServer) -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=5, cooldown_s=10, clock=lambda: now[0])
    api = HttpProvider("api", server.url, timeout_s=0.5, breaker=breaker)
    server.mode = "error"
    for _ in range(5):
        quote_shipment(shipment(), [api])
    now[0] = 11.0
    quote_shipment(shipment(), [api])  # the half-open trial fails
    assert breaker.state == "open" and server.hits == 6


@pytest.fixture(scope="module")
def pool() -> Iterator[list[ProviderServer]]:
    servers = [ProviderServer() for _ in range(3)]
    for s in servers:
        s.__enter__()
    yield servers
    for s in servers:
        s.__exit__()


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    modes=st.lists(st.sampled_from(["ok", "error", "garbage", "down"]), min_size=0, max_size=3),
    w=st.floats(0.1, 20.0),
)
def test_every_request_gets_a_valid_rate(
    pool: list[ProviderServer], modes: list[str], w: float
) -> None:
    """Property 32: Logistics API Integration — whatever the providers do, a shipping request gets
    at least one valid rate response: from a provider API that answers, else the rate cards."""
    providers = []
    for s, mode in zip(pool, modes, strict=False):
        if mode == "down":  # nothing listens on the discard port
            providers.append(HttpProvider("down", "http://127.0.0.1:9", timeout_s=0.2))
        else:
            s.mode = mode
            providers.append(HttpProvider(mode, s.url, timeout_s=0.5))
    advice = quote_shipment(shipment(w), providers)
    assert advice.quotes and all(q.cost > 0 and q.delivery_days >= 0 for q in advice.quotes)
    if "ok" in modes:
        assert advice.best.source == "api" and advice.fallback_reason is None
    else:
        assert advice.best.source == "rate_card"
        if modes:
            assert advice.fallback_reason
