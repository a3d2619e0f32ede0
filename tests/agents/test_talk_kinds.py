"""Kinds of talk the blind sets independent_dev14 to dev17 found misread (own wordings).

An "ok" opening a request, an action said outright while a question waits, a piece named a
turn ago, what a listing's state calls for, "from there" and "from here", the same piece in a
"what if", shopping asked as a question, a question after a search, numbers said in words, and
the roles of tools.md. Each test names the kind; the phrasings are new, not the sets' cases.
"""

from __future__ import annotations

import pytest

from agents.assistant import Assistant, Turn
from agents.nlu.entities import keep_said_abbreviations, parse, price_bounds
from agents.nlu.hindi import to_english
from agents.nlu.references import off_topic, shown_products
from agents.skills import _intelligence as intel
from domain.listing_attributes import extract
from domain.store.models import Product
from tests.agents.planner_support import calls, embedded_assistant
from tests.agents.planner_support import say as one_turn
from tests.agents.planner_support import say_all as say


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    made = embedded_assistant(tmp_path_factory.mktemp("talk") / "store.db",
                              products=("p-00017", "p-00018"))
    with made.store.session() as s:  # p-00017 stays a draft; p-00018 is live
        live = s.get(Product, "p-00018")
        assert live is not None
        live.status = "active"
    return made


def _confirming(turn: Turn) -> tuple[str, dict]:
    assert turn.confirm_request is not None, turn.reply
    return turn.confirm_request["name"], turn.confirm_request["args"]


# -- what a turn opens with, and what it says outright ---------------------------------------
def test_an_ok_opening_a_request_is_not_the_answer(assistant: Assistant) -> None:
    turn = say(assistant, "haan theek hai, p-00018 ka daam 1200 kar do")
    assert _confirming(turn) == ("update_price", {"product_id": "p-00018", "new_price": 1200.0})


def test_a_publish_said_outright_while_the_price_is_asked(assistant: Assistant) -> None:
    turn = say(assistant, "list my new blue pottery bowl, 800 g, 6 hours of work",
               "put it live at 1450")
    name, args = _confirming(turn)
    assert name == "publish_listing" and args["price"] == 1450.0


def test_an_answer_that_reads_like_a_price_question_still_answers(assistant: Assistant) -> None:
    turn = say(assistant, "i want to make a listing", "terracotta horse, 2 kg, 7 hours, 900 ka")
    assert [c[0] for c in calls(turn)] == ["create_listing"]


def test_it_is_the_piece_named_a_turn_ago(assistant: Assistant) -> None:
    turn = say(assistant, "what should my draft p-00017 sell for? blue pottery, 1 kg, 5 hours",
               "fine, publish it at 1300")
    assert _confirming(turn) == ("publish_listing", {"listing_id": "p-00017", "price": 1300.0})


# -- what the named listing's state calls for -------------------------------------------------
def test_a_new_price_for_a_live_listing_is_a_price_change(assistant: Assistant) -> None:
    turn = say(assistant, "in listing p-00018 set the price 1150")
    assert _confirming(turn) == ("update_price", {"product_id": "p-00018", "new_price": 1150.0})


def test_a_draft_ready_for_the_site_is_published(assistant: Assistant) -> None:
    turn = say(assistant, "p-00017 taiyaar hai, website pe daal do")
    assert _confirming(turn)[0] == "publish_listing"


def test_a_named_listing_gives_its_kind_to_a_photo_check(assistant: Assistant) -> None:
    turn = say(assistant, "are the photos img-0a1b2c3d4e5f6a7b of p-00017 handmade?")
    assert calls(turn)[0][1]["category"] == "pottery"


def test_a_live_listing_made_cheaper_is_a_price_change_not_a_batch(assistant: Assistant) -> None:
    turn = say(assistant, "the blue bowl p-00018, make it 950, no one buys at 1000")
    assert _confirming(turn) == ("update_price", {"product_id": "p-00018", "new_price": 950.0})


@pytest.mark.parametrize(("text", "price"), [
    ("publish p-00017 at 1,250 not 1,400", 1250.0),
    ("publish p-00017 at one fifty", 150.0),
])
def test_the_price_meant_when_publishing(assistant: Assistant, text: str, price: float) -> None:
    assert _confirming(say(assistant, text))[1]["price"] == price


# -- places pointed at -----------------------------------------------------------------------
def test_from_there_is_the_place_just_searched(assistant: Assistant) -> None:
    turn = say(assistant, "bell metal bowls from Moradabad",
               "what would it cost to send one of 1.5 kg worth 2200 from there to Surat",
               role="buyer", user="b-0001")
    assert calls(turn) == [("shipping_quote", {"destination": "Surat", "origin": "Moradabad",
                                               "weight_kg": 1.5, "declared_price": 2200.0})]


