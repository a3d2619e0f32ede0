"""The Golden Price Engine (seed props 1-3): cost tables, a market model, the price range.

    DomainError
    ├── InvalidInput       unknown category or material, impossible weight → VALIDATION_ERROR
    │                      (details: ``field`` and ``known``, the table's names)
    └── InsufficientData   too few sold items to fit a market model
                           (caught by the service: the price becomes a flagged cost-plus estimate)

``engine.golden_price`` is the pure core; ``service.price_for`` runs it against the store;
``refresh.refresh_golden_prices`` reprices listings when the market moves.
"""

from domain.pricing.cost import CostBreakdown, material_cost, production_cost, transport_cost
from domain.pricing.engine import GoldenPrice, PriceQuery, golden_price
from domain.pricing.market import MarketModel, SoldItem, fit_market_model
from domain.pricing.tables import CostTables, default_tables

__all__ = [
    "CostBreakdown", "CostTables", "GoldenPrice", "MarketModel", "PriceQuery", "SoldItem",
    "default_tables", "fit_market_model", "golden_price", "material_cost", "production_cost",
    "transport_cost",
]
