"""The embedded planner: intent accuracy, emitted calls, slot filling across turns, clarifying."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold

from agents.assistant import Assistant
from agents.nlu.classifier import IntentClassifier
from agents.nlu.entities import parse
from agents.nlu.skill import load_corpus
from agents.planners.embedded import EmbeddedPlanner
from domain.places import normalize
from tests.agents.planner_support import embedded_assistant, say
from tools import load_all


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    from domain.store.models import Buyer

    # The pieces whose price changes the tests confirm: c-0001's own, so the assistant asks
    # (it checks ownership before asking, and refuses another creator's or a missing product).
    path: Path = tmp_path_factory.mktemp("planner") / "empty.db"
    assistant = embedded_assistant(path, ("p-00012", "p-00088", "p-00140"))
    with assistant.store.session() as s:
        # A buyer with a registered address (b-0001 has none: a guest).
        s.add(Buyer(id="b-0002", name="Test Buyer", city="Lucknow", state="Uttar Pradesh",
                    lat=26.85, lon=80.95))
    return assistant


def test_intent_accuracy_under_cross_validation() -> None:
    """Five-fold accuracy on the bundled corpus; the figure the issue asks to be measured."""
    pairs = load_corpus()
    texts = np.array([t for t, _ in pairs], dtype=object)
    labels = np.array([i for _, i in pairs])
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    tools = set(load_all().names())
    correct = tool_total = tool_correct = 0
    for train, test in folds.split(texts, labels):
        clf = IntentClassifier().fit(list(zip(texts[train], labels[train], strict=True)))
        for text, label in zip(texts[test], labels[test], strict=True):
            hit = clf.predict(text).intent == label
            correct += hit
            if label in tools:
                tool_total += 1
                tool_correct += hit
    # Measured 2026-11-28 on 1007 lines / 23 intents: 0.842 overall, 0.886 on tool intents
    # (0.839 / 0.880 on 981 lines before the order, search and price paraphrases were added).
    # Short small-talk lines ("ok", "nah") and heritage-vs-cluster questions are the hard part.
    assert correct / len(pairs) >= 0.80
    assert tool_correct / tool_total >= 0.85


def test_predict_matches_the_fitted_pipeline() -> None:
    """``predict`` computes the pipeline's probabilities without sklearn's per-call machinery.

    Checked on every corpus line and on odd inputs (empty, unknown words, Devanagari, ids).
    """
    from agents.nlu.classifier import prepare

    clf = EmbeddedPlanner().classifier
    texts = [t for t, _ in load_corpus()] + [
        "", "!!!", "zzzz qqqq", "मिट्टी का गमला, तीन किलो", "golden prize of p-00012",
    ]
    classes = list(clf.pipeline.classes_)
    for text in texts:
        expected = clf.pipeline.predict_proba([prepare(text)])[0]
        got = dict(clf.predict(text).ranking)
        assert np.allclose([got[c] for c in classes], expected, atol=1e-9), text
        assert clf.predict(text).intent == classes[int(np.argmax(expected))], text


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("show my pending orders", "list_orders", {"status": "pending"}),
        ("which orders have been dispatched", "list_orders", {"status": "shipped"}),
        ("blue pottery near Jaipur within 50 km", "search_products",
         {"query": "blue pottery", "location": "Jaipur", "radius_km": 50}),
        ("banarasi saree from baronassie under 5000", "search_products",
         {"location": "Varanasi", "price_max": 5000}),
    ],
)
def test_emits_the_call_an_llm_would(
    assistant: Assistant, text: str, name: str, args: dict
) -> None:
    turn = say(assistant, text, session=f"emit-{text}")
    assert [c["name"] for c in turn.tool_calls] == [name]
    for key, value in args.items():
        assert turn.tool_calls[0]["args"][key] == value


def test_missing_required_argument_is_asked_for_and_kept(assistant: Assistant) -> None:
    first = say(assistant, "i want to change my price", session="slots")
    assert first.tool_calls == [] and first.asks_for == ["product_id", "new_price"]
    assert "which product" in first.reply.lower()
    second = say(assistant, "p-00012", session="slots")
    assert second.tool_calls == [] and second.asks_for == ["new_price"]
    third = say(assistant, "950 rupees", session="slots")
    # update_price is critical: the graph stops for confirmation with the completed call.
    assert third.confirm_request is not None
    assert third.confirm_request["args"] == {"product_id": "p-00012", "new_price": 950.0}


def test_follow_up_reuses_the_last_tool(assistant: Assistant) -> None:
    say(assistant, "show my pending orders", session="follow")
    turn = say(assistant, "what about shipped ones", session="follow")
    assert turn.tool_calls == [{"name": "list_orders", "args": {"status": "shipped"}}]


def test_low_confidence_asks_instead_of_guessing(assistant: Assistant) -> None:
    turn = say(assistant, "zxq vrrp blorf", session="gibberish")
    assert turn.tool_calls == []
    assert "not sure" in turn.reply.lower()


@pytest.mark.parametrize("text", ["hello", "thank you so much", "what is the weather today"])
def test_small_talk_calls_no_tool(assistant: Assistant, text: str) -> None:
    turn = say(assistant, text, session=f"talk-{text}")
    assert turn.tool_calls == [] and turn.reply


def test_declining_a_confirmation_changes_nothing(assistant: Assistant) -> None:
    turn = say(assistant, "change the price of p-00012 to 950", session="decline")
    assert turn.confirm_request is not None
    answer = say(assistant, "no", session="decline")
    assert answer.tool_calls == [] and "not done" in answer.reply.lower()


@pytest.mark.parametrize(
    ("text", "args"),
    [
        # Status paraphrases, typos and other names for orders.
        ("are my packages on their way to the buyers", {"status": "shipped"}),
        ("what is still being made for my customers", {"status": "in_production"}),
        ("list my deliverd orders", {"status": "delivered"}),
        ("shw me cancled oders", {"status": "cancelled"}),
        ("all the sales i have made", {}),
    ],
)
def test_orders_by_other_words_and_misspellings(
    assistant: Assistant, text: str, args: dict
) -> None:
    turn = say(assistant, text, session=f"orders-{text}")
    assert turn.tool_calls == [{"name": "list_orders", "args": args}]


def test_a_word_that_is_no_status_is_left_to_the_tool_to_refuse(assistant: Assistant) -> None:
    # The tool's validation error names the statuses that exist; a near miss is corrected first.
    turn = say(assistant, "show my returned orders", session="returned")
    assert turn.tool_calls == [{"name": "list_orders", "args": {"status": "returned"}}]


@pytest.mark.parametrize(
    ("text", "args"),
    [
        (
            "show me ikat sarees between 4000 and 9000 rupees",
            {"query": "ikat sarees", "craft_types": ["ikat"], "price_min": 4000,
             "price_max": 9000},
        ),
        (
            "brass lamps from 2k to 5k",
            {"query": "brass lamps", "price_min": 2000, "price_max": 5000},
        ),
        (
            "pashmina shawls 8000-20000 rupees",
            {"query": "pashmina shawls", "craft_types": ["pashmina"], "price_min": 8000,
             "price_max": 20000},
        ),
        ("wooden toys below five hundred rupees", {"query": "wooden toys", "price_max": 500}),
        ("marble coasters more than 1200", {"query": "marble coasters", "price_min": 1200}),
    ],
)
def test_price_ranges_fill_bounds_not_the_query(
    assistant: Assistant, text: str, args: dict
) -> None:
    turn = say(assistant, text, session=f"range-{text}")
    assert turn.tool_calls == [{"name": "search_products", "args": args}]


def test_a_filter_follow_up_keeps_the_previous_search(assistant: Assistant) -> None:
    say(assistant, "blue pottery near jaipur", session="narrow")
    turn = say(assistant, "just within 30 km", session="narrow")
    assert turn.tool_calls == [
        {
            "name": "search_products",
            "args": {"query": "blue pottery", "craft_types": ["blue pottery"],
                     "location": "Jaipur", "radius_km": 30},
        }
    ]
    turn = say(assistant, "and under 1500 rupees", session="narrow")
    assert turn.tool_calls == [
        {
            "name": "search_products",
            "args": {
                "query": "blue pottery",
                "craft_types": ["blue pottery"],
                "location": "Jaipur",
                "radius_km": 30,
                "price_max": 1500,
            },
        }
    ]


def test_new_words_after_a_search_start_a_new_search(assistant: Assistant) -> None:
    say(assistant, "blue pottery near jaipur", session="fresh")
    turn = say(assistant, "show me pashmina shawls", session="fresh")
    assert turn.tool_calls == [{"name": "search_products", "args": {
        "query": "pashmina shawls", "craft_types": ["pashmina"]}}]


@pytest.mark.parametrize(
    ("text", "args"),
    [
        ("terracotta horses in bankura", {"query": "terracotta horses", "location": "bankura"}),
        ("bidri boxes from bidar", {"query": "bidri boxes", "craft_types": ["bidri"],
                                    "location": "bidar"}),
        ("kalamkari dupattas", {"query": "kalamkari dupattas"}),
        ("phulkari dupattas", {"query": "phulkari dupattas"}),
    ],
)
def test_a_product_and_a_place_is_shopping(assistant: Assistant, text: str, args: dict) -> None:
    turn = say(assistant, text, session=f"shop-{text}")
    assert [c["name"] for c in turn.tool_calls] == ["search_products"]
    called = turn.tool_calls[0]["args"]
    if "location" in called:
        called["location"] = normalize(called["location"])  # the gazetteer writes "Bānkura"
    assert called == args


@pytest.mark.parametrize(
    "text", ["what is the history of bidri work in bidar", "how are phulkari dupattas embroidered"]
)
def test_a_question_about_a_product_is_for_the_knowledge_base(
    assistant: Assistant, text: str
) -> None:
    turn = say(assistant, text, session=f"ask-{text}")
    assert [c["name"] for c in turn.tool_calls] == ["heritage_lookup"]


@pytest.mark.parametrize(
    ("text", "args"),
    [
        (
            "the brass bell p-00140 should now cost 780 rupees",
            {"product_id": "p-00140", "new_price": 780.0},
        ),
        (
            "my madhubani panel p-00088 ought to be 3200 rupees now",
            {"product_id": "p-00088", "new_price": 3200.0},
        ),
        (
            "set price of p zero zero one four zero to two thousand one hundred",
            {"product_id": "p-00140", "new_price": 2100.0},
        ),
        ("change P-140 to twelve hundred", {"product_id": "p-00140", "new_price": 1200.0}),
    ],
)
def test_price_changes_said_any_way_ask_to_confirm(
    assistant: Assistant, text: str, args: dict
) -> None:
    turn = say(assistant, text, session=f"price-{text}")
    assert turn.tool_calls == []
    assert turn.confirm_request is not None and turn.confirm_request["args"] == args


def test_advice_without_specifics_is_for_the_knowledge_base(assistant: Assistant) -> None:
    turn = say(assistant, "what is the best way to price a hand-painted tray", session="advice-1")
    assert [c["name"] for c in turn.tool_calls] == ["heritage_lookup"]


def test_advice_about_a_listing_goes_to_the_tool(assistant: Assistant) -> None:
    turn = say(assistant, "what is the best way to ship p-00140 to delhi", session="advice-2")
    assert turn.tool_calls == [] and "weigh" in turn.reply  # shipping_quote asks for the weight


@pytest.mark.parametrize("text", ["is c-0297 a reseller", "ban c-0297 for reselling"])
def test_a_seller_id_with_fraud_words_is_a_fraud_check(assistant: Assistant, text: str) -> None:
    turn = say(assistant, text, session=f"fraud-{text}", role="admin", user="admin-1")
    assert [(c["name"], c["args"]) for c in turn.tool_calls] == [
        ("fraud_check", {"seller_id": "c-0297"})
    ]


def test_a_question_in_the_heritage_corpus_words_is_looked_up(assistant: Assistant) -> None:
    """No training line names Jangarh Singh Shyam; the heritage corpus does."""
    turn = say(assistant, "who is jangarh singh shyam", session="ask-jangarh")
    assert [c["name"] for c in turn.tool_calls] == ["heritage_lookup"]


def test_a_guest_buyer_gets_a_quote_and_can_correct_its_origin(assistant: Assistant) -> None:
    """A buyer with no address and no product is quoted from the median workshop, which the
    reply names; "from Jaipur" then quotes again from there, keeping the parcel."""
    session = "buyer-origin-guest"
    first = say(assistant, "shipping to Guwahati for a 1.2 kg item priced 2600", session,
                role="buyer", user="b-0001")
    assert [(c["name"], c["args"]) for c in first.tool_calls] == [
        ("shipping_quote", {"destination": "Guwahati", "weight_kg": 1.2, "declared_price": 2600})
    ]
    assert "from the median maker's workshop" in first.reply
    second = say(assistant, "from jaipur", session, role="buyer", user="b-0001")
    assert [c["name"] for c in second.tool_calls] == ["shipping_quote"]
    args = second.tool_calls[0]["args"]
    assert args["destination"] == "Guwahati" and args["origin"] == "Jaipur"
    assert args["weight_kg"] == 1.2 and args["declared_price"] == 2600


def test_a_buyer_with_an_address_is_quoted_from_the_median_workshop(assistant: Assistant) -> None:
    """A buyer's address is where a parcel goes, not where it starts; the reply names the origin."""
    turn = say(assistant, "what's the shipping to Guwahati for a 1.2 kg item priced 2600",
               "buyer-home", role="buyer", user="b-0002")
    assert [(c["name"], c["args"]) for c in turn.tool_calls] == [
        ("shipping_quote", {"destination": "Guwahati", "weight_kg": 1.2, "declared_price": 2600})
    ]
    assert "from the median maker's workshop" in turn.reply and "Lucknow" not in turn.reply


