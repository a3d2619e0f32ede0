"""Twilio SMS and WhatsApp webhooks through the real gateway: signatures, retries, TwiML, media."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from domain.store import Creator, Product
from domain.store.models import ChannelMessage
from gateway.channels.conversation import Reply
from gateway.channels.signatures import twilio_signature, verify_twilio
from gateway.channels.twilio import reply_parts, twiml
from gateway.settings import Settings
from tests.channel_support import FakeProvider, start_gateway
from tests.live import LiveServer

TOKEN = "twilio-test-token-0123456789abcdef"
PUBLIC = "https://qalakar.example.org"  # what Twilio calls; the test server sits behind "a proxy"


def test_docs_example_signature() -> None:
    """Twilio's published example (webhooks security docs): token 12345, this URL, these params."""
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    assert twilio_signature("12345", url, params.items()) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert verify_twilio("12345", url, params.items(), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not verify_twilio(
        "12345", url + "&baz=3", params.items(), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )
    assert not verify_twilio("12346", url, params.items(), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@hsettings(max_examples=150, deadline=None)
@given(
    params=st.dictionaries(
        st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,15}", fullmatch=True), _text, max_size=8
    ),
    path=st.from_regex(r"/[a-z]{1,10}(/[a-z0-9]{1,8})?", fullmatch=True),
    port=st.sampled_from(["", ":443", ":8443"]),
)
def test_signatures_match_the_official_validator(
    params: dict[str, str], path: str, port: str
) -> None:
    """Our signature equals twilio.RequestValidator's, and each validates the other's."""
    url = f"https://hooks.example.org{port}{path}?x=1"
    official = RequestValidator(TOKEN)
    ours = twilio_signature(TOKEN, url, params.items())
    assert ours == official.compute_signature(url, params)
    assert official.validate(url, params, ours)
    assert verify_twilio(TOKEN, url, params.items(), official.compute_signature(url, params))
    if params:
        forged = dict(params)
        key = sorted(forged)[0]
        forged[key] = forged[key] + "x"
        assert not verify_twilio(TOKEN, url, forged.items(), ours)


def test_default_port_variants_validate_like_twilio() -> None:
    """Twilio may sign with or without :443; both forms of the URL are accepted."""
    params = {"Body": "hi"}
    signed_with_port = twilio_signature(
        TOKEN, "https://h.example.org:443/channels/twilio/sms", params.items()
    )
    assert verify_twilio(
        TOKEN, "https://h.example.org/channels/twilio/sms", params.items(), signed_with_port
    )
    assert not verify_twilio(
        TOKEN, "https://h.example.org:8443/channels/twilio/sms", params.items(), signed_with_port
    )


def test_long_replies_split_into_messages() -> None:
    """A reply longer than one SMS becomes several <Message> parts; a confirmation says how."""
    long = " ".join(f"Sentence number {i} about a handloom saree." for i in range(120))
    parts = reply_parts(Reply(long))
    assert len(parts) > 1 and all(len(p) <= 1600 for p in parts)
    assert " ".join(parts).split() == long.split()
    doc = ET.fromstring(twiml(parts))
    assert [m.text for m in doc.findall("Message")] == parts
    confirm = reply_parts(Reply("Change p-00001 to ₹900?", confirm={"action_id": "a1"}))
    assert confirm[-1].endswith("Reply YES to go ahead or NO to cancel.")
    assert ET.fromstring(twiml(["<b>&</b>"])).find("Message").text == "<b>&</b>"


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeProvider]:
    fake = FakeProvider().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def server(seeded_store, data_dir, database_url, provider) -> Iterator[LiveServer]:
    settings = Settings(
        env="test",
        data_dir=data_dir,
        database_url=database_url,
        dev_auth=True,
        jwt_secret="test-secret-0123456789abcdef-0123456789",
        _env_file=None,
        public_url=PUBLIC,
        twilio_auth_token=TOKEN,
        twilio_media_url=provider.url,
    )
    live = start_gateway(settings)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def creator(seeded_store) -> tuple[str, str, str]:
    """A creator with a phone and an active product: (creator id, phone, product id)."""
    with seeded_store.session() as s:
        row = s.execute(
            select(Creator.id, Creator.phone, Product.id)
            .join(Product, Product.creator_id == Creator.id)
            .where(Product.status == "active")
            .order_by(Creator.id)
            .limit(1)
        ).one()
    return row[0], row[1], row[2]


