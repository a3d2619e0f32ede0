"""A message sent again with its message id (a client that reconnected) runs once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agents.assistant import Assistant
from agents.planners.embedded import EmbeddedPlanner
from domain.seed import seed
from domain.store import Store
from tools import load_all


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    from langgraph.checkpoint.memory import InMemorySaver

    path: Path = tmp_path_factory.mktemp("resend") / "store.db"
    store = Store.from_url(f"sqlite:///{path}")
    seed(store, seed=42, reset=True, progress=False)
    return Assistant(EmbeddedPlanner(), load_all(), store, InMemorySaver())


def _run(assistant: Assistant, session: str, text: str, message_id: str | None) -> list[dict]:
    async def collect() -> list[dict]:
        return [e async for e in assistant.stream(
            user_id="c-0001", role="creator", session_id=session, text=text,
            message_id=message_id)]

    return asyncio.run(collect())


def _humans(assistant: Assistant, session: str) -> list:
    messages = asyncio.run(assistant.history("c-0001", session))
    return [m for m in messages if m.type == "human"]


def test_a_resent_message_is_replayed_not_run_again(assistant: Assistant) -> None:
    first = _run(assistant, "s-resend", "show my pending orders", "m-1")
    assert any(e["type"] == "tool_call" for e in first)
    again = _run(assistant, "s-resend", "show my pending orders", "m-1")
    assert not any(e["type"] in ("tool_call", "tool_result") for e in again)
    reply = [e for e in again if e["type"] == "assistant_message"]
    original = [e for e in first if e["type"] == "assistant_message"]
    assert reply[0]["replayed"] and reply[0]["text"] == original[0]["text"]
    assert again[-1]["type"] == "turn_end" and again[-1]["replayed"]
    assert len(_humans(assistant, "s-resend")) == 1
    # A new id is a new message, even with the same words.
    _run(assistant, "s-resend", "show my pending orders", "m-2")
    assert len(_humans(assistant, "s-resend")) == 2


def test_a_resent_message_waiting_for_confirmation_asks_again(assistant: Assistant) -> None:
    first = _run(assistant, "s-resend-confirm", "change the price of p-00001 to 950", "m-9")
    asked = [e for e in first if e["type"] == "confirm_request"]
    assert asked, first
    again = _run(assistant, "s-resend-confirm", "change the price of p-00001 to 950", "m-9")
    assert [e for e in again if e["type"] == "confirm_request"][0]["action_id"] == \
        asked[0]["action_id"]
    assert len(_humans(assistant, "s-resend-confirm")) == 1


def test_without_an_id_every_message_runs(assistant: Assistant) -> None:
    _run(assistant, "s-no-id", "show my pending orders", None)
    _run(assistant, "s-no-id", "show my pending orders", None)
    assert len(_humans(assistant, "s-no-id")) == 2