def test_a_buyer_shipping_a_named_product_ships_from_its_maker(assistant: Assistant) -> None:
    """A product named by id gives the origin (its maker's workshop) and the declared price."""
    turn = say(assistant, "how much to ship p-00140 to Pune, 1 kg", "buyer-named-product",
               role="buyer", user="b-0001")
    assert [c["name"] for c in turn.tool_calls] == ["shipping_quote"]
    args = turn.tool_calls[0]["args"]
    assert args["origin"] == {"lat": 26.9, "lon": 75.8} and args["declared_price"] == 1000.0
    assert args["destination"] == "Pune" and args["weight_kg"] == 1


def test_a_product_named_in_a_turn_is_what_that_points_back_to(assistant: Assistant) -> None:
    """A result that shows no products (a shipping quote) leaves the product the turn named as
    the one "like that" means."""
    session = "named-product"
    first = say(assistant, "ship p-00088 from Jaipur to Pune, 1 kg, 1000", session,
                role="buyer", user="b-0001")
    assert [c["name"] for c in first.tool_calls] == ["shipping_quote"]
    second = say(assistant, "show me more like that one", session, role="buyer", user="b-0001")
    assert second.tool_calls == [{"name": "recommend_similar", "args": {"product_id": "p-00088"}}]


def test_the_intent_classifier_is_chosen_by_a_setting() -> None:
    """QALAKAR_NLU_CLASSIFIER picks tfidf (the default), embedding or combined; nothing else."""
    from pydantic import ValidationError

    from agents.planners.embedded import default_classifier
    from gateway.settings import Settings

    assert Settings(_env_file=None).nlu_classifier == "tfidf"
    assert Settings(_env_file=None, nlu_classifier="combined").nlu_classifier == "combined"
    with pytest.raises(ValidationError):
        Settings(_env_file=None, nlu_classifier="bert")
    with pytest.raises(ValueError, match="unknown intent classifier"):
        default_classifier("bert")
    assert type(default_classifier("tfidf")) is IntentClassifier


