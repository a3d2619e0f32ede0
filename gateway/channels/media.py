"""Fetching a provider's media (photos, voice notes) with a size cap and a timeout.

The body is streamed and abandoned as soon as it passes the cap, so a hostile or broken
provider cannot make the gateway hold more than ``max_bytes`` of one file in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from gateway.channels.limits import read_bounded
from tools.registry import ToolError

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
AUDIO_TYPES = ("audio/ogg", "audio/opus", "audio/mpeg", "audio/mp4", "audio/amr", "audio/aac",
               "audio/wav", "audio/x-wav", "audio/webm")


@dataclass(frozen=True)
class Media:
    """One fetched attachment."""

    kind: str  # "image" or "audio"
    mime: str
    data: bytes


def kind_of(mime: str) -> str | None:
    """``image``, ``audio`` or None for a content type the assistant does not take."""
    base = mime.split(";", 1)[0].strip().lower()
    if base in IMAGE_TYPES:
        return "image"
    if base in AUDIO_TYPES:
        return "audio"
    return None


async def fetch(
    client: httpx.AsyncClient, url: str, *, max_bytes: int, timeout_s: float,
    headers: dict[str, str] | None = None, auth: httpx.Auth | tuple[str, str] | None = None,
) -> tuple[bytes, str]:
    """The body and content type at ``url``; ``ToolError`` when too large, slow or refused."""
    try:
        async with client.stream("GET", url, headers=headers, auth=auth, timeout=timeout_s,
                                 follow_redirects=True) as response:
            if response.status_code != 200:
                raise ToolError("UPSTREAM_UNAVAILABLE",
                                f"the provider answered {response.status_code} for the media",
                                {"field": "media", "status": response.status_code})
            body = await read_bounded(response.headers.get("content-length"),
                                      response.aiter_bytes(), max_bytes, _too_large)
            return body, response.headers.get("content-type", "")
    except httpx.HTTPError as exc:
        raise ToolError("UPSTREAM_UNAVAILABLE",
                        f"the media could not be fetched ({type(exc).__name__})",
                        {"field": "media"}) from exc


def _too_large(max_bytes: int) -> ToolError:
    return ToolError("PAYLOAD_TOO_LARGE", f"the attachment is larger than {max_bytes} bytes",
                     {"field": "media", "limit": max_bytes})
