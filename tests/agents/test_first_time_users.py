"""Kinds of request the blind sets independent_dev10 and dev11 found misread (own wordings).

First-time users bury a request in their story, point back at clusters, give a price "from X
to Y", name a draft to amend, ask about two sellers at once. Each test names the kind; the
phrasings are new, not the sets' cases.
"""

from __future__ import annotations

import asyncio

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agents.assistant import Assistant
from agents.nlu.entities import parse, price_bounds
from agents.nlu.hindi import to_english
from agents.nlu.references import shown_products
from agents.nlu.skill import SkillContext
from agents.planners.embedded import EmbeddedPlanner
from agents.skills import golden_price, heritage_trail, inventory_health, update_price
from domain.listing_attributes import extract
from domain.vocabulary import category_of
from tests.agents.planner_support import calls, embedded_assistant
from tests.agents.planner_support import say_all as say
from tools import Registry, load_all


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return embedded_assistant(tmp_path_factory.mktemp("first-time") / "store.db",
                              products=("p-00017",))




CTX = SkillContext("c-0001", "creator")


# -- a request buried in a story --------------------------------------------------------------
def test_a_request_after_an_off_topic_story_is_answered(assistant: Assistant) -> None:
    turn = say(assistant, "my brother wants me to take a bank loan for a bigger loom, not sure "
                          "about that. tell me the demand for textiles in Rajasthan for the "
                          "next 2 months first")
    assert calls(turn) == [("demand_forecast", {"category": "textiles", "region": "Rajasthan",
                                                "horizon_days": 60})]


@pytest.mark.parametrize("text", [
    "how much is a train ticket from Jaipur to Delhi? want to buy blue pottery there",
    "what is the weather in Bhuj next week? going to see the embroidery",
])
def test_an_off_topic_question_stays_declined_whatever_follows(assistant: Assistant,
                                                               text: str) -> None:
    assert say(assistant, text, role="buyer", user="b-0001").tool_calls == []


# -- clusters pointed back at -----------------------------------------------------------------
def test_a_map_of_clusters_is_what_the_next_turn_points_at() -> None:
    shown = shown_products({"clusters": [{"id": "k-011", "name": "Pipli applique"},
                                         {"id": "k-012", "name": "Raghurajpur"}]})
    assert shown == [{"id": "k-011", "title": "Pipli applique"},
                     {"id": "k-012", "title": "Raghurajpur"}]


def test_a_trail_for_a_pointed_cluster_takes_its_id() -> None:
    utt = parse("make a heritage trail for the first one")
    utt.ids.insert(0, "k-011")  # what the planner puts there from the shown clusters
    assert heritage_trail.fill(utt, CTX) == {"cluster_id": "k-011"}


# -- amounts ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "bounds"), [
    ("budget 15-25k", (15000.0, 25000.0)),
    ("budget 2k-3k", (2000.0, 3000.0)),
    ("budget 1.5-2 lakh", (150000.0, 200000.0)),
])
def test_a_range_with_one_scale_scales_both_ends(text: str, bounds: tuple[float, float]) -> None:
    assert price_bounds(parse(text).digits) == bounds


@pytest.mark.parametrize(("text", "price"), [
    ("set p-00017 to 1300, it was 1100 before", 1300.0),
    ("p-00017 ka rate 9000 se 900 kar do", 900.0),
    ("p-00017 ab 4500 ka kar do, 10% diwali discount", 4500.0),
    ("bring p-00017 down from 2000 to 1750", 1750.0),
])
def test_the_new_price_is_not_the_old_one_nor_a_percentage(text: str, price: float) -> None:
    assert update_price.fill(parse(to_english(text)), CTX)["new_price"] == price


def test_the_third_one_is_a_piece_not_a_count() -> None:
    assert not any(q.value == 1 for q in parse("ship the third one to Pune").quantities)
    assert [(q.value, q.unit) for q in parse("demand for the next one month").quantities] == [
        (1.0, "mo")]  # but one month is a month


def test_weeks_of_days_of_hours_multiply() -> None:
    args = golden_price.fill(parse("silk saree, 800 grams, 2 weeks at 5 hours a day"), CTX)
    assert args["production_hours"] == 70.0


def test_stock_unsold_for_a_said_time() -> None:
    assert inventory_health.fill(parse("what has not sold in 45 days"), CTX) == {
        "unsold_days": 45}
    assert inventory_health.fill(parse(to_english("2 mahine se pada stock")), CTX) == {
        "unsold_days": 60}


def test_ids_are_not_prices_or_sizes() -> None:
    assert to_english("ड्राफ्ट p-00357 में").split()[1] == "p-00357"
    assert extract("my draft p-00357 in blue").dimensions_cm == {}


def test_a_craft_product_of_a_shared_cluster_keeps_its_own_category() -> None:
    assert category_of("papier mache boxes") == "home_decor"


def test_a_city_said_with_city_is_the_city() -> None:
    assert [p.name for p in parse("ship it to Jaipur city").places] == ["Jaipur"]


# -- listings ---------------------------------------------------------------------------------
def test_an_empty_wish_to_list_asks_what_the_piece_is(assistant: Assistant) -> None:
    turn = say(assistant, "i have something new to sell on here")
    assert turn.tool_calls == [] and turn.asks_for == ["description"]


def test_a_draft_named_by_id_is_amended(assistant: Assistant) -> None:
    turn = say(assistant, "in my draft p-00017 add that it weighs 600 g")
    assert calls(turn)[0][0] == "create_listing"
    assert calls(turn)[0][1]["listing_id"] == "p-00017"
    assert calls(turn)[0][1]["weight_kg"] == 0.6


