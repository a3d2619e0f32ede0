"""Listings through the real gateway: media route, product payloads and pages, and the
draft → edit → confirm → publish → found-by-search flow over REST and over /ws/chat."""

from __future__ import annotations

import asyncio
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from websockets.asyncio.client import connect

from domain.vision import classifier
from domain.vision.render import RenderSpec, render
from gateway.routes.media import Heritage, ProductView, render_product_page, rupees, score_text
from gateway.settings import Settings
from tests.live import LiveServer
from tests.verification_support import small_model

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(seeded_store, data_dir, database_url) -> Iterator[LiveServer]:
    """The gateway over the seeded store, with the small authenticity model and the heritage
    index built before it starts (on a busy machine ingesting outlasts the readiness wait)."""
    from gateway.wiring import knowledge_config
    from knowledge.service import get_knowledge_base

    settings = Settings(env="test", data_dir=data_dir, database_url=database_url, dev_auth=True,
                        jwt_secret="test-secret-0123456789abcdef-0123456789", _env_file=None)
    classifier.install_model(small_model(), data_dir / "models")  # the full one takes a minute
    get_knowledge_base(knowledge_config(settings))
    live = LiveServer(settings).start()
    yield live
    live.stop()


def _auth(live: LiveServer, user: str, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {live.token(user, role)}"}


def _upload(live: LiveServer, user: str = "c-0001", seed: int = 3) -> str:
    buf = io.BytesIO()
    Image.fromarray(render(RenderSpec("glaze", True, 0.4, seed, 512))).save(buf, "PNG")
    r = httpx.post(f"{live.http}/api/v1/uploads", headers=_auth(live, user, "creator"),
                   files={"file": ("p.png", buf.getvalue(), "image/png")}, timeout=60)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _tool(live: LiveServer, name: str, args: dict, user: str = "c-0001",
          role: str = "creator") -> httpx.Response:
    return httpx.post(f"{live.http}/api/v1/tools/{name}", json=args,
                      headers=_auth(live, user, role), timeout=180)


def test_media_is_served_with_validators_and_thumbnails(server: LiveServer) -> None:
    key = _upload(server)
    r = httpx.get(f"{server.http}/media/{key}")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    etag = r.headers["etag"]
    assert etag.startswith('"') and "immutable" in r.headers["cache-control"]
    assert Image.open(io.BytesIO(r.content)).size == (512, 512)
    again = httpx.get(f"{server.http}/media/{key}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.content and again.headers["etag"] == etag
    thumb = httpx.get(f"{server.http}/media/{key}", params={"size": "thumb"})
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.content)).size) <= 256
    assert thumb.headers["etag"] != etag


@pytest.mark.parametrize("path", ["/media/..%2F..%2Fqalakar.db", "/media/up-zz", "/media/%2e%2e",
                                  "/media/up-0123456789abcdeg", "/media/up-0123456789abcdef/../x"])
def test_media_keys_are_validated(server: LiveServer, path: str) -> None:
    r = httpx.get(f"{server.http}{path}")
    assert r.status_code in (400, 404)
    assert r.headers["content-type"].startswith("application/json")
    assert "SQLite" not in r.text


def test_unknown_media_is_not_found_and_bad_size_refused(server: LiveServer) -> None:
    r = httpx.get(f"{server.http}/media/up-0000000000000000")
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
    key = _upload(server, seed=4)
    assert httpx.get(f"{server.http}/media/{key}", params={"size": "huge"}).status_code in (400,
                                                                                           422)


def test_product_payloads_carry_image_urls_that_resolve(server: LiveServer) -> None:
    r = httpx.get(f"{server.http}/api/v1/products", params={"limit": 3},
                  headers=_auth(server, "b-0001", "buyer"))
    item = r.json()["items"][0]
    assert item["url"] == f"/p/{item['id']}"
    assert item["image_urls"] and item["image_urls"][0].startswith("/media/img-")
    photo = httpx.get(f"{server.http}{item['image_urls'][0]}", timeout=60)  # drawn on demand
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    hits = _tool(server, "search_products", {"query": "pottery"}, "b-0001", "buyer").json()
    assert hits["products"][0]["image_urls"] and hits["products"][0]["url"].startswith("/p/")


