"""Kinds of follow-up the blind sets independent_dev10 and dev13 found misread (own wordings).

A turn points back at the seller, the photo or the craft of the last call, at the orders just
listed, or at a piece named in a turn that called nothing; a maker's practical question goes to
the help guides; a whole new request is not a narrowing of the last one. Each test names the
kind; the phrasings are new, not the sets' cases.
"""

from __future__ import annotations

import pytest

from agents.assistant import Assistant
from agents.nlu.entities import parse, price_bounds
from agents.nlu.hindi import to_english
from agents.nlu.references import off_topic
from agents.nlu.skill import SkillContext
from agents.skills import image_theft_check, production_plan, update_price
from agents.skills.update_price import price_change
from tests.agents.planner_support import calls, embedded_assistant
from tests.agents.planner_support import say_all as say


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return embedded_assistant(tmp_path_factory.mktemp("follow-ups") / "store.db",
                              products=("p-00017",))


# -- the seller and the photo of the last call ------------------------------------------------
def test_the_same_seller_is_the_one_just_checked(assistant: Assistant) -> None:
    turn = say(assistant, "run a fraud check on c-0310",
               "now see if img-9f3a2b7c1d4e5f60 is being used by the same seller", role="admin",
               user="a-0001")
    assert calls(turn) == [("image_theft_check", {"image": "img-9f3a2b7c1d4e5f60",
                                                  "reported_seller_id": "c-0310"})]


def test_the_same_photo_is_the_one_just_checked(assistant: Assistant) -> None:
    turn = say(assistant, "is img-9f3a2b7c1d4e5f60 genuine? it is a blue pottery vase",
               "did c-0310 copy that photo?", role="admin", user="a-0001")
    assert calls(turn) == [("image_theft_check", {"image": "img-9f3a2b7c1d4e5f60",
                                                  "reported_seller_id": "c-0310"})]


def test_the_seller_of_a_shown_piece_is_its_maker(assistant: Assistant) -> None:
    turn = say(assistant, "anything similar to p-00017?",
               "check the seller of the first one for fraud", role="admin", user="a-0001")
    assert calls(turn) == [("fraud_check", {"seller_id": "c-0001"})]


# -- the orders just listed, a piece named before -------------------------------------------------
@pytest.mark.parametrize("text", ["could these go out together in one parcel?",
                                  "can I ship them all together"])
def test_sending_the_listed_orders_together_is_a_consolidation(assistant: Assistant,
                                                                text: str) -> None:
    turn = say(assistant, "show my pending orders", text)
    assert [name for name, _ in calls(turn)] == ["consolidation_plan"]


def test_a_piece_named_in_a_refused_turn_is_what_it_means_next(assistant: Assistant) -> None:
    turn = say(assistant, "make p-00017 cheaper, 500", "fine, then show me things similar to it",
               role="buyer", user="b-0001")
    assert calls(turn) == [("recommend_similar", {"product_id": "p-00017"})]


def test_a_hinglish_cost_of_making_each_is_the_unit_cost() -> None:
    args = production_plan.fill(parse(to_english("50 dupatte banau 300 ki laagat pe?")),
                                SkillContext("c-0001", "creator"))
    assert args["planned_quantity"] == 50 and args["unit_cost"] == 300


# -- the craft talked about ---------------------------------------------------------------------
def test_it_in_a_comparison_is_the_craft_just_asked_about(assistant: Assistant) -> None:
    turn = say(assistant, "what is kalamkari", "how is it different from bandhani",
               role="buyer", user="b-0001")
    assert calls(turn) == [("heritage_lookup",
                            {"question": "how is kalamkari different from bandhani"})]


def test_a_one_sided_comparison_compares_with_the_last_craft(assistant: Assistant) -> None:
    turn = say(assistant, "kantha ka itihas batao", "aur phulkari se kaise alag hai?",
               role="buyer", user="b-0001")
    ((name, args),) = calls(turn)
    assert name == "heritage_lookup" and args["question"].startswith("kantha: ")


def test_they_after_a_question_about_a_craft_is_that_craft(assistant: Assistant) -> None:
    turn = say(assistant, "tell me about bidriware", "where are they made, which clusters?",
               role="buyer", user="b-0001")
    assert calls(turn) == [("craft_clusters", {"craft": "bidriware"})]


