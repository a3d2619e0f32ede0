"""Nobody gets a seller flagged with the seller's own photo (issue 12, finding 5).

A creator reports only copies of their own listed photos, and only listings newer than their
original count; admins may check any photo.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from domain.seed import PLANTED
from domain.store import Store
from domain.store.models import Product
from domain.store.models_verification import ReviewItem
from tests.verification_support import private_store
from tools import load_all
from tools.registry import ToolContext, ToolError

REGISTRY = load_all()
ORIGINAL, COPY = "p-00225", "p-00359"  # the seed's planted reuse: p-00359 shows p-00225's photo


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = private_store(tmp_path_factory.mktemp("theft-reports"))
    yield s
    s.dispose()


def owner_and_key(store: Store, product_id: str) -> tuple[str, str]:
    with store.session() as s:
        p = s.get(Product, product_id)
        return p.creator_id, p.images[0]["key"]


def cases(store: Store, seller: str) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(ReviewItem).where(
            ReviewItem.kind == "image_theft", ReviewItem.target_id == seller))


def check(store: Store, user: str, role: str, image: str, seller: str):
    return REGISTRY.invoke("image_theft_check", {"image": image, "reported_seller_id": seller},
                           ToolContext(user, role, store))


def test_a_creator_cannot_report_a_seller_with_the_sellers_own_photo(store: Store) -> None:
    victim, key = owner_and_key(store, "p-00024")
    assert "p-00024" not in PLANTED["reused_image_products"]
    attacker = "c-0001" if victim != "c-0001" else "c-0002"
    with pytest.raises(ToolError) as err:
        check(store, attacker, "creator", key, victim)
    assert err.value.code == "FORBIDDEN" and err.value.details["field"] == "image"
    assert cases(store, victim) == 0


def test_the_copier_cannot_report_the_maker(store: Store) -> None:
    maker, key = owner_and_key(store, ORIGINAL)
    copier, _ = owner_and_key(store, COPY)
    result = check(store, copier, "creator", key, maker)  # the photo is "theirs", but newer
    assert not result.flagged and result.similarity == 0.0
    assert cases(store, maker) == 0


def test_the_maker_reports_the_copier(store: Store) -> None:
    maker, key = owner_and_key(store, ORIGINAL)
    copier, _ = owner_and_key(store, COPY)
    result = check(store, maker, "creator", key, copier)
    assert result.flagged and result.similarity >= 0.9 and result.review_id is not None


def test_admins_may_check_anything(store: Store) -> None:
    victim, key = owner_and_key(store, "p-00047")
    seller_cases = cases(store, victim)
    result = check(store, "a-0001", "admin", key, victim)
    assert result.flagged and cases(store, victim) == seller_cases + 1
