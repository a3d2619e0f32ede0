"""Tokens: a guest buyer token for the widget, and any token in dev (``QALAKAR_DEV_AUTH=1``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from gateway.auth import guest_id, issue_token
from gateway.deps import SettingsDep
from tools.registry import ToolError

router = APIRouter(prefix="/auth", tags=["auth"])


class DevTokenRequest(BaseModel):
    """Body of ``POST /auth/dev-token``."""

    user_id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.:-]+$")
    role: str = Field(max_length=40)


@router.post("/guest")
async def auth_guest(request: Request, settings: SettingsDep) -> dict[str, Any]:
    """A buyer guest token for the chat widget (a few per client address and minute)."""
    decision = await request.app.state.rate_limits.check_guest_token(request)
    if decision is not None and not decision.allowed:
        raise ToolError("RATE_LIMITED",
                        f"too many guest tokens; try again in {decision.retry_after_header} s",
                        decision.details())
    user_id = guest_id()
    token = issue_token(settings, user_id, "buyer", settings.guest_ttl_s)
    return {"token": token, "user_id": user_id, "role": "buyer", "expires_in": settings.guest_ttl_s}


@router.post("/dev-token")
async def auth_dev_token(settings: SettingsDep, body: DevTokenRequest) -> dict[str, Any]:
    """A token for any user and role; only when ``QALAKAR_DEV_AUTH=1``."""
    if not settings.dev_auth:
        raise ToolError("FORBIDDEN", "dev tokens are disabled (set QALAKAR_DEV_AUTH=1)")
    token = issue_token(settings, body.user_id, body.role)
    return {
        "token": token, "user_id": body.user_id, "role": body.role,
        "expires_in": settings.jwt_ttl_s,
    }