# -- help guides, and a new request ---------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "mobile se diye ki photo kaise khichu, light kaisi rakhu",
    "saree ko iron kis temperature pe karna chahiye",
    "which festival season is best for selling brass lamps",
    "a hotel wants 300 custom made coasters, how should I handle the advance",
])
def test_a_makers_practical_question_goes_to_the_guides(assistant: Assistant, text: str) -> None:
    assert [name for name, _ in calls(say(assistant, text))] == ["heritage_lookup"]


@pytest.mark.parametrize(("text", "tool"), [
    ("can you check whether my lamp photos look handmade?", None),  # it asks for the photos
    ("meri diye wali photo chori ho gayi", None),  # a theft to report, not a guide
    ("should I make 40 lamps this festive season? each costs me 350", "production_plan"),
    ("how do I get back my deleted whatsapp photos of my sarees", None),  # out of scope
])
def test_a_photo_or_season_to_act_on_is_not_a_guide_question(assistant: Assistant, text: str,
                                                             tool: str | None) -> None:
    names = [name for name, _ in calls(say(assistant, text))]
    assert "heritage_lookup" not in names
    if tool is not None:
        assert names == [tool]


def test_a_whole_new_cluster_request_does_not_keep_the_last_filter(assistant: Assistant) -> None:
    turn = say(assistant, "which crafts are dying out near Bhuj", "craft clusters in Odisha",
               role="buyer", user="b-0001")
    assert calls(turn) == [("craft_clusters", {"location": "Odisha"})]




# -- amounts, places and ids said loosely (kinds from independent_dev12) ------------------------
@pytest.mark.parametrize(("text", "bounds"), [
    ("ikat bedsheets 2000-4000", (2000.0, 4000.0)),  # a bare range after what is wanted
    ("bidri box around 3k, plus minus 500", (2500.0, 3500.0)),
    ("dhokra figurines undr 3000 rs", (None, 3000.0)),
    ("sales of 2024-2025", (None, None)),  # years, not rupees
    ("ready in 3-4 days", (None, None)),
])
def test_price_bounds_said_loosely(text: str, bounds: tuple) -> None:
    assert price_bounds(parse(text).digits) == bounds


@pytest.mark.parametrize(("text", "change"), [
    ("lower p-00017 by 200 rupees", (-200.0, "inr")),
    ("raise p-00017 by 10%", (10.0, "%")),
    ("p-00017 ka daam 150 rupaye kam karo", (-150.0, "inr")),
    ("reduce p-00017 to 900", None),  # a new price, not a change
])
def test_a_price_change_said_relative_to_the_price(text: str, change: tuple | None) -> None:
    assert price_change(parse(to_english(text)).digits) == change


def test_a_relative_change_is_made_from_the_current_price(assistant: Assistant) -> None:
    turn = say(assistant, "please lower p-00017 by 250 rupees")
    assert turn.confirm_request is not None
    assert turn.confirm_request["args"] == {"product_id": "p-00017", "new_price": 750.0}


def test_named_coordinates_with_one_decimal_are_a_place() -> None:
    assert parse("clusters around lat 26.9 lon 75.8").coordinates == {"lat": 26.9, "lon": 75.8}


def test_the_seller_who_took_the_photo_is_the_one_reported() -> None:
    utt = parse("c-0075 says c-0158 stole the photo img-0db12215eef270f9, verify")
    assert image_theft_check.fill(utt, SkillContext("a-0001", "admin"))[
        "reported_seller_id"] == "c-0158"


@pytest.mark.parametrize("text", ["how far is Kutch from Ahmedabad", "Bhuj ka pin code kya hai",
                                  "jaipur mein internet kab aayega"])
def test_daily_services_and_distances_are_out_of_scope(text: str) -> None:
    assert off_topic(parse(to_english(text)))


def test_a_shipping_question_by_road_is_not_out_of_scope() -> None:
    assert not off_topic(parse("should the parcel go by road or by air?"))


def test_the_signals_of_a_fraud_check_name_it(assistant: Assistant) -> None:
    turn = say(assistant, "look at c-0310 for duplicate photos and pricing anomalies",
               role="admin", user="a-0001")
    assert calls(turn) == [("fraud_check", {"seller_id": "c-0310"})]


