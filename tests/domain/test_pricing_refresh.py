"""Property 3: a material change in market data reprices listings and tells their creators."""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from domain.places import Place
from domain.pricing.engine import PriceQuery, golden_price
from domain.pricing.market import fit_market_model
from domain.pricing.refresh import (
    Listing,
    Summary,
    material_changes,
    refresh_golden_prices,
    reprice,
    summarize,
)
from domain.store import Notification, Product
from tests.domain.forecast_support import private_marketplace
from tests.domain.pricing_support import KINDS, synthetic_items

BASE = synthetic_items(150, seed=1)
TOWNS = {"Uttar Pradesh": (25.3, 82.9), "Rajasthan": (26.9, 75.8), "Chhattisgarh": (19.6, 81.7),
         "Karnataka": (12.7, 77.2), "Tripura": (23.8, 91.3)}


def _listings(category: str) -> list[Listing]:
    kinds = [k for k in KINDS if k[0] == category]
    out = []
    for i, (cat, mats, techs, (w0, w1), (h0, h1), region) in enumerate(kinds):
        home = Place("workshop", *TOWNS[region], region)  # listed where such work is made
        q = PriceQuery(cat, mats, round((w0 + w1) / 2, 2), round((h0 + h1) / 2, 1), techs,
                       origin=home)
        out.append(Listing(f"p-9{i:04d}", "c-0001", q, None))
    return out


@lru_cache(maxsize=1)
def _base_model():
    return fit_market_model(BASE, max_iter=100, folds=0)


def test_unchanged_data_is_no_material_change() -> None:
    s = summarize(BASE)
    assert material_changes(s, s) == set()
    assert material_changes({}, s) == set(s)  # a category seen for the first time


def test_a_small_drift_is_not_material() -> None:
    old = {"pottery": Summary(100, 1000.0, "a")}
    assert material_changes(old, {"pottery": Summary(102, 1010.0, "b")}) == set()
    assert material_changes(old, {"pottery": Summary(100, 1060.0, "b")}) == {"pottery"}
    assert material_changes(old, {"pottery": Summary(111, 1000.0, "b")}) == {"pottery"}


@settings(max_examples=100, deadline=None)
@given(category=st.sampled_from(sorted({k[0] for k in KINDS})),
       factor=st.floats(1.5, 2.5), batch=st.integers(40, 80), seed=st.integers(0, 10_000))
def test_market_change_reprices_affected_listings(category, factor, batch, seed) -> None:
    """Property 3: Market Change Triggers Price Update — after a batch of sales at materially
    higher prices, affected listings get a new golden price that differs from the old one."""
    listings = _listings(category)
    old_model = _base_model()
    before = {lst.product_id: golden_price(lst.query, old_model) for lst in listings}
    old = [dataclasses.replace(lst, old_golden=before[lst.product_id].golden_price)
           for lst in listings]
    sales = synthetic_items(batch, seed=seed, price_factor={category: factor}, prefix="n",
                            only=category)
    new_items = BASE + sales
    changed = material_changes(summarize(BASE), summarize(new_items))
    assert category in changed
    new_model = fit_market_model(new_items, max_iter=100, folds=0)
    changes = reprice(old, new_model)
    assert {c.product_id for c in changes} == {lst.product_id for lst in old}
    for change in changes:
        assert change.result.golden_price != change.old_golden
        # The ceiling comes straight from similar sales, so it follows a dearer market.
        assert change.result.price_max >= before[change.product_id].price_max


@pytest.fixture(scope="module")
def private_store(tmp_path_factory):
    """A seeded marketplace of this module's own: the refresh writes prices and notifications."""
    store = private_marketplace(tmp_path_factory.mktemp("pricing"))
    yield store
    store.dispose()


def test_refresh_writes_new_golden_prices_and_notifies_creators(private_store, tmp_path) -> None:
    store = private_store
    first = refresh_golden_prices(store, tmp_path)
    assert first.first_snapshot and not first.repriced
    assert refresh_golden_prices(store, tmp_path).changed_categories == []  # nothing new
    with store.session() as s:
        glass = list(s.scalars(select(Product).where(Product.category == "glass",
                                                     Product.status.in_(("active", "draft")))))
        before = {p.id: p.golden_price for p in glass}
        notes_before = s.scalar(select(func.count(Notification.id)).where(
            Notification.kind == "golden_price_update"))
        # A new batch: pieces like the existing ones, sold at 2.5 times their price.
        for i, p in enumerate(glass[:40]):
            s.add(Product(id=f"p-9{i:04d}", creator_id=p.creator_id, title=p.title,
                          category="glass", materials=p.materials, techniques=p.techniques,
                          weight_kg=p.weight_kg, production_hours=p.production_hours,
                          price=p.price * 2.5, status="sold",
                          authenticity_score=p.authenticity_score))
    report = refresh_golden_prices(store, tmp_path)
    assert report.changed_categories == ["glass"]
    assert report.repriced and report.notified == len(report.repriced)
    with store.session() as s:
        for change in report.repriced:
            p = s.get(Product, change.product_id)
            assert p.category == "glass" and p.golden_price != before.get(p.id)
            assert p.price_min <= p.golden_price <= p.price_max
        notes = list(s.scalars(select(Notification).where(
            Notification.kind == "golden_price_update")))
        assert len(notes) - notes_before == report.notified
        assert {n.user_id for n in notes} <= {p.creator_id for p in glass}
        assert all("golden price" in n.message for n in notes)