@pytest.mark.parametrize(
    ("said", "gloss", "question"),
    [
        ("what is jamdani", "what is jamdani", "what is jamdani"),
        ("jamdani ka itihas batao", "jamdani history tell",
         "jamdani ka itihas batao (jamdani history tell)"),
        ("", "what is ikat", "what is ikat"),
    ],
)
def test_a_knowledge_question_keeps_what_was_said(said: str, gloss: str, question: str) -> None:
    from agents.skills.heritage_lookup import question_of

    assert question_of(said, gloss) == question


def test_a_hinglish_knowledge_question_reaches_retrieval_as_said(assistant: Assistant) -> None:
    """The multilingual encoder reads the words as said; the English gloss follows for BM25."""
    turn = say(assistant, "jamdani aur chanderi mein kya antar hai", "hinglish-compare",
               role="buyer", user="b-0001")
    assert [c["name"] for c in turn.tool_calls] == ["heritage_lookup"]
    question = turn.tool_calls[0]["args"]["question"]
    assert question.startswith("jamdani aur chanderi mein kya antar hai (")
    assert "chanderi" in question.partition("(")[2]


@pytest.mark.parametrize("text", ["channapatna toys versus kondapalli toys",
                                  "compare sanganeri prints with bagru prints"])
def test_a_comparison_of_two_crafts_is_a_knowledge_question(assistant: Assistant,
                                                            text: str) -> None:
    turn = say(assistant, text, f"compare-{text}", role="buyer", user="b-0001")
    assert [c["name"] for c in turn.tool_calls] == ["heritage_lookup"]


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("what crafts on this marketplace are dying out", "heritage_lookup"),
        ("why is rogan painting endangered", "heritage_lookup"),
        ("endangered craft clusters within 100 km of Jaipur", "craft_clusters"),
    ],
)
def test_endangered_crafts_without_a_place_are_a_knowledge_question(
        assistant: Assistant, text: str, tool: str) -> None:
    """In general (and why) it is the heritage notes' answer; near a place, the cluster map's."""
    turn = say(assistant, text, f"endangered-{text}", role="buyer", user="b-0001")
    assert [c["name"] for c in turn.tool_calls] == [tool]


