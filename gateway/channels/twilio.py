"""Twilio SMS and WhatsApp webhooks: ``POST /channels/twilio/sms`` and ``/twilio/whatsapp``.

The signature is checked before anything else is read (403 otherwise, nothing processed); a
message is answered once per ``MessageSid`` and a retry gets the stored TwiML back unchanged.
The reply is TwiML with one ``<Message>`` per part when it is longer than one message allows.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request, Response

from gateway.channels.conversation import Inbound, Reply
from gateway.channels.media import Media, fetch, kind_of
from gateway.channels.people import find_sender, normalize_phone
from gateway.channels.signatures import verify_twilio
from gateway.channels.state import channel_state, public_url, read_body
from gateway.channels.text import SMS_PART_CHARS, split
from gateway.settings import Settings
from tools.registry import ToolError

router = APIRouter(prefix="/channels/twilio", tags=["channels"])

TWIML = "application/xml"
MAX_FIELDS = 200
MAX_MEDIA = 3
_SID = re.compile(r"^[A-Za-z0-9]{10,64}$")
CONFIRM_HINT = "Reply YES to go ahead or NO to cancel."


def twiml(parts: list[str]) -> str:
    """A TwiML ``<Response>`` with one ``<Message>`` per part (none when ``parts`` is empty)."""
    body = "".join(f"<Message>{escape(p)}</Message>" for p in parts if p)
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>'


def reply_parts(reply: Reply, limit: int = SMS_PART_CHARS) -> list[str]:
    """The reply as message parts; a confirmation request ends with how to answer it."""
    text = reply.text
    if reply.confirm:
        text = f"{text}\n\n{CONFIRM_HINT}" if text else CONFIRM_HINT
    return split(text, limit)


def _form(body: bytes) -> list[tuple[str, str]]:
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                         max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ToolError("BAD_REQUEST", "the body is not a form Twilio would send",
                        {"field": "(body)"}) from exc


async def _media(
    form: dict[str, str], settings: Settings, http: Any
) -> tuple[list[Media], list[str]]:
    """The attachments worth fetching, and a note for each one skipped."""
    media: list[Media] = []
    notes: list[str] = []
    try:
        count = min(int(form.get("NumMedia", "0") or 0), 10)
    except ValueError:
        count = 0
    auth = ((settings.twilio_account_sid, settings.twilio_auth_token or "")
            if settings.twilio_account_sid else None)
    base = settings.twilio_media_url.rstrip("/") + "/"
    for i in range(count):
        url, declared = form.get(f"MediaUrl{i}", ""), form.get(f"MediaContentType{i}", "")
        kind = kind_of(declared)
        if kind is None:
            notes.append(f"I can't use attachments of type {declared or 'unknown'}.")
            continue
        if not url.startswith(base) or len(media) >= MAX_MEDIA:
            notes.append("One attachment was skipped.")
            continue
        try:
            data, mime = await fetch(http, url, max_bytes=settings.channel_media_max_bytes,
                                     timeout_s=settings.channel_timeout_s, auth=auth)
        except ToolError as exc:
            notes.append(f"I couldn't fetch an attachment: {exc.message}.")
            continue
        media.append(Media(kind_of(mime) or kind, mime or declared, data))
    return media, notes


async def _webhook(request: Request, provider: str) -> Response:
    state = request.app.state
    settings: Settings = state.settings
    body = await read_body(request, settings.channel_max_body_bytes)
    params = _form(body)
    if not verify_twilio(settings.twilio_auth_token, public_url(request, settings.public_url),
                         params, request.headers.get("x-twilio-signature")):
        raise ToolError("FORBIDDEN", "the request does not carry a valid Twilio signature",
                        {"field": "X-Twilio-Signature"})
    form = dict(params)
    sid = form.get("MessageSid") or form.get("SmsMessageSid") or ""
    if not _SID.match(sid):
        raise ToolError("VALIDATION_ERROR", "invalid value for 'MessageSid'",
                        {"field": "MessageSid"})
    phone = normalize_phone(form.get("From", ""))
    if phone is None:
        raise ToolError("VALIDATION_ERROR", "invalid value for 'From': a phone number",
                        {"field": "From"})
    channels = channel_state(request)
    sender = await asyncio.to_thread(find_sender, state.store, phone, settings.jwt_secret)
    stored = await channels.ledger.wait(provider, sid, phone, sender.user_id)
    if stored is not None:
        return Response(stored.body, media_type=stored.content_type,
                        headers={"x-qalakar-replayed": "1"})
    try:
        media, notes = await _media(form, settings, channels.http)
        reply = await channels.conversations.answer(
            Inbound(sender, provider, text=form.get("Body", "")[: settings.max_message_chars + 1],
                    media=media))
        if notes:
            reply.text = "\n".join([*notes, reply.text]).strip()
        text = twiml(reply_parts(reply))
    except BaseException:
        await asyncio.to_thread(channels.ledger.release, provider, sid)
        raise
    await asyncio.to_thread(channels.ledger.finish, provider, sid, text, TWIML)
    return Response(text, media_type=TWIML)


@router.post("/sms")
async def twilio_sms(request: Request) -> Response:
    """Twilio's incoming-SMS webhook (form-encoded); the reply is TwiML."""
    return await _webhook(request, "twilio-sms")


@router.post("/whatsapp")
async def twilio_whatsapp(request: Request) -> Response:
    """Twilio's incoming WhatsApp webhook (form-encoded, ``From=whatsapp:+…``); TwiML reply."""
    return await _webhook(request, "twilio-whatsapp")
