"""Webhook signatures of Twilio (HMAC-SHA1, base64) and Meta (HMAC-SHA256, hex).

Compared in constant time.

Twilio signs the full URL it called followed by every POST parameter, sorted by name, as
``name + value`` (https://www.twilio.com/docs/usage/webhooks/webhooks-security); its own
validator also accepts the URL with the default port added or removed, and so do we.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"https": 443, "http": 80}


def twilio_signature(token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """The ``X-Twilio-Signature`` Twilio would send for ``url`` and the form ``params``."""
    grouped: dict[str, set[str]] = {}
    for name, value in params:
        grouped.setdefault(name, set()).add(value)
    payload = url + "".join(
        name + value for name in sorted(grouped) for value in sorted(grouped[name])
    )
    digest = hmac.new(token.encode(), payload.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _port_variants(url: str) -> list[str]:
    """``url`` as given, without its default port and with it (Twilio signs either)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    default = _DEFAULT_PORTS.get(parts.scheme)
    userinfo = parts.netloc.rpartition("@")[0]
    prefix = f"{userinfo}@" if userinfo else ""
    variants = [url]
    if parts.port is None and default is not None:
        variants.append(urlunsplit(parts._replace(netloc=f"{prefix}{host}:{default}")))
    elif parts.port == default:
        variants.append(urlunsplit(parts._replace(netloc=f"{prefix}{host}")))
    return variants


def verify_twilio(
    token: str | None, url: str, params: Iterable[tuple[str, str]], signature: str | None
) -> bool:
    """True when ``signature`` is Twilio's for this request (False without a token or header)."""
    if not token or not signature:
        return False
    items = list(params)
    ok = False
    for candidate in _port_variants(url):
        expected = twilio_signature(token, candidate, items)
        # Every variant is compared, so the time taken does not say which one matched.
        ok |= hmac.compare_digest(expected.encode(), signature.strip().encode())
    return ok


def meta_signature(secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` header Meta sends for ``body``: ``sha256=<hex>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_meta(secret: str | None, body: bytes, header: str | None) -> bool:
    """True when ``header`` is the HMAC-SHA256 of the raw ``body`` with the app secret."""
    if not secret or not header:
        return False
    return hmac.compare_digest(meta_signature(secret, body).encode(), header.strip().encode())


def same_secret(expected: str | None, given: str | None) -> bool:
    """Constant-time equality of a configured secret and a presented one (False if unset)."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