@pytest.mark.parametrize(("text", "tool"), [
    ("Got a corporate gifting order, 75 dhokra elephants by end of next month. My cost per "
     "elephant is 750. Can I take it on?", "production_plan"),
    ("ikat dupatta 250 gram 1800 rs Vijayawada bhejna hai rate?", "shipping_quote"),
])
def test_a_request_whose_entities_name_its_tool_is_taken(assistant: Assistant, text: str,
                                                         tool: str) -> None:
    """A batch with its unit cost, a parcel with its destination and weight: the classifier's
    hesitation between two tools is settled by what the turn says."""
    turn = say(assistant, text, f"cued-{tool}")
    assert [c["name"] for c in turn.tool_calls] == [tool]


def test_what_if_changes_one_value_of_the_plan(assistant: Assistant) -> None:
    session = "what-if-plan"
    first = say(assistant, "plan 200 blue pottery mugs at 130 each", session)
    assert [c["name"] for c in first.tool_calls] == ["production_plan"]
    second = say(assistant, "what if I make only 120?", session)
    assert [c["name"] for c in second.tool_calls] == ["production_plan"]
    args = second.tool_calls[0]["args"]
    assert args["planned_quantity"] == 120 and args["unit_cost"] == 130


def test_a_hotel_as_a_customer_is_business(assistant: Assistant) -> None:
    """Hotels are off topic as places to stay, not as the buyer of a batch."""
    turn = say(assistant, "I need to plan production for 300 blue pottery tiles for a hotel "
               "lobby order", "hotel-order")
    assert turn.tool_calls == [] and turn.asks_for == ["unit_cost"]
    stay = say(assistant, "best hotels in jaipur", "hotel-stay", role="buyer", user="b-0001")
    assert stay.tool_calls == [] and stay.asks_for == []


