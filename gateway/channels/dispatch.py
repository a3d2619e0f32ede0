"""Delivering notifications: the outbox dispatcher and its channel adapters.

A notification row is its own outbox entry (written in the transaction of the change that
caused it). :meth:`Dispatcher.run_once` claims due rows one at a time with
``SELECT … FOR UPDATE SKIP LOCKED``, so several workers on one PostgreSQL never take the same
row, and holds the row's lock while it calls the providers: a worker that dies mid-call rolls
back and the row is simply due again. Each channel's outcome is kept in ``deliveries``, so a
retry after an outage sends only to the channels that have not yet accepted the message. On
SQLite the lock clause is ignored and one worker must run alone.

Channels: ``in_app`` (the inbox row itself), ``sms`` (Twilio REST), ``whatsapp`` (Graph),
``voice`` (queued to be spoken in the user's next voice session). Per-user preferences choose
the channels of ``in_app`` rows; quiet hours hold SMS and WhatsApp until they end.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from sqlalchemy import or_, select

from domain.store import Creator, Notification, Store
from domain.store.models import NotificationPreference, utcnow
from gateway.channels.people import phone_of
from gateway.channels.providers import (
    NotConfigured,
    SendFailed,
    graph_request,
    send_sync,
    twilio_sms_request,
    whatsapp_text,
)
from gateway.settings import Settings

log = logging.getLogger(__name__)

CHANNELS = ("in_app", "sms", "whatsapp", "voice")
SETTLED = frozenset({"delivered", "queued", "failed", "skipped"})
QUIET_CHANNELS = frozenset({"sms", "whatsapp"})
MAX_BACKOFF_S = 3600.0


class Adapter(Protocol):
    """Delivers one notification on one channel."""

    def deliver(self, note: Notification, phone: str | None) -> dict[str, Any]:
        """Hand the message over; returns what to record, or raises :class:`SendFailed`."""
        ...


class InApp:
    """The inbox: the row is already there, nothing to send."""

    def deliver(self, note: Notification, phone: str | None) -> dict[str, Any]:
        """Delivered as soon as it is written."""
        return {}


class Voice:
    """Spoken at the start of the user's next voice session; here it is only queued for it."""

    def deliver(self, note: Notification, phone: str | None) -> dict[str, Any]:
        """Queued (``status: queued``) until a voice session speaks it."""
        return {"status": "queued"}


@dataclass
class Sms:
    """SMS through Twilio's REST API."""

    settings: Settings
    http: httpx.Client

    def deliver(self, note: Notification, phone: str | None) -> dict[str, Any]:
        """Send the message text; the Twilio message SID is recorded."""
        if not phone:
            raise NotConfigured("no phone number on file")
        body = send_sync(self.http, twilio_sms_request(self.settings, phone, note.message[:1600]),
                         self.settings)
        return {"provider_id": body.get("sid")}


@dataclass
class WhatsApp:
    """WhatsApp through the Cloud API (Graph) messages endpoint."""

    settings: Settings
    http: httpx.Client

    def deliver(self, note: Notification, phone: str | None) -> dict[str, Any]:
        """Send the text (or a reply the webhook could not send, exactly as built)."""
        payload = (note.payload or {}).get("graph")
        number_id = ((note.payload or {}).get("phone_number_id")
                     or self.settings.whatsapp_phone_number_id)
        if not number_id:
            raise NotConfigured("QALAKAR_WHATSAPP_PHONE_NUMBER_ID is not set")
        if payload is None:
            if not phone:
                raise NotConfigured("no phone number on file")
            payload = whatsapp_text(phone.lstrip("+"), note.message[:4096])
        body = send_sync(self.http, graph_request(self.settings, str(number_id), payload),
                         self.settings)
        messages = body.get("messages") or [{}]
        return {"provider_id": messages[0].get("id")}


def adapters(settings: Settings, http: httpx.Client) -> dict[str, Adapter]:
    """The four channels with the settings' providers."""
    return {"in_app": InApp(), "voice": Voice(), "sms": Sms(settings, http),
            "whatsapp": WhatsApp(settings, http)}


def default_channels(is_creator: bool) -> list[str]:
    """Creators registered with a phone hear on WhatsApp too; everyone else in the inbox."""
    return ["in_app", "whatsapp"] if is_creator else ["in_app"]


def targets(note: Notification, pref: NotificationPreference | None, is_creator: bool) -> list[str]:
    """The channels this row goes to: its own, or (for ``in_app``) the user's choice too."""
    if note.channel != "in_app":
        return [note.channel] if note.channel in CHANNELS else ["in_app"]
    chosen = (list(pref.channels) if pref is not None and pref.channels
              else default_channels(is_creator))
    return ["in_app", *[c for c in dict.fromkeys(chosen) if c in CHANNELS and c != "in_app"]]