def test_from_here_is_where_the_maker_says_they_are(assistant: Assistant) -> None:
    turn = say(assistant, "I am at the Delhi haat till Sunday. sending one parcel from here to "
                          "Kochi, 900 g, worth 2600")
    assert calls(turn) == [("shipping_quote", {"origin": "Delhi", "destination": "Kochi",
                                               "weight_kg": 0.9, "declared_price": 2600.0})]


def test_a_price_said_as_selling_it_is_the_declared_price(assistant: Assistant) -> None:
    turn = say(assistant, "price for a brass diya stand, 3 kg, 14 hours",
               "if I sell it for 3100, what is shipping to Indore")
    assert calls(turn)[0][1]["declared_price"] == 3100.0


# -- the same piece, and questions about what was shown --------------------------------------
def test_the_same_piece_made_elsewhere_keeps_the_piece(assistant: Assistant) -> None:
    turn = say(assistant, "golden price for a brass vase, 1.5 kg, 9 hours",
               "and the same vase if made in Jaipur?", role="admin", user="a-0001")
    args = calls(turn)[0][1]
    assert (args["category"], args["materials"], args["location"]) == (
        "metalware", ["brass"], "Jaipur")


def test_a_question_after_a_search_is_for_the_heritage_notes(assistant: Assistant) -> None:
    turn = say(assistant, "kantha stoles under 3000", "why do they stitch these by hand?",
               role="buyer", user="b-0001")
    assert [c[0] for c in calls(turn)] == ["heritage_lookup"]


def test_a_refinement_keeps_the_search_and_adds_the_floor(assistant: Assistant) -> None:
    turn = say(assistant, "bagru bedsheets under 4000", "umm can you narrow it to authenticity 85+",
               role="buyer", user="b-0001")
    args = calls(turn)[0][1]
    assert args["price_max"] == 4000.0 and args["min_authenticity"] == 85.0


def test_thanks_or_goodbye_ends_the_talk(assistant: Assistant) -> None:
    turn = say(assistant, "terracotta lamps", "thank you!! that's all for today",
               role="buyer", user="b-0001")
    assert calls(turn) == []


# -- shopping said as a question -------------------------------------------------------------
@pytest.mark.parametrize("text", ["tarakasi work earrings", "sujni ka quilt?",
                                  "do you have any sujni quilts?",
                                  "where can I get a real pashmina stole in Srinagar"])
def test_a_craft_or_kind_of_piece_to_buy_is_a_search(assistant: Assistant, text: str) -> None:
    assert [c[0] for c in calls(say(assistant, text, role="buyer", user="b-0001"))] == [
        "search_products"]


def test_where_the_pieces_come_from_is_the_search_place(assistant: Assistant) -> None:
    turn = say(assistant, "I have a shop in Mumbai, looking for kalamkari stoles from Pedana",
               role="buyer", user="b-0001")
    assert calls(turn)[0][1]["location"] == "Pedana"


@pytest.mark.parametrize(("text", "tool"), [
    ("where is my stuff?", "list_orders"),
    ("p-00018 is gone already, anything else close to it?", "recommend_similar"),
])
def test_a_buyers_own_words_for_a_tool(assistant: Assistant, text: str, tool: str) -> None:
    assert [c[0] for c in calls(say(assistant, text, role="buyer", user="b-0001"))] == [tool]


# -- roles (tools.md) ------------------------------------------------------------------------
def test_an_admin_gets_no_shipping_quote(assistant: Assistant) -> None:
    turn = say(assistant, "quote shipping to Nagpur, 1 kg, worth 800", role="admin",
               user="a-0001")
    assert calls(turn) == [] and turn.error is not None and turn.error["code"] == "FORBIDDEN"


def test_an_admin_makes_no_new_listing(assistant: Assistant) -> None:
    turn = say(assistant, "create a listing for a cane basket 700 g 650", role="admin",
               user="a-0001")
    assert calls(turn) == [] and "an admin" in turn.reply


def test_an_admin_seeing_copied_photos_checks_the_seller(assistant: Assistant) -> None:
    turn = say(assistant, "c-0222's sarees have the same photos as another weaver's, look into it",
               role="admin", user="a-0001")
    assert calls(turn) == [("fraud_check", {"seller_id": "c-0222"})]


def test_he_is_the_seller_just_checked(assistant: Assistant) -> None:
    turn = say(assistant, "fraud check c-0222", "and did he copy img-0a1b2c3d4e5f6a7b?",
               role="admin", user="a-0001")
    assert calls(turn) == [("image_theft_check", {"image": "img-0a1b2c3d4e5f6a7b",
                                                  "reported_seller_id": "c-0222"})]