def post(
    server: LiveServer,
    path: str,
    form: dict[str, str],
    *,
    sign_url: str | None = None,
    token: str = TOKEN,
    signature: str | None = None,
) -> httpx.Response:
    url = f"{PUBLIC}{path}"
    sig = (
        signature
        if signature is not None
        else twilio_signature(token, sign_url or url, form.items())
    )
    headers = {"X-Twilio-Signature": sig} if sig else {}
    return httpx.post(f"{server.http}{path}", data=form, headers=headers, timeout=60)


def messages(response: httpx.Response) -> list[str]:
    assert response.headers["content-type"].startswith("application/xml")
    return [m.text or "" for m in ET.fromstring(response.text).findall("Message")]


_sid_counter = iter(range(10**6))


def sms(phone: str, body: str, **extra: str) -> dict[str, str]:
    return {
        "MessageSid": f"SM{next(_sid_counter):032d}",
        "AccountSid": "AC" + "0" * 32,
        "From": phone,
        "To": "+15005550006",
        "Body": body,
        "NumMedia": "0",
        **extra,
    }


def rows(store, sid: str) -> int:
    with store.session() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(ChannelMessage)
                .where(ChannelMessage.message_id == sid)
            )
            or 0
        )


def test_unsigned_forged_and_misdirected_requests_are_refused(
    server, seeded_store, creator
) -> None:
    """No signature, a wrong token, a changed parameter or another URL: 403, nothing stored."""
    form = sms(creator[1], "show my orders")
    for response in (
        post(server, "/channels/twilio/sms", form, signature=""),
        post(server, "/channels/twilio/sms", form, token="not-the-token"),
        post(
            server,
            "/channels/twilio/sms",
            {**form, "Body": "show my orders please"},
            signature=twilio_signature(TOKEN, f"{PUBLIC}/channels/twilio/sms", form.items()),
        ),
        post(server, "/channels/twilio/whatsapp", form, sign_url=f"{PUBLIC}/channels/twilio/sms"),
        post(server, "/channels/twilio/sms", form, sign_url=f"{server.http}/channels/twilio/sms"),
    ):
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "FORBIDDEN" and error["details"]["field"] == "X-Twilio-Signature"
    assert rows(seeded_store, form["MessageSid"]) == 0


def test_a_creator_is_answered_once_per_message_sid(server, seeded_store, creator) -> None:
    """The creator's own orders come back as TwiML; Twilio's retry gets the same bytes back."""
    form = sms(creator[1], "show my pending orders")
    first = post(server, "/channels/twilio/sms", form)
    assert first.status_code == 200, first.text
    parts = messages(first)
    assert parts and "order" in " ".join(parts).lower()
    assert "**" not in first.text and "<b>" not in " ".join(parts)
    with seeded_store.session() as s:
        row = s.scalars(
            select(ChannelMessage).where(ChannelMessage.message_id == form["MessageSid"])
        ).one()
        assert (row.user_id, row.status) == (creator[0], "done")
    metrics = httpx.get(f"{server.http}/metrics").text
    before = [
        line
        for line in metrics.splitlines()
        if line.startswith('qalakar_turns_total{channel="twilio-sms"')
    ]
    again = post(server, "/channels/twilio/sms", form)
    assert again.status_code == 200 and again.content == first.content
    assert again.headers.get("x-qalakar-replayed") == "1"
    after = [
        line
        for line in httpx.get(f"{server.http}/metrics").text.splitlines()
        if line.startswith('qalakar_turns_total{channel="twilio-sms"')
    ]
    assert before == after  # the replay ran no turn
    assert rows(seeded_store, form["MessageSid"]) == 1


def test_unknown_numbers_become_buyer_guests(server, seeded_store) -> None:
    """A number nobody registered chats as a buyer guest with a stable id."""
    form = sms("whatsapp:+15551230001", "find me a blue pottery vase")
    response = post(server, "/channels/twilio/whatsapp", form)
    assert response.status_code == 200 and messages(response)
    with seeded_store.session() as s:
        row = s.scalars(
            select(ChannelMessage).where(ChannelMessage.message_id == form["MessageSid"])
        ).one()
    assert row.user_id.startswith("b-phone-") and row.provider == "twilio-whatsapp"
    second = sms("+1 555 123 0001", "hello")
    post(server, "/channels/twilio/sms", second)
    with seeded_store.session() as s:
        other = s.scalars(
            select(ChannelMessage).where(ChannelMessage.message_id == second["MessageSid"])
        ).one()
    assert other.user_id == row.user_id


