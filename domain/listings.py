"""Listings: drafts from the maker's words, publishing, and price updates (props 6-8, 27, 33).

A draft is a product with status ``draft`` built from what the maker said (attributes from
:mod:`domain.listing_attributes`, text in four languages from :mod:`domain.translation`);
publishing makes it ``active``, which the discovery index picks up on its next search.
A price update is a critical action: it notifies the creator twice (a visual in-app alert and
a voice notification) and is written to the audit log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from domain.listing_attributes import MAX_DESCRIPTION, Attributes, extract
from domain.store import audit
from domain.store.models import Creator, Notification, Product
from domain.store.models_listings import ListingSource
from domain.store.models_verification import ImageSignature, MediaFile
from domain.translation import ListingText, TextTranslator, Translation, translate_listing
from domain.vocabulary import Vocabulary


@dataclass(frozen=True)
class PriceChange:
    """What changed and who was told."""

    product_id: str
    old_price: float
    new_price: float
    notifications: list[dict[str, Any]]

MIN_PRICE = 1.0  # INR


def update_price(
    session: Session, *, actor_id: str, role: str, product_id: str, new_price: float
) -> PriceChange:
    """Set a listing's price; creators may change only their own listings."""
    if not MIN_PRICE <= new_price:
        # 5e-324 is above zero and lists a piece at ₹0.
        raise InvalidInput(f"the new price must be at least ₹{MIN_PRICE:.0f}", field="new_price")
    product = session.get(Product, product_id)
    if product is None:
        raise NotFound(f"no product {product_id}", field="product_id")
    if role != "admin" and product.creator_id != actor_id:
        raise PermissionDenied(f"{product_id} belongs to another creator", field="product_id")
    if product.status == "archived":
        raise Conflict(f"{product_id} is archived; restore it before changing its price")
    old = float(product.price)
    product.price = float(new_price)
    text = f"Price of {product.title} ({product_id}) changed from ₹{old:,.0f} to ₹{new_price:,.0f}."
    notes = []
    for channel, kind in (("in_app", "visual_alert"), ("voice", "voice_notification")):
        note = Notification(
            user_id=product.creator_id, channel=channel, kind=kind, message=text,
            payload={"product_id": product_id, "old_price": old, "new_price": float(new_price)},
        )
        session.add(note)
        session.flush()  # the id, so the session that speaks it can mark it delivered
        # Written, not yet sent: the worker delivers it (its row then says delivered or failed).
        notes.append({"id": note.id, "user_id": product.creator_id, "channel": channel,
                      "kind": kind, "status": "in your inbox" if channel == "in_app" else "queued"})
    audit.append(
        session, actor=actor_id, action="price_update", target=product_id,
        details={"old_price": old, "new_price": float(new_price), "role": role},
    )
    return PriceChange(product_id, old, float(new_price), notes)


# -- drafts and publishing (voice-to-listing) ------------------------------------------------

MAX_IMAGES = 10
# What a buyer needs and the maker may not have said, in the order the assistant asks.
BUYER_FIELDS = ("category", "materials", "price", "images", "dimensions_cm", "weight_kg")
_EXTRACTED_FIELDS = ("category", "product", "materials", "techniques", "colors",
                     "dimensions_cm", "weight_kg", "production_hours")


@dataclass(frozen=True)
class ListingInput:
    """What ``create_listing`` was given: the maker's words plus explicit overrides."""

    description: str
    title: str | None = None
    category: str | None = None
    materials: list[str] | None = None
    techniques: list[str] | None = None
    colors: list[str] | None = None
    dimensions_cm: dict[str, float] | None = None
    weight_kg: float | None = None
    production_hours: float | None = None
    price: float | None = None
    images: list[str] | None = None
    listing_id: str | None = None


@dataclass(frozen=True)
class SuggestedPrice:
    """The golden price engine's answer for a draft."""

    golden: float
    low: float
    optimal: float
    high: float


Suggest = Callable[[str, tuple[str, ...], float, float, tuple[str, ...],
                    tuple[float, float, float] | None], SuggestedPrice | None]


@dataclass
class Draft:
    """A draft listing as stored, with what is still missing and how sure the reading was."""

    product: Product
    attributes: Attributes
    missing_fields: list[str]
    confidence: float
    translations: dict[str, Translation]
    suggested: SuggestedPrice | None
    created: bool
    fuzzy: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Publishable:
    """A draft checked for publishing: what the authenticity analysis needs."""

    product_id: str
    category: str
    images: list[str]
    techniques: list[str]


