"""A critical action's confirmation names what it changes, and is never asked when not allowed.

Issue 17: the prompt named only the product id, did not warn of a 15× price jump, and a
creator was asked to confirm a change to another creator's listing that then failed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy import func, select

from agents.assistant import Assistant
from agents.planners.embedded import EmbeddedPlanner
from domain.store import AuditEntry, Product
from tools import load_all
from tools.registry import Registry


def _listing(store: Any, creator: str) -> tuple[str, str, float]:
    with store.session() as s:
        p = s.scalars(select(Product).where(Product.creator_id == creator,
                                            Product.status == "active")
                      .order_by(Product.id)).first()
        return p.id, p.title, float(p.price)


def _assistant(store: Any) -> Assistant:
    return Assistant(EmbeddedPlanner(), Registry(load_all()), store, InMemorySaver())


def test_the_prompt_names_the_title_and_old_price_and_warns_of_a_jump(seeded_store) -> None:
    pid, title, old = _listing(seeded_store, "c-0002")
    new = round(old * 15)
    turn = asyncio.run(_assistant(seeded_store).turn(
        user_id="c-0002", role="creator", session_id="s-p1",
        text=f"change the price of {pid} to {new}"))
    ask = turn.confirm_request
    assert ask is not None
    assert title in ask["prompt"] and pid in ask["prompt"]
    assert f"₹{old:,.0f}" in ask["prompt"] and f"₹{new:,.0f}" in ask["prompt"]
    assert "15×" in ask["prompt"]
    assert ask["preview"]["old_price"] == old


def test_a_modest_change_has_no_warning(seeded_store) -> None:
    pid, _, old = _listing(seeded_store, "c-0002")
    turn = asyncio.run(_assistant(seeded_store).turn(
        user_id="c-0002", role="creator", session_id="s-p2",
        text=f"change the price of {pid} to {round(old * 1.1)}"))
    assert turn.confirm_request is not None and "⚠" not in turn.confirm_request["prompt"]


def test_another_creators_listing_is_refused_before_asking(seeded_store) -> None:
    pid, _, old = _listing(seeded_store, "c-0002")
    with seeded_store.session() as s:
        audits = s.scalar(select(func.count()).select_from(AuditEntry))
    turn = asyncio.run(_assistant(seeded_store).turn(
        user_id="c-0001", role="creator", session_id="s-p3",
        text=f"change the price of {pid} to {round(old * 2)}"))
    assert turn.confirm_request is None
    assert "another creator" in turn.reply and "Nothing was changed" in turn.reply
    with seeded_store.session() as s:
        assert s.get(Product, pid).price == old
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == audits
