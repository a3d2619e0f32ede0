"""One inbound message, answered once: the ledger of provider message ids and the turn itself.

A provider retries a webhook it thinks failed. :class:`Ledger` claims ``(provider, message_id)``
with a unique row before anything runs; a retry that finds the row waits for the first
delivery to finish and gets its stored reply back, byte for byte. A delivery that fails on our
side releases its claim, so the provider's next retry runs it again.

:class:`Conversations` turns a message (text, a confirmation, a photo or a voice note) into the
assistant's plain-text reply on the sender's own thread: the conversation is keyed by the user,
so the widget, the voice console and WhatsApp continue one another.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from domain.errors import DomainError
from domain.store import Creator, Product, Store
from domain.store.models import ChannelMessage, utcnow
from gateway.channels.media import Media
from gateway.channels.people import Sender
from gateway.channels.text import plain
from gateway.settings import Settings
from tools.registry import ToolContext, ToolError

log = logging.getLogger(__name__)

# Every channel continues the user's one conversation (the websocket's default session too).
USER_THREAD = "main"
STALE_CLAIM_S = 300.0  # a claim older than this was left by a crashed process
NO_SPEECH = "Sorry, I couldn't make out any words in that voice note. Please try again or type."


@dataclass(frozen=True)
class Stored:
    """A reply already given to one provider message."""

    body: str
    content_type: str


class Ledger:
    """Claims provider message ids so each is answered once."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def claim(self, provider: str, message_id: str, sender: str, user_id: str) -> Stored | None:
        """Claim the message: None when it is ours to answer, else what it was answered with.

        Raises ``CONFLICT`` while another delivery of the same message is still running.
        """
        try:
            with self.store.session() as s:
                s.add(ChannelMessage(provider=provider, message_id=message_id, sender=sender,
                                     user_id=user_id))
            return None
        except IntegrityError:
            pass
        with self.store.session() as s:
            row = s.scalars(select(ChannelMessage).where(
                ChannelMessage.provider == provider, ChannelMessage.message_id == message_id
            )).first()
            if row is None:  # released between our insert and this read: take it now
                s.add(ChannelMessage(provider=provider, message_id=message_id, sender=sender,
                                     user_id=user_id))
                return None
            if row.status == "done" and row.reply is not None:
                return Stored(row.reply, row.content_type)
            age = (utcnow() - _aware(row.created_at)).total_seconds()
            if age > STALE_CLAIM_S:
                taken = s.execute(update(ChannelMessage).where(
                    ChannelMessage.id == row.id, ChannelMessage.status == "processing",
                    ChannelMessage.created_at == row.created_at,
                ).values(created_at=utcnow()))
                if getattr(taken, "rowcount", 0):  # CursorResult; only one process wins
                    return None
        raise ToolError("CONFLICT", "this message is still being answered",
                        {"field": "message_id", "message_id": message_id})

    def finish(self, provider: str, message_id: str, body: str, content_type: str) -> None:
        """Store the reply given, so a retry gets exactly it."""
        with self.store.session() as s:
            s.execute(update(ChannelMessage).where(
                ChannelMessage.provider == provider, ChannelMessage.message_id == message_id
            ).values(status="done", reply=body, content_type=content_type, finished_at=utcnow()))

    def release(self, provider: str, message_id: str) -> None:
        """Forget a claim whose answer failed, so the provider's retry runs it again."""
        with self.store.session() as s:
            s.execute(delete(ChannelMessage).where(
                ChannelMessage.provider == provider, ChannelMessage.message_id == message_id,
                ChannelMessage.status == "processing"))

    async def wait(self, provider: str, message_id: str, sender: str, user_id: str,
                   patience_s: float = 8.0) -> Stored | None:
        """:meth:`claim`, waiting up to ``patience_s`` for a concurrent delivery to finish."""
        deadline = time.monotonic() + patience_s
        while True:
            try:
                return await asyncio.to_thread(self.claim, provider, message_id, sender, user_id)
            except ToolError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back naive; every stored time is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@dataclass
class Inbound:
    """One message from a channel, already verified and fetched."""

    sender: Sender
    channel: str
    text: str | None = None
    confirm: bool | None = None
    media: list[Media] = field(default_factory=list)
    language: str | None = None


@dataclass
class Reply:
    """What to send back: plain text, and the pending confirmation if the turn asks for one."""

    text: str
    confirm: dict[str, Any] | None = None
    transcript: str | None = None
    tools: list[str] = field(default_factory=list)