@dataclass(frozen=True)
class Published:
    """A listing that went live."""

    product_id: str
    title: str
    price: float
    authenticity_score: float | None


def product_data(product: Product) -> dict[str, Any]:
    """The listing's fields as ``create_listing`` reports them (``price`` is None until set)."""
    dims = {k: v for k, v in (("length", product.length_cm), ("width", product.width_cm),
                              ("height", product.height_cm)) if v is not None}
    return {
        "title": product.title,
        "description": product.description,
        "category": product.category or None,
        "craft": product.craft or None,
        "materials": list(product.materials or []),
        "techniques": list(product.techniques or []),
        "colors": list(product.colors or []),
        "dimensions_cm": dims or None,
        "weight_kg": product.weight_kg,
        "production_hours": product.production_hours,
        "price": product.price if product.price and product.price > 0 else None,
        "currency": product.currency,
        "images": [i["key"] if isinstance(i, dict) else str(i) for i in product.images or []],
        "status": product.status,
    }


def missing_fields(product: Product) -> list[str]:
    """Buyer-facing fields the draft still lacks, in asking order."""
    data = product_data(product)
    return [f for f in BUYER_FIELDS if data.get(f) in (None, [], {}, "")]


def _confidence(attrs: Attributes, fuzzy: list[str]) -> float:
    found = sum(1 for f in _EXTRACTED_FIELDS if getattr(attrs, f) not in (None, [], {}))
    coverage = found / len(_EXTRACTED_FIELDS)
    guessed = len(fuzzy) / max(1, len(attrs.materials) + len(attrs.techniques) + found)
    return round(max(0.05, min(1.0, (0.5 + 0.5 * coverage) * (1 - 0.5 * guessed))), 2)


def _next_product_id(session: Session) -> str:
    ids = session.scalars(select(Product.id).where(Product.id.like("p-%"))).all()
    numbers = [int(i[2:]) for i in ids if i[2:].isdigit()]
    return f"p-{max(numbers, default=0) + 1:05d}"


def _digest(actor_id: str, data: ListingInput) -> str:
    key = json.dumps({**asdict(data), "listing_id": None, "actor": actor_id}, sort_keys=True,
                     ensure_ascii=False, default=str)
    return hashlib.sha256(" ".join(key.lower().split()).encode()).hexdigest()


def _check_images(session: Session, refs: list[str], actor_id: str, role: str) -> list[str]:
    if len(refs) > MAX_IMAGES:
        raise InvalidInput(f"at most {MAX_IMAGES} photos per listing", field="images")
    out: list[str] = []
    for i, ref in enumerate(refs):
        row = session.get(MediaFile, ref)
        if row is None:
            raise NotFound(f"no uploaded photo {ref}; upload it first", field=f"images.{i}")
        if role != "admin" and row.kind == "upload" and row.owner_id not in (None, actor_id):
            raise PermissionDenied(f"{ref} was uploaded by someone else", field=f"images.{i}")
        if role != "admin" and row.kind == "seed" and row.owner_id != actor_id and \
                session.scalars(select(ImageSignature.id).where(
                    ImageSignature.media_id == ref,
                    ImageSignature.seller_id == actor_id)).first() is None:
            # A listing photo (img-…) is the creator's own only if it shows on their listings.
            raise PermissionDenied(f"{ref} is a photo of another creator's listing",
                                   field=f"images.{i}")
        if ref not in out:
            out.append(ref)
    return out


def _merge(attrs: Attributes, data: ListingInput, product: Product | None,
           before: dict[str, Any] | None = None) -> Attributes:
    """Said now, else given explicitly, else what the draft already had."""
    merged = Attributes(**{k: getattr(attrs, k) for k in (
        "category", "product", "craft", "region", "cluster_id", "weight_kg",
        "production_hours", "price")},
        materials=list(attrs.materials), techniques=list(attrs.techniques),
        colors=list(attrs.colors), dimensions_cm=dict(attrs.dimensions_cm),
        evidence=attrs.evidence, fuzzy=list(attrs.fuzzy))
    for name in ("category", "weight_kg", "production_hours", "price"):
        if getattr(data, name) is not None:
            setattr(merged, name, getattr(data, name))
    for name in ("materials", "techniques", "colors"):
        given = getattr(data, name)
        if given is not None:
            setattr(merged, name, [s.strip().lower() for s in given if s.strip()])
    if data.dimensions_cm is not None:
        merged.dimensions_cm = dict(data.dimensions_cm)
    if product is None:
        return merged
    old = product_data(product)
    merged.category = merged.category or old["category"]
    merged.craft = merged.craft or old["craft"]
    merged.product = merged.product or product.subcategory or None
    for name in ("region", "cluster_id"):
        if getattr(merged, name) is None and before:
            setattr(merged, name, before.get(name))
    for name in ("materials", "techniques", "colors"):
        if getattr(data, name) is None:
            setattr(merged, name, list(dict.fromkeys([*old[name], *getattr(merged, name)])))
    merged.dimensions_cm = {**(old["dimensions_cm"] or {}), **merged.dimensions_cm}
    for name in ("weight_kg", "production_hours", "price"):
        if getattr(merged, name) is None:
            setattr(merged, name, old[name])
    return merged


