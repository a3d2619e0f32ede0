"""Sending through the providers: WhatsApp Cloud API (Graph) and Twilio's REST API.

Both retry what may succeed later (connection errors, timeouts, 429 and 5xx) with exponential
backoff, honour ``Retry-After`` up to a cap, and give up at once on other 4xx answers, which a
retry would only repeat. Async senders answer webhooks; sync ones serve the worker.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from typing import Any

import httpx

from gateway.settings import Settings

MAX_RETRY_AFTER_S = 30.0


class SendFailed(Exception):
    """A message the provider did not accept; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False, status: int | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.status = status


class NotConfigured(SendFailed):
    """The channel cannot be used here at all (no credentials, no number): skipped, not failed."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


@dataclass(frozen=True)
class Request:
    """One provider call, built without I/O so tests can read it."""

    url: str
    headers: dict[str, str]
    json: dict[str, Any] | None = None
    form: dict[str, str] | None = None
    auth: tuple[str, str] | None = None


def whatsapp_text(to: str, body: str) -> dict[str, Any]:
    """A Cloud API text message."""
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
            "type": "text", "text": {"preview_url": False, "body": body}}


def whatsapp_buttons(to: str, body: str, action_id: str) -> dict[str, Any]:
    """A Cloud API interactive message with Yes / No reply buttons for a confirmation."""
    return {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body[:1024]},
            "action": {"buttons": [
                {"type": "reply", "reply": {"id": f"qk-confirm:yes:{action_id}", "title": "Yes"}},
                {"type": "reply", "reply": {"id": f"qk-confirm:no:{action_id}", "title": "No"}},
            ]},
        },
    }


def graph_request(settings: Settings, phone_number_id: str, payload: dict[str, Any]) -> Request:
    """``POST {QALAKAR_WHATSAPP_API_URL}/{phone_number_id}/messages`` with the access token."""
    if not settings.whatsapp_access_token:
        raise NotConfigured("QALAKAR_WHATSAPP_ACCESS_TOKEN is not set")
    return Request(f"{settings.whatsapp_api_url.rstrip('/')}/{phone_number_id}/messages",
                   {"Authorization": f"Bearer {settings.whatsapp_access_token}"}, json=payload)


def twilio_sms_request(settings: Settings, to: str, body: str) -> Request:
    """``POST /2010-04-01/Accounts/{sid}/Messages.json`` (basic auth: account SID, token)."""
    sid, token, sender = (settings.twilio_account_sid, settings.twilio_auth_token,
                          settings.twilio_sms_from)
    if not (sid and token and sender):
        raise NotConfigured(
            "Twilio SMS needs QALAKAR_TWILIO_ACCOUNT_SID, _AUTH_TOKEN and _SMS_FROM")
    return Request(f"{settings.twilio_api_url.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json",
                   {}, form={"To": to, "From": sender, "Body": body}, auth=(sid, token))


def _verdict(response: httpx.Response) -> tuple[dict[str, Any] | None, float | None]:
    """The accepted body, or raise / ask for a retry after so many seconds."""
    if response.status_code < 300:
        try:
            data = response.json()
        except ValueError:
            data = {}
        return (data if isinstance(data, dict) else {}), None
    if response.status_code == 429 or response.status_code >= 500:
        after = response.headers.get("retry-after", "")
        wait = float(after) if after.replace(".", "", 1).isdigit() else None
        return None, min(wait, MAX_RETRY_AFTER_S) if wait is not None else -1.0
    raise SendFailed(f"the provider refused the message ({response.status_code}: "
                     f"{response.text[:200]})", permanent=True, status=response.status_code)


def _delay(settings: Settings, attempt: int, asked: float | None) -> float:
    if asked is not None and asked >= 0:
        return asked
    base = settings.channel_backoff_s * (2 ** attempt)
    return base * (0.5 + random.random() / 2)  # jitter, so retries of many senders spread out


def _call_kwargs(req: Request, settings: Settings) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"headers": req.headers, "timeout": settings.channel_timeout_s}
    if req.json is not None:
        kwargs["json"] = req.json
    if req.form is not None:
        kwargs["data"] = req.form
    if req.auth is not None:
        kwargs["auth"] = req.auth
    return kwargs


async def send_async(http: httpx.AsyncClient, req: Request, settings: Settings,
                     attempts: int | None = None) -> dict[str, Any]:
    """Send with retries and backoff; the provider's JSON answer, or :class:`SendFailed`."""
    tries = attempts or settings.channel_send_attempts
    last = "no attempt"
    for attempt in range(tries):
        try:
            response = await http.post(req.url, **_call_kwargs(req, settings))
            body, retry_after = _verdict(response)
            if body is not None:
                return body
            last = f"HTTP {response.status_code}"
        except httpx.TransportError as exc:
            retry_after, last = None, type(exc).__name__
        if attempt + 1 < tries:
            await asyncio.sleep(_delay(settings, attempt, retry_after))
    raise SendFailed(f"the provider did not accept the message after {tries} tries ({last})")


def send_sync(http: httpx.Client, req: Request, settings: Settings,
              attempts: int = 1) -> dict[str, Any]:
    """Send from the worker (which schedules its own retries: one try by default)."""
    last = "no attempt"
    for attempt in range(attempts):
        try:
            response = http.post(req.url, **_call_kwargs(req, settings))
            body, retry_after = _verdict(response)
            if body is not None:
                return body
            last = f"HTTP {response.status_code}"
        except httpx.TransportError as exc:
            retry_after, last = None, type(exc).__name__
        if attempt + 1 < attempts:
            time.sleep(_delay(settings, attempt, retry_after))
    raise SendFailed(f"the provider did not accept the message ({last})")
