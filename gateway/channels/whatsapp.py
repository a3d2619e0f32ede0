"""WhatsApp Cloud API webhook: ``GET /channels/whatsapp`` (verification) and ``POST`` (events).

``X-Hub-Signature-256`` over the raw body is checked before the body is parsed. Text,
interactive button replies (the Yes/No of a confirmation), images and voice notes are answered
through the Graph messages endpoint; status callbacks are accepted and ignored; every message
id is answered once. A reply Graph will not take after its retries becomes a queued
notification on the WhatsApp channel, so the worker delivers it later instead of losing it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from domain.store import Notification
from gateway.channels.conversation import USER_THREAD, Inbound, Reply
from gateway.channels.media import Media, fetch, kind_of
from gateway.channels.people import Sender, find_sender, normalize_phone
from gateway.channels.providers import (
    SendFailed,
    graph_request,
    send_async,
    whatsapp_buttons,
    whatsapp_text,
)
from gateway.channels.signatures import same_secret, verify_meta
from gateway.channels.state import ChannelState, channel_state, read_body
from gateway.channels.text import WHATSAPP_PART_CHARS, split
from gateway.settings import Settings
from tools.registry import ToolError

log = logging.getLogger(__name__)
router = APIRouter(prefix="/channels/whatsapp", tags=["channels"])

PROVIDER = "whatsapp"
MAX_MESSAGES = 20  # per webhook call; Meta batches a few at most
_ID = re.compile(r"^[A-Za-z0-9_.:=+/-]{1,128}$")
_BUTTON = re.compile(r"^qk-confirm:(yes|no):([A-Za-z0-9_.:-]{1,80})$")


@router.get("")
async def verify(
    request: Request,
    mode: str | None = Query(default=None, alias="hub.mode", max_length=20),
    token: str | None = Query(default=None, alias="hub.verify_token", max_length=200),
    challenge: str | None = Query(default=None, alias="hub.challenge", max_length=200),
) -> Response:
    """Meta's subscription handshake: echo ``hub.challenge`` when the verify token matches."""
    settings: Settings = request.app.state.settings
    matches = same_secret(settings.whatsapp_verify_token, token)
    if mode != "subscribe" or not challenge or not matches:
        raise ToolError("FORBIDDEN", "the verify token does not match",
                        {"field": "hub.verify_token"})
    return PlainTextResponse(challenge)


@router.post("")
async def events(request: Request) -> Response:
    """Messages and status callbacks from the Cloud API."""
    settings: Settings = request.app.state.settings
    body = await read_body(request, settings.channel_max_body_bytes)
    signature = request.headers.get("x-hub-signature-256")
    if not verify_meta(settings.whatsapp_app_secret, body, signature):
        raise ToolError("FORBIDDEN", "the request does not carry a valid X-Hub-Signature-256",
                        {"field": "X-Hub-Signature-256"})
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ToolError("BAD_REQUEST", "the body is not JSON", {"field": "(body)"}) from exc
    messages = list(_messages(payload))
    if len(messages) > MAX_MESSAGES:
        raise ToolError("PAYLOAD_TOO_LARGE", f"at most {MAX_MESSAGES} messages per call",
                        {"field": "entry", "limit": MAX_MESSAGES})
    channels = channel_state(request)
    answered, failed = 0, 0
    for phone_number_id, message in messages:
        try:
            if await _handle(request, channels, phone_number_id, message):
                answered += 1
        except Exception:  # one bad message must not block the others; Meta retries the call
            failed += 1
            log.exception("whatsapp message failed")
    status = 500 if failed else 200
    return JSONResponse({"status": "ok" if not failed else "retry", "answered": answered},
                        status_code=status)


def _messages(payload: Any) -> list[tuple[str, dict[str, Any]]]:
    """``(phone_number_id, message)`` for every message (statuses are skipped)."""
    out: list[tuple[str, dict[str, Any]]] = []
    if not isinstance(payload, dict):
        return out
    for entry in payload.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                continue
            number_id = str((value.get("metadata") or {}).get("phone_number_id") or "")
            for message in value.get("messages") or []:
                if isinstance(message, dict):
                    out.append((number_id, message))
    return out


async def _handle(request: Request, channels: ChannelState, number_id: str,
                  message: dict[str, Any]) -> bool:
    """Answer one message once; False when it was a duplicate or not for us."""
    state = request.app.state
    settings: Settings = state.settings
    message_id = str(message.get("id") or "")
    phone = normalize_phone(str(message.get("from") or ""))
    if not _ID.match(message_id) or phone is None or not _ID.match(number_id):
        log.warning("whatsapp message without a usable id, sender or number; skipped")
        return False
    sender = await asyncio.to_thread(find_sender, state.store, phone, settings.jwt_secret)
    if await channels.ledger.wait(PROVIDER, message_id, phone, sender.user_id) is not None:
        return False
    try:
        inbound = await _inbound(request, channels, sender, message)
        if isinstance(inbound, Reply):
            reply = inbound
        else:
            reply = await channels.conversations.answer(inbound)
    except BaseException:
        await asyncio.to_thread(channels.ledger.release, PROVIDER, message_id)
        raise
    payloads = _payloads(phone, reply)
    # The turn has run: from here on the message counts as answered, whatever Graph says.
    await asyncio.to_thread(channels.ledger.finish, PROVIDER, message_id,
                            json.dumps(payloads, ensure_ascii=False), "application/json")
    await _send(request, channels, number_id, sender, payloads, reply)
    return True


