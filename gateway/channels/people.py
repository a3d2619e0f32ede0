"""Who wrote: a provider's sender address mapped to a marketplace user by phone number.

Creators register with their phone, so a creator's WhatsApp or SMS lands in the creator's own
conversation. Buyers with a phone on file are found the same way; any other number becomes a
buyer guest whose id is derived from the number (keyed, so ids do not reveal numbers) and is
stable, so the guest keeps one conversation across messages.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from sqlalchemy import select

from domain.store import Buyer, Creator, Store

_NOT_DIGITS = re.compile(r"[^\d]")


@dataclass(frozen=True)
class Sender:
    """The user behind a phone number, and the number to answer."""

    user_id: str
    role: str
    phone: str
    known: bool


def normalize_phone(address: str) -> str | None:
    """``+<digits>`` from ``whatsapp:+91 98…``, ``+91-98…`` or Meta's ``9198…`` (None: not one)."""
    raw = address.strip()
    if raw.lower().startswith("whatsapp:"):
        raw = raw[len("whatsapp:"):]
    digits = _NOT_DIGITS.sub("", raw)
    if not 6 <= len(digits) <= 15:  # E.164 allows at most 15 digits
        return None
    return f"+{digits}"


def guest_id_for(phone: str, secret: str) -> str:
    """The stable buyer-guest id of an unknown number."""
    digest = hmac.new(secret.encode(), phone.encode(), hashlib.sha256).hexdigest()
    return f"b-phone-{digest[:12]}"


def find_sender(store: Store, phone: str, secret: str) -> Sender:
    """The creator or buyer registered with ``phone`` (already normalized), else a guest."""
    with store.session() as s:
        creator = s.scalars(select(Creator.id).where(Creator.phone == phone).limit(1)).first()
        if creator is not None:
            return Sender(creator, "creator", phone, True)
        buyer = s.scalars(select(Buyer.id).where(Buyer.phone == phone).limit(1)).first()
        if buyer is not None:
            return Sender(buyer, "buyer", phone, True)
    return Sender(guest_id_for(phone, secret), "buyer", phone, False)


def phone_of(store: Store, user_id: str) -> str | None:
    """The phone number on file for ``user_id`` (creator or buyer), if any."""
    with store.session() as s:
        creator = s.get(Creator, user_id)
        if creator is not None:
            return creator.phone or None
        buyer = s.get(Buyer, user_id)
        return buyer.phone if buyer is not None else None