# -- forecasts and plans ---------------------------------------------------------------------
@pytest.mark.parametrize("text", ["how many will sell before diwali? my terracotta diyas",
                                  "which months do leather juttis sell best"])
def test_how_a_kind_of_piece_will_sell_is_a_forecast(assistant: Assistant, text: str) -> None:
    assert [c[0] for c in calls(say(assistant, text))] == ["demand_forecast"]


def test_going_up_or_down_is_no_state() -> None:
    utt = parse("cane baskets next 2 months — sales up or down?")
    keep_said_abbreviations(utt, "cane baskets next 2 months — sales up or down?")
    assert utt.regions == [] and intel.region(utt) is None


def test_the_whole_country_and_a_town_in_a_crafts_name() -> None:
    utt = parse(to_english("पूरे देश में चंदेरी साड़ी की बिक्री"))
    assert intel.region(utt) == "all"
    assert intel.region(parse("madhubani painting sales next year")) is None


def test_pieces_in_hand_are_stock(assistant: Assistant) -> None:
    turn = say(assistant, "should I make 40 lamp shades for Diwali? 300 each to make, 6 in hand")
    assert calls(turn)[0][1]["current_inventory"] == 6


# -- numbers, prices and words ----------------------------------------------------------------
@pytest.mark.parametrize(("text", "values"), [
    ("it took two days and a half", [(2.5, "d")]),
    ("three quarters of a kilo", [(0.75, "kg")]),
    ("one point five kilos", [(1.5, "kg")]),
    ("nothing over two and a half thousand", [(2500.0, None)]),
    ("at one twenty five", [(125.0, None)]),
])
def test_numbers_said_in_words(text: str, values: list) -> None:
    assert [(q.value, q.unit) for q in parse(text).quantities] == values


@pytest.mark.parametrize(("text", "bounds"), [
    ("I won't pay more than 3000 for it", (None, 3000.0)),
    ("say 4000 minimum and up to 9000", (4000.0, 9000.0)),
    ("chappals within 25 kilometres of Kolhapur, under 1200", (None, 1200.0)),
])
def test_price_bounds_said_with_other_words(text: str, bounds: tuple) -> None:
    assert price_bounds(parse(text).digits) == bounds


@pytest.mark.parametrize(("text", "weight"), [("a saree, 1 kilo 250 gram", 1.25),
                                              ("two point five kilos of brass", 2.5),
                                              ("a 2 kg lamp, 300 g box", 2.0)])
def test_a_listing_weight_said_in_two_units_or_words(text: str, weight: float) -> None:
    assert extract(text).weight_kg == weight


def test_a_size_is_not_a_price(assistant: Assistant) -> None:
    turn = say(assistant, "list my new madhubani wall hanging, 45 by 60 cm, 3800")
    assert calls(turn)[0][1]["price"] == 3800.0


@pytest.mark.parametrize(("text", "price"), [
    ("Hyderabad bhejna hai, 500 gram, 4500 ki dupatta hai", 4500.0),
])
def test_what_a_piece_is_worth_in_hinglish(assistant: Assistant, text: str, price: float) -> None:
    assert calls(say(assistant, text))[0][1]["declared_price"] == price


@pytest.mark.parametrize(("text", "material"), [
    ("price a channapatna toy, 300 g, 4 hours", "wood"),
    ("kanjeevaram saree, 900 gm, 150 hours, kitna rakhu", "silk"),
])
def test_a_craft_says_its_usual_material(assistant: Assistant, text: str, material: str) -> None:
    assert calls(say(assistant, text))[0][1]["materials"] == [material]


def test_hinglish_orders_said_confirmed() -> None:
    assert parse(to_english("kitne order confirm ho chuke hain, dikhao")).statuses == [
        "confirmed"]
    assert parse(to_english("jo order confirm nahi hue")).statuses == ["pending"]


def test_a_piece_to_put_up_in_hinglish(assistant: Assistant) -> None:
    turn = say(assistant, "ek chanderi dupatta dalna hai, 300 gram, 2200")
    assert [c[0] for c in calls(turn)] == ["create_listing"]


@pytest.mark.parametrize("text", ["is the amber fort open on tuesdays",
                                  "when does the surajkund mela begin this year",
                                  "my phone battery drains so fast, help", "eng vs sa score?"])
def test_out_of_scope_even_naming_a_place(text: str) -> None:
    assert off_topic(parse(text))


@pytest.mark.parametrize("text", ["a battery operated lamp with a gond shade",
                                  "sourcing dhurries for a hotel lobby in Goa",
                                  "can a tussar saree be dry cleaned"])
