"""Logistics engine: rate cards, quotes, cost alerts and consolidation (props 28-31)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.logistics import Parcel, RateCardProvider, Shipment, plan, quote_shipment, zone_of
from domain.logistics.consolidation import group_destinations, price_group
from domain.logistics.rate_cards import RATE_CARDS, chargeable_kg, volumetric_kg
from domain.places import Gazetteer, Place, distance_km

GAZ = Gazetteer.default()
CITIES = [
    GAZ.resolve(n)
    for n in (
        "Jaipur",
        "Varanasi",
        "Delhi",
        "Mumbai",
        "Guwahati",
        "Srinagar",
        "Bhuj",
        "Channapatna",
        "Kolkata",
        "Chennai",
        "Pune",
        "Lucknow",
    )
]
places = st.sampled_from(CITIES)
weights = st.floats(0.05, 30.0, allow_nan=False)
prices = st.floats(50.0, 200_000.0, allow_nan=False)
dims = st.one_of(st.none(), st.tuples(*[st.floats(1.0, 120.0, allow_nan=False)] * 3))


def test_zones_follow_courier_practice() -> None:
    jaipur, delhi, mumbai = GAZ.resolve("Jaipur"), GAZ.resolve("Delhi"), GAZ.resolve("Mumbai")
    assert zone_of(jaipur, jaipur) == "intra_city"
    assert zone_of(jaipur, GAZ.resolve("Bagru")) == "intra_city"
    assert zone_of(jaipur, GAZ.resolve("Kishangarh")) == "intra_state"
    assert zone_of(delhi, mumbai) == "metro"
    assert zone_of(jaipur, GAZ.resolve("Varanasi")) == "rest_of_india"
    assert zone_of(jaipur, GAZ.resolve("Guwahati")) == "special"
    assert zone_of(GAZ.resolve("Srinagar"), delhi) == "special"


def test_volumetric_weight_counts_when_the_box_is_bulky() -> None:
    card = RATE_CARDS[0]
    assert volumetric_kg(50, 40, 30) == pytest.approx(12.0)
    assert chargeable_kg(card, 1.0, (50, 40, 30)) == pytest.approx(12.0)
    assert chargeable_kg(card, 1.0, (10, 10, 10)) == pytest.approx(1.0)
    assert chargeable_kg(card, 0.7, None) == pytest.approx(1.0)  # rounded up to the 0.5 kg slab


@settings(max_examples=100, deadline=None)
@given(origin=places, dest=places, w=weights, price=prices, box=dims)
def test_quote_uses_distance_weight_dimensions_and_every_provider(
    origin, dest, w, price, box
) -> None:
    """Property 28: Shipping Cost Calculation Completeness — every modelled provider that carries
    the weight is quoted; a heavier or bulkier parcel never costs less; distance is measured."""
    shipment = Shipment(origin, dest, w, price, box)
    advice = quote_shipment(shipment)
    carriers = {c.provider for c in RATE_CARDS if w <= c.max_kg}
    assert {q.provider for q in advice.quotes} == carriers
    assert advice.distance_km == pytest.approx(
        distance_km((origin.lat, origin.lon), (dest.lat, dest.lon)), abs=0.1
    )
    heavier = quote_shipment(Shipment(origin, dest, w + 1.0, price, box))
    by_provider = {q.provider: q.cost for q in heavier.quotes}
    for q in advice.quotes:
        if q.provider in by_provider:
            assert by_provider[q.provider] >= q.cost
    if box is not None:
        bigger = quote_shipment(Shipment(origin, dest, w, price, tuple(d * 2 for d in box)))
        assert min(q.cost for q in bigger.quotes) >= min(q.cost for q in advice.quotes)
    in_week = [q for q in advice.quotes if q.delivery_days <= 7]
    if in_week:
        assert advice.best.cost == min(q.cost for q in in_week)


@settings(max_examples=100, deadline=None)
@given(origin=places, dest=places, w=weights, price=prices)
def test_high_shipping_share_warns_with_a_pricing_suggestion(origin, dest, w, price) -> None:
    """Property 31: High Transport Cost Alert — shipping above 20 % of the price warns and
    suggests a price at which the same shipping is at most 20 %."""
    advice = quote_shipment(Shipment(origin, dest, w, price))
    share = advice.best.cost / price
    assert advice.cost_percentage == pytest.approx(share * 100, abs=0.01)
    if share > 0.20:
        assert advice.warning and "20%" in advice.warning
        assert advice.suggestion
        suggested = float(advice.suggestion.split("₹")[1].split()[0].replace(",", ""))
        assert advice.best.cost / suggested <= 0.2005
    else:
        assert advice.warning is None and advice.suggestion is None


def _parcel(i: int, place: Place, dlat: float, dlon: float, w: float) -> Parcel:
    return Parcel(
        f"o-{i:06d}",
        Place(f"{place.name}-{i}", place.lat + dlat, place.lon + dlon, place.state),
        w,
        1000.0,
    )


parcels_strategy = st.lists(
    st.tuples(places, st.floats(-0.4, 0.4), st.floats(-0.4, 0.4), st.floats(0.1, 8.0)),
    min_size=0,
    max_size=9,
).map(lambda xs: [_parcel(i, *x) for i, x in enumerate(xs)])


@settings(max_examples=100, deadline=None)
@given(parcels=parcels_strategy, origin=places)
def test_orders_within_50_km_are_grouped(parcels, origin) -> None:
    """Property 29: Order Consolidation Detection — any two pending orders to destinations within
    50 km of each other are in the same consolidation group."""
    groups = group_destinations(parcels)
    where = {p.order_id: gi for gi, g in enumerate(groups) for p in g}
    assert sorted(where) == sorted(p.order_id for p in parcels)
    for a in parcels:
        for b in parcels:
            if (
                a.order_id < b.order_id
                and distance_km(
                    (a.destination.lat, a.destination.lon), (b.destination.lat, b.destination.lon)
                )
                <= 50
            ):
                assert where[a.order_id] == where[b.order_id]
    planned = plan(origin, parcels)
    assert all(len(g.order_ids) >= 2 for g in planned)


@settings(max_examples=100, deadline=None)
@given(parcels=parcels_strategy, origin=places)
def test_bulk_is_recommended_exactly_when_cheaper(parcels, origin) -> None:
    """Property 30: Bulk Shipping Recommendation — bulk is recommended iff it costs less than
    shipping each order alone, and the savings are the difference."""
    for group in plan(origin, parcels):
        if group.bulk_cost < group.individual_cost:
            assert group.recommendation == "bulk"
            assert group.savings == pytest.approx(
                group.individual_cost - group.bulk_cost, abs=0.011
            )
        else:
            assert group.recommendation == "individual" and group.savings == 0


def test_several_parcels_to_one_town_save_money() -> None:
    jaipur, delhi = GAZ.resolve("Jaipur"), GAZ.resolve("Delhi")
    parcels = [_parcel(i, delhi, 0.01 * i, 0.0, 1.0) for i in range(4)]
    group = price_group(jaipur, parcels)
    assert group.recommendation == "bulk" and group.savings > 0


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("weight_kg", {"weight_kg": 0.0}),
        ("declared_price", {"declared_price": 0.0}),
        ("dimensions_cm", {"dims_cm": (10.0, 0.0, 5.0)}),
    ],
)
def test_impossible_parcels_name_the_field(field: str, kwargs: dict) -> None:
    base = {
        "origin": CITIES[0],
        "destination": CITIES[1],
        "weight_kg": 1.0,
        "declared_price": 100.0,
    }
    with pytest.raises(InvalidInput) as err:
        quote_shipment(Shipment(**{**base, **kwargs}))
    assert err.value.field == field


def test_rate_cards_only_quote_what_they_carry() -> None:
    quotes = RateCardProvider().quote(Shipment(CITIES[0], CITIES[2], 45.0, 5000.0))
    assert {q.provider for q in quotes} == {c.provider for c in RATE_CARDS if c.max_kg >= 45}
