"""Every tool the product offers, listed explicitly: adding a tool is adding a line here."""

from __future__ import annotations

from tools import (
    discovery,
    forecasting,
    heritage,
    heritage_map,
    listings,
    logistics,
    orders,
    pricing,
    search,
    verification,
)
from tools.registry import Tool

TOOLS: tuple[Tool, ...] = (
    search.search_products,
    discovery.recommend_similar,
    orders.list_orders,
    listings.update_price,
    listings.create_listing,
    listings.publish_listing,
    pricing.golden_price,
    logistics.shipping_quote,
    logistics.consolidation_plan,
    forecasting.demand_forecast,
    forecasting.production_plan,
    forecasting.inventory_health,
    verification.analyze_authenticity,
    verification.image_theft_check,
    verification.fraud_check,
    heritage.heritage_lookup,
    heritage_map.craft_clusters,
    heritage_map.heritage_trail,
)
