"""WhatsApp Cloud API webhook through the real gateway, with a local Graph-like server.

Payloads follow Meta's documented webhook shapes (text, interactive button_reply, image,
audio voice note, statuses); the local server checks what the gateway sends back.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from domain.store import Creator, Notification, Product
from gateway.channels.signatures import meta_signature
from gateway.settings import Settings
from tests.channel_support import FakeProvider, start_gateway

SECRET = "meta-app-secret-0123456789"
VERIFY = "verify-me-please"
NUMBER_ID = "106540352242922"


@pytest.fixture(scope="module")
def graph() -> Iterator[FakeProvider]:
    fake = FakeProvider().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def server(seeded_store, data_dir, database_url, graph):
    settings = Settings(
        env="test",
        data_dir=data_dir,
        database_url=database_url,
        dev_auth=True,
        jwt_secret="test-secret-0123456789abcdef-0123456789",
        _env_file=None,
        whatsapp_app_secret=SECRET,
        whatsapp_verify_token=VERIFY,
        whatsapp_access_token="EAAG-test",
        whatsapp_api_url=graph.url,
        channel_backoff_s=0.01,
        twilio_auth_token="t",
    )
    live = start_gateway(settings)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def creator(seeded_store) -> tuple[str, str, str]:
    with seeded_store.session() as s:
        row = s.execute(
            select(Creator.id, Creator.phone, Product.id)
            .join(Product, Product.creator_id == Creator.id)
            .where(Product.status == "active")
            .order_by(Creator.id.desc())
            .limit(1)
        ).one()
    return row[0], row[1], row[2]


def envelope(phone: str, message: dict | None = None, statuses: list | None = None) -> dict:
    """Meta's ``whatsapp_business_account`` webhook envelope around one message or statuses."""
    value: dict = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": NUMBER_ID},
    }
    if message is not None:
        value["contacts"] = [{"profile": {"name": "Maker"}, "wa_id": phone.lstrip("+")}]
        value["messages"] = [
            {
                "from": phone.lstrip("+"),
                "id": f"wamid.{uuid.uuid4().hex}",
                "timestamp": str(int(time.time())),
                **message,
            }
        ]
    if statuses is not None:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}],
    }


def post(
    server, payload: dict, *, secret: str | None = SECRET, raw: bytes | None = None
) -> httpx.Response:
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {"content-type": "application/json"}
    if secret is not None:
        headers["X-Hub-Signature-256"] = meta_signature(secret, body)
    return httpx.post(
        f"{server.http}/channels/whatsapp", content=body, headers=headers, timeout=120
    )


def sent_to(graph: FakeProvider, phone: str) -> list[dict]:
    return [
        r.json()
        for r in graph.sent(f"/{NUMBER_ID}/messages")
        if r.json().get("to") == phone.lstrip("+")
    ]


def test_verification_handshake(server) -> None:
    """The right verify token echoes the challenge; anything else is refused."""
    ok = httpx.get(
        f"{server.http}/channels/whatsapp",
        params={"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"},
    )
    assert ok.status_code == 200 and ok.text == "1158201444"
    for params in (
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
    ):
        refused = httpx.get(f"{server.http}/channels/whatsapp", params=params)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "FORBIDDEN"


