"""``shipping_quote`` and ``consolidation_plan``: what shipping costs, and what to send together."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, select

from domain.errors import InvalidInput
from domain.logistics import HttpProvider, LogisticsProvider, Parcel, Shipment, plan, quote_shipment
from domain.logistics.consolidation import GROUP_KM, price_group
from domain.places import Place, distance_km
from domain.store.models import Creator, Order, Product
from tools.common import PlaceArg, home_of, resolve_place
from tools.registry import ToolContext, tool


class Dimensions(BaseModel):
    """A parcel's size in cm."""

    length: float = Field(gt=0, le=300)
    width: float = Field(gt=0, le=300)
    height: float = Field(gt=0, le=300)


class ShippingQuoteArgs(BaseModel):
    """Arguments of ``shipping_quote``."""

    destination: PlaceArg
    weight_kg: float = Field(gt=0, le=100, description="Parcel weight in kg")
    declared_price: float = Field(gt=0, le=10_000_000, description="Price of the item in INR")
    dimensions_cm: Dimensions | None = Field(default=None, description="Packed size in cm")
    origin: PlaceArg | None = Field(
        default=None, description="Where it ships from; default: the creator's home"
    )
    fragile: bool = Field(
        default=True, description="Handicrafts ship as fragile unless told otherwise"
    )


class QuoteLine(BaseModel):
    """One provider's offer."""

    provider: str
    cost: float
    delivery_days: int
    source: str = "rate_card"


class ShippingQuoteResult(BaseModel):
    """The best offer and every offer, with a warning when shipping eats the margin."""

    optimal_cost: float
    provider: str
    delivery_days: int
    zone: str
    distance_km: float
    chargeable_weight_kg: float = 0.0
    breakdown: dict[str, float] | None = None
    all_quotes: list[QuoteLine]
    bulk_savings: float = 0.0
    bulk_with_orders: list[str] = []
    cost_percentage: float
    warning: str | None = None
    suggestion: str | None = None
    source: str
    fallback_reason: str | None = None
    origin: dict[str, Any]
    destination: dict[str, Any]


@lru_cache(maxsize=8)
def _http_provider(url: str, key: str | None) -> HttpProvider:
    # Cached so one provider's circuit breaker remembers failures across calls.
    return HttpProvider("logistics_api", url, key)


def providers_for(ctx: ToolContext) -> list[LogisticsProvider]:
    """Configured API providers (``logistics_api_url``/``_key``); none → rate cards only."""
    config = ctx.config.logistics
    if not config.api_url:
        return []
    return [_http_provider(config.api_url, config.api_key)]


MEDIAN_WORKSHOP = "the median maker's workshop"


