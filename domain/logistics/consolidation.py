"""Group a creator's pending orders by destination and price shipping them together.

Orders whose destinations are linked by hops of at most 50 km form one group (single
linkage, so any two pending orders within 50 km share a group: prop 29). A group ships as one
consignment to its hub (the medoid destination) with a local leg per extra parcel; bulk is
recommended only when it is cheaper than sending each parcel alone (prop 30).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.logistics.providers import Shipment, zone_of
from domain.logistics.rate_cards import RATE_CARDS, RateCard, price
from domain.places import Place, distance_km

GROUP_KM = 50.0


@dataclass(frozen=True)
class Parcel:
    """A pending order as the courier sees it."""

    order_id: str
    destination: Place
    weight_kg: float
    declared_price: float
    dims_cm: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class Group:
    """Orders to one region and what shipping them costs alone and together."""

    region: str
    order_ids: list[str]
    individual_cost: float
    bulk_cost: float
    savings: float
    recommendation: str  # "bulk" or "individual"
    provider: str
    hub: Place


def group_destinations(parcels: Sequence[Parcel], km: float = GROUP_KM) -> list[list[Parcel]]:
    """Connected components of destinations at most ``km`` apart, each sorted by order id."""
    parent = list(range(len(parcels)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(parcels):
        for j in range(i + 1, len(parcels)):
            b = parcels[j]
            if (
                distance_km(
                    (a.destination.lat, a.destination.lon), (b.destination.lat, b.destination.lon)
                )
                <= km
            ):
                parent[find(i)] = find(j)
    groups: dict[int, list[Parcel]] = {}
    for i, p in enumerate(parcels):
        groups.setdefault(find(i), []).append(p)
    return sorted(
        (sorted(g, key=lambda p: p.order_id) for g in groups.values()), key=lambda g: g[0].order_id
    )


def _single(card: RateCard, origin: Place, p: Parcel) -> float:
    zone = zone_of(origin, p.destination)
    return price(card, zone, p.weight_kg, p.dims_cm, p.declared_price, True).total


def _bulk(card: RateCard, origin: Place, hub: Place, parcels: Sequence[Parcel]) -> float:
    """One consignment to the hub plus a local first-slab leg for every other parcel."""
    weight = sum(p.weight_kg for p in parcels)
    value = sum(p.declared_price for p in parcels)
    trunk = price(card, zone_of(origin, hub), weight, None, value, True).total
    # The parcel addressed to the hub itself needs no local leg.
    legs = (len(parcels) - 1) * (card.first_slab["intra_city"] + card.bulk_per_parcel)
    return round(trunk * (1 - card.bulk_discount) + legs, 2)


def _medoid(parcels: Sequence[Parcel]) -> Place:
    return min(
        (p.destination for p in parcels),
        key=lambda d: sum(
            distance_km((d.lat, d.lon), (q.destination.lat, q.destination.lon)) for q in parcels
        ),
    )


def price_group(
    origin: Place, parcels: Sequence[Parcel], cards: Sequence[RateCard] = RATE_CARDS
) -> Group:
    """Cheapest individual total against cheapest bulk total, on the same rate cards."""
    hub = _medoid(parcels)
    weight = sum(p.weight_kg for p in parcels)
    usable = [c for c in cards if all(p.weight_kg <= c.max_kg for p in parcels)] or list(cards)
    individual = min(sum(_single(c, origin, p) for p in parcels) for c in usable)
    if len(parcels) > 1:
        bulk_cards = [c for c in usable if weight <= c.max_kg] or usable
        bulk_card = min(bulk_cards, key=lambda c: _bulk(c, origin, hub, parcels))
        bulk = _bulk(bulk_card, origin, hub, parcels)
    else:
        bulk_card, bulk = min(usable, key=lambda c: _single(c, origin, parcels[0])), individual
    individual = round(individual, 2)
    cheaper = bulk < individual
    region = f"{hub.name}" + (f", {hub.state}" if hub.state else "")
    return Group(
        region,
        [p.order_id for p in parcels],
        individual,
        bulk,
        round(individual - bulk, 2) if cheaper else 0.0,
        "bulk" if cheaper else "individual",
        bulk_card.provider,
        hub,
    )


def plan(origin: Place, parcels: Sequence[Parcel], km: float = GROUP_KM) -> list[Group]:
    """Groups of two or more orders, each priced alone and together (singles are left out)."""
    return [price_group(origin, g) for g in group_destinations(parcels, km) if len(g) > 1]


def as_shipment(origin: Place, p: Parcel) -> Shipment:
    """The parcel as a single shipment (for quoting it alone)."""
    return Shipment(origin, p.destination, p.weight_kg, p.declared_price, p.dims_cm)