async def _inbound(request: Request, channels: ChannelState, sender: Sender,
                   message: dict[str, Any]) -> Inbound | Reply:
    kind = message.get("type")
    if kind == "text":
        body = str((message.get("text") or {}).get("body") or "")
        limit = request.app.state.settings.max_message_chars
        return Inbound(sender, PROVIDER, text=body[: limit + 1])
    if kind in ("interactive", "button"):
        return await _button(request, sender, message)
    if kind in ("image", "audio"):
        item = message.get(kind) or {}
        media = await _fetch_media(request, channels, str(item.get("id") or ""))
        if isinstance(media, Reply):
            return media
        caption = str(item.get("caption") or "")[:1000] or None
        return Inbound(sender, PROVIDER, text=caption, media=[media])
    return Reply("I can read text, photos and voice notes; that kind of message I can't use yet.")


async def _button(request: Request, sender: Sender, message: dict[str, Any]) -> Inbound | Reply:
    interactive = message.get("interactive") or {}
    reply = interactive.get("button_reply") or {}
    button_id = str(reply.get("id") or (message.get("button") or {}).get("payload") or "")
    match = _BUTTON.match(button_id)
    if match is None:  # a quick-reply we did not make: treat its title as typed text
        title = str(reply.get("title") or (message.get("button") or {}).get("text") or "")
        return Inbound(sender, PROVIDER, text=title[:200])
    pending = await request.app.state.assistant.pending_confirmation(sender.user_id, USER_THREAD)
    if pending is None or pending.get("action_id") != match.group(2):
        return Reply("That button belongs to an earlier question that is no longer waiting; "
                     "nothing was done.")
    return Inbound(sender, PROVIDER, confirm=match.group(1) == "yes")


async def _fetch_media(request: Request, channels: ChannelState, media_id: str) -> Media | Reply:
    settings: Settings = request.app.state.settings
    if not _ID.match(media_id) or not settings.whatsapp_access_token:
        return Reply("I couldn't fetch that attachment.")
    headers = {"Authorization": f"Bearer {settings.whatsapp_access_token}"}
    base = settings.whatsapp_api_url.rstrip("/")
    try:
        meta_raw, _ = await fetch(channels.http, f"{base}/{media_id}", max_bytes=16_000,
                                  timeout_s=settings.channel_timeout_s, headers=headers)
        meta = json.loads(meta_raw)
        url, mime = str(meta.get("url") or ""), str(meta.get("mime_type") or "")
        kind = kind_of(mime)
        if kind is None or not url.startswith(("https://", "http://")):
            return Reply(f"I can't use attachments of type {mime or 'unknown'}.")
        data, served = await fetch(channels.http, url, max_bytes=settings.channel_media_max_bytes,
                                   timeout_s=settings.channel_timeout_s, headers=headers)
    except ToolError as exc:
        return Reply(f"I couldn't fetch that attachment: {exc.message}.")
    except ValueError:
        return Reply("I couldn't fetch that attachment.")
    return Media(kind, mime, data)


def _payloads(to: str, reply: Reply) -> list[dict[str, Any]]:
    digits = to.lstrip("+")
    if reply.confirm:
        prompt = reply.text or str(reply.confirm.get("prompt") or "Shall I go ahead?")
        return [whatsapp_buttons(digits, prompt, str(reply.confirm.get("action_id") or ""))]
    return [whatsapp_text(digits, part) for part in split(reply.text, WHATSAPP_PART_CHARS)]


async def _send(request: Request, channels: ChannelState, number_id: str, sender: Sender,
                payloads: list[dict[str, Any]], reply: Reply) -> None:
    settings: Settings = request.app.state.settings
    for payload in payloads:
        try:
            await send_async(channels.http, graph_request(settings, number_id, payload), settings)
        except SendFailed as exc:
            log.warning("whatsapp reply not accepted (%s); queued for the worker", exc)
            await asyncio.to_thread(_queue_reply, request.app.state.store, sender, number_id,
                                    payload, reply)


def _queue_reply(store: Any, sender: Sender, number_id: str, payload: dict[str, Any],
                 reply: Reply) -> None:
    with store.session() as s:
        s.add(Notification(
            user_id=sender.user_id, channel="whatsapp", kind="chat_reply",
            message=reply.text[:4000],
            payload={"graph": payload, "phone_number_id": number_id, "to": sender.phone},
        ))
