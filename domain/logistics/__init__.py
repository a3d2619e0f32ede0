"""Logistics: rate cards as data, providers (rate cards, HTTP APIs), quotes and consolidation.

DomainError
├── InvalidInput            an impossible parcel            → VALIDATION_ERROR
└── ProviderUnavailable     a provider that cannot answer   → UPSTREAM_UNAVAILABLE
    (caught inside quoting: the next provider, then the rate cards, answer instead)
"""

from domain.logistics.consolidation import Group, Parcel, plan
from domain.logistics.providers import (
    CircuitBreaker,
    HttpProvider,
    LogisticsConfig,
    LogisticsProvider,
    ProviderUnavailable,
    Quote,
    RateCardProvider,
    Shipment,
    zone_of,
)
from domain.logistics.quoting import ShippingAdvice, quote_shipment

__all__ = [
    "CircuitBreaker",
    "Group",
    "HttpProvider",
    "LogisticsConfig",
    "LogisticsProvider",
    "Parcel",
    "ProviderUnavailable",
    "Quote",
    "RateCardProvider",
    "Shipment",
    "ShippingAdvice",
    "plan",
    "quote_shipment",
    "zone_of",
]
