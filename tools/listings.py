"""Listing tools: ``create_listing``, ``publish_listing`` and ``update_price``.

``create_listing`` drafts from the maker's words; ``publish_listing`` and ``update_price`` are
critical (the agent confirms first).

Drafts are products with status ``draft``; publishing runs the authenticity analysis on the
draft's photos, makes the listing ``active`` and so searchable at the next search (prop 33).
Translations use the LLM endpoint of the settings when one is configured, else the glossary.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import httpx
from pydantic import BaseModel, Field, StringConstraints, field_validator

from domain import listings
from domain.errors import DomainError, quote
from domain.pricing.engine import PriceQuery
from domain.pricing.service import price_for
from domain.pricing.tables import load_tables
from domain.store.models import Product
from domain.translation import ChatTranslator, TextTranslator
from tools.common import Category, ProductId, Word, media_url
from tools.registry import ToolContext, ToolError, tool
from tools.verification import AnalyzeAuthenticityArgs, analyze_authenticity

log = logging.getLogger(__name__)


class UpdatePriceArgs(BaseModel):
    """Arguments of ``update_price``."""

    product_id: ProductId = Field(description="The listing id, like p-00012")
    new_price: float = Field(ge=1, le=10_000_000, description="The new price in INR (at least ₹1)")


class UpdatePriceResult(BaseModel):
    """Old and new price, and the notifications queued (with their status)."""

    product_id: str
    old_price: float
    new_price: float
    currency: str = "INR"
    notifications: list[dict]


@tool("update_price", roles=("creator", "admin"), critical=True)
def update_price(ctx: ToolContext, args: UpdatePriceArgs) -> UpdatePriceResult:
    """Change the price of one of the caller's listings (admins: any listing).

    A critical action: confirm with the user before calling it.
    """
    with ctx.store.session() as s:
        change = listings.update_price(
            s, actor_id=ctx.user_id, role=ctx.role, product_id=args.product_id,
            new_price=args.new_price,
        )
    return UpdatePriceResult(
        product_id=change.product_id, old_price=change.old_price, new_price=change.new_price,
        notifications=change.notifications,
    )


class DimensionsCm(BaseModel):
    """Size in centimetres; any of the three may be missing."""

    length: float | None = Field(default=None, gt=0, le=10_000, description="Length in cm")
    width: float | None = Field(default=None, gt=0, le=10_000, description="Width in cm")
    height: float | None = Field(default=None, gt=0, le=10_000, description="Height in cm")


def _words(v: list[str] | None) -> list[str] | None:
    if v is None:
        return None
    return list(dict.fromkeys(s.strip().lower() for s in v if s and s.strip()))


class CreateListingArgs(BaseModel):
    """Arguments of ``create_listing``: the maker's words, and anything to set explicitly."""

    description: str = Field(
        min_length=1, max_length=4000,
        description=("What the creator said or typed about the piece, e.g. 'Terracotta horse, "
                     "30 cm tall, red clay, 6 hours of work, 1.5 kg'"),
    )
    listing_id: ProductId | None = Field(
        default=None,
        description="A draft to amend with this description and these fields (else a new one)",
    )
    title: str | None = Field(default=None, min_length=3, max_length=200)
    category: Category | None = None
    materials: list[Word] | None = Field(default=None, max_length=10)
    techniques: list[Word] | None = Field(default=None, max_length=10)
    colors: list[Word] | None = Field(default=None, max_length=10)
    dimensions_cm: DimensionsCm | None = None
    weight_kg: float | None = Field(default=None, gt=0, le=500)
    production_hours: float | None = Field(default=None, gt=0, le=5000)
    price: float | None = Field(default=None, ge=1, le=10_000_000, description="Price in INR")
    images: list[Annotated[str, StringConstraints(max_length=40)]] | None = Field(
        default=None, max_length=10, description="Photo upload ids (up-…) from /api/v1/uploads"
    )

    @field_validator("materials", "techniques", "colors")
    @classmethod
    def _clean(cls, v: list[str] | None) -> list[str] | None:
        return _words(v)

    @field_validator("images")
    @classmethod
    def _refs(cls, v: list[str] | None) -> list[str] | None:
        for ref in v or []:
            if not (ref.startswith(("up-", "img-")) and len(ref) <= 40):
                raise ValueError(f"{quote(ref)} is not an upload id (up-…)")
        return v


class Translated(BaseModel):
    """A title and description in one language and how they were made."""

    title: str
    description: str
    method: str
    untranslated: list[str] = []


class SuggestedPriceOut(BaseModel):
    """The golden price engine's range for the draft."""

    golden_price: float
    min: float
    optimal: float
    max: float


class CreateListingResult(BaseModel):
    """The draft, what is still missing, and how sure the reading of the description was."""

    listing_id: str
    status: str
    created: bool
    product_data: dict[str, Any]
    extracted: dict[str, Any]
    missing_fields: list[str]
    suggested_price: float | None
    price_range: SuggestedPriceOut | None = None
    translations: dict[str, Translated]
    confidence: float
    guessed: list[str] = []
    url: str
    image_urls: list[str] = []


@contextmanager
def translator_for(ctx: ToolContext) -> Iterator[TextTranslator | None]:
    """The configured LLM as a translator, or ``None`` when none is configured."""
    llm = ctx.config.llm
    if llm is None:
        yield None
        return
    with httpx.Client(timeout=min(llm.timeout_s, 30.0)) as client:
        yield ChatTranslator(client, llm.base_url, llm.model, llm.api_key)


