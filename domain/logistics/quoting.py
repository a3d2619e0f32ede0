"""Choose a courier: ask every provider, fall back to rate cards, pick the cheapest fast one.

Providers are tried in order; one that fails (timeout, error, open circuit) is skipped and
the next is asked. When no API provider answers, the rate cards answer and the advice says
so (prop 32). Shipping above 20 % of the declared price raises a warning with a pricing
suggestion (prop 31).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from domain.errors import InvalidInput
from domain.logistics.providers import (
    LogisticsProvider,
    ProviderUnavailable,
    Quote,
    RateCardProvider,
    Shipment,
)

MAX_DAYS = 7
HIGH_COST_SHARE = 0.20


@dataclass(frozen=True)
class ShippingAdvice:
    """The best quote, every quote, and what the creator should know."""

    best: Quote
    quotes: list[Quote]
    distance_km: float
    cost_percentage: float
    warning: str | None
    suggestion: str | None
    sources: list[str]
    fallback_reason: str | None = None
    failures: list[dict[str, str]] = field(default_factory=list)


def validate(shipment: Shipment) -> None:
    """Refuse impossible parcels before any provider is asked."""
    if not shipment.weight_kg > 0:
        raise InvalidInput("weight must be above zero", field="weight_kg")
    if not shipment.declared_price > 0:
        raise InvalidInput("declared price must be above zero", field="declared_price")
    if shipment.dims_cm is not None and min(shipment.dims_cm) <= 0:
        raise InvalidInput("every dimension must be above zero", field="dimensions_cm")


def gather(
    shipment: Shipment,
    providers: Sequence[LogisticsProvider],
    fallback: LogisticsProvider | None = None,
) -> tuple[list[Quote], list[str], list[dict[str, str]]]:
    """Quotes from every provider that answers, else from ``fallback`` (the rate cards)."""
    quotes: list[Quote] = []
    sources: list[str] = []
    failures: list[dict[str, str]] = []
    for provider in providers:
        try:
            got = provider.quote(shipment)
        except ProviderUnavailable as exc:
            failures.append(
                {"provider": provider.name, "reason": str(exc.details.get("reason", exc))}
            )
            continue
        quotes.extend(got)
        sources.append(provider.name)
    if not quotes:
        fb = fallback or RateCardProvider()
        quotes = fb.quote(shipment)
        sources.append(fb.name)
    return quotes, sources, failures


def cheapest(quotes: Sequence[Quote], max_days: int = MAX_DAYS) -> Quote:
    """The cheapest quote delivering within ``max_days``; the fastest-cheapest when none does."""
    if not quotes:
        raise InvalidInput("no provider carries a parcel this heavy", field="weight_kg")
    in_time = [q for q in quotes if q.delivery_days <= max_days]
    pool = in_time or quotes
    return min(pool, key=lambda q: (q.cost, q.delivery_days, q.provider))


def cost_alert(cost: float, declared_price: float) -> tuple[float, str | None, str | None]:
    """Shipping as a percentage of the price, and a warning with a suggestion above 20 %."""
    share = cost / declared_price
    if share <= HIGH_COST_SHARE:
        return round(share * 100, 2), None, None
    # The price at which this shipping cost would be exactly 20 %.
    break_even = cost / HIGH_COST_SHARE
    warning = (
        f"Shipping (₹{cost:,.0f}) is {share:.0%} of the price (₹{declared_price:,.0f}), above 20%."
    )
    suggestion = (
        f"Raise the price to about ₹{break_even:,.0f}, add shipping as a separate charge, "
        f"or bundle items so one parcel carries more value."
    )
    return round(share * 100, 2), warning, suggestion


def quote_shipment(
    shipment: Shipment,
    providers: Sequence[LogisticsProvider] = (),
    fallback: LogisticsProvider | None = None,
    max_days: int = MAX_DAYS,
) -> ShippingAdvice:
    """Quotes from every provider, the best one within ``max_days``, and a cost alert."""
    validate(shipment)
    quotes, sources, failures = gather(shipment, providers, fallback)
    best = cheapest(quotes, max_days)
    share, warning, suggestion = cost_alert(best.cost, shipment.declared_price)
    reason = None
    if providers and not any(q.source == "api" for q in quotes):
        reason = "no provider API answered; prices are from the modelled rate cards"
    return ShippingAdvice(
        best,
        sorted(quotes, key=lambda q: (q.cost, q.provider)),
        round(shipment.distance_km, 1),
        share,
        warning,
        suggestion,
        sources,
        reason,
        failures,
    )