def test_unsigned_and_forged_events_are_refused(server, graph, creator) -> None:
    """No signature, another secret, or a body changed after signing: 403 and nothing sent."""
    payload = envelope(creator[1], {"type": "text", "text": {"body": "show my orders"}})
    body = json.dumps(payload).encode()
    before = len(graph.sent())
    for response in (
        post(server, payload, secret=None),
        post(server, payload, secret="other"),
        httpx.post(
            f"{server.http}/channels/whatsapp",
            content=body.replace(b"orders", b"sales"),
            headers={"X-Hub-Signature-256": meta_signature(SECRET, body)},
        ),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["details"]["field"] == "X-Hub-Signature-256"
    assert len(graph.sent()) == before


def test_text_is_answered_once_through_graph(server, graph, creator) -> None:
    """A creator's text is answered on Graph with the token; a redelivery sends nothing more."""
    payload = envelope(creator[1], {"type": "text", "text": {"body": "show my pending orders"}})
    first = post(server, payload)
    assert first.status_code == 200 and first.json()["answered"] == 1
    replies = sent_to(graph, creator[1])
    assert (
        replies and replies[-1]["type"] == "text" and replies[-1]["messaging_product"] == "whatsapp"
    )
    assert (
        "order" in replies[-1]["text"]["body"].lower() and "**" not in replies[-1]["text"]["body"]
    )
    request = graph.sent(f"/{NUMBER_ID}/messages")[-1]
    assert request.headers["Authorization"] == "Bearer EAAG-test"
    again = post(server, payload)
    assert again.status_code == 200 and again.json()["answered"] == 0
    assert len(sent_to(graph, creator[1])) == len(replies)


def test_status_callbacks_are_accepted_and_ignored(server, graph) -> None:
    """Delivery receipts get 200 and no reply."""
    before = len(graph.sent())
    statuses = [
        {
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3",
            "status": "delivered",
            "timestamp": "1749416383",
            "recipient_id": "16505551234",
            "conversation": {"id": "CONVERSATION_ID", "origin": {"type": "service"}},
            "pricing": {"billable": True, "pricing_model": "PMP", "category": "service"},
        }
    ]
    response = post(server, envelope("+16505551234", statuses=statuses))
    assert response.status_code == 200 and response.json()["answered"] == 0
    assert len(graph.sent()) == before


def test_a_price_change_is_confirmed_with_buttons(server, graph, seeded_store, creator) -> None:
    """The confirmation arrives as Yes/No buttons; Yes runs it once; a stale button does nothing."""
    creator_id, phone, product_id = creator
    with seeded_store.session() as s:
        old = s.get(Product, product_id).price
    new = round(old + 77)
    try:
        post(
            server,
            envelope(
                phone,
                {
                    "type": "text",
                    "text": {"body": f"change the price of {product_id} to {new} rupees"},
                },
            ),
        )
        ask = sent_to(graph, phone)[-1]
        assert ask["type"] == "interactive" and ask["interactive"]["type"] == "button"
        yes, no = ask["interactive"]["action"]["buttons"]
        assert (yes["reply"]["title"], no["reply"]["title"]) == ("Yes", "No")
        button = {
            "type": "interactive",
            "interactive": {
                "type": "button_reply",
                "button_reply": {"id": yes["reply"]["id"], "title": "Yes"},
            },
            "context": {"from": "15550783881", "id": "wamid.prompt"},
        }
        post(server, envelope(phone, button))
        with seeded_store.session() as s:
            assert s.get(Product, product_id).price == new
        done = sent_to(graph, phone)[-1]
        assert product_id in done["text"]["body"] and "queued" in done["text"]["body"]
        post(server, envelope(phone, button))  # the same button tapped again: a new message id
        assert "no longer waiting" in sent_to(graph, phone)[-1]["text"]["body"]
    finally:
        with seeded_store.session() as s:
            s.get(Product, product_id).price = old


def test_a_voice_note_is_transcribed_and_answered(server, graph, creator) -> None:
    """An OGG/Opus voice note made with the project's TTS is heard and answered."""
    pytest.importorskip("faster_whisper")
    pytest.importorskip("piper")
    from voice.codecs import encode_ogg_opus
    from voice.tts import shared_tts

    speech = shared_tts(server.settings.tts_voice, steady=True).synthesize(
        "Show my pending orders.")
    graph.media["wa-media-voice-1"] = (encode_ogg_opus(speech), "audio/ogg; codecs=opus")
    response = post(
        server,
        envelope(
            creator[1],
            {
                "type": "audio",
                "audio": {
                    "mime_type": "audio/ogg; codecs=opus",
                    "sha256": "x",
                    "id": "wa-media-voice-1",
                    "voice": True,
                },
            },
        ),
    )
    assert response.status_code == 200 and response.json()["answered"] == 1
    reply = sent_to(graph, creator[1])[-1]["text"]["body"].lower()
    assert "order" in reply
    fetched = [r for r in graph.received if r.method == "GET" and "wa-media-voice-1" in r.path]
    assert fetched and all(r.headers["Authorization"] == "Bearer EAAG-test" for r in fetched)


def test_a_reply_graph_refuses_is_queued_not_lost(server, graph, seeded_store, creator) -> None:
    """Graph down for every retry: the reply becomes a queued WhatsApp notification."""
    graph.fail_next = 50
    try:
        response = post(server, envelope(creator[1], {"type": "text", "text": {"body": "hello"}}))
    finally:
        graph.fail_next = 0
    assert response.status_code == 200
    with seeded_store.session() as s:
        queued = s.scalars(
            select(Notification).where(
                Notification.user_id == creator[0], Notification.kind == "chat_reply"
            )
        ).all()
        assert queued and queued[-1].delivery_status == "pending"
        assert queued[-1].payload["phone_number_id"] == NUMBER_ID
        for row in queued:
            s.delete(row)


def test_the_conversation_follows_the_person_across_channels(server, graph, creator) -> None:
    """Asked on WhatsApp, answered over SMS, followed up on the web: one thread per person."""
    import asyncio

    from websockets.asyncio.client import connect

    from gateway.channels.signatures import twilio_signature

    phone = creator[1]
    post(server, envelope(phone, {"type": "text", "text": {
        "body": f"shipping cost for {creator[2]} to Mumbai"}}))
    assert "weigh" in sent_to(graph, phone)[-1]["text"]["body"]
    url = f"{server.http}/channels/twilio/sms"

    def sms(body: str) -> str:
        form = {"MessageSid": f"SM{uuid.uuid4().hex}", "From": phone, "To": "+15005550006",
                "Body": body, "NumMedia": "0"}
        signature = twilio_signature("t", url, form.items())
        response = httpx.post(url, data=form, timeout=120,
                              headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200
        return response.text

    asked = sms("2 kg")  # SMS answers what WhatsApp asked, so the next question comes
    assert "price" in asked and "weigh" not in asked
    quoted = sms("1500 rupees")
    assert "Mumbai" in quoted and "₹" in quoted

    async def web() -> str:
        token = server.token(creator[0], "creator")
        async with connect(f"{server.ws}?token={token}&session_id=main") as ws:
            assert json.loads(await ws.recv())["session_id"] == "main"
            await ws.send(json.dumps({"type": "user_message", "text": "and for Delhi?"}))
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == "assistant_message":
                    return frame["text"]

    reply = asyncio.run(web())
    assert "Delhi" in reply and "₹" in reply


def test_graph_hiccups_are_retried(server, graph, creator) -> None:
    """One 503 from Graph is retried with backoff; the reply arrives once."""
    before = len(sent_to(graph, creator[1]))
    graph.fail_next = 1
    post(server, envelope(creator[1], {"type": "text", "text": {"body": "show my orders"}}))
    assert len(sent_to(graph, creator[1])) == before + 1
