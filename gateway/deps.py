"""FastAPI dependencies as ``Annotated`` aliases: handlers name what they need and stay short.

``CurrentUser`` is whoever the bearer token names; ``require_role("creator", "admin")`` and
``AdminUser`` refuse everyone else with ``FORBIDDEN``. The store, settings, registry, metrics
and tool config are the app's, set up once in :func:`gateway.app.create_app`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from domain.store import Store
from gateway.auth import Principal, verify_token
from gateway.metrics import Metrics
from gateway.settings import Settings
from tools.registry import Registry, ToolConfig, ToolError


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    return request.app.state.settings


def get_store(request: Request) -> Store:
    """The app's store (opened by the lifespan)."""
    return request.app.state.store


def get_registry(request: Request) -> Registry:
    """The tool registry."""
    return request.app.state.registry


def get_metrics(request: Request) -> Metrics:
    """The app's Prometheus metrics."""
    return request.app.state.metrics


def get_tool_config(request: Request) -> ToolConfig:
    """What tools receive besides the store (built once from the settings)."""
    return request.app.state.tool_config


def get_current_user(request: Request) -> Principal:
    """The caller named by ``Authorization: Bearer <token>``, or ``UNAUTHORIZED``."""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    return verify_token(request.app.state.settings, token)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
RegistryDep = Annotated[Registry, Depends(get_registry)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
ToolConfigDep = Annotated[ToolConfig, Depends(get_tool_config)]
CurrentUser = Annotated[Principal, Depends(get_current_user)]


def require_role(*roles: str) -> Any:
    """A dependency that admits only callers in ``roles``; others get ``FORBIDDEN``.

    Use it as ``user: Annotated[Principal, require_role("creator", "admin")]``.
    """

    def check(user: CurrentUser) -> Principal:
        if user.role not in roles:
            raise ToolError(
                "FORBIDDEN",
                f"the {user.role} role may not do this",
                {"allowed_roles": list(roles)},
            )
        return user

    return Depends(check)


AdminUser = Annotated[Principal, require_role("admin")]