def test_not_out_of_scope(text: str) -> None:
    assert not off_topic(parse(text))


def test_the_first_one_after_a_stock_check_is_the_first_listed() -> None:
    payload = {"unsold_over_60_days": [{"product_id": "p-00031"}, {"product_id": "p-00032"}],
               "slow_moving": [{"product_id": "p-00031"}, {"product_id": "p-00040"}]}
    assert [p["id"] for p in shown_products(payload) or []] == ["p-00031", "p-00032", "p-00040"]


# -- more kinds (dev16, dev17) ----------------------------------------------------------------
@pytest.mark.parametrize(("text", "tool"), [
    ("my aunt loves bidri, is there a walk where she can meet the bidri makers in Bidar?",
     "heritage_trail"),
    ("going to Rajasthan in March, which craft towns are worth knowing?", "craft_clusters"),
    ("what is selling most these days, anything trending?", "search_products"),
])
def test_visits_towns_and_trends_are_not_heritage_questions(assistant: Assistant, text: str,
                                                            tool: str) -> None:
    assert [c[0] for c in calls(say(assistant, text, role="buyer", user="b-0001"))] == [tool]


def test_a_state_by_its_short_name_is_named_in_full(assistant: Assistant) -> None:
    turn = say(assistant, "visiting MP soon, craft clusters there?", role="buyer", user="b-0001")
    assert calls(turn) == [("craft_clusters", {"location": "Madhya Pradesh"})]


def test_that_price_is_the_one_just_suggested(assistant: Assistant) -> None:
    priced = one_turn(assistant, "what should a brass bell sell for, 1 kg, 6 hours", "that-price")
    golden = next(r["result"]["golden_price"] for r in priced.tool_results
                  if r["name"] == "golden_price")
    turn = one_turn(assistant, "ok put p-00018 at that price", "that-price")
    assert _confirming(turn) == ("update_price", {"product_id": "p-00018", "new_price": golden})


@pytest.mark.parametrize(("text", "seller"), [
    ("is seller 1420 genuine?", "c-1420"),
    ("lots of complaints about c-0222, maybe reselling factory stuff", "c-0222"),
    ("c-0222 ने एक दिन में 50 लिस्टिंग डालीं, जाँच करो", "c-0222"),
])
def test_an_admins_words_for_a_seller_check(assistant: Assistant, text: str, seller: str) -> None:
    assert calls(say(assistant, text, role="admin", user="a-0001")) == [
        ("fraud_check", {"seller_id": seller})]


def test_a_tailor_is_out_of_scope() -> None:
    assert off_topic(parse("need a darzi in Jaipur to stitch my bandhani blouse"))


@pytest.mark.parametrize(("text", "args"), [
    ("wooden top, 200 gm, 90 minutes of work, what price?", {"production_hours": 1.5}),
    ("pan india demand for pottery next 3 months", {"region": "all"}),
    ("kitne order ship ho gaye?", {"status": "shipped"}),
])
def test_units_regions_and_statuses_said_otherwise(assistant: Assistant, text: str,
                                                   args: dict) -> None:
    said = calls(say(assistant, text))[0][1]
    assert {k: said.get(k) for k in args} == args


def test_orders_going_the_same_way_are_a_consolidation(assistant: Assistant) -> None:
    turn = say(assistant, "anything pending headed to the same city? maybe club them")
    assert [c[0] for c in calls(turn)] == ["consolidation_plan"]


def test_the_old_price_said_with_nahi_is_not_the_new_one(assistant: Assistant) -> None:
    turn = say(assistant, "p-00018 ka daam barah sau kar do, 1000 ka nahi bikega")
    assert _confirming(turn)[1]["new_price"] == 1200.0


def test_hindi_material_words() -> None:
    assert sorted(intel.materials(parse(to_english("क्वार्ट्ज़ की प्लेट, चाँदी के झुमके")))) == [
        "quartz", "silver"]


@pytest.mark.parametrize("text", ["my payment failed and the money was deducted, refund me",
                                  "phone the customer and say the parcel is late",
                                  "best place to walk in Jaipur in the evening"])
def test_what_no_tool_does(assistant: Assistant, text: str) -> None:
    assert calls(say(assistant, text, role="buyer", user="b-0001")) == []


def test_publish_it_while_drafting_is_the_draft_not_a_piece_shown(assistant: Assistant) -> None:
    turn = say(assistant, "blue pottery pieces", "list my new blue pottery plate, 500 g, 3 hours",
               "publish it at 900")
    name, args = _confirming(turn)
    assert name == "publish_listing" and args["listing_id"] not in ("p-00017", "p-00018")
