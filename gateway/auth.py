"""JWT auth (HS256, claims ``sub``, ``role``, ``exp``) for HTTP and the websocket."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass

import jwt

from gateway.settings import Settings
from tools.registry import ALL_ROLES, ToolError

_SUBJECT = re.compile(r"^[A-Za-z0-9_.:@+-]{1,64}$")


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


GUEST_PREFIX = "b-guest-"


def guest_id() -> str:
    """A fresh buyer id for an anonymous widget user."""
    return f"{GUEST_PREFIX}{uuid.uuid4().hex[:10]}"


def is_guest(user_id: str) -> bool:
    """Whether ``user_id`` is an anonymous widget user (whose tokens anyone may get)."""
    return user_id.startswith(GUEST_PREFIX)


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
    role, sub = claims["role"], claims["sub"]
    # Claims are typed by whoever signed them: a list role or a 1 MB sub is not a principal.
    if not isinstance(role, str) or role not in ALL_ROLES:
        raise ToolError("UNAUTHORIZED", "the token's role is unknown", {"reason": "role"})
    if not isinstance(sub, str) or not _SUBJECT.fullmatch(sub):
        raise ToolError("UNAUTHORIZED", "the token's subject is not a user id", {"reason": "sub"})
    return Principal(sub, role)
