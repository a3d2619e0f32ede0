"""Creator registration and digital portfolios over REST (props 20, 23, 24)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import BaseModel, Field

from domain import portfolio
from gateway.deps import CurrentUser, StoreDep, ToolConfigDep
from tools.common import PlaceArg, resolve_place
from tools.registry import ToolContext, ToolError

router = APIRouter(prefix="/api/v1", tags=["creators"])


class RegistrationBody(BaseModel):
    """A new creator."""

    name: str = Field(min_length=1, max_length=120)
    phone: str = Field(min_length=9, max_length=20)
    craft: str = Field(min_length=2, max_length=80, description="e.g. 'blue pottery'")
    category: str = Field(description="one of the catalogue's categories, e.g. 'pottery'")
    location: PlaceArg
    techniques: list[str] = []
    materials: list[str] = []
    preferred_language: str = Field(default="hi", max_length=8)
    years_experience: int = Field(default=0, ge=0, le=90)
    bio: str = Field(default="", max_length=4000)
    story: str = Field(default="", max_length=8000)
    production_process: str = Field(default="", max_length=8000)
    email: str | None = Field(default=None, max_length=120)


class PortfolioEdit(BaseModel):
    """Fields a creator may change in their own portfolio."""

    model_config = {"extra": "forbid"}

    bio: str | None = Field(default=None, max_length=4000)
    story: str | None = Field(default=None, max_length=8000)
    production_process: str | None = Field(default=None, max_length=8000)
    techniques: list[str] | None = None
    materials: list[str] | None = None
    portfolio_images: list[str] | None = None
    portfolio_videos: list[str] | None = None
    preferred_language: str | None = Field(default=None, max_length=8)
    years_experience: int | None = Field(default=None, ge=0, le=90)
    email: str | None = Field(default=None, max_length=120)


class CompletionBody(BaseModel):
    """A delivered order and, optionally, the buyer's review."""

    rating: int | None = Field(default=None, ge=1, le=5)
    review: str = Field(default="", max_length=4000)


@router.post("/creators", status_code=201)
async def register(
    body: RegistrationBody, user: CurrentUser, store: StoreDep, config: ToolConfigDep
) -> dict[str, Any]:
    """Register a creator (an admin, or a signed-in user onboarding) with a new portfolio."""
    ctx = ToolContext(user.user_id, user.role, store, config=config)

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
        with store.session() as s:
            creator = portfolio.register(s, reg, actor=user.user_id)
            return portfolio.portfolio(s, creator.id)

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