class Conversations:
    """Answers inbound channel messages with the app's assistant, limits and speech engines."""

    def __init__(self, state: Any) -> None:
        self.state = state

    @property
    def settings(self) -> Settings:
        """The app's settings."""
        return self.state.settings

    def _speech(self) -> Any:
        from gateway.speech import Speech

        if getattr(self.state, "speech", None) is None:
            self.state.speech = Speech(self.settings)
        return self.state.speech

    async def answer(self, inbound: Inbound) -> Reply:
        """The reply to one message (never raises for the sender's own mistakes)."""
        sender = inbound.sender
        decision = await self.state.rate_limits.check_turn(sender.user_id)
        if decision is not None and not decision.allowed:
            self.state.metrics.rate_limited.labels("turn").inc()
            return Reply(f"You are sending messages faster than I can answer; please wait "
                         f"{decision.retry_after_header} seconds and try again.")
        text = (inbound.text or "").strip()
        transcript = None
        notes: list[str] = []
        for item in inbound.media:
            if item.kind == "audio":
                heard = await self._transcribe(item, inbound.language)
                if isinstance(heard, Reply):
                    return heard
                transcript = heard
                text = f"{text} {heard}".strip() if text else heard
            elif item.kind == "image":
                notes.append(await self._image(sender, item, text or None))
                text = ""  # the caption described the photo; it is not a question
        limit = self.settings.max_message_chars
        if len(text) > limit:
            return Reply(f"That message is longer than {limit} characters; "
                         "please send a shorter one.")
        if not text and inbound.confirm is None:
            if notes:
                return Reply("\n\n".join(notes))
            if transcript is not None:
                return Reply(NO_SPEECH, transcript=transcript)
            return Reply("Send me a message, a photo of your work or a voice note.")
        started = time.perf_counter()
        outcome = "ok"
        try:
            turn = await self.state.assistant.turn(
                user_id=sender.user_id, role=sender.role, session_id=USER_THREAD,
                text=text or None, confirm=inbound.confirm,
            )
        except Exception:
            outcome = "error"
            raise
        finally:
            self.state.metrics.turns.labels(inbound.channel, outcome).inc()
            elapsed = time.perf_counter() - started
            self.state.metrics.turn_latency.labels(inbound.channel).observe(elapsed)
        body = plain(turn.reply)
        if notes:
            body = "\n\n".join([*notes, body])
        return Reply(body, confirm=turn.confirm_request, transcript=transcript,
                     tools=[c["name"] for c in turn.tool_calls])

    async def _transcribe(self, item: Media, language: str | None) -> str | Reply:
        from gateway.speech import AudioRejected
        from voice import codecs
        from voice.audio import AudioFormatError, VoiceUnavailable

        settings = self.settings
        try:
            audio = await asyncio.to_thread(codecs.decode, item.data,
                                            max_seconds=settings.max_audio_seconds)
            return await self._speech().transcribe(audio, language)
        except AudioFormatError as exc:
            return Reply(f"I couldn't play that voice note: {exc}.")
        except AudioRejected as exc:
            return Reply(exc.message)
        except VoiceUnavailable:
            return Reply("Voice notes can't be understood on this server yet; please type instead.")

    async def _image(self, sender: Sender, item: Media, caption: str | None) -> str:
        """Keep the photo: on the creator's newest draft listing, else checked for hand work."""
        if sender.role != "creator":
            return ("Thanks for the photo. Photos are checked for creators' listings; to find "
                    "something like it, describe it in words (craft, colour, place).")
        try:
            return await asyncio.to_thread(self._use_photo, sender.user_id, item.data, caption)
        except ToolError as exc:
            return f"I couldn't use that photo: {exc.message}."

    def _use_photo(self, creator_id: str, data: bytes, caption: str | None) -> str:
        from domain.media import store_upload
        from gateway.wiring import tool_config

        settings = self.settings
        store: Store = self.state.store
        with store.session() as s:
            creator = s.get(Creator, creator_id)
            category = creator.category if creator is not None else "textiles"
            draft = s.scalars(select(Product).where(
                Product.creator_id == creator_id, Product.status == "draft",
            ).order_by(Product.updated_at.desc(), Product.id.desc()).limit(1)).first()
            draft_id, draft_title = (draft.id, draft.title) if draft is not None else (None, "")
            try:
                stored, _ = store_upload(s, data, settings.data_dir / "media", owner_id=creator_id,
                                         max_bytes=settings.max_upload_bytes,
                                         max_pixels=settings.max_upload_pixels)
            except DomainError as exc:  # not an image, too large: the reason is in the message
                raise ToolError("UNSUPPORTED_MEDIA", str(exc), {"field": "media"}) from exc
        ctx = ToolContext(creator_id, "creator", store, USER_THREAD, tool_config(settings))
        registry = self.state.registry
        if draft_id is not None and "create_listing" in registry.names():
            result = registry.invoke("create_listing", {
                "listing_id": draft_id, "images": [stored.id],
                "description": (caption or draft_title or "photo of the piece")[:4000],
            }, ctx).model_dump(mode="json")
            count = len(result.get("image_urls") or [])
            words = [f"I added your photo to your draft listing {draft_id} ({draft_title}); "
                     f"it has {count} photo{'s' if count != 1 else ''} now."]
            missing = [f for f in result.get("missing_fields") or [] if f != "images"]
            if missing:
                words.append("Still needed before it can go live: " + ", ".join(missing) + ".")
            return " ".join(words)
        result = registry.invoke(
            "analyze_authenticity", {"images": [stored.id], "category": category}, ctx
        ).model_dump(mode="json")
        score = result["authenticity_score"]
        words = [f"I saved your photo ({stored.id}) and checked it: it looks "
                 f"{score:.0f}/100 hand-made."]
        if result.get("mass_production_flags"):
            flags = ", ".join(result["mass_production_flags"])
            words.append(f"Signs of machine work: {flags}.")
        if result.get("requires_manual_review"):
            words.append("Below 60, so a person will review it before it can be listed.")
        return " ".join(words)
