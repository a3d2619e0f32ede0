"""The channels' per-app objects (ledger, conversations, HTTP client), made on first use."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from fastapi import Request

from gateway.channels.conversation import Conversations, Ledger
from gateway.channels.limits import read_bounded
from tools.registry import ToolError


@dataclass
class ChannelState:
    """What every webhook of one app shares."""

    ledger: Ledger
    conversations: Conversations
    http: httpx.AsyncClient


def channel_state(request: Request) -> ChannelState:
    """This app's :class:`ChannelState` (created on the first webhook)."""
    state = request.app.state
    current = getattr(state, "channels", None)
    if current is None:
        if getattr(state, "assistant", None) is None:
            raise ToolError("UPSTREAM_UNAVAILABLE", "the assistant is still starting")
        current = ChannelState(Ledger(state.store), Conversations(state),
                               httpx.AsyncClient(max_redirects=3))
        state.channels = current
    return current


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refused with 413 as soon as it passes ``limit`` bytes."""
    return await read_bounded(request.headers.get("content-length"), request.stream(), limit,
                              _too_large)


def _too_large(limit: int) -> ToolError:
    return ToolError("PAYLOAD_TOO_LARGE", f"webhook bodies are limited to {limit} bytes",
                     {"field": "(body)", "limit": limit})


def public_url(request: Request, base: str | None) -> str:
    """The URL the provider called: ``QALAKAR_PUBLIC_URL`` + path + query (proxies change Host)."""
    if not base:
        return str(request.url)
    query = request.url.query
    return base.rstrip("/") + request.url.path + (f"?{query}" if query else "")