def test_a_quoted_title_is_the_title(assistant: Assistant) -> None:
    turn = say(assistant, "clay diya set, 300 g, 2 hours, 250 rs",
               "please change the title to 'Terracotta diya set of four'")
    assert calls(turn)[0][1]["title"] == "Terracotta diya set of four"


# -- several ids at once ----------------------------------------------------------------------
def test_two_sellers_are_two_checks(seeded_store) -> None:
    assistant = Assistant(EmbeddedPlanner(), Registry(load_all()), seeded_store, InMemorySaver())
    turn = asyncio.run(assistant.turn(user_id="a-0001", role="admin", session_id="s-two",
                                      text="run a fraud check on c-0142 and c-0297"))
    assert [c["args"]["seller_id"] for c in turn.tool_calls] == ["c-0142", "c-0297"]


def test_a_corrected_id_is_one_check(seeded_store) -> None:
    assistant = Assistant(EmbeddedPlanner(), Registry(load_all()), seeded_store, InMemorySaver())
    turn = asyncio.run(assistant.turn(user_id="a-0001", role="admin", session_id="s-one",
                                      text="fraud check c-0142, sorry I meant c-0297"))
    assert [c["args"]["seller_id"] for c in turn.tool_calls] == ["c-0297"]


def test_a_map_then_a_trail_for_the_first_cluster(seeded_store) -> None:
    assistant = Assistant(EmbeddedPlanner(), Registry(load_all()), seeded_store, InMemorySaver())
    who = {"user_id": "b-0001", "role": "buyer", "session_id": "s-trail"}
    first = asyncio.run(assistant.turn(**who, text="craft clusters in Odisha"))
    shown = first.tool_results[0]["result"]["clusters"][0]["id"]
    turn = asyncio.run(assistant.turn(**who, text="plan a heritage trail for the first one"))
    assert calls(turn) == [("heritage_trail", {"cluster_id": shown})]
    turn = asyncio.run(assistant.turn(**who, text="craft clusters within 300 km of Agra"))
    turn = asyncio.run(assistant.turn(**who, text="which of these are endangered?"))
    assert calls(turn)[0] == ("craft_clusters", {"location": "Agra", "radius_km": 300.0,
                                                 "endangered_only": True})



# -- places, clusters -------------------------------------------------------------------------
def test_a_point_given_by_coordinates_is_the_location() -> None:
    assert parse("clusters near 17.38, 78.48").coordinates == {"lat": 17.38, "lon": 78.48}
    assert parse("crafts near lat 26.91 lon 75.79").coordinates == {"lat": 26.91, "lon": 75.79}
    assert parse("a 2.5 kg vase, 12.5 hours").coordinates is None  # not a point in India


def test_a_town_is_said_as_typed_without_marks() -> None:
    assert [p.name for p in parse("a terracotta horse made in Bankura").places] == ["Bankura"]


@pytest.mark.parametrize(("text", "craft"), [
    ("dokra clusters kahan hai?", "dokra"),
    ("which towns make glass bangles", "glass bangles"),
])
def test_the_craft_asked_about_is_passed_in_the_users_words(assistant: Assistant, text: str,
                                                           craft: str) -> None:
    turn = say(assistant, text, role="buyer", user="b-0001")
    assert calls(turn)[0] == ("craft_clusters", {"craft": craft})


@pytest.mark.parametrize(("craft", "cluster"), [
    ("dokra", "k-010"),  # another name of Dhokra casting
    ("glass bangles", "k-019"),  # a product the vocabulary files under Firozabad glass
    ("ikat", "k-007"),  # a word of the cluster's craft
])
def test_the_cluster_map_knows_a_craft_by_its_other_names(seeded_store, craft: str,
                                                          cluster: str) -> None:
    from tools.registry import ToolContext

    result = Registry(load_all()).invoke(
        "craft_clusters", {"craft": craft}, ToolContext("b-0001", "buyer", seeded_store))
    assert [c.id for c in result.clusters] == [cluster]


def test_endangered_in_hindi_and_artisan_hubs() -> None:
    assert "endangered" in to_english("राजस्थान में लुप्तप्राय शिल्प")
    from agents.skills.craft_clusters import cued
    assert cued(parse("artisan hubs within 100 km of Hyderabad"))


def test_a_spoken_turn_is_not_spell_corrected(seeded_store) -> None:
    """A transcript has its own repair; the typed one would turn "kata" into "kota"."""
    assistant = Assistant(EmbeddedPlanner(), Registry(load_all()), seeded_store, InMemorySaver())
    who = {"user_id": "b-0001", "role": "buyer"}
    typed = asyncio.run(assistant.turn(**who, session_id="s-t", text="blu potery from jaipr"))
    heard = asyncio.run(assistant.turn(**who, session_id="s-h", text="blu potery from jaipr",
                                       spoken=True))
    assert calls(typed)[0][1]["location"] == "Jaipur"
    assert calls(heard) != calls(typed)  # "blu potery from jaipr" left as heard


def test_shipping_the_first_one_prices_it_at_the_listing(seeded_store) -> None:
    """"the first one" is a piece, not a count of one; its price is the declared value."""
    assistant = Assistant(EmbeddedPlanner(), Registry(load_all()), seeded_store, InMemorySaver())
    who = {"user_id": "b-0001", "role": "buyer", "session_id": "s-ship-first"}
    found = asyncio.run(assistant.turn(**who, text="silk sarees from Varanasi under 10000"))
    first = found.tool_results[0]["result"]["products"][0]
    turn = asyncio.run(assistant.turn(**who, text="how much to ship the first one to Pune? "
                                                  "it weighs about 1 kg"))
    (name, args), = calls(turn)
    assert name == "shipping_quote" and args["declared_price"] == first["price"]