def draft_listing(
    session: Session,
    *,
    actor_id: str,
    role: str,
    data: ListingInput,
    suggest: Suggest | None = None,
    translator: TextTranslator | None = None,
    vocabulary: Vocabulary | None = None,
) -> Draft:
    """Create (or, with ``listing_id``, amend) a draft listing from the maker's words.

    A repeated identical request returns the draft it made before instead of a second one.
    """
    if not data.description.strip():
        raise InvalidInput("say or type what you made", field="description")
    if len(data.description) > MAX_DESCRIPTION:
        raise InvalidInput(f"the description is longer than {MAX_DESCRIPTION} characters",
                           field="description")
    if role != "admin" and session.get(Creator, actor_id) is None:
        raise PermissionDenied("only registered creators can list products", field="description")
    if role == "admin" and not data.listing_id:
        # A listing belongs to its maker: an admin amends a creator's draft, never owns one.
        raise InvalidInput("an admin can amend a creator's draft (give its listing_id); "
                           "a new listing is made by its creator", field="listing_id")
    product: Product | None = None
    source: ListingSource | None = None
    digest = _digest(actor_id, data)
    if data.listing_id:
        product = session.get(Product, data.listing_id)
        if product is None:
            raise NotFound(f"no listing {data.listing_id}", field="listing_id")
        if role != "admin" and product.creator_id != actor_id:
            raise PermissionDenied(f"{data.listing_id} belongs to another creator",
                                   field="listing_id")
        if product.status != "draft":
            raise Conflict(f"{data.listing_id} is {product.status}, not a draft; "
                           "use update_price to change a live listing")
        source = session.get(ListingSource, product.id)
    else:
        source = session.scalars(
            select(ListingSource).where(ListingSource.creator_id == actor_id,
                                        ListingSource.digest == digest)
        ).first()
        if source is not None:
            existing = session.get(Product, source.product_id)
            if existing is not None and existing.status == "draft":
                return _as_draft(session, existing, source, created=False, translator=None,
                                 vocabulary=vocabulary)
    attrs = _merge(extract(data.description, vocabulary), data, product,
                   source.extracted if source is not None else None)
    images = _check_images(session, data.images or [], actor_id, role) if data.images else None
    if product is None:
        product = Product(id=_next_product_id(session), creator_id=actor_id, title="",
                          category="", price=0.0, status="draft", stock_quantity=1)
        session.add(product)
        created = True
    else:
        created = False
    if images is not None:
        keys = list(dict.fromkeys([*(product_data(product)["images"]), *images]))[:MAX_IMAGES]
        product.images = [{"key": k, "is_primary": i == 0, "order": i} for i, k in enumerate(keys)]
    product.category = attrs.category or ""
    product.craft = attrs.craft or product.craft or ""
    product.subcategory = attrs.product or product.subcategory or ""
    product.materials, product.techniques = attrs.materials, attrs.techniques
    product.colors = attrs.colors
    dims = attrs.dimensions_cm
    product.length_cm, product.width_cm = dims.get("length"), dims.get("width")
    product.height_cm = dims.get("height")
    product.weight_kg, product.production_hours = attrs.weight_kg, attrs.production_hours
    product.price = float(attrs.price) if attrs.price else 0.0
    suggested = _suggest(attrs, suggest)
    if suggested is not None:
        product.golden_price, product.price_min = suggested.golden, suggested.low
        product.price_optimal, product.price_max = suggested.optimal, suggested.high
    fuzzy = list(attrs.fuzzy)
    if source is None:
        source = ListingSource(product_id=product.id, creator_id=actor_id,
                               description=data.description, digest=digest)
        session.add(source)
    else:
        source.description = f"{source.description}\n{data.description}"[-MAX_DESCRIPTION:]
        source.digest = digest
        fuzzy = list(dict.fromkeys([*(source.fuzzy or []), *fuzzy]))
    source.extracted = attrs.as_dict()
    source.fuzzy = fuzzy
    source.confidence = _confidence(attrs, fuzzy)
    translations = _write_text(product, attrs, data.title, source.description, translator)
    session.flush()
    return Draft(product, attrs, missing_fields(product), source.confidence, translations,
                 suggested, created, fuzzy)


