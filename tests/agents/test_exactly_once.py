"""Critical actions run exactly once (issue 12, finding 2).

The checkpoint store fails as a confirmation arrives: ``update_price`` runs (checkpoints are
written in the background), the client sees an error and the confirmation stays pending;
confirming again must return the recorded result: one price change, one audit row, one set
of notifications.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy import func, select

from agents.assistant import Assistant
from agents.planners.embedded import EmbeddedPlanner
from domain.store import AuditEntry, Notification, Product
from domain.store.models import IdempotencyRecord
from tools import load_all
from tools.registry import Registry, ToolContext

NEW_PRICE = 1234.0


class FlakySaver(InMemorySaver):
    """An in-memory checkpointer whose writes fail while ``failing`` is set."""

    failing = False

    async def aput(self, *args: Any, **kwargs: Any) -> Any:
        if self.failing:
            raise sqlite3.OperationalError("database is locked")
        return await super().aput(*args, **kwargs)

    async def aput_writes(self, *args: Any, **kwargs: Any) -> Any:
        if self.failing:
            raise sqlite3.OperationalError("database is locked")
        return await super().aput_writes(*args, **kwargs)


class CountingRegistry(Registry):
    """The real registry, counting how often the graph calls a critical tool."""

    def __init__(self) -> None:
        super().__init__(load_all())
        self.runs = 0

    def invoke(self, name: str, raw_args: Any, ctx: ToolContext, **kwargs: Any) -> Any:
        self.runs += self.get(name).critical
        return super().invoke(name, raw_args, ctx, **kwargs)


@pytest.fixture()
def product(seeded_store) -> Any:
    with seeded_store.session() as s:
        p = s.scalars(
            select(Product)
            .where(Product.creator_id == "c-0002", Product.status == "active")
            .order_by(Product.id)
        ).first()
        pid, old = p.id, p.price
    yield pid
    with seeded_store.session() as s:
        s.get(Product, pid).price = old


def counts(store: Any, pid: str) -> tuple[int, int]:
    with store.session() as s:
        audits = s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "price_update", AuditEntry.target == pid)
        )
        notes = sum(
            1
            for n in s.scalars(select(Notification).where(Notification.user_id == "c-0002"))
            if (n.payload or {}).get("product_id") == pid
            and (n.payload or {}).get("new_price") == NEW_PRICE
        )
    return audits, notes


def test_a_replayed_confirmation_returns_the_recorded_result(seeded_store, product) -> None:
    saver = FlakySaver()
    registry = CountingRegistry()
    assistant = Assistant(EmbeddedPlanner(), registry, seeded_store, saver)
    before = counts(seeded_store, product)

    async def run() -> list[Any]:
        who = {"user_id": "c-0002", "role": "creator", "session_id": "s-once"}
        asked = await assistant.turn(
            **who, text=f"change the price of {product} to {NEW_PRICE:.0f}"
        )
        assert asked.confirm_request is not None
        saver.failing = True  # the checkpoint store fails as the confirmation arrives
        with pytest.raises(sqlite3.OperationalError):
            await assistant.turn(**who, confirm=True)
        assert registry.runs == 1  # the action ran before the failed write surfaced
        saver.failing = False
        assert await assistant.pending_confirmation("c-0002", "s-once") is not None
        again = await assistant.turn(**who, confirm=True)
        return [again]

    (again,) = asyncio.run(run())
    assert registry.runs == 2  # the graph did call the tool twice …
    result = again.tool_results[0]
    assert result["ok"] and result["result"]["new_price"] == NEW_PRICE
    audits, notes = counts(seeded_store, product)
    assert (audits - before[0], notes - before[1]) == (1, 2)  # … but it ran once
    with seeded_store.session() as s:
        assert s.get(Product, product).price == NEW_PRICE
        assert (
            s.scalar(
                select(func.count())
                .select_from(IdempotencyRecord)
                .where(IdempotencyRecord.scope == "c-0002|s-once")
            )
            == 1
        )


def test_an_action_id_reused_for_other_arguments_is_a_conflict(seeded_store, product) -> None:
    registry = Registry(load_all())
    ctx = ToolContext("c-0002", "creator", seeded_store, session_id="s-conflict")
    registry.invoke(
        "update_price", {"product_id": product, "new_price": NEW_PRICE}, ctx, action_id="call_x"
    )
    replay = registry.invoke(
        "update_price", {"product_id": product, "new_price": NEW_PRICE}, ctx, action_id="call_x"
    )
    assert replay.new_price == NEW_PRICE
    from tools.registry import ToolError

    with pytest.raises(ToolError) as err:
        registry.invoke(
            "update_price", {"product_id": product, "new_price": 999}, ctx, action_id="call_x"
        )
    assert err.value.code == "CONFLICT"


def test_a_failed_action_records_nothing(seeded_store) -> None:
    registry = Registry(load_all())
    ctx = ToolContext("c-0002", "creator", seeded_store, session_id="s-failed")
    from tools.registry import ToolError

    with pytest.raises(ToolError):
        registry.invoke(
            "update_price", {"product_id": "p-99999", "new_price": 10}, ctx, action_id="call_y"
        )
    with seeded_store.session() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(IdempotencyRecord)
                .where(IdempotencyRecord.scope == "c-0002|s-failed")
            )
            == 0
        )


def test_a_confirmation_sent_again_after_its_turn_replays_the_reply(seeded_store, product) -> None:
    """A client that lost the answer with its connection resends the confirmation: the reply
    comes again, marked replayed, and the action does not run again."""
    registry = CountingRegistry()
    assistant = Assistant(EmbeddedPlanner(), registry, seeded_store, InMemorySaver())
    who = {"user_id": "c-0002", "role": "creator", "session_id": "s-resent"}

    async def run() -> tuple[Any, list[dict[str, Any]], bool]:
        asked = await assistant.turn(**who, text=f"change the price of {product} to 1500")
        action_id = asked.confirm_request["action_id"]
        done = await assistant.turn(**who, confirm=True, action_id=action_id)
        again = [e async for e in assistant.stream(**who, confirm=True, action_id=action_id)]
        other = await assistant.acted("c-0002", "s-resent", "call_other")
        return done, again, other

    done, again, other = asyncio.run(run())
    assert registry.runs == 1 and done.tool_results[0]["ok"]
    assert [e["type"] for e in again] == ["assistant_message", "turn_end"]
    assert again[0]["replayed"] is True and again[0]["text"] == done.reply
    assert other is False
