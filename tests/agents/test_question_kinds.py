"""Kinds of questions the blind sets independent_dev18 and dev19 found misread (own wordings).

Where a question stops being about crafts (a monument's builder, a festival's date, school
science), a walk among the makers, the crafts of a town, sizes in inches, a town after "my
amma in", and a product named by id. Each test names the kind; the phrasings are new, not the
sets' cases.
"""

from __future__ import annotations

import pytest

from agents.assistant import Assistant
from agents.planners.embedded import EmbeddedPlanner, about_crafts, rare_knowledge_words
from tests.agents.planner_support import calls, embedded_assistant
from tests.agents.planner_support import say_all as say


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return embedded_assistant(tmp_path_factory.mktemp("questions") / "store.db",
                              products=("p-00018",))


@pytest.fixture(scope="module")
def planner() -> EmbeddedPlanner:
    return EmbeddedPlanner()


def _tools(assistant: Assistant, text: str, role: str = "buyer", user: str = "b-0001") -> list:
    return [name for name, _ in calls(say(assistant, text, role=role, user=user))]


# -- what is not about crafts ----------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "tell me the history of the indian postal service",
    "who constructed the charminar and in which year",
    "what is the story of the old fort in delhi",
    "when does diwali fall this year, need to book leave",
    "what is the right muhurat for griha pravesh",
    "who was the first prime minister of india",
    "explain the laws of motion for my nephew",
])
def test_a_question_about_something_else_calls_nothing(assistant: Assistant, text: str) -> None:
    assert _tools(assistant, text) == []


@pytest.mark.parametrize("text", [
    "what is the history of bidriware",
    "what is Channapatna famous for",
    "which emperor encouraged marble inlay in agra",
    "tell me the story behind the tree of life motif",
])
def test_a_craft_question_still_goes_to_the_heritage_notes(assistant: Assistant,
                                                           text: str) -> None:
    assert _tools(assistant, text) == ["heritage_lookup"]


def test_everyday_words_are_not_names_only_the_heritage_notes_use(
        planner: EmbeddedPlanner) -> None:
    rare = rare_knowledge_words()
    assert {"story", "minimum", "seller", "history"}.isdisjoint(rare)
    assert {"jangarh", "raghurajpur"} <= rare
    _, railways = planner.understand("history of the indian railways")
    _, bagru = planner.understand("history of bagru")
    assert not about_crafts(railways) and about_crafts(bagru)


# -- trails, clusters, orders ----------------------------------------------------------------
def test_a_walk_among_a_towns_makers_is_a_trail(assistant: Assistant) -> None:
    turn = say(assistant, "we are in thanjavur next week, can we take a walk to meet the art "
                          "plate makers?", role="buyer", user="b-0001")
    assert calls(turn) == [("heritage_trail", {"region": "Thanjavur"})]


def test_a_festival_procession_is_no_trail(assistant: Assistant) -> None:
    names = _tools(assistant, "dhokra ki demand ka forecast do agle 3 mahine ka, rath yatra tak",
                   role="creator", user="c-0001")
    assert names == ["demand_forecast"]


def test_the_crafts_done_in_a_town_are_its_clusters(assistant: Assistant) -> None:
    turn = say(assistant, "which crafts are done around Bhuj?", role="buyer", user="b-0001")
    assert calls(turn) == [("craft_clusters", {"location": "Bhuj"})]


def test_crafts_in_danger_said_in_hindi(assistant: Assistant) -> None:
    turn = say(assistant, "ओडिशा में कौन से शिल्प खतरे में हैं?", role="buyer", user="b-0001")
    (name, args), = calls(turn)
    assert name == "craft_clusters" and args.get("endangered_only") is True


def test_pending_on_my_end_is_my_orders(assistant: Assistant) -> None:
    turn = say(assistant, "anything still pending from my end?", role="creator", user="c-0001")
    assert calls(turn) == [("list_orders", {"status": "pending"})]


# -- sizes, places, ids ----------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "courier to Pune: brass lamp, box 10 x 8 x 20 inches, 3 kg, worth 4000",
    "shipping to Pune for a box 10 x 8 x 20 inches, 3 kg, worth 4000",  # "box 10" is no length
])
def test_a_parcel_in_inches_is_sent_in_cm(assistant: Assistant, text: str) -> None:
    (name, args), = calls(say(assistant, text, role="creator", user="c-0001"))
    assert name == "shipping_quote"
    assert args["dimensions_cm"] == {"length": 25.4, "width": 20.32, "height": 50.8}


def test_a_pieces_size_in_inches_is_priced_in_cm(assistant: Assistant) -> None:
    turn = say(assistant, "teak wood tray 18 inches long 12 inches wide 2 inches high, 1.2 kg, "
                          "9 hours. what should i charge", role="creator", user="c-0001")
    (name, args), = calls(turn)
    assert name == "golden_price" and args["materials"] == ["teak wood"]
    assert args["dimensions_cm"] == {"length": 45.72, "width": 30.48, "height": 5.08}


def test_a_town_after_my_amma_in_is_that_town(assistant: Assistant) -> None:
    turn = say(assistant, "shipping for a 1 kg shawl worth 6000 to my nani in Kochi from Srinagar",
               role="buyer", user="b-0001")
    (name, args), = calls(turn)
    assert name == "shipping_quote" and args["destination"] == "Kochi"


def test_pieces_comparable_to_a_named_product(assistant: Assistant) -> None:
    turn = say(assistant, "I quite liked p-00018. Could you kindly find me some comparable "
                          "pieces?", role="buyer", user="b-0001")
    assert calls(turn) == [("recommend_similar", {"product_id": "p-00018"})]


def test_show_me_what_is_available_within_a_budget_is_a_search(assistant: Assistant) -> None:
    names = _tools(assistant, "Namaste. For my son's wedding I want a pure pashmina shawl, not "
                              "more than twenty thousand rupees. Please show me what is available.")
    assert names == ["search_products"]
