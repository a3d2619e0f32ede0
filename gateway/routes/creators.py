"""Creator registration and digital portfolios over REST (props 20, 23, 24).

Registering a creator writes to the marketplace, so it needs an identity: an admin, or anyone
signed in who presents an admin's invitation (single use, written with the registration).
Guests read; every string and list of a body is bounded.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Annotated, Any

import jwt
from fastapi import APIRouter, Body
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy.exc import IntegrityError

from domain import portfolio
from domain.store.models import IdempotencyRecord
from gateway.auth import issue_token
from gateway.deps import AdminUser, CurrentUser, SettingsDep, StoreDep, ToolConfigDep
from gateway.settings import Settings
from tools.common import PlaceArg, Word, resolve_place
from tools.registry import ToolContext, ToolError

router = APIRouter(prefix="/api/v1", tags=["creators"])

INVITATION_PURPOSE = "creator_invitation"
INVITATION_TTL_S = 7 * 24 * 3600
MAX_LIST = 20
# A photo or video reference: an upload id, a key or a media path.
MediaRef = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Phone = Annotated[str, StringConstraints(min_length=9, max_length=20)]


class RegistrationBody(BaseModel):
    """A new creator."""

    name: str = Field(min_length=1, max_length=120)
    phone: Phone
    craft: str = Field(min_length=2, max_length=80, description="e.g. 'blue pottery'")
    category: str = Field(
        max_length=40, description="one of the catalogue's categories, e.g. 'pottery'"
    )
    location: PlaceArg
    techniques: list[Word] = Field(default_factory=list, max_length=MAX_LIST)
    materials: list[Word] = Field(default_factory=list, max_length=MAX_LIST)
    preferred_language: str = Field(default="hi", max_length=8)
    years_experience: int = Field(default=0, ge=0, le=90)
    bio: str = Field(default="", max_length=4000)
    story: str = Field(default="", max_length=8000)
    production_process: str = Field(default="", max_length=8000)
    email: str | None = Field(default=None, max_length=120)
    invitation: str | None = Field(
        default=None, max_length=1000,
        description="An admin's invitation (POST /api/v1/creators/invitations); admins need none",
    )


class InvitationBody(BaseModel):
    """Whom an admin invites to register as a creator."""

    phone: Phone | None = Field(default=None, description="Only this phone may use it, if given")
    note: str = Field(default="", max_length=200)


class PortfolioEdit(BaseModel):
    """Fields a creator may change in their own portfolio."""

    model_config = {"extra": "forbid"}

    bio: str | None = Field(default=None, max_length=4000)
    story: str | None = Field(default=None, max_length=8000)
    production_process: str | None = Field(default=None, max_length=8000)
    techniques: list[Word] | None = Field(default=None, max_length=MAX_LIST)
    materials: list[Word] | None = Field(default=None, max_length=MAX_LIST)
    portfolio_images: list[MediaRef] | None = Field(default=None, max_length=MAX_LIST)
    portfolio_videos: list[MediaRef] | None = Field(default=None, max_length=MAX_LIST)
    preferred_language: str | None = Field(default=None, max_length=8)
    years_experience: int | None = Field(default=None, ge=0, le=90)
    email: str | None = Field(default=None, max_length=120)


class CompletionBody(BaseModel):
    """A delivered order and, optionally, the buyer's review."""

    rating: int | None = Field(default=None, ge=1, le=5)
    review: str = Field(default="", max_length=4000)


def _digits(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit())[-10:]


def _invitation(settings: Settings, token: str, phone: str) -> str:
    """The id of a valid invitation for ``phone``, or ``FORBIDDEN`` saying why not."""
    try:
        claims = jwt.decode(token, settings.jwt_secret, algorithms=["HS256"],
                            options={"require": ["jti", "purpose", "exp"]})
    except jwt.ExpiredSignatureError as exc:
        raise ToolError("FORBIDDEN", "the invitation has expired",
                        {"field": "invitation"}) from exc
    except jwt.PyJWTError as exc:
        raise ToolError("FORBIDDEN", "the invitation is not valid",
                        {"field": "invitation"}) from exc
    if claims.get("purpose") != INVITATION_PURPOSE or not isinstance(claims.get("jti"), str):
        raise ToolError("FORBIDDEN", "the invitation is not valid", {"field": "invitation"})
    bound = claims.get("phone")
    if bound and _digits(str(bound)) != _digits(phone):
        raise ToolError("FORBIDDEN", "the invitation is for another phone number",
                        {"field": "invitation"})
    return claims["jti"][:100]


