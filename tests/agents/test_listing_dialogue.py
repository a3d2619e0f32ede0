"""Voice-to-listing in conversation: describe → read back → missing fields one at a time →
"publish it" → confirmation → live, through the real assistant and embedded planner."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from PIL import Image

from agents.assistant import Assistant, Turn
from agents.planners.embedded import EmbeddedPlanner
from domain import media
from domain.store import Creator, Product
from domain.vision import classifier
from domain.vision.render import RenderSpec, render
from tests.verification_support import small_model
from tools import ToolConfig, load_all


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    from langgraph.checkpoint.memory import InMemorySaver

    from domain.store import Store

    root: Path = tmp_path_factory.mktemp("listing-dialogue")
    store = Store.from_url(f"sqlite:///{root}/q.db")
    store.create_all()
    with store.session() as s:
        s.add(Creator(id="c-0001", name="Asha", phone="+91 90000 00001", lat=26.91, lon=75.79,
                      region="Rajasthan", primary_craft="terracotta", category="pottery"))
    classifier.install_model(small_model(), root / "models")
    return Assistant(EmbeddedPlanner(), load_all(), store, InMemorySaver(),
                     tool_config=ToolConfig(data_dir=root))


def say(assistant: Assistant, text: str, session: str) -> Turn:
    return asyncio.run(assistant.turn(user_id="c-0001", role="creator", session_id=session,
                                      text=text))


def _upload(assistant: Assistant) -> str:
    buf = io.BytesIO()
    Image.fromarray(render(RenderSpec("glaze", True, 0.3, 9))).save(buf, "PNG")
    root = assistant.tool_config.media_root
    with assistant.store.session() as s:
        return media.store_upload(s, buf.getvalue(), root, owner_id="c-0001")[0].id


def test_describe_fill_in_and_publish(assistant: Assistant) -> None:
    first = say(assistant, "I want to list a new terracotta horse, 30 cm tall, red clay, "
                           "6 hours of work, 1.5 kg", "lst-1")
    assert [c["name"] for c in first.tool_calls] == ["create_listing"]
    assert "Draft p-" in first.reply and "price" in first.reply.lower()
    listing_id = first.reply.split("Draft ", 1)[1].split(":", 1)[0]
    price = say(assistant, "1500", "lst-1")
    assert price.tool_calls[0]["args"]["listing_id"] == listing_id
    assert price.tool_calls[0]["args"]["price"] == 1500
    assert "photo" in price.reply.lower()  # the next missing field, one at a time
    photo = _upload(assistant)
    attached = say(assistant, f"here is the photo {photo}", "lst-1")
    assert attached.tool_calls[0]["args"]["images"] == [photo]
    assert "publish" in attached.reply.lower()
    ask = say(assistant, "change the price to 1200 first and publish", "lst-1")
    assert ask.confirm_request is not None and listing_id in ask.confirm_request["prompt"]
    assert "1,200" in ask.confirm_request["prompt"]
    done = say(assistant, "yes", "lst-1")
    assert "Published" in done.reply and "Authenticity score" in done.reply
    with assistant.store.session() as s:
        row = s.get(Product, listing_id)
        assert row.status == "active" and row.price == 1200 and row.authenticity_score


def test_a_new_piece_never_amends_the_previous_draft(assistant: Assistant) -> None:
    a = say(assistant, "add my new brass lamp to the shop, 2 kg", "lst-2")
    b = say(assistant, "I want to list a new cotton dupatta", "lst-2")
    assert "listing_id" not in b.tool_calls[0]["args"]
    assert a.reply.split(":", 1)[0] != b.reply.split(":", 1)[0]


def test_no_is_respected_before_publishing(assistant: Assistant) -> None:
    say(assistant, "I want to list a new clay planter, 20 cm, 1 kg, price 400", "lst-3")
    ask = say(assistant, "publish it", "lst-3")
    assert ask.confirm_request is not None
    say(assistant, "no", "lst-3")
    with assistant.store.session() as s:
        assert s.query(Product).filter_by(status="active").count() <= 1
