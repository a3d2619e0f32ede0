"""Planning and place matching run off the event loop (issue 12, finding 1)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agents.assistant import Assistant
from agents.planners.embedded import EmbeddedPlanner
from domain.places import Gazetteer
from domain.store import Store
from tools import load_all


def test_place_matching_never_runs_on_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.from_url(f"sqlite:///{tmp_path / 'empty.db'}")
    store.create_all()
    assistant = Assistant(EmbeddedPlanner(), load_all(), store, InMemorySaver())
    calls: list[bool] = []
    fuzzy = Gazetteer.fuzzy

    def watched(self: Gazetteer, *args: object, **kwargs: object) -> object:
        try:
            asyncio.get_running_loop()
            calls.append(True)
        except RuntimeError:
            calls.append(False)
        return fuzzy(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Gazetteer, "fuzzy", watched)
    turn = asyncio.run(assistant.turn(user_id="b-0001", role="buyer", session_id="s-loop",
                                      text="blue pottery from Baronassie under 3000"))
    assert turn.reply
    assert calls and not any(calls), "fuzzy place matching ran on the event loop"