@router.post("/creators/invitations", status_code=201)
async def invite(
    user: AdminUser, settings: SettingsDep,
    body: Annotated[InvitationBody | None, Body()] = None,
) -> dict[str, Any]:
    """An admin invites someone to register as a creator (single use, valid for a week)."""
    body = body or InvitationBody()
    now = int(time.time())
    claims: dict[str, Any] = {
        "purpose": INVITATION_PURPOSE, "jti": f"inv-{uuid.uuid4().hex}", "by": user.user_id,
        "iat": now, "exp": now + INVITATION_TTL_S,
    }
    if body.phone:
        claims["phone"] = body.phone
    token = jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
    return {"invitation": token, "expires_in": INVITATION_TTL_S, "phone": body.phone}


@router.post("/creators", status_code=201)
async def register(
    body: RegistrationBody, user: CurrentUser, settings: SettingsDep, store: StoreDep,
    config: ToolConfigDep,
) -> dict[str, Any]:
    """Register a creator with a new portfolio: admins, or anyone with an admin's invitation.

    Registering with an invitation answers with a creator token for the new creator too.
    """
    ctx = ToolContext(user.user_id, user.role, store, config=config)
    invitation = None
    if user.role != "admin":
        if not body.invitation:
            raise ToolError(
                "FORBIDDEN", "registering a creator needs an admin or an admin's invitation",
                {"field": "invitation", "allowed_roles": ["admin"]},
            )
        invitation = _invitation(settings, body.invitation, body.phone)

    def work() -> dict[str, Any]:
        reg = portfolio.Registration(
            name=body.name,
            phone=body.phone,
            craft=body.craft,
            category=body.category,
            home=resolve_place(body.location, ctx),
            techniques=body.techniques,
            materials=body.materials,
            preferred_language=body.preferred_language,
            years_experience=body.years_experience,
            bio=body.bio,
            story=body.story,
            production_process=body.production_process,
            email=body.email,
        )
        try:
            with store.session() as s:
                creator = portfolio.register(s, reg, actor=user.user_id)
                if invitation is not None:
                    # Spent in the registration's own transaction: one invitation, one creator.
                    s.add(IdempotencyRecord(scope="invitation", action_id=invitation,
                                            tool="register_creator", args_digest="-",
                                            result={"creator_id": creator.id}))
                    s.flush()
                doc = portfolio.portfolio(s, creator.id)
        except IntegrityError as exc:
            raise ToolError("CONFLICT", "the invitation has already been used",
                            {"field": "invitation"}) from exc
        if invitation is not None:
            doc["token"] = issue_token(settings, creator.id, "creator")
        return doc

    return await asyncio.to_thread(work)


@router.get("/creators/{creator_id}/portfolio")
async def read_portfolio(creator_id: str, user: CurrentUser, store: StoreDep) -> dict[str, Any]:
    """Anyone signed in may read a portfolio."""

    def work() -> dict[str, Any]:
        with store.session() as s:
            return portfolio.portfolio(s, creator_id)

    return await asyncio.to_thread(work)


@router.get("/portfolio")
async def my_portfolio(user: CurrentUser, store: StoreDep) -> dict[str, Any]:
    """The caller's own portfolio."""
    return await read_portfolio(user.user_id, user, store)


@router.patch("/portfolio")
async def edit_portfolio(edit: PortfolioEdit, user: CurrentUser, store: StoreDep) -> dict[str, Any]:
    """Edit the caller's own portfolio."""
    changes = edit.model_dump(exclude_unset=True)
    if not changes:
        raise ToolError("VALIDATION_ERROR", "nothing to change", {"field": "(body)"})

    def work() -> dict[str, Any]:
        with store.session() as s:
            return portfolio.edit(s, user.user_id, changes, actor=user.user_id, role=user.role)

    return await asyncio.to_thread(work)


@router.post("/orders/{order_id}/complete")
async def complete(
    order_id: str, user: CurrentUser, store: StoreDep,
    body: Annotated[CompletionBody | None, Body()] = None,
) -> dict[str, Any]:
    """Mark an order delivered, with an optional review; returns the creator's portfolio."""
    body = body or CompletionBody()

    def work() -> dict[str, Any]:
        with store.session() as s:
            return portfolio.complete_order(
                s, order_id, actor=user.user_id, role=user.role,
                rating=body.rating, review_text=body.review,
            )

    return await asyncio.to_thread(work)
