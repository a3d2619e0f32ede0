"""Every skill of the embedded planner, listed explicitly: teaching it a tool is a line here."""

from __future__ import annotations

from agents.nlu.skill import Skill
from agents.skills import (
    analyze_authenticity,
    consolidation_plan,
    craft_clusters,
    create_listing,
    demand_forecast,
    fraud_check,
    golden_price,
    heritage_lookup,
    heritage_trail,
    image_theft_check,
    inventory_health,
    list_orders,
    production_plan,
    publish_listing,
    recommend_similar,
    search_products,
    shipping_quote,
    update_price,
)

SKILLS: tuple[Skill, ...] = (
    search_products.SKILL,
    recommend_similar.SKILL,
    list_orders.SKILL,
    update_price.SKILL,
    create_listing.SKILL,
    publish_listing.SKILL,
    golden_price.SKILL,
    shipping_quote.SKILL,
    consolidation_plan.SKILL,
    demand_forecast.SKILL,
    production_plan.SKILL,
    inventory_health.SKILL,
    analyze_authenticity.SKILL,
    image_theft_check.SKILL,
    fraud_check.SKILL,
    heritage_lookup.SKILL,
    craft_clusters.SKILL,
    heritage_trail.SKILL,
)