def test_a_score_floor_said_after_the_score(assistant: Assistant) -> None:
    turn = say(assistant, "madhubani paintings by genuine artists only, score at least 85",
               role="buyer", user="b-0001")
    ((name, args),) = calls(turn)
    assert name == "search_products" and args["min_authenticity"] == 85


# -- kinds from independent_dev13's second pass (own wordings) ----------------------------------
def test_a_state_said_as_where_it_is_from_is_the_place(assistant: Assistant) -> None:
    turn = say(assistant, "cane trays from tripura, authenticity atleast 70", role="buyer",
               user="b-0001")
    ((name, args),) = calls(turn)
    assert name == "search_products"
    assert args["location"] == "Tripura" and args["min_authenticity"] == 70


def test_his_photo_is_the_photo_of_the_seller_just_checked(assistant: Assistant) -> None:
    turn = say(assistant, "fraud check on c-0310", "also see if his photo img-9f3a2b7c1d4e5f60 "
               "was lifted from someone", role="admin", user="a-0001")
    assert calls(turn) == [("image_theft_check", {"image": "img-9f3a2b7c1d4e5f60",
                                                  "reported_seller_id": "c-0310"})]


def test_facts_about_a_place_are_out_of_scope() -> None:
    assert off_topic(parse("what is the population of bhuj district"))


def test_another_roles_tool_named_beyond_doubt_is_refused(assistant: Assistant) -> None:
    turn = say(assistant, "list the fraud cases open against kutch embroidery sellers")
    assert turn.tool_calls == [] and turn.error is not None
    assert turn.error["code"] == "FORBIDDEN"


# -- kinds from independent_dev11's second pass (own wordings) -----------------------------------
def test_lac_alone_is_the_resin_not_a_lakh() -> None:
    assert [q.value for q in parse("raise p-00017 by 5%, lac is dearer now").quantities] == [5.0]
    assert [q.value for q in parse("budget 2 lac").quantities] == [200000.0]


def test_of_ids_listed_in_the_message_the_last_position_said_is_meant(
        assistant: Assistant) -> None:
    turn = say(assistant, "two drafts, p-00017 and p-00018: the first one needs photos, so "
                          "publish the second one")
    assert turn.confirm_request is not None
    assert turn.confirm_request["args"]["listing_id"] == "p-00018"


def test_ok_then_the_orders_together_is_not_the_list_again(assistant: Assistant) -> None:
    turn = say(assistant, "show my pending orders", "ok so can these be sent together?")
    assert [name for name, _ in calls(turn)] == ["consolidation_plan"]


@pytest.mark.parametrize("text", [
    "can you book me a bus ticket to Bhuj? want to see the embroidery",
    "suggest a good laptop on flipkart under 40000",
])
def test_a_request_elsewhere_stays_declined(assistant: Assistant, text: str) -> None:
    assert say(assistant, text, role="buyer", user="b-0001").tool_calls == []


def test_pieces_lying_in_the_godown_are_stock() -> None:
    args = production_plan.fill(parse("plan 80 dhurries at 400 each, 30 are lying in the godown"),
                                SkillContext("c-0001", "creator"))
    assert args["current_inventory"] == 30


def test_two_of_ones_own_photos_to_check_are_an_authenticity_check(assistant: Assistant) -> None:
    turn = say(assistant, "meri durrie ki photo img-9f3a2b7c1d4e5f60 aur img-1a2b3c4d5e6f7a8b "
                          "dekho, haath ki bani hai na?")
    assert [name for name, _ in calls(turn)] == ["analyze_authenticity"]


def test_fake_sellers_said_in_passing_do_not_make_a_fraud_check(assistant: Assistant) -> None:
    turn = say(assistant, "show me real pashmina shawls, too many fake sellers online",
               role="buyer", user="b-0001")
    assert turn.error is None or turn.error["code"] != "FORBIDDEN"


