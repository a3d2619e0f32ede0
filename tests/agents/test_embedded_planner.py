"""The embedded planner: intent accuracy, emitted calls, slot filling across turns, clarifying."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold

from agents.assistant import Assistant, Turn
from agents.nlu.classifier import IntentClassifier
from agents.nlu.skill import load_corpus
from agents.planners.embedded import EmbeddedPlanner
from domain.store import Store
from tools import load_all


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    from langgraph.checkpoint.memory import InMemorySaver

    path: Path = tmp_path_factory.mktemp("planner") / "empty.db"
    store = Store.from_url(f"sqlite:///{path}")
    store.create_all()
    return Assistant(EmbeddedPlanner(), load_all(), store, InMemorySaver())


def say(assistant: Assistant, text: str, session: str, role: str = "creator",
        user: str = "c-0001") -> Turn:
    return asyncio.run(assistant.turn(user_id=user, role=role, session_id=session, text=text))


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
    # Measured 2026-11-28 on 975 lines / 22 intents: 0.84 overall, 0.88 on tool intents.
    # Short small-talk lines ("ok", "nah") and heritage-vs-cluster questions are the hard part.
    assert correct / len(pairs) >= 0.80
    assert tool_correct / tool_total >= 0.85


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
def test_emits_the_call_an_llm_would(assistant: Assistant, text: str, name: str, args: dict) -> None:
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