def test_a_turn_naming_another_tool_is_not_a_refinement(assistant: Assistant) -> None:
    """After a list of orders, a shipping question is a quote, not a filter of the orders."""
    first = say(assistant, "Show my pending orders.", "refine-vs-cued")
    assert [c["name"] for c in first.tool_calls] == ["list_orders"]
    second = say(assistant, "shipping cost for p-00140 to Mumbai", "refine-vs-cued")
    assert second.tool_calls == [] and second.asks_for == ["weight_kg"]
    third = say(assistant, "only the shipped ones", "refine-vs-cued")
    assert [(c["name"], c["args"]) for c in third.tool_calls] == [
        ("list_orders", {"status": "shipped"})]


@pytest.mark.parametrize("follow_up", ["और दिल्ली में?", "aur delhi me?", "and in delhi?"])
def test_a_place_alone_after_a_search_searches_there(assistant: Assistant, follow_up: str) -> None:
    """A fragment with only a new place goes on with the last search, however out of scope
    the classifier finds a bare town; an off-topic word still declines ("and the weather?")."""
    session = f"refine-place-{follow_up}"
    first = say(assistant, "वाराणसी की रेशमी साड़ियाँ दिखाओ", session, role="buyer", user="b-0001")
    assert [c["args"]["location"] for c in first.tool_calls] == ["Varanasi"]
    second = say(assistant, follow_up, session, role="buyer", user="b-0001")
    assert [(c["name"], c["args"]["location"]) for c in second.tool_calls] == [
        ("search_products", "Delhi")]
    assert second.tool_calls[0]["args"].get("query") == first.tool_calls[0]["args"].get("query")
    third = say(assistant, "and the weather in delhi?", session, role="buyer", user="b-0001")
    assert third.tool_calls == []


