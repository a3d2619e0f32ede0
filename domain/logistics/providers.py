"""Logistics providers behind one method, ``quote(shipment) -> list[Quote]``.

``RateCardProvider`` prices from the cards in :mod:`rate_cards`; ``HttpProvider`` asks a
provider's rate API (``POST {base_url}/rates``) with a timeout, guarded by a
``CircuitBreaker`` that opens after five consecutive failures. ``ProviderUnavailable`` is what
a provider raises when it cannot answer; the quoting engine then tries the next one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from domain.errors import DomainError
from domain.logistics.rate_cards import (
    INTRA_CITY_KM,
    METRO_RADIUS_KM,
    METROS,
    RATE_CARDS,
    SPECIAL_STATES,
    RateCard,
    price,
)
from domain.places import Place, distance_km


class ProviderUnavailable(DomainError):
    """A provider could not answer (timeout, HTTP error, bad payload, open circuit)."""

    code = "UPSTREAM_UNAVAILABLE"


@dataclass(frozen=True)
class Shipment:
    """One parcel from ``origin`` to ``destination``; dimensions in cm, weight in kg."""

    origin: Place
    destination: Place
    weight_kg: float
    declared_price: float
    dims_cm: tuple[float, float, float] | None = None
    fragile: bool = True  # handicrafts travel as fragile unless the creator says otherwise

    @property
    def distance_km(self) -> float:
        """Geodesic distance between origin and destination."""
        return distance_km(
            (self.origin.lat, self.origin.lon), (self.destination.lat, self.destination.lon)
        )


@dataclass(frozen=True)
class Quote:
    """A provider's price and promise for one shipment."""

    provider: str
    cost: float
    delivery_days: int
    zone: str
    source: str  # "rate_card" or "api"
    chargeable_kg: float = 0.0
    breakdown: dict[str, float] | None = None


def metro_of(place: Place) -> str | None:
    """The metro ``place`` lies in, if any."""
    for name, centre in METROS.items():
        if distance_km((place.lat, place.lon), centre) <= METRO_RADIUS_KM:
            return name
    return None


def zone_of(origin: Place, destination: Place) -> str:
    """The courier zone between two places (special zones win over everything else)."""
    if origin.state in SPECIAL_STATES or destination.state in SPECIAL_STATES:
        return "special"
    if distance_km((origin.lat, origin.lon), (destination.lat, destination.lon)) <= INTRA_CITY_KM:
        return "intra_city"
    if origin.state and origin.state == destination.state:
        return "intra_state"
    a, b = metro_of(origin), metro_of(destination)
    if a and b:
        return "metro"
    return "rest_of_india"


class LogisticsProvider(Protocol):
    """Anything that prices a shipment."""

    name: str

    def quote(self, shipment: Shipment) -> list[Quote]:
        """Quotes for ``shipment``; raise :class:`ProviderUnavailable` when it cannot answer."""
        ...


class RateCardProvider:
    """Prices from the modelled rate cards; always available, never leaves the process."""

    name = "rate_cards"

    def __init__(self, cards: tuple[RateCard, ...] = RATE_CARDS) -> None:
        self.cards = cards

    def quote(self, shipment: Shipment) -> list[Quote]:
        """One quote per card that carries this weight."""
        zone = zone_of(shipment.origin, shipment.destination)
        quotes = []
        for card in self.cards:
            if shipment.weight_kg > card.max_kg:
                continue
            c = price(
                card,
                zone,
                shipment.weight_kg,
                shipment.dims_cm,
                shipment.declared_price,
                shipment.fragile,
            )
            quotes.append(
                Quote(
                    card.provider,
                    c.total,
                    c.delivery_days,
                    zone,
                    "rate_card",
                    c.chargeable_kg,
                    c.parts,
                )
            )
        return quotes


class CircuitBreaker:
    """Closed → open after ``threshold`` consecutive failures → half-open after ``cooldown_s``."""

    def __init__(
        self,
        threshold: int = 5,
        cooldown_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self.clock = clock
        self.failures = 0
        self.opened_at: float | None = None

    @property
    def state(self) -> str:
        """``closed``, ``open`` or ``half_open``."""
        if self.opened_at is None:
            return "closed"
        return "half_open" if self.clock() - self.opened_at >= self.cooldown_s else "open"

    def allow(self) -> bool:
        """Whether a call may go through now (one trial call when half-open)."""
        return self.state != "open"

    def record_success(self) -> None:
        """A good answer closes the circuit."""
        self.failures = 0
        self.opened_at = None

    def record_failure(self) -> None:
        """Count a failure; the threshold-th in a row (or a failed trial) opens the circuit."""
        self.failures += 1
        if self.failures >= self.threshold or self.opened_at is not None:
            self.opened_at = self.clock()


@dataclass(frozen=True)
class LogisticsConfig:
    """A courier aggregator's rate API; no ``api_url`` means rate cards only."""

    api_url: str | None = None
    api_key: str | None = None


class HttpProvider:
    """A provider's rate API: ``POST {base_url}/rates`` with a bearer key, answered in JSON.

    The answer is ``{"quotes": [{"provider", "cost", "delivery_days"}...]}``; anything else is
    a failure, as are timeouts and non-2xx statuses.
    """

    def __init__(
        self,
        name: str,
        base_url: str,
        api_key: str | None = None,
        *,
        timeout_s: float = 2.0,
        breaker: CircuitBreaker | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.breaker = breaker or CircuitBreaker()
        self._client = client

    def _payload(self, s: Shipment) -> dict[str, Any]:
        return {
            "origin": {
                "name": s.origin.name,
                "lat": s.origin.lat,
                "lon": s.origin.lon,
                "state": s.origin.state,
            },
            "destination": {
                "name": s.destination.name,
                "lat": s.destination.lat,
                "lon": s.destination.lon,
                "state": s.destination.state,
            },
            "weight_kg": s.weight_kg,
            "dimensions_cm": list(s.dims_cm) if s.dims_cm else None,
            "declared_value": s.declared_price,
            "fragile": s.fragile,
        }

    def quote(self, shipment: Shipment) -> list[Quote]:
        """Ask the API once; failures count against the breaker."""
        if not self.breaker.allow():
            raise ProviderUnavailable(
                f"{self.name}: circuit open", provider=self.name, reason="circuit_open"
            )
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            client = self._client or httpx.Client(timeout=self.timeout_s)
            try:
                resp = client.post(
                    f"{self.base_url}/rates",
                    json=self._payload(shipment),
                    headers=headers,
                    timeout=self.timeout_s,
                )
            finally:
                if self._client is None:
                    client.close()
            resp.raise_for_status()
            quotes = _parse(resp.json(), zone_of(shipment.origin, shipment.destination))
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            self.breaker.record_failure()
            raise ProviderUnavailable(
                f"{self.name}: {type(exc).__name__}", provider=self.name, reason=type(exc).__name__
            ) from exc
        self.breaker.record_success()
        return quotes


def _parse(body: Any, zone: str) -> list[Quote]:
    """Validate an API answer; a quote without a positive cost is a malformed answer."""
    quotes = []
    for item in body["quotes"]:
        cost, days = float(item["cost"]), int(item["delivery_days"])
        if not cost > 0 or days < 0:
            raise ValueError("non-positive cost or negative days in provider answer")
        quotes.append(Quote(str(item["provider"]), round(cost, 2), days, zone, "api"))
    if not quotes:
        raise ValueError("provider answered with no quotes")
    return quotes