def _suggest(attrs: Attributes, suggest: Suggest | None) -> SuggestedPrice | None:
    if suggest is None or not (attrs.category and attrs.materials and attrs.weight_kg
                               and attrs.production_hours):
        return None
    d = attrs.dimensions_cm
    dims = (d["length"], d.get("width", d["length"]), d.get("height", 1.0)) \
        if "length" in d else None
    return suggest(attrs.category, tuple(attrs.materials), attrs.weight_kg,
                   attrs.production_hours, tuple(attrs.techniques), dims)


def _write_text(product: Product, attrs: Attributes, title: str | None, words: str,
                translator: TextTranslator | None) -> dict[str, Translation]:
    text = ListingText(
        product=attrs.product, category=attrs.category, craft=attrs.craft, region=attrs.region,
        materials=attrs.materials, techniques=attrs.techniques, colors=attrs.colors,
        dimensions_cm=attrs.dimensions_cm, weight_kg=attrs.weight_kg,
        production_hours=attrs.production_hours, title=title,
        maker_words=" ".join(words.split())[:600],
    )
    translations = translate_listing(text, translator=translator)
    product.title = translations["en"].title[:200]
    product.description = translations["en"].description
    product.translations = {lang: t.as_dict() for lang, t in translations.items()}
    return translations


def _as_draft(session: Session, product: Product, source: ListingSource, *, created: bool,
              translator: TextTranslator | None, vocabulary: Vocabulary | None) -> Draft:
    attrs = extract(source.description, vocabulary)
    translations = {
        lang: Translation(t["title"], t["description"], t["method"],
                          tuple(t.get("untranslated", ())))
        for lang, t in (product.translations or {}).items()
    }
    suggested = SuggestedPrice(product.golden_price, product.price_min or product.golden_price,
                               product.price_optimal or product.golden_price,
                               product.price_max or product.golden_price) \
        if product.golden_price else None
    return Draft(product, attrs, missing_fields(product), source.confidence, translations,
                 suggested, created, list(source.fuzzy or []))


def check_publishable(
    session: Session, *, actor_id: str, role: str, listing_id: str, price: float | None
) -> Publishable:
    """Everything a draft needs before it goes live; raises naming the first thing missing."""
    product = session.get(Product, listing_id)
    if product is None:
        raise NotFound(f"no listing {listing_id}", field="listing_id")
    if role != "admin" and product.creator_id != actor_id:
        raise PermissionDenied(f"{listing_id} belongs to another creator", field="listing_id")
    if product.status != "draft":
        raise Conflict(f"{listing_id} is already {product.status}")
    if price is not None and price <= 0:
        raise InvalidInput("the price must be above zero", field="price")
    if price is None and not (product.price and product.price > 0):
        raise InvalidInput("the listing has no price yet; say the price", field="price")
    if not product.category:
        raise InvalidInput("the listing has no category yet", field="category")
    images = product_data(product)["images"]
    if not images:
        raise InvalidInput("add at least one photo before publishing", field="images")
    return Publishable(product.id, product.category, images, list(product.techniques or []))


def publish(
    session: Session, *, actor_id: str, role: str, listing_id: str, price: float | None
) -> Published:
    """Make a draft live (status ``active``): searchable from the next search on (prop 33)."""
    check_publishable(session, actor_id=actor_id, role=role, listing_id=listing_id, price=price)
    product = session.scalars(
        select(Product).where(Product.id == listing_id).with_for_update()
    ).one()
    if product.status != "draft":  # another request published it meanwhile: once only
        raise Conflict(f"{listing_id} is already {product.status}")
    if price is not None:
        product.price = float(price)
    product.status = "active"
    product.updated_at = dt.datetime.now(dt.UTC)
    source = session.get(ListingSource, listing_id)
    if source is not None:
        source.published_at = product.updated_at
    audit.append(
        session, actor=actor_id, action="listing_published", target=listing_id,
        details={"price": float(product.price), "role": role,
                 "authenticity_score": product.authenticity_score},
    )
    return Published(product.id, product.title, float(product.price), product.authenticity_score)
