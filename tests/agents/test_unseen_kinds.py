"""Kinds of request the blind development set independent_dev7 found misread (own wordings).

Each test names the kind; the phrasings here are new, not the set's cases.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest

from agents.assistant import Assistant
from agents.nlu.entities import parse
from agents.nlu.hindi import to_english
from agents.nlu.references import off_topic
from domain.places import Gazetteer
from tests.agents.planner_support import calls, embedded_assistant
from tests.agents.planner_support import say as one_turn
from tests.agents.planner_support import say_all as say


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return embedded_assistant(tmp_path_factory.mktemp("unseen") / "store.db")




@pytest.mark.parametrize(("text", "expected"), [
    # a piece, its weight and hours, and what to charge: the price, whatever else is told
    ("We make brass temple bells at home, each one is about 400 grams and needs 5 hours of "
     "filing and polishing. What should I charge per bell?",
     {"weight_kg": 0.4, "production_hours": 5.0, "materials": ["brass"]}),
    ("sheesham ka chhota dabba, 900 gram, 14 ghante laga, lakdi 300 ki aayi, kitne me bechu",
     {"weight_kg": 0.9, "production_hours": 14.0}),
    ("ताड़ के पत्ते पर चित्र बनाया, दो सौ ग्राम, बीस घंटे, सही दाम क्या रखूँ?",
     {"materials": ["palm leaf"], "weight_kg": 0.2, "production_hours": 20.0}),
    ("sooti kapde ka toran, 2 kilo ke aas paas, 4 din roz 5 ghante, kitna rate rakhu",
     {"weight_kg": 2.0, "production_hours": 20.0}),
])
def test_a_piece_with_weight_hours_and_a_price_question_is_priced(
        assistant: Assistant, text: str, expected: dict) -> None:
    (name, args), = calls(say(assistant, text))
    assert name == "golden_price"
    assert {k: args.get(k) for k in expected} == expected


@pytest.mark.parametrize("text", [
    "list my new dokra horse, 1.2 kg, 30 hours of casting, I will sell it for 4000",
    "naya dupatta online daalna hai, 250 gram, 18 ghante laga, 1500 me bechna hai",
])
def test_a_piece_put_up_for_sale_with_its_weight_and_hours_stays_a_listing(
        assistant: Assistant, text: str) -> None:
    assert [n for n, _ in calls(say(assistant, text))] == ["create_listing"]


@pytest.mark.parametrize(("text", "gloss"), [
    ("2 kilo ke aas paas ka parcel", "2 kg approx"),        # about, not near a place
    ("jaipur ke aas paas pottery", "near jaipur"),
    ("ye dupatta 1500 me bech do", "for 1500"),              # for that much, not 1500 inches
    ("बारह सौ में बेचूँगी।", "for 1200 sell"),                  # the danda ends the sentence
    ("p-00012 ko 950 me lagao", "set price to 950"),
    ("isko dukaan pe laga do", "list it for sale on the shop"),
    ("पार्सल रास्ते में है क्या", "on the way"),
])
def test_hindi_amounts_prices_and_shop_phrases(text: str, gloss: str) -> None:
    assert gloss in to_english(text)


def test_putting_a_piece_up_in_the_shop_is_a_listing(assistant: Assistant) -> None:
    turn = say(assistant, "हाथ से बुना ऊनी शॉल है, इसे दुकान में लगाना है, दाम तीन हज़ार")
    assert [n for n, _ in calls(turn)] == ["create_listing"]


@pytest.mark.parametrize(("text", "args"), [
    ("गुजरात में कौन सी कलाएँ लुप्त हो रही हैं?", {"location": "Gujarat", "endangered_only": True}),
    ("any vanishing crafts around Nagpur I could buy from?",
     {"location": "Nagpur", "endangered_only": True}),
    ("which villages make dhokra, only Bastar or others too?", {"craft": "dhokra"}),
    ("बनारस के आसपास शिल्प के गाँव कौन से हैं", {"location": "Varanasi"}),
    ("lakdi ke khilone kahan kahan bante hai", {"craft": "toys"}),
])
def test_where_a_craft_is_made_and_which_are_endangered_are_the_cluster_map(
        assistant: Assistant, text: str, args: dict) -> None:
    (name, got), = calls(say(assistant, text, role="buyer", user="b-0001"))
    assert name == "craft_clusters"
    assert {k: got.get(k) for k in args} == args


@pytest.mark.parametrize("text", ["why is sujani embroidery dying out",
                                  "which crafts are endangered on the platform"])
def test_why_a_craft_is_dying_stays_a_heritage_question(assistant: Assistant, text: str) -> None:
    assert [n for n, _ in calls(say(assistant, text, role="buyer", user="b-0001"))] == [
        "heritage_lookup"]


def test_a_suspicious_seller_is_checked_and_the_id_asked_for(assistant: Assistant) -> None:
    turn = say(assistant, "c-0310 ke saare reviews ek hi ghante me aaye, kuch gadbad hai",
               role="admin", user="admin-1")
    assert calls(turn) == [("fraud_check", {"seller_id": "c-0310"})]
    first = say(assistant, "one vendor keeps getting five stars from fresh accounts, looks fishy",
                role="admin", user="admin-1")
    assert not first.tool_calls and first.asks_for == ["seller_id"]


def test_a_creator_cannot_be_routed_to_the_admin_fraud_check(assistant: Assistant) -> None:
    turn = say(assistant, "some seller is selling fake copies of my work, looks like a scam")
    assert "fraud_check" not in [n for n, _ in calls(turn)]


@pytest.mark.parametrize("text", [
    "मधुबनी से दरभंगा जाने वाली बस का किराया बताओ",
    "jaipur bus stand se bagru kitni door hai",
    "my back is aching from the loom, which ointment helps",
])
def test_travel_and_health_near_a_craft_town_are_out_of_scope(text: str) -> None:
    assert off_topic(parse(to_english(text)))


def test_craft_villages_resolve_to_themselves() -> None:
    gaz = Gazetteer.default()
    for town in ("Sanganer", "Sualkuchi", "Molela", "Ajrakhpur"):
        place = gaz.exact(town)
        assert place is not None and place.name == town


@pytest.mark.parametrize(("text", "status"), [
    ("मेरे लंबित ऑर्डर दिखाओ", "pending"),
    ("jo order raste me hai wo dikhao", "shipped"),
])
def test_hindi_order_statuses(assistant: Assistant, text: str, status: str) -> None:
    assert calls(say(assistant, text)) == [("list_orders", {"status": status})]


def test_a_cost_per_pair_is_the_unit_cost(assistant: Assistant) -> None:
    (name, args), = calls(say(assistant, "want to make 60 pairs of juttis, 380 cost per pair"))
    assert name == "production_plan"
    assert args["planned_quantity"] == 60 and args["unit_cost"] == 380


def test_a_follow_up_to_the_same_tool_keeps_the_rest_of_the_call(assistant: Assistant) -> None:
    turn = say(assistant, "gujarat me textiles ki demand agle 2 mahine", "aur bihar ka?")
    assert calls(turn) == [("demand_forecast", {"category": "textiles", "region": "Bihar",
                                                "horizon_days": 60})]



def test_a_listing_over_three_turns_takes_its_photo_and_publishes_at_its_price(
        tmp_path: Path) -> None:
    """The creator's own photo key goes on the draft; "publish it" then keeps the draft's price."""
    from domain.store.models_verification import ImageSignature, MediaFile

    helper = embedded_assistant(tmp_path / "listing.db")
    key = "img-00112233aabbccdd"
    with helper.store.session() as s:
        s.add(MediaFile(id=key, sha256="0" * 64, kind="seed", mime="image/jpeg", width=8,
                        height=8, size_bytes=1, path="/nonexistent", owner_id=None))
        s.add(ImageSignature(media_id=key, product_id=None, seller_id="c-0001",
                             phash="0" * 16, dhash="0" * 16))
    texts = ("कोंडापल्ली की लकड़ी की गुड़िया की लिस्टिंग बनानी है, हाथ से रंगी हुई",
             f"वज़न तीन सौ ग्राम, दस घंटे लगे, दाम आठ सौ, फोटो {key} है",
             "ठीक है, इसे प्रकाशित कर दो")
    turns = [one_turn(helper, text, "listing flow") for text in texts]
    assert [n for n, _ in calls(turns[0])] == ["create_listing"]
    (name, args), = calls(turns[1])
    assert name == "create_listing" and args["images"] == [key] and args["price"] == 800
    assert turns[2].confirm_request is not None
    confirmed = asyncio.run(helper.turn(user_id="c-0001", role="creator", session_id=hashlib.sha1(
        b"listing flow").hexdigest()[:16], confirm=True))
    (name, args), = calls(confirmed)
    assert name == "publish_listing" and args["price"] == 800


@pytest.mark.parametrize(("texts", "tool", "expected"), [
    # independent_dev9's kinds, in new words
    (("tamil nadu me sadiyon ki maang agle 3 mahine",), "demand_forecast",
     {"category": "textiles", "region": "Tamil Nadu", "horizon_days": 90}),
    (("अगले तीस दिनों में चित्रों की बिक्री कितनी होगी, बिहार में?",), "demand_forecast",
     {"category": "painting", "region": "Bihar"}),
    (("80 toran banane hai, 150 lagat ek ki",), "production_plan",
     {"planned_quantity": 80, "unit_cost": 150}),
    (("she wove it in 4 days at 7 hours each, cotton stole 300 grams, what price to ask?",),
     "golden_price", {"production_hours": 28.0, "weight_kg": 0.3}),
    (("bidri ka paan daan 900 gram, 30 ghante, rate?",), "golden_price", {"materials": ["zinc"]}),
    # a price said before "courier" is the parcel's worth, not a count of couriers
    (("2 kilo ki chadar delhi bhejni hai 1500 ki hai courier kitna",), "shipping_quote",
     {"declared_price": 1500, "weight_kg": 2.0}),
    (("40 brass lamps, making cost 600 each, ok?", "what if the cost becomes 750"),
     "production_plan", {"planned_quantity": 40, "unit_cost": 750}),
    (("jaipur ke 20 km andar blue pottery dikhao", "aur 50 km tak badha do"), "search_products",
     {"location": "Jaipur", "radius_km": 50}),
    (("sheesham ki chowki 5 kilo, 30 ghante, price?", "uska bada size 8 kilo wala?"),
     "golden_price", {"weight_kg": 8.0, "production_hours": 30.0}),
])
def test_follow_ups_and_hindi_forms_found_by_the_ninth_blind_set(
        assistant: Assistant, texts: tuple[str, ...], tool: str, expected: dict) -> None:
    (name, args), = calls(say(assistant, *texts))
    assert name == tool
    assert {k: args.get(k) for k in expected} == expected


def test_where_a_craft_is_done_is_the_cluster_map(assistant: Assistant) -> None:
    turn = say(assistant, "where is kalamkari done? we want to go see", role="buyer", user="b-0001")
    assert [n for n, _ in calls(turn)] == ["craft_clusters"]