def quiet_until(pref: NotificationPreference | None, now: dt.datetime) -> dt.datetime | None:
    """When the user's quiet hours end, if ``now`` falls inside them."""
    if pref is None or pref.quiet_start_hour is None or pref.quiet_end_hour is None:
        return None
    start, end = pref.quiet_start_hour % 24, pref.quiet_end_hour % 24
    if start == end:
        return None
    try:
        zone = ZoneInfo(pref.timezone or "Asia/Kolkata")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("Asia/Kolkata")
    local = now.astimezone(zone)
    inside = start <= local.hour < end if start < end else (local.hour >= start or local.hour < end)
    if not inside:
        return None
    until = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if until <= local:
        until += dt.timedelta(days=1)
    return until.astimezone(dt.UTC)


def _parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


@dataclass
class Report:
    """What one pass did, per channel outcome."""

    claimed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str) -> None:
        """Add one outcome."""
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


class Dispatcher:
    """Claims due notifications and delivers them through the adapters."""

    def __init__(
        self, store: Store, settings: Settings, channel_adapters: dict[str, Adapter]
    ) -> None:
        self.store = store
        self.settings = settings
        self.adapters = channel_adapters

    def run_once(self, now: dt.datetime | None = None, limit: int = 100) -> Report:
        """Deliver up to ``limit`` due notifications, each in its own transaction."""
        report = Report()
        for _ in range(limit):
            with self.store.session() as s:
                moment = now or utcnow()
                note = s.scalars(
                    select(Notification).where(
                        Notification.delivery_status == "pending",
                        or_(Notification.next_attempt_at.is_(None),
                            Notification.next_attempt_at <= moment),
                    ).order_by(Notification.id).limit(1).with_for_update(skip_locked=True)
                ).first()
                if note is None:
                    break
                report.claimed += 1
                self._deliver(s, note, moment, report)
        return report

    def _deliver(self, s: Any, note: Notification, now: dt.datetime, report: Report) -> None:
        pref = s.get(NotificationPreference, note.user_id)
        is_creator = s.get(Creator, note.user_id) is not None
        deliveries = {k: dict(v) for k, v in (note.deliveries or {}).items()}
        phone = (note.payload or {}).get("to") or phone_of(self.store, note.user_id)
        quiet = quiet_until(pref, now)
        waits: list[dt.datetime] = []
        for channel in targets(note, pref, is_creator):
            state = deliveries.get(channel, {})
            if state.get("status") in SETTLED:
                continue
            due = _parse_time(state.get("next"))
            if due is not None and due > now:  # another channel woke the row up early
                waits.append(due)
                continue
            if quiet is not None and channel in QUIET_CHANNELS:
                deliveries[channel] = {**state, "status": "deferred", "until": quiet.isoformat()}
                waits.append(quiet)
                report.count("deferred")
                continue
            attempts = int(state.get("attempts", 0)) + 1
            try:
                info = self.adapters[channel].deliver(note, phone)
            except NotConfigured as exc:
                deliveries[channel] = {"status": "skipped", "attempts": attempts,
                                       "reason": str(exc)[:300], "at": now.isoformat()}
                report.count("skipped")
                continue
            except SendFailed as exc:
                if exc.permanent or attempts >= self.settings.notify_max_attempts:
                    deliveries[channel] = {"status": "failed", "attempts": attempts,
                                           "error": str(exc)[:300], "at": now.isoformat()}
                    report.count("failed")
                    continue
                delay = min(self.settings.notify_backoff_s * 2 ** (attempts - 1), MAX_BACKOFF_S)
                retry_at = now + dt.timedelta(seconds=delay)
                deliveries[channel] = {"status": "retrying", "attempts": attempts,
                                       "error": str(exc)[:300], "next": retry_at.isoformat()}
                waits.append(retry_at)
                report.count("retrying")
                continue
            status = info.pop("status", "delivered")
            deliveries[channel] = {"status": status, "attempts": attempts, "at": now.isoformat(),
                                   **info}
            report.count(status)
        note.deliveries = deliveries  # a new dict: JSON columns track assignment, not mutation
        note.attempts = (note.attempts or 0) + 1
        if waits:
            note.next_attempt_at = min(waits)
            return
        failed = any(v.get("status") == "failed" for v in deliveries.values())
        note.delivery_status = "failed" if failed else "delivered"
        note.delivered_at = now
        note.next_attempt_at = None


def delivery_summary(note: Notification) -> str:
    """What actually happened to a notification, in words (queued / delivered / failed)."""
    parts = []
    for channel, state in sorted((note.deliveries or {}).items()):
        parts.append(f"{channel.replace('_', '-')}: {state.get('status', 'queued')}")
    if not parts:
        return "queued"
    return ", ".join(parts)
