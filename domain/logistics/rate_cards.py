"""Courier rate cards kept as data, priced the way Indian couriers price a parcel.

A card has a price per zone for the first weight slab and for each further slab, a volumetric
divisor (L×W×H / 5000), a fuel surcharge, a fragile-handling fee, GST and delivery days per
zone. The figures are illustrative 2026 list prices of the usual shape, not a courier's tariff.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# Zones, cheapest first; "special" is the North-East, J&K, Ladakh and the islands.
ZONES = ("intra_city", "intra_state", "metro", "rest_of_india", "special")

SPECIAL_STATES = frozenset(
    {
        "Arunachal Pradesh",
        "Assam",
        "Manipur",
        "Meghalaya",
        "Mizoram",
        "Nagaland",
        "Sikkim",
        "Tripura",
        "Jammu and Kashmir",
        "Ladakh",
        "Andaman and Nicobar Islands",
        "Lakshadweep",
    }
)
# Metro centres (lat, lon): a point within METRO_RADIUS_KM of one counts as that metro.
METROS = {
    "Delhi": (28.6139, 77.2090),
    "Mumbai": (19.0760, 72.8777),
    "Kolkata": (22.5726, 88.3639),
    "Chennai": (13.0827, 80.2707),
    "Bengaluru": (12.9716, 77.5946),
    "Hyderabad": (17.3850, 78.4867),
    "Ahmedabad": (23.0225, 72.5714),
    "Pune": (18.5204, 73.8567),
}
METRO_RADIUS_KM = 40.0
INTRA_CITY_KM = 30.0
GST_RATE = 0.18


@dataclass(frozen=True)
class RateCard:
    """One provider's tariff; money in INR, weights in kg."""

    provider: str
    mode: str
    slab_kg: float
    first_slab: dict[str, float]
    extra_slab: dict[str, float]
    days: dict[str, int]
    fuel_surcharge: float = 0.0
    fragile_flat: float = 0.0
    fragile_rate: float = 0.0
    volumetric_divisor: float = 5000.0
    max_kg: float = 50.0
    min_charge: float = 0.0
    # Extra fee per additional parcel in one consolidated pickup (bulk shipping).
    bulk_per_parcel: float = 15.0
    bulk_discount: float = 0.10


@dataclass(frozen=True)
class Charge:
    """A priced parcel with its parts, so a reply can explain the total."""

    provider: str
    zone: str
    chargeable_kg: float
    freight: float
    fuel: float
    fragile: float
    gst: float
    total: float
    delivery_days: int
    parts: dict[str, float] = field(default_factory=dict)


def volumetric_kg(
    length_cm: float, width_cm: float, height_cm: float, divisor: float = 5000.0
) -> float:
    """The courier's volumetric weight: L×W×H in cm divided by ``divisor``."""
    return length_cm * width_cm * height_cm / divisor


def chargeable_kg(
    card: RateCard, weight_kg: float, dims_cm: tuple[float, float, float] | None
) -> float:
    """The heavier of actual and volumetric weight, rounded up to the card's slab."""
    vol = volumetric_kg(*dims_cm, divisor=card.volumetric_divisor) if dims_cm else 0.0
    kg = max(weight_kg, vol)
    return math.ceil(kg / card.slab_kg - 1e-9) * card.slab_kg


def price(
    card: RateCard,
    zone: str,
    weight_kg: float,
    dims_cm: tuple[float, float, float] | None,
    declared_price: float,
    fragile: bool,
) -> Charge:
    """The card's charge for one parcel in ``zone``."""
    kg = chargeable_kg(card, weight_kg, dims_cm)
    slabs = max(1, round(kg / card.slab_kg))
    freight = max(card.min_charge, card.first_slab[zone] + (slabs - 1) * card.extra_slab[zone])
    fuel = freight * card.fuel_surcharge
    handling = (card.fragile_flat + declared_price * card.fragile_rate) if fragile else 0.0
    gst = (freight + fuel + handling) * GST_RATE
    total = round(freight + fuel + handling + gst, 2)
    return Charge(
        card.provider,
        zone,
        kg,
        round(freight, 2),
        round(fuel, 2),
        round(handling, 2),
        round(gst, 2),
        total,
        card.days[zone],
        {
            "freight": round(freight, 2),
            "fuel_surcharge": round(fuel, 2),
            "fragile_handling": round(handling, 2),
            "gst": round(gst, 2),
        },
    )


def _zones(*values: float) -> dict[str, float]:
    return dict(zip(ZONES, values, strict=True))


def _days(*values: int) -> dict[str, int]:
    return dict(zip(ZONES, values, strict=True))


RATE_CARDS: tuple[RateCard, ...] = (
    RateCard(
        "India Post Speed Post",
        "air+surface",
        0.5,
        _zones(41, 59, 77, 88, 99),
        _zones(16, 30, 45, 55, 66),
        _days(2, 3, 4, 6, 8),
        fuel_surcharge=0.0,
        fragile_flat=30,
        fragile_rate=0.0,
        max_kg=35,
    ),
    RateCard(
        "Delhivery Surface",
        "surface",
        0.5,
        _zones(32, 40, 56, 63, 90),
        _zones(26, 32, 44, 52, 78),
        _days(1, 3, 4, 6, 9),
        fuel_surcharge=0.12,
        fragile_flat=45,
        fragile_rate=0.002,
        max_kg=50,
        min_charge=32,
    ),
    RateCard(
        "Blue Dart Air",
        "air",
        0.5,
        _zones(55, 75, 95, 120, 150),
        _zones(45, 60, 80, 100, 130),
        _days(1, 2, 2, 3, 4),
        fuel_surcharge=0.30,
        fragile_flat=60,
        fragile_rate=0.003,
        max_kg=30,
        min_charge=55,
    ),
    RateCard(
        "DTDC Lite",
        "surface",
        0.5,
        _zones(30, 45, 62, 72, 110),
        _zones(22, 35, 50, 60, 95),
        _days(2, 3, 5, 7, 10),
        fuel_surcharge=0.15,
        fragile_flat=40,
        fragile_rate=0.0015,
        max_kg=60,
        min_charge=30,
    ),
    RateCard(
        "Ecom Express",
        "surface",
        0.5,
        _zones(34, 46, 58, 68, 105),
        _zones(24, 34, 46, 56, 88),
        _days(2, 3, 4, 6, 9),
        fuel_surcharge=0.10,
        fragile_flat=50,
        fragile_rate=0.0,
        max_kg=40,
        min_charge=34,
    ),
)


def card_for(provider: str) -> RateCard | None:
    """The rate card of ``provider`` by name (case-insensitive), if modelled."""
    wanted = provider.casefold()
    return next((c for c in RATE_CARDS if c.provider.casefold() == wanted), None)