def test_rest_draft_edit_publish_page_and_search(server: LiveServer) -> None:
    draft = _tool(server, "create_listing", {
        "description": "Bidri jewellery box with silver inlay, a parrot and vine pattern, "
                       "10 x 8 x 5 cm, 400 grams, two days of work"}).json()
    assert draft["status"] == "draft" and draft["product_data"]["category"] == "metalware"
    listing_id = draft["listing_id"]
    assert httpx.get(f"{server.http}/p/{listing_id}").status_code == 404  # not public yet
    photo = _upload(server, seed=8)
    edited = _tool(server, "create_listing", {"listing_id": listing_id, "description": "photo",
                                              "images": [photo], "price": 2600}).json()
    assert edited["missing_fields"] == [] and edited["image_urls"] == [f"/media/{photo}"]
    done = _tool(server, "publish_listing", {"listing_id": listing_id})
    assert done.status_code == 200, done.text
    score = done.json()["authenticity_score"]
    page = httpx.get(f"{server.http}/p/{listing_id}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "₹2,600" in text and f"Authenticity score: {score:.0f}/100" in text
    assert f"/media/{photo}?size=thumb" in text
    assert "Source: heritage knowledge base" in text and "Bidar" in text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    hits = _tool(server, "search_products", {"query": "bidri parrot vine box"}, "b-0001", "buyer")
    assert listing_id in [h["id"] for h in hits.json()["products"]]


def test_page_escapes_what_creators_typed(server: LiveServer) -> None:
    draft = _tool(server, "create_listing", {
        "description": "<script>alert(1)</script> cotton stole", "title": "<b>Stole</b>",
        "price": 500, "images": [_upload(server, seed=12)]}).json()
    assert _tool(server, "publish_listing", {"listing_id": draft["listing_id"]}).status_code == 200
    text = httpx.get(f"{server.http}/p/{draft['listing_id']}").text
    assert "<script>" not in text and "&lt;script&gt;" in text and "<b>Stole" not in text


async def _turn(ws, frame: dict[str, Any]) -> list[dict[str, Any]]:
    await ws.send(json.dumps(frame))
    frames: list[dict[str, Any]] = []
    async with asyncio.timeout(180):
        while True:
            msg = json.loads(await ws.recv())
            frames.append(msg)
            if msg["type"] == "turn_end":
                return frames


def _reply(frames: list[dict[str, Any]]) -> str:
    return " ".join(f.get("text", "") for f in frames if f["type"] == "assistant_message")


def test_websocket_describe_price_photo_confirm_publish_search(server: LiveServer) -> None:
    photo = _upload(server, seed=21)

    async def scenario() -> dict[str, list[dict[str, Any]]]:
        url = f"{server.ws}?token={server.token('c-0001', 'creator')}"
        out: dict[str, list[dict[str, Any]]] = {}
        async with await connect(url, max_size=8_000_000) as ws:
            json.loads(await ws.recv())
            say = {"type": "user_message"}
            out["draft"] = await _turn(ws, {**say, "text": (
                "I want to list a new Kutch embroidery cushion cover with mirror work and a "
                "flamingo motif, cotton, red and black, 40 by 40 cm, 300 grams, three days")})
            out["price"] = await _turn(ws, {**say, "text": "1800"})
            out["photo"] = await _turn(ws, {**say, "text": f"photo {photo}"})
            out["publish"] = await _turn(ws, {**say, "text": "publish it"})
            ask = next(f for f in out["publish"] if f["type"] == "confirm_request")
            out["yes"] = await _turn(ws, {"type": "confirm", "action_id": ask["action_id"],
                                          "approved": True})
        return out

    out = asyncio.run(scenario())
    draft = _reply(out["draft"])
    listing_id = re.search(r"p-\d{5}", draft).group()
    assert "price" in draft.lower() and "I'd suggest ₹" in draft
    assert "photo" in _reply(out["price"]).lower()
    assert "publish" in _reply(out["photo"]).lower()
    ask = next(f for f in out["publish"] if f["type"] == "confirm_request")
    assert listing_id in ask["prompt"]
    assert not any(f["type"] == "tool_result" for f in out["publish"])  # nothing ran before yes
    assert "Published" in _reply(out["yes"]) and "Authenticity score" in _reply(out["yes"])
    hits = _tool(server, "search_products", {"query": "kutch flamingo cushion"}, "b-0001", "buyer")
    assert listing_id in [h["id"] for h in hits.json()["products"]]


@settings(max_examples=150, deadline=None)
@given(
    score=st.one_of(st.none(), st.floats(0, 100)),
    title=st.text(min_size=1, max_size=80),
    price=st.floats(1, 10_000_000),
    images=st.lists(st.from_regex(r"up-[0-9a-f]{16}", fullmatch=True), max_size=4),
)
def test_property_14_authenticity_score_display(score, title, price, images) -> None:
    """Property 14: Authenticity Score Display — every rendered listing shows its score."""
    view = ProductView(id="p-00001", title=title, description="d", price=price, status="active",
                       authenticity_score=score, images=images, maker="Asha",
                       heritage=Heritage("Made in Bidar.", "Bidriware of Bidar", "x.md"))
    page = render_product_page(view)
    assert score_text(score) in page
    if score is not None:
        assert f"{score:.0f}/100" in page
    assert rupees(price) in page


def test_rupees_use_indian_grouping() -> None:
    assert [rupees(x) for x in (950, 1200, 125000, 10_000_000)] == [
        "₹950", "₹1,200", "₹1,25,000", "₹1,00,00,000"]


@pytest.mark.browser
def test_creator_console_lists_a_piece_with_a_photo(server: LiveServer, tmp_path) -> None:
    """Describe, add a photo with the 📎 input, publish, confirm, and open the product page."""
    from playwright.sync_api import expect, sync_playwright

    picture = tmp_path / "horse.png"
    Image.fromarray(render(RenderSpec("glaze", True, 0.6, 33, 320))).save(picture)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(base_url=server.http)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto("/creator?as=c-0001")
        expect(page.get_by_role("button", name="Signed in as c-0001")).to_be_visible(
            timeout=30_000)
        replies = page.locator('[data-role="reply"]')
        page.fill('input[name="text"]', "I want to list a new terracotta horse with a peacock "
                                        "tail, red clay, 30 cm tall, 1.5 kg, price 1500")
        page.press('input[name="text"]', "Enter")
        expect(replies.last).to_contain_text("photo", timeout=120_000)
        page.set_input_files('input[name="photo"]', str(picture))
        expect(replies.nth(1)).to_contain_text("publish", timeout=120_000)
        page.fill('input[name="text"]', "publish it")
        page.press('input[name="text"]', "Enter")
        page.locator(".confirm button", has_text="Yes").click(timeout=120_000)
        expect(replies.last).to_contain_text("Published", timeout=180_000)
        card = page.locator("a.card-link").last
        expect(card).to_have_attribute("href", re.compile(r"^/p/p-\d{5}$"))
        page.goto(card.get_attribute("href"))
        expect(page.locator(".score")).to_contain_text("Authenticity score")
        expect(page.locator(".price")).to_have_text("₹1,500")
        browser.close()
    assert not errors, errors
