"""JWT auth (HS256, claims ``sub``, ``role``, ``exp``) for HTTP and the websocket."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import jwt

from gateway.settings import Settings
from tools.registry import ALL_ROLES, ToolError


@dataclass(frozen=True)
class Principal:
    """Who is calling."""

    user_id: str
    role: str


def issue_token(settings: Settings, user_id: str, role: str, ttl_s: int | None = None) -> str:
    """A signed token for ``user_id`` in ``role``."""
    if role not in ALL_ROLES:
        raise ToolError("VALIDATION_ERROR", f"unknown role {role!r}",
                        {"field": "role", "allowed": sorted(ALL_ROLES)})
    now = int(time.time())
    claims = {"sub": user_id, "role": role, "iat": now, "exp": now + (ttl_s or settings.jwt_ttl_s)}
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


def guest_id() -> str:
    """A fresh buyer id for an anonymous widget user."""
    return f"b-guest-{uuid.uuid4().hex[:10]}"


def verify_token(settings: Settings, token: str | None) -> Principal:
    """Decode and check a token, or raise ``UNAUTHORIZED`` saying why."""
    if not token:
        raise ToolError("UNAUTHORIZED", "a bearer token is required")
    try:
        claims = jwt.decode(token, settings.jwt_secret, algorithms=["HS256"],
                            options={"require": ["sub", "role", "exp"]})
    except jwt.ExpiredSignatureError as exc:
        raise ToolError("UNAUTHORIZED", "the token has expired", {"reason": "expired"}) from exc
    except jwt.PyJWTError as exc:
        raise ToolError("UNAUTHORIZED", "the token is not valid", {"reason": "invalid"}) from exc
    if claims["role"] not in ALL_ROLES:
        raise ToolError("UNAUTHORIZED", "the token's role is unknown", {"reason": "role"})
    return Principal(str(claims["sub"]), str(claims["role"]))
