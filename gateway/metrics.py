"""Prometheus metrics of one app instance (its own registry, so tests can build many apps)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class Metrics:
    """Counters and histograms the gateway updates; exposed at ``GET /metrics``."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "qalakar_http_requests_total", "HTTP requests", ["method", "route", "status"],
            registry=self.registry,
        )
        self.turns = Counter(
            "qalakar_turns_total",
            "Conversation turns",
            ["channel", "outcome"],
            registry=self.registry,
        )
        self.turn_latency = Histogram(
            "qalakar_turn_latency_seconds",
            "Turn latency",
            ["channel"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.tool_calls = Counter(
            "qalakar_tool_calls_total", "Tool calls", ["tool", "ok"], registry=self.registry
        )
        self.rate_limited = Counter(
            "qalakar_rate_limited_total",
            "Requests and turns refused by rate limits",
            ["scope"],
            registry=self.registry,
        )
        self.ws_errors = Counter(
            "qalakar_ws_errors_total", "Error frames sent", ["code"], registry=self.registry
        )
