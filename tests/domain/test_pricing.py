"""The golden price engine: cost tables, cost parts, the market model, props 1 and 2."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InsufficientData, InvalidInput
from domain.places import Place
from domain.pricing.cost import (
    DEFAULT_MARKETS,
    MATERIAL_WASTAGE,
    UNNAMED_BASE_INR_PER_KG,
    material_cost,
    production_cost,
    transport_cost,
)
from domain.pricing.engine import ADJUSTMENT_BAND, PriceQuery, golden_price
from domain.pricing.market import fit_market_model
from domain.pricing.tables import HOURS_PER_DAY, SKILL_PREMIUM, default_tables
from tests.domain.pricing_support import KINDS, small_model, synthetic_items

VARANASI = Place("Varanasi", 25.3176, 82.9739, "Uttar Pradesh")
SRINAGAR = Place("Srinagar", 34.0837, 74.7973, "Jammu and Kashmir")
DELHI = Place("Delhi", 28.6139, 77.2090, "Delhi")


# -- tables ----------------------------------------------------------------------------------
def test_tables_carry_their_sources_and_every_seeded_material() -> None:
    t = default_tables()
    assert "Reserve Bank of India" in t.wage_source and "MCX" in t.material_source
    from domain.catalog import CLUSTERS

    for cluster in CLUSTERS:
        for m in cluster.materials:
            assert t.material(m).inr_per_kg > 0, m


def test_every_material_a_listing_can_name_has_a_price() -> None:
    """What create_listing reads from a description ("sandalwood box", "linen stole") can be
    priced as said, not refused or priced as a cheaper stand-in (sandalwood is not ₹60/kg wood)."""
    from domain.vocabulary import Vocabulary

    t = default_tables()
    for entry in Vocabulary.default().entries("material"):
        assert t.material(entry.canonical).inr_per_kg > 0, entry.canonical
    assert t.material("sandalwood").inr_per_kg > 50 * t.material("wood").inr_per_kg
    assert t.material("sikki grass").name == "grass" and t.material("chandan").name == "sandalwood"


def test_aliases_and_plurals_resolve_to_the_table_name() -> None:
    t = default_tables()
    assert t.material("Terracotta").name == "clay"
    assert t.material("pashmina").name == "pashmina wool"
    assert t.material("bamboos").name == "bamboo"
    assert t.material("natural dyes").name == "natural dye"


def test_an_unknown_material_is_refused_with_the_known_list() -> None:
    with pytest.raises(InvalidInput) as err:
        default_tables().material("unobtanium")
    assert err.value.field == "materials"
    assert "silk" in err.value.details["known"] and "silk" in err.value.message


def test_a_near_miss_gets_a_suggestion() -> None:
    with pytest.raises(InvalidInput) as err:
        default_tables().material("bras")
    assert "brass" in err.value.details["suggestions"]


def test_hourly_rate_is_the_state_day_rate_over_eight_hours() -> None:
    t = default_tables()
    per_hour = SKILL_PREMIUM / HOURS_PER_DAY
    assert t.hourly_rate("Kerala") == pytest.approx(t.wages["Kerala"] * per_hour)
    assert t.hourly_rate("Atlantis") == pytest.approx(t.default_wage * per_hour)
    assert t.hourly_rate("Kerala") > t.hourly_rate("Madhya Pradesh")


# -- cost parts ------------------------------------------------------------------------------
def test_bulk_materials_split_the_weight_and_accents_take_their_share() -> None:
    t = default_tables()
    silk, zari = t.material("silk"), t.material("zari")
    expected = (1.0 * zari.share * zari.inr_per_kg
                + 1.0 * (1 - zari.share) * silk.inr_per_kg) * MATERIAL_WASTAGE
    assert material_cost(["silk", "zari"], 1.0) == pytest.approx(expected)
    assert material_cost(["cotton"], 2.0) == pytest.approx(2 * 350 * MATERIAL_WASTAGE)
    # No bulk material: the unnamed rest is costed at the cheapest listed material.
    gold_only = material_cost(["gold", "glass stone"], 0.1)
    assert gold_only < 0.1 * t.material("gold").inr_per_kg * 0.01
    # Gold is foil or plating: it never fills the body, even when it is all that is named.
    foil = material_cost(["gold"], 0.05)
    assert foil == pytest.approx(0.05 * (0.002 * t.material("gold").inr_per_kg
                                         + 0.998 * UNNAMED_BASE_INR_PER_KG) * MATERIAL_WASTAGE)
    # Silver may be the body of a piece (a silver necklace).
    assert material_cost(["gold", "silver"], 0.1) > 0.09 * t.material("silver").inr_per_kg


def test_labour_is_hours_times_the_regional_rate() -> None:
    c = production_cost(category="textiles", materials=["silk"], weight_kg=1, production_hours=100,
                        origin=VARANASI)
    assert c.labor == pytest.approx(100 * default_tables().hourly_rate("Uttar Pradesh"))
    assert c.overhead == pytest.approx(0.15 * (c.materials + c.labor))
    assert c.wage_state == "Uttar Pradesh"


def test_transport_costs_more_to_far_and_special_zones_and_for_heavier_parcels() -> None:
    near = transport_cost(DELHI, 1.0, "textiles", markets=[(DELHI, 1.0)])
    far = transport_cost(VARANASI, 1.0, "textiles", markets=[(DELHI, 1.0)])
    special = transport_cost(SRINAGAR, 1.0, "textiles", markets=[(DELHI, 1.0)])
    heavy = transport_cost(VARANASI, 8.0, "textiles", markets=[(DELHI, 1.0)])
    assert 0 < near < far < special and far < heavy
    fragile = transport_cost(VARANASI, 1.0, "pottery", markets=[(DELHI, 1.0)])
    assert fragile > far


def test_bad_cost_inputs_name_their_field() -> None:
    with pytest.raises(InvalidInput) as err:
        material_cost(["silk"], 0)
    assert err.value.field == "weight_kg"
    with pytest.raises(InvalidInput) as err:
        golden_price(PriceQuery("spaceships", ("silk",), 1, 1), None)
    assert err.value.field == "category" and "textiles" in err.value.details["known"]


# -- market model ----------------------------------------------------------------------------
def test_market_model_learns_effort_and_measures_its_error() -> None:
    model = small_model()
    assert 0 < model.overall_mdape < 0.35
    assert set(model.category_mdape) == {k[0] for k in KINDS}
    small = PriceQuery("textiles", ("silk", "zari"), 0.6, 40, origin=VARANASI).as_item()
    big = PriceQuery("textiles", ("silk", "zari"), 1.1, 180, origin=VARANASI).as_item()
    assert model.predict(big) > 1.5 * model.predict(small)


def test_similar_items_share_category_and_material() -> None:
    model = small_model()
    prices = model.similar_prices(PriceQuery("pottery", ("clay",), 1.0, 6).as_item())
    pottery = model.row_price[model.row_category == "pottery"]
    assert len(prices) >= 5 and set(prices) <= set(pottery)


def test_too_few_sold_items_is_insufficient_data() -> None:
    with pytest.raises(InsufficientData):
        fit_market_model(synthetic_items(10), folds=0)


def test_without_a_model_the_price_is_cost_plus_and_flagged() -> None:
    g = golden_price(PriceQuery("pottery", ("clay",), 1.0, 5, origin=VARANASI), None)
    assert g.low_confidence and g.market_price is None and g.confidence < 0.4
    assert g.golden_price == pytest.approx(g.cost.total * 1.35, rel=0.01)


def test_confidence_is_higher_with_more_similar_data() -> None:
    model = small_model()
    common = golden_price(PriceQuery("pottery", ("clay",), 1.0, 6, origin=VARANASI), model)
    rare = golden_price(PriceQuery("glass", ("glass",), 1.0, 6, origin=VARANASI), model)
    assert common.confidence > rare.confidence


# -- properties ------------------------------------------------------------------------------
queries = st.builds(
    lambda kind, w, h, origin: PriceQuery(kind[0], kind[1], round(w, 3), round(h, 1), kind[2],
                                          origin=origin),
    st.sampled_from(KINDS), st.floats(0.02, 20.0), st.floats(0.5, 600.0),
    st.sampled_from([VARANASI, SRINAGAR, DELHI, None]),
)


@settings(max_examples=100, deadline=None)
@given(query=queries, demand=st.floats(0.3, 3.0))
def test_golden_price_incorporates_market_demand_and_transport(query, demand) -> None:
    """Property 1: Golden Price Calculation Completeness — for valid details the price uses
    the market model, the demand signal and transport costs."""
    model = small_model()
    g = golden_price(query, model, demand_index=demand)
    assert g.market_price is not None and g.market_price > 0
    assert g.cost.transport > 0 and g.cost.materials > 0 and g.cost.labor > 0
    assert ADJUSTMENT_BAND[0] <= g.market_adjustment <= ADJUSTMENT_BAND[1]
    expected = max(g.cost.total * 1.1, g.cost.total * g.market_adjustment * g.demand_multiplier)
    assert g.golden_price == pytest.approx(expected, rel=1e-3, abs=1)  # adjustment is rounded
    # More demand never lowers the price; shipping from farther never lowers it either.
    assert golden_price(query, model, demand_index=demand + 1).golden_price >= g.golden_price
    far = golden_price(query, model, demand_index=demand,
                       markets=[(Place("Port Blair", 11.62, 92.73, "Andaman and Nicobar Islands"),
                                 1.0)])
    assert far.cost.transport >= g.cost.transport - 1e-6
    assert far.golden_price >= g.golden_price - 1


@settings(max_examples=100, deadline=None)
@given(query=queries, demand=st.floats(0.0, 5.0), with_model=st.booleans())
def test_price_range_is_ordered_and_positive(query, demand, with_model) -> None:
    """Property 2: Price Range Ordering — minimum <= optimal <= maximum, all positive."""
    g = golden_price(query, small_model() if with_model else None, demand_index=demand)
    assert 0 < g.price_min <= g.price_optimal <= g.price_max
    assert g.golden_price == g.price_optimal
    assert all(math.isfinite(v) for v in (g.price_min, g.price_optimal, g.price_max))
    assert 0.0 < g.confidence < 1.0


def test_default_markets_are_the_rate_card_metros() -> None:
    assert {p.name for p, _ in DEFAULT_MARKETS} >= {"Delhi", "Mumbai", "Kolkata", "Chennai"}
