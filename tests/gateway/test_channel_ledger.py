"""The ledger that answers each provider message once, and the text helpers of text channels."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from domain.store import Store
from domain.store.models import ChannelMessage
from gateway.channels.conversation import Ledger
from gateway.channels.people import guest_id_for, normalize_phone
from gateway.channels.text import plain, split
from tools.registry import ToolError


@pytest.fixture()
def ledger(tmp_path: Path) -> Ledger:
    store = Store.from_url(f"sqlite:///{tmp_path}/ledger.db")
    store.create_all()
    return Ledger(store)


def test_a_message_is_claimed_once_and_its_reply_kept(ledger: Ledger) -> None:
    """First claim wins; a retry meanwhile is a conflict; afterwards it gets the stored reply."""
    assert ledger.claim("twilio-sms", "SM1", "+15550001", "b-1") is None
    with pytest.raises(ToolError) as busy:
        ledger.claim("twilio-sms", "SM1", "+15550001", "b-1")
    assert busy.value.code == "CONFLICT"
    assert ledger.claim("whatsapp", "SM1", "+15550001", "b-1") is None  # another provider's id
    ledger.finish("twilio-sms", "SM1", "<Response/>", "application/xml")
    stored = ledger.claim("twilio-sms", "SM1", "+15550001", "b-1")
    assert stored is not None and (stored.body, stored.content_type) == ("<Response/>",
                                                                          "application/xml")


def test_a_failed_or_abandoned_claim_can_be_taken_again(ledger: Ledger) -> None:
    """A released claim is free; one left 'processing' by a crash is taken over when stale."""
    assert ledger.claim("p", "m1", "s", "u") is None
    ledger.release("p", "m1")
    assert ledger.claim("p", "m1", "s", "u") is None
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    with ledger.store.session() as s:
        s.execute(update(ChannelMessage).values(created_at=old))
    assert ledger.claim("p", "m1", "s", "u") is None  # taken over
    with pytest.raises(ToolError):
        ledger.claim("p", "m1", "s", "u")  # and now held again


def test_waiting_for_a_concurrent_delivery(ledger: Ledger) -> None:
    """A retry that arrives mid-turn waits and then gets the first delivery's reply."""
    ledger.claim("p", "m2", "s", "u")

    async def scenario() -> str:
        async def finish_soon() -> None:
            await asyncio.sleep(0.3)
            await asyncio.to_thread(ledger.finish, "p", "m2", "done", "text/plain")

        task = asyncio.create_task(finish_soon())
        stored = await ledger.wait("p", "m2", "s", "u", patience_s=5)
        await task
        assert stored is not None
        return stored.body

    assert asyncio.run(scenario()) == "done"


def test_phone_numbers_and_guest_ids() -> None:
    """Provider spellings of one number normalize alike; a guest id is stable and opaque."""
    forms = ["whatsapp:+91 98765 43210", "+91-98765-43210", "919876543210"]
    assert {normalize_phone(f) for f in forms} == {"+919876543210"}
    assert normalize_phone("hello") is None and normalize_phone("+1234") is None
    a, b = guest_id_for("+919876543210", "k1"), guest_id_for("+919876543210", "k1")
    assert a == b and a.startswith("b-phone-") and "9876" not in a
    assert guest_id_for("+919876543210", "k2") != a


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=3000), st.integers(min_value=20, max_value=1600))
def test_split_keeps_every_word_within_the_limit(text: str, limit: int) -> None:
    """Parts never exceed the limit, are never empty, and lose no word."""
    parts = split(text, limit)
    assert all(0 < len(p) <= limit for p in parts) or parts == [""]
    assert "".join("".join(p.split()) for p in parts) == "".join(text.split())


def test_plain_text_drops_markup() -> None:
    """Markdown emphasis, headings, links and tags go; ids with underscores stay."""
    assert plain("## Orders\n**o-000123** is _shipped_ — see [track](https://x.example/t)") == (
        "Orders\no-000123 is shipped — see track (https://x.example/t)")
    assert plain("<b>bold</b> and c_0001_x and `code`") == "bold and c_0001_x and code"
