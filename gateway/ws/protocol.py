"""The frames of contracts §4: what a client may send, and how the server's frames are built.

Every ``turn_end`` and every ``error`` frame the socket sends is made here, so their shape
cannot drift between the text, voice, rate-limit and interrupt paths.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from gateway.errors import envelope

AUTH_TIMEOUT_S = 10.0
CLIENT_FRAMES = frozenset(
    {"user_message", "audio_start", "audio_end", "confirm", "interrupt", "ping", "auth"}
)


@dataclass(frozen=True)
class FrameProblem:
    """Why a text frame was refused: an error code of §3, words, details."""

    code: str
    message: str
    details: dict[str, Any]


def parse_frame(raw: str, limit: int) -> dict[str, Any] | FrameProblem:
    """A client frame (a JSON object with a string ``type``), or the problem to report."""
    if len(raw.encode()) > limit:
        return FrameProblem(
            "PAYLOAD_TOO_LARGE", f"frames are limited to {limit} bytes", {"limit": limit}
        )
    try:
        frame = json.loads(raw)
    except json.JSONDecodeError as exc:
        return FrameProblem(
            "BAD_REQUEST", f"the frame is not valid JSON ({exc.msg})", {"field": "(frame)"}
        )
    except RecursionError:  # "[[[[…" thousands deep
        return FrameProblem("BAD_REQUEST", "the frame nests too deeply", {"field": "(frame)"})
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        return FrameProblem(
            "VALIDATION_ERROR", "a frame is a JSON object with a string 'type'", {"field": "type"}
        )
    return frame


def elapsed_ms(started: float) -> float:
    """Milliseconds since ``started`` (a ``time.perf_counter()``), rounded for the wire."""
    return round((time.perf_counter() - started) * 1000, 2)


def turn_end(
    started: float,
    latency: dict[str, float] | None = None,
    *,
    interrupted: bool = False,
    no_speech: bool = False,
    rate_limited: bool = False,
) -> dict[str, Any]:
    """The ``turn_end`` frame: ``latency_ms`` carries ``latency`` plus the ``total`` so far.

    The flags appear only when true, as in §4.
    """
    frame: dict[str, Any] = {
        "type": "turn_end", "latency_ms": {**(latency or {}), "total": elapsed_ms(started)}
    }
    for name, on in (
        ("interrupted", interrupted), ("no_speech", no_speech), ("rate_limited", rate_limited)
    ):
        if on:
            frame[name] = True
    return frame


def error_frame(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """An ``error`` frame carrying the §3 envelope."""
    return {"type": "error", **envelope(code, message, details)}


def encode(frame: dict[str, Any]) -> str:
    """A frame as the JSON text that goes on the wire."""
    return json.dumps(frame, ensure_ascii=False)