def test_a_story_of_a_named_craft_is_heritage_not_out_of_scope(assistant: Assistant) -> None:
    """"kahani" alone is a story to tell (out of scope); a craft's story is its heritage."""
    craft = say(assistant, "lucknow ki chikankari ki kahani batao", "craft-story", role="buyer",
                user="b-0001")
    assert [c["name"] for c in craft.tool_calls] == ["heritage_lookup"]
    story = say(assistant, "mujhe ek achhi si kahani sunao", "any-story", role="buyer",
                user="b-0001")
    assert story.tool_calls == []


@pytest.mark.parametrize("text", [
    "moradabad me aaj petrol ka rate kya hai", "banarasi paan ghar pe kaise banaye",
    "kutch ke rann utsav me tent ki booking", "jaipur se agra ki train kitne baje hai",
])
def test_a_town_or_craft_in_an_out_of_scope_request_is_no_search(assistant: Assistant,
                                                                  text: str) -> None:
    turn = say(assistant, text, f"oos-{text[:12]}", role="buyer", user="b-0001")
    assert turn.tool_calls == []


def test_thanks_after_a_price_is_small_talk(assistant: Assistant) -> None:
    """"ok thanks" after a price is no new material for the piece priced."""
    say(assistant, "price for a brass diya 1 kg 8 hours", session="thanks-after")
    for text in ("ok thanks", "thank you so much"):
        assert say(assistant, text, session="thanks-after").tool_calls == []


def test_a_price_said_with_its_word_is_a_what_if_of_the_quote(assistant: Assistant) -> None:
    say(assistant, "ship a 2 kg brass lamp from Moradabad to Chennai, worth 3000",
        session="quote-what-if", role="buyer", user="b-0002")
    turn = say(assistant, "and if the lamp costs 4500?", session="quote-what-if", role="buyer",
               user="b-0002")
    assert [c["name"] for c in turn.tool_calls] == ["shipping_quote"]
    args = turn.tool_calls[0]["args"]
    assert args["declared_price"] == 4500 and args["weight_kg"] == 2