def _origin(ctx: ToolContext, value: Any) -> Place:
    """The given origin, else a creator's own workshop, else the median workshop.

    A buyer's parcel leaves a maker's workshop, never the buyer's own address (that is where it
    goes). With no product to say which maker, the quote starts from the median of the makers'
    locations (the name says so), which the next turn can correct with "from Jaipur".
    """
    if value is not None:
        return resolve_place(value, ctx)
    home = home_of(ctx.store, ctx.user_id) if ctx.role == "creator" else None
    if home is not None:
        return home
    with ctx.store.session() as s:
        makers = s.scalar(select(func.count()).select_from(Creator)) or 0
        if not makers:
            raise InvalidInput("where does it ship from? give an origin", field="origin")
        lat, lon = (float(s.scalars(select(column).order_by(column).offset(makers // 2)
                                    .limit(1)).one())
                    for column in (Creator.lat, Creator.lon))
    return Place(MEDIAN_WORKSHOP, lat, lon, kind="point")


def _where(p: Place) -> dict[str, Any]:
    return {"name": p.name, "state": p.state, "lat": p.lat, "lon": p.lon}


def pending_parcels(session: Any, creator_id: str) -> list[Parcel]:
    """A creator's pending and confirmed orders that have a shipping location."""
    rows = session.execute(
        select(Order, Product)
        .join(Product, Product.id == Order.product_id)
        .where(
            Order.creator_id == creator_id,
            Order.status.in_(("pending", "confirmed")),
            Order.ship_lat.is_not(None),
        )
        .order_by(Order.id)
    ).all()
    parcels = []
    for order, product in rows:
        dims = (
            (product.length_cm, product.width_cm, product.height_cm)
            if product.length_cm and product.width_cm and product.height_cm
            else None
        )
        dest = Place(order.ship_city or order.id, order.ship_lat, order.ship_lon, order.ship_state)
        parcels.append(
            Parcel(
                order.id,
                dest,
                (product.weight_kg or 0.5) * order.quantity,
                order.product_price * order.quantity,
                dims,
            )
        )
    return parcels


@tool("shipping_quote", roles=("creator", "buyer"))
def shipping_quote(ctx: ToolContext, args: ShippingQuoteArgs) -> ShippingQuoteResult:
    """Quote shipping a parcel to a destination: the cheapest provider delivering within 7 days.

    Needs the destination, weight in kg and the item's price; origin defaults to the creator's
    home. Warns and suggests a price change when shipping is over 20% of the price, and says
    how much sending it together with pending orders to the same area would save.
    """
    origin = _origin(ctx, args.origin)
    destination = resolve_place(args.destination, ctx)
    d = args.dimensions_cm
    dims = (d.length, d.width, d.height) if d else None
    shipment = Shipment(
        origin, destination, args.weight_kg, args.declared_price, dims, args.fragile
    )
    advice = quote_shipment(shipment, providers_for(ctx))
    savings, together = 0.0, []
    with ctx.store.session() as s:
        if s.get(Creator, ctx.user_id) is not None:
            near = [
                p
                for p in pending_parcels(s, ctx.user_id)
                if distance_km(
                    (p.destination.lat, p.destination.lon), (destination.lat, destination.lon)
                )
                <= GROUP_KM
            ]
            if near:
                this = Parcel("this parcel", destination, args.weight_kg, args.declared_price, dims)
                group = price_group(origin, [this, *near])
                savings, together = group.savings, [p.order_id for p in near]
    best = advice.best
    return ShippingQuoteResult(
        optimal_cost=best.cost,
        provider=best.provider,
        delivery_days=best.delivery_days,
        zone=best.zone,
        distance_km=advice.distance_km,
        chargeable_weight_kg=best.chargeable_kg,
        breakdown=best.breakdown,
        all_quotes=[
            QuoteLine(
                provider=q.provider, cost=q.cost, delivery_days=q.delivery_days, source=q.source
            )
            for q in advice.quotes
        ],
        bulk_savings=savings,
        bulk_with_orders=together if savings > 0 else [],
        cost_percentage=advice.cost_percentage,
        warning=advice.warning,
        suggestion=advice.suggestion,
        source=best.source,
        fallback_reason=advice.fallback_reason,
        origin=_where(origin),
        destination=_where(destination),
    )


class ConsolidationPlanArgs(BaseModel):
    """``consolidation_plan`` takes no arguments: it reads the caller's pending orders."""

    radius_km: float = Field(
        default=GROUP_KM,
        gt=0,
        le=200,
        description="Orders to destinations this close ship together",
    )


class GroupLine(BaseModel):
    """Orders to one region, alone versus together."""

    region: str
    order_ids: list[str]
    individual_cost: float
    bulk_cost: float
    savings: float
    recommendation: str
    provider: str


class ConsolidationPlanResult(BaseModel):
    """Groups worth shipping together, and the total saving."""

    groups: list[GroupLine]
    pending_orders: int
    total_savings: float


@tool("consolidation_plan", roles=("creator",))
def consolidation_plan(ctx: ToolContext, args: ConsolidationPlanArgs) -> ConsolidationPlanResult:
    """Group the creator's pending orders going to the same area (within 50 km).

    Compares shipping them together against one by one, with the savings.
    """
    with ctx.store.session() as s:
        creator = s.get(Creator, ctx.user_id)
        if creator is None:
            raise InvalidInput(
                "only a registered creator has orders to consolidate", field="user_id"
            )
        origin = Place(creator.address or creator.id, creator.lat, creator.lon, creator.region)
        parcels = pending_parcels(s, ctx.user_id)
    groups = plan(origin, parcels, args.radius_km)
    lines = [
        GroupLine(
            region=g.region,
            order_ids=g.order_ids,
            individual_cost=g.individual_cost,
            bulk_cost=g.bulk_cost,
            savings=g.savings,
            recommendation=g.recommendation,
            provider=g.provider,
        )
        for g in groups
    ]
    lines.sort(key=lambda g: -g.savings)
    return ConsolidationPlanResult(
        groups=lines,
        pending_orders=len(parcels),
        total_savings=round(sum(g.savings for g in lines), 2),
    )
