"""The embedded planner behind the real assistant, over a small store of one creator."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any

from agents.assistant import Assistant, Turn
from agents.planners.embedded import EmbeddedPlanner
from domain.store import Store
from tools import load_all


def embedded_assistant(path: Path, products: tuple[str, ...] = ()) -> Assistant:
    """c-0001, a blue-pottery maker in Rajasthan, owning ``products`` (₹1,000 pottery each)."""
    from langgraph.checkpoint.memory import InMemorySaver

    from domain.store.models import Creator, Product

    store = Store.from_url(f"sqlite:///{path}")
    store.create_all()
    with store.session() as s:
        s.add(Creator(id="c-0001", name="Test Maker", phone="+910000000001", lat=26.9,
                      lon=75.8, region="Rajasthan", primary_craft="blue pottery",
                      category="pottery"))
        for pid in products:
            s.add(Product(id=pid, creator_id="c-0001", title=f"Piece {pid}",
                          category="pottery", price=1000.0))
    return Assistant(EmbeddedPlanner(), load_all(), store, InMemorySaver())


def say(assistant: Assistant, text: str, session: str, role: str = "creator",
        user: str = "c-0001") -> Turn:
    """One turn; ``session`` is any readable name (made into a valid session id)."""
    session_id = hashlib.sha1(session.encode()).hexdigest()[:16]
    return asyncio.run(assistant.turn(user_id=user, role=role, session_id=session_id, text=text))


def say_all(assistant: Assistant, *texts: str, role: str = "creator",
            user: str = "c-0001") -> Turn:
    """The last turn of ``texts``, said one after another in one session."""
    turn = Turn()
    for text in texts:
        turn = say(assistant, text, "|".join(texts), role=role, user=user)
    return turn


def calls(turn: Turn) -> list[tuple[str, dict[str, Any]]]:
    """The turn's calls as ``(name, args)`` pairs."""
    return [(c["name"], c["args"]) for c in turn.tool_calls]