def test_the_complainant_is_not_the_seller_reported(assistant: Assistant) -> None:
    turn = say(assistant, "report from c-0031: c-0207 is showing my photo img-0123456789abcdef "
               "as theirs, look into it", session="complainant", role="admin", user="a-0001")
    assert turn.tool_calls == [{"name": "image_theft_check", "args": {
        "image": "img-0123456789abcdef", "reported_seller_id": "c-0207"}}]


@pytest.mark.parametrize(("text", "args"), [
    ("कौन से ऑर्डर अभी बन रहे हैं", {"status": "in_production"}),
    ("jo order bhej diye gaye wo dikhao", {"status": "shipped"}),
    # A word before "orders" that says nothing of their state is no status.
    ("urgent orders dikhao", {}),
])
def test_order_states_said_as_verbs_and_words_that_are_none(assistant: Assistant, text: str,
                                                            args: dict) -> None:
    turn = say(assistant, text, session=f"orders-verb-{text}")
    assert turn.tool_calls == [{"name": "list_orders", "args": args}]


def test_orders_sent_together_are_a_consolidation(assistant: Assistant) -> None:
    turn = say(assistant, "baaki ke order club karke ek parcel me bhejne hai", session="club")
    assert [c["name"] for c in turn.tool_calls] == ["consolidation_plan"]


def test_a_buyers_search_with_an_authenticity_floor_is_no_photo_check(
        assistant: Assistant) -> None:
    turn = say(assistant, "pattachitra scrolls, max 2500, authenticity min 80", session="floor",
               role="buyer", user="b-0002")
    assert turn.tool_calls == [{"name": "search_products", "args": {
        "query": "pattachitra scrolls", "craft_types": ["pattachitra"], "price_max": 2500,
        "min_authenticity": 80}}]


def test_a_follow_up_heritage_question_keeps_its_subject(assistant: Assistant) -> None:
    say(assistant, "what is special about chanderi sarees", session="subject", role="buyer",
        user="b-0002")
    turn = say(assistant, "how do i know if it is real", session="subject", role="buyer",
               user="b-0002")
    assert [c["name"] for c in turn.tool_calls] == ["heritage_lookup"]
    assert turn.tool_calls[0]["args"]["question"].startswith("chanderi saree")


@pytest.mark.parametrize(("text", "tool"), [
    ("where is kondapalli toy making done and made", "craft_clusters"),
    ("where are dhokra figures made", "craft_clusters"),
    ("put together a craft walk around Bagru for a school group", "heritage_trail"),
])
def test_where_a_craft_is_made_and_a_walk_are_named_by_their_words(
        assistant: Assistant, text: str, tool: str) -> None:
    turn = say(assistant, text, session=f"where-{text}", role="buyer", user="b-0002")
    assert [c["name"] for c in turn.tool_calls] == [tool]


def test_make_live_with_a_price_publishes(assistant: Assistant) -> None:
    turn = say(assistant, "make p-00088 live at 1400", session="live-price")
    assert turn.confirm_request is not None
    assert turn.confirm_request["name"] == "publish_listing"


def test_family_at_work_is_no_off_topic(assistant: Assistant) -> None:
    """A husband who helped weave does not make a price question off topic."""
    turn = say(assistant, "my wife and i wove a cotton dhurrie, 3 kg, 40 hours, what to charge",
               session="family")
    assert [c["name"] for c in turn.tool_calls] == ["golden_price"]
    assert say(assistant, "what gift should i buy my wife", session="wife").tool_calls == []


def test_a_wooden_top_is_a_toy() -> None:
    from agents.skills import _intelligence as intel

    assert intel.category(parse("100 wooden tops for the fair")) == "toys"