@pytest.mark.parametrize(("text", "price"), [
    ("p-00017 ka rate 9000 se 900 kar do, galti se ek zero extra lag gaya", 900.0),
    ("p-00017 at 4500 is wrong, set it to 450", 450.0),
])
def test_a_slip_of_a_zero_and_the_price_it_is_at_are_not_the_new_price(text: str,
                                                                       price: float) -> None:
    args = update_price.fill(parse(to_english(text)), SkillContext("c-0001", "creator"))
    assert args == {"product_id": "p-00017", "new_price": price}


def test_a_price_range_after_a_buyers_search_narrows_it(assistant: Assistant) -> None:
    turn = say(assistant, "pottery vases, authenticity above 80", "price range 500 to 1500",
               role="buyer", user="b-0001")
    ((name, args),) = calls(turn)
    assert name == "search_products" and (args["price_min"], args["price_max"]) == (500, 1500)
    assert args["min_authenticity"] == 80


def test_artisan_hubs_near_a_place_are_clusters(assistant: Assistant) -> None:
    turn = say(assistant, "craft hubs within 80 km of Jaipur", role="buyer", user="b-0001")
    assert calls(turn) == [("craft_clusters", {"location": "Jaipur", "radius_km": 80.0})]


def test_what_other_sellers_charge_is_a_search(assistant: Assistant) -> None:
    turn = say(assistant, "what are other makers charging for brass lamps in Moradabad?")
    assert [name for name, _ in calls(turn)] == ["search_products"]


# -- kinds from independent_dev14 (own wordings) -------------------------------------------------
@pytest.mark.parametrize("text", [
    "bus fare from Delhi to Jaipur? want to buy quilts there",  # a question, though no "what"
    "is Kutch safe for solo women travellers? going to see the embroidery",
])
def test_a_travel_question_beside_a_craft_stays_declined(assistant: Assistant, text: str) -> None:
    assert say(assistant, text, role="buyer", user="b-0001").tool_calls == []


def test_a_kind_of_piece_with_a_price_range_is_a_search(assistant: Assistant) -> None:
    turn = say(assistant, "kalamkari things 800 to 2500", role="buyer", user="b-0001")
    ((name, args),) = calls(turn)
    assert name == "search_products" and (args["price_min"], args["price_max"]) == (800, 2500)


def test_abv_is_above() -> None:
    assert price_bounds(parse("banarasi sari abv 15k").digits) == (15000.0, None)


def test_from_the_artisan_in_a_town_is_where_a_parcel_leaves() -> None:
    from agents.skills import shipping_quote

    args = shipping_quote.fill(parse("send a gift to Pune from the weaver in Bhuj, 1 kg, 2000 rs"),
                               SkillContext("b-0001", "buyer"))
    assert (args["origin"], args["destination"]) == ("Bhuj", "Pune")


def test_coordinates_are_a_destination() -> None:
    from agents.skills import shipping_quote

    args = shipping_quote.fill(parse("ship to lat 19.07 lon 72.87, 1 kg, 900 rs"),
                               SkillContext("c-0001", "creator"))
    assert args["destination"] == {"lat": 19.07, "lon": 72.87}


@pytest.mark.parametrize("text", ["sell blue pottery plates set of 4 for 1600",
                                  "put up a brass diya, 300 gm, priced 450"])
def test_selling_a_piece_at_a_price_is_a_listing(assistant: Assistant, text: str) -> None:
    turn = say(assistant, text)
    assert [name for name, _ in calls(turn)] == ["create_listing"]


def test_each_costs_said_per_pair_in_hinglish() -> None:
    assert "cost 650 each" in to_english("40 pair banane hai, per pair 650 lagta hai")


@pytest.mark.parametrize("text", ["list my madhubani painting, price between 2000 and 3000",
                                  "are other sellers pricing kantha quilts too low? check them "
                                  "for fraud"])
def test_ones_own_piece_or_a_seller_to_judge_is_not_a_search(assistant: Assistant,
                                                             text: str) -> None:
    turn = say(assistant, text, role="buyer", user="b-0001")
    assert "search_products" not in [name for name, _ in calls(turn)]


def test_a_dispatch_plan_for_pending_orders_is_a_consolidation(assistant: Assistant) -> None:
    turn = say(assistant, "plan my dispatch for the pending orders")
    assert [name for name, _ in calls(turn)] == ["consolidation_plan"]
