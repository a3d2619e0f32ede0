"""HTTP routers of the gateway, listed explicitly in :data:`ROUTERS` (the order they mount in)."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.routes import (
    auth,
    channels,
    creators,
    dashboard,
    marketplace,
    media,
    moderation,
    notifications,
    ops,
    pages,
    tools,
    uploads,
)

ROUTERS: tuple[APIRouter, ...] = (
    ops.router,
    auth.router,
    tools.router,
    pages.router,
    dashboard.router,  # /creators/me/… before /creators/{creator_id}
    creators.router,
    marketplace.router,
    media.router,
    moderation.router,
    uploads.router,
    notifications.router,
    channels.router,
)