def test_price_change_is_confirmed_over_sms(server, seeded_store, creator) -> None:
    """A critical action asks first; YES over SMS runs it exactly once."""
    creator_id, phone, product_id = creator
    with seeded_store.session() as s:
        old = s.get(Product, product_id).price
    new = round(old + 111)
    try:
        asked = messages(
            post(
                server,
                "/channels/twilio/sms",
                sms(phone, f"change the price of {product_id} to {new} rupees"),
            )
        )
        assert asked[-1].endswith("Reply YES to go ahead or NO to cancel."), asked
        with seeded_store.session() as s:
            assert s.get(Product, product_id).price == old  # nothing yet
        yes = sms(phone, "yes")
        done = messages(post(server, "/channels/twilio/sms", yes))
        assert product_id in " ".join(done), done
        with seeded_store.session() as s:
            assert s.get(Product, product_id).price == new
        post(server, "/channels/twilio/sms", yes)  # Twilio retries the YES: not run again
        with seeded_store.session() as s:
            from domain.store import AuditEntry

            audits = s.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(
                    AuditEntry.action == "price_update",
                    AuditEntry.target == product_id,
                    AuditEntry.actor == creator_id,
                )
            )
        assert audits == 1
    finally:
        with seeded_store.session() as s:
            s.get(Product, product_id).price = old


def _jpeg() -> bytes:
    img = Image.new("RGB", (96, 96))
    for x in range(96):
        for y in range(96):
            img.putpixel((x, y), ((x * 7 + y * 3) % 256, (x * y) % 256, (y * 5) % 256))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def test_a_creator_photo_is_kept_and_checked(
    server, provider, creator, data_dir, monkeypatch
) -> None:
    """MediaUrl0 under the Twilio media base is fetched, stored and scored for hand work."""
    from domain.vision import classifier
    from tests.verification_support import small_model

    # The full classifier trains for minutes on a fresh data folder; a small one scores as well.
    monkeypatch.setitem(classifier._MODELS, str((data_dir / "models").resolve()), small_model())
    provider.media["ME0001"] = (_jpeg(), "image/jpeg")
    form = sms(
        creator[1],
        "",
        NumMedia="1",
        MediaUrl0=f"{provider.url}/files/ME0001",
        MediaContentType0="image/jpeg",
    )
    reply = " ".join(messages(post(server, "/channels/twilio/sms", form)))
    assert "hand-made" in reply and "up-" in reply
    elsewhere = sms(
        creator[1],
        "",
        NumMedia="1",
        MediaUrl0="http://127.0.0.1:9/files/ME0001",
        MediaContentType0="image/jpeg",
    )
    assert "skipped" in " ".join(messages(post(server, "/channels/twilio/sms", elsewhere)))


def test_oversized_bodies_are_refused(server) -> None:
    """A body past the limit is refused before it is read whole."""
    response = httpx.post(
        f"{server.http}/channels/twilio/sms",
        content=b"Body=" + b"a" * 300_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_oversized_media_is_not_fetched_whole(server, provider, creator) -> None:
    """An attachment past the media cap is abandoned and the sender told why."""
    provider.media["ME-big"] = (b"\xff\xd8\xff" + b"0" * 5_100_000, "image/jpeg")
    form = sms(creator[1], "", NumMedia="1", MediaUrl0=f"{provider.url}/files/ME-big",
               MediaContentType0="image/jpeg")
    reply = " ".join(messages(post(server, "/channels/twilio/sms", form)))
    assert "larger than 5000000 bytes" in reply


def test_each_sender_has_a_turn_limit(server) -> None:
    """Past the per-sender turn limit the sender is told to wait; other senders are unaffected."""
    phone = "+15551239999"
    replies = [" ".join(messages(post(server, "/channels/twilio/sms", sms(phone, "hello"))))
               for _ in range(31)]
    assert "faster than I can answer" in replies[-1]
    assert all("faster" not in r for r in replies[:30])
    other = " ".join(messages(post(server, "/channels/twilio/sms", sms("+15551238888", "hello"))))
    assert "faster" not in other


def test_a_twilio_whatsapp_voice_note_is_heard(server, provider, creator) -> None:
    """MediaUrl0 with an OGG/Opus voice note (Piper speech, PyAV encoder) is transcribed."""
    pytest.importorskip("faster_whisper")
    pytest.importorskip("piper")
    from voice.codecs import encode_ogg_opus
    from voice.tts import shared_tts

    speech = shared_tts(server.settings.tts_voice, steady=True).synthesize(
        "Show my pending orders.")
    provider.media["ME-voice"] = (encode_ogg_opus(speech), "audio/ogg")
    form = sms(f"whatsapp:{creator[1]}", "", NumMedia="1",
               MediaUrl0=f"{provider.url}/files/ME-voice", MediaContentType0="audio/ogg")
    reply = " ".join(messages(post(server, "/channels/twilio/whatsapp", form)))
    assert "order" in reply.lower()
