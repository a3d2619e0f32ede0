"""``create_listing`` and ``publish_listing`` through the registry, on the seeded store.

Drafts get fresh product ids past the seed's, so other tests never read them; the published
one is found by the next ``search_products`` call (property 33).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from domain import media
from domain.store import AuditEntry, Product
from domain.vision import classifier
from domain.vision.render import RenderSpec, render
from tests.verification_support import small_model
from tools import load_all
from tools.registry import ToolConfig, ToolContext, ToolError

REGISTRY = load_all()
DESCRIPTION = ("Blue pottery vase from Jaipur, 30 cm tall, quartz and glass, blue and white, "
               "1.2 kg, 10 hours of work")


@pytest.fixture(scope="module")
def ctx(seeded_store, data_dir: Path) -> ToolContext:
    classifier.install_model(small_model(), data_dir / "models")
    return ToolContext("c-0001", "creator", seeded_store, config=ToolConfig(data_dir=data_dir))


def _photo(ctx: ToolContext, seed: int) -> str:
    img = Image.fromarray(render(RenderSpec("glaze", True, 0.2, seed)))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    with ctx.store.session() as s:
        stored, _ = media.store_upload(s, buf.getvalue(), ctx.config.media_root,
                                       owner_id=ctx.user_id)
    return stored.id


def test_draft_reads_the_description_prices_and_translates(ctx: ToolContext) -> None:
    r = REGISTRY.invoke("create_listing", {"description": DESCRIPTION}, ctx)
    assert r.status == "draft" and r.created
    data = r.product_data
    assert data["category"] == "pottery" and data["materials"] == ["quartz", "glass"]
    assert data["dimensions_cm"] == {"height": 30.0} and data["weight_kg"] == 1.2
    assert r.missing_fields == ["price", "images"]
    assert r.suggested_price and r.price_range.min <= r.suggested_price <= r.price_range.max
    assert set(r.translations) == {"en", "hi", "es", "fr"}
    assert all(t.method == "glossary+template" for t in r.translations.values())
    assert "फूलदान" in r.translations["hi"].title
    assert "vase" in data["title"].lower()
    again = REGISTRY.invoke("create_listing", {"description": DESCRIPTION}, ctx)
    assert again.listing_id == r.listing_id and not again.created  # a retry makes no second draft


def test_amend_then_publish_is_searchable_with_its_score(ctx: ToolContext) -> None:
    r = REGISTRY.invoke("create_listing", {
        "description": "Hand painted Madhubani painting of a kingfisher, 40 by 30 cm, "
                       "handmade paper, natural colours, three days of work"}, ctx)
    assert "price" in r.missing_fields and "images" in r.missing_fields
    with pytest.raises(ToolError) as exc:
        REGISTRY.invoke("publish_listing", {"listing_id": r.listing_id}, ctx)
    assert exc.value.code == "VALIDATION_ERROR" and exc.value.details["field"] == "price"
    buyer = ToolContext("b-0001", "buyer", ctx.store, config=ctx.config)
    query = {"query": "madhubani kingfisher painting"}
    assert r.listing_id not in [h.id for h in REGISTRY.invoke("search_products", query,
                                                               buyer).products]
    photo = _photo(ctx, 5)
    r2 = REGISTRY.invoke("create_listing", {"description": "the price is 3200 rupees",
                                            "listing_id": r.listing_id, "images": [photo]}, ctx)
    assert r2.listing_id == r.listing_id and r2.product_data["price"] == 3200
    assert r2.product_data["dimensions_cm"] == {"length": 40.0, "width": 30.0}
    assert r2.image_urls == [f"/media/{photo}"]
    assert REGISTRY.get("publish_listing").critical
    done = REGISTRY.invoke("publish_listing", {"listing_id": r.listing_id, "price": 3500}, ctx)
    assert done.status == "active" and done.price == 3500
    assert done.authenticity_score is not None and 0 <= done.authenticity_score <= 100
    hits = REGISTRY.invoke("search_products", query, buyer)
    assert r.listing_id in [h.id for h in hits.products]  # found at once (prop 33)
    with pytest.raises(ToolError) as again:  # exactly once
        REGISTRY.invoke("publish_listing", {"listing_id": r.listing_id}, ctx)
    assert again.value.code == "CONFLICT"
    with ctx.store.session() as s:
        row = s.get(Product, r.listing_id)
        assert row.status == "active" and row.authenticity_score == done.authenticity_score
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.target == r.listing_id))
        assert list(actions).count("listing_published") == 1


def test_other_creators_cannot_touch_a_draft(ctx: ToolContext) -> None:
    r = REGISTRY.invoke("create_listing", {"description": "brass diya, 500 grams"}, ctx)
    other = ToolContext("c-0002", "creator", ctx.store, config=ctx.config)
    for name, args in (("publish_listing", {"listing_id": r.listing_id}),
                       ("create_listing", {"description": "price 100",
                                           "listing_id": r.listing_id})):
        with pytest.raises(ToolError) as exc:
            REGISTRY.invoke(name, args, other)
        assert exc.value.code == "FORBIDDEN"
    buyer = ToolContext("b-0001", "buyer", ctx.store, config=ctx.config)
    with pytest.raises(ToolError) as exc:
        REGISTRY.invoke("create_listing", {"description": "a saree"}, buyer)
    assert exc.value.code == "FORBIDDEN"


def test_an_admin_amends_a_creators_draft_but_makes_no_listing_of_their_own(
        ctx: ToolContext) -> None:
    r = REGISTRY.invoke("create_listing", {"description": "cotton dhurrie, 2 kg"}, ctx)
    admin = ToolContext("a-0001", "admin", ctx.store, config=ctx.config)
    with pytest.raises(ToolError) as exc:  # a draft owned by no creator broke a foreign key
        REGISTRY.invoke("create_listing", {"description": "a brass lamp, 1 kg"}, admin)
    assert exc.value.code == "VALIDATION_ERROR"
    assert exc.value.details["field"] == "listing_id"
    amended = REGISTRY.invoke("create_listing", {"description": "price 1500",
                                                 "listing_id": r.listing_id}, admin)
    assert amended.listing_id == r.listing_id
    assert amended.product_data["price"] == 1500
    with ctx.store.session() as s:
        assert s.get(Product, r.listing_id).creator_id == "c-0001"


@pytest.mark.parametrize(
    ("args", "field"),
    [({"description": ""}, "description"), ({"description": "x" * 4001}, "description"),
     ({"description": "vase", "images": ["/etc/passwd"]}, "images"),
     ({"description": "vase", "price": -5}, "price"),
     ({"description": "vase", "listing_id": "p-1"}, "listing_id")],
)
def test_bad_arguments_name_the_field(ctx: ToolContext, args: dict, field: str) -> None:
    with pytest.raises(ToolError) as exc:
        REGISTRY.invoke("create_listing", args, ctx)
    assert exc.value.code == "VALIDATION_ERROR"
    assert exc.value.details["field"].startswith(field)


def test_unknown_photo_is_not_found(ctx: ToolContext) -> None:
    with pytest.raises(ToolError) as exc:
        REGISTRY.invoke("create_listing", {"description": "vase",
                                           "images": ["up-0000000000000000"]}, ctx)
    assert exc.value.code == "NOT_FOUND" and exc.value.details["field"] == "images.0"


def test_a_listing_photo_key_is_the_creators_own_only(ctx: ToolContext) -> None:
    """A seeded product photo (img-…) goes on a draft only by the creator whose listing shows it."""
    from domain.store.models_verification import ImageSignature, MediaFile

    own, theirs = "img-00000000000000a1", "img-00000000000000b2"
    with ctx.store.session() as s:
        for key, seller in ((own, ctx.user_id), (theirs, "c-0002")):
            s.add(MediaFile(id=key, sha256="0" * 64, kind="seed", mime="image/jpeg", width=8,
                            height=8, size_bytes=1, path="/nonexistent", owner_id=None))
            s.add(ImageSignature(media_id=key, product_id=None, seller_id=seller,
                                 phash="0" * 16, dhash="0" * 16))
    r = REGISTRY.invoke("create_listing", {"description": "brass diya, 500 grams",
                                           "images": [own]}, ctx)
    assert r.product_data["images"] == [own]
    with pytest.raises(ToolError) as exc:
        REGISTRY.invoke("create_listing", {"description": "brass diya, 500 grams",
                                           "images": [theirs]}, ctx)
    assert exc.value.code == "FORBIDDEN" and exc.value.details["field"] == "images.0"