def suggester(ctx: ToolContext) -> listings.Suggest:
    """Golden price for a draft's attributes; ``None`` when the cost tables lack its materials."""
    tables = load_tables()

    def suggest(category: str, materials: tuple[str, ...], weight: float, hours: float,
                techniques: tuple[str, ...], dims: tuple[float, float, float] | None
                ) -> listings.SuggestedPrice | None:
        known = []
        for m in materials:
            try:
                known.append(tables.material(m).name)
            except DomainError:
                continue
        if not known:
            return None
        query = PriceQuery(category, tuple(dict.fromkeys(known)), weight, hours, techniques, dims)
        try:
            g = price_for(ctx.store, query, user_id=ctx.user_id, data_dir=ctx.config.data_dir)
        except DomainError as exc:
            log.info("no suggested price: %s", exc)
            return None
        return listings.SuggestedPrice(g.golden_price, g.price_min, g.price_optimal, g.price_max)

    return suggest


@tool("create_listing", roles=("creator", "admin"))
def create_listing(ctx: ToolContext, args: CreateListingArgs) -> CreateListingResult:
    """Draft a new listing from what the creator says about a piece they made.

    Reads the category, materials, techniques, colours, size, weight and hours of work from
    the words, suggests a price, writes the title and description in English, Hindi, Spanish
    and French, and says what is still missing (price, photos, size...). With listing_id,
    amends that draft.
    Use it for "I want to list a new ...", "add my new ... to the shop".
    """
    dims = None
    if args.dimensions_cm is not None:
        dims = {k: v for k, v in args.dimensions_cm.model_dump().items() if v is not None}
    data = listings.ListingInput(
        description=args.description, title=args.title, category=args.category,
        materials=args.materials, techniques=args.techniques, colors=args.colors,
        dimensions_cm=dims, weight_kg=args.weight_kg, production_hours=args.production_hours,
        price=args.price, images=args.images, listing_id=args.listing_id,
    )
    with translator_for(ctx) as translator, ctx.store.session() as s:
        draft = listings.draft_listing(
            s, actor_id=ctx.user_id, role=ctx.role, data=data, suggest=suggester(ctx),
            translator=translator,
        )
        product = listings.product_data(draft.product)
        listing_id = draft.product.id
    sp = draft.suggested
    return CreateListingResult(
        listing_id=listing_id, status="draft", created=draft.created, product_data=product,
        extracted=draft.attributes.as_dict(), missing_fields=draft.missing_fields,
        suggested_price=sp.golden if sp else None,
        price_range=SuggestedPriceOut(golden_price=sp.golden, min=sp.low, optimal=sp.optimal,
                                      max=sp.high) if sp else None,
        translations={lang: Translated(**t.as_dict()) for lang, t in draft.translations.items()},
        confidence=draft.confidence, guessed=draft.fuzzy, url=f"/p/{listing_id}",
        image_urls=[media_url(k) for k in product["images"]],
    )


class PublishListingArgs(BaseModel):
    """Arguments of ``publish_listing``."""

    listing_id: ProductId = Field(description="The draft to publish, like p-00412")
    price: float | None = Field(
        default=None, ge=1, le=10_000_000, description="Set this price (INR) first, if given"
    )


class PublishListingResult(BaseModel):
    """The live listing and its authenticity score."""

    product_id: str
    status: str
    title: str
    price: float
    currency: str = "INR"
    authenticity_score: float | None
    requires_manual_review: bool = False
    url: str


@tool("publish_listing", roles=("creator", "admin"), critical=True)
def publish_listing(ctx: ToolContext, args: PublishListingArgs) -> PublishListingResult:
    """Publish a draft listing so buyers can find it.

    Analyses its photos for authenticity, sets the price if one is given, and makes it live.
    A critical action: confirm with the creator first ("publish it", "change the price to
    1200 first").
    """
    with ctx.store.session() as s:
        ready = listings.check_publishable(
            s, actor_id=ctx.user_id, role=ctx.role, listing_id=args.listing_id, price=args.price
        )
    report = analyze_authenticity.fn(ctx, AnalyzeAuthenticityArgs(
        images=ready.images, category=ready.category,
        claimed_techniques=ready.techniques[:20], product_id=ready.product_id,
    ))
    with ctx.store.session() as s:
        done = listings.publish(
            s, actor_id=ctx.user_id, role=ctx.role, listing_id=args.listing_id, price=args.price
        )
    return PublishListingResult(
        product_id=done.product_id, status="active", title=done.title, price=done.price,
        authenticity_score=report.authenticity_score,
        requires_manual_review=report.requires_manual_review, url=f"/p/{done.product_id}",
    )


PRICE_JUMP = 5.0  # a new price this many times the old (or below its 1/x) asks for a second look


def preview_update_price(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    """What confirming ``update_price`` shows: the listing's title and current price.

    Checked before the user is asked, so nobody confirms a change that must then fail: a
    listing of another creator raises ``FORBIDDEN``, an unknown one ``NOT_FOUND``. Arguments
    that do not validate return ``{}`` (``act`` reports them when the call runs).
    """
    try:
        parsed = UpdatePriceArgs.model_validate(args)
    except ValueError:
        return {}
    with ctx.store.session() as s:
        product = s.get(Product, parsed.product_id)
        if product is None:
            raise ToolError("NOT_FOUND", f"no product {parsed.product_id}",
                            {"field": "product_id"})
        if ctx.role != "admin" and product.creator_id != ctx.user_id:
            raise ToolError("FORBIDDEN", f"{parsed.product_id} belongs to another creator",
                            {"field": "product_id"})
        old = float(product.price)
        title = str(product.title)
    ratio = parsed.new_price / old if old > 0 else 1.0
    return {"title": title, "old_price": old,
            "jump": round(ratio, 1) if ratio >= PRICE_JUMP or ratio <= 1 / PRICE_JUMP else None}
