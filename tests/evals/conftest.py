"""Fixtures of the eval-harness tests: a tiny hand-made marketplace and the in-process target.

The tiny store keeps the runner's tests independent of the seed's data and fast; the smoke
dataset itself runs against the session's ``seeded_store``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from domain.store import Buyer, Cluster, Creator, Order, Product, Store


def build_mini_store(url: str) -> Store:
    """Two creators in Jaipur and Varanasi, three products, two orders, one buyer."""
    store = Store.from_url(url)
    store.drop_all()
    store.create_all()
    now = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    with store.session() as s:
        s.add_all(
            [
                Cluster(
                    id="k-001",
                    name="Jaipur Blue Pottery",
                    town="Jaipur",
                    state="Rajasthan",
                    lat=26.9124,
                    lon=75.7873,
                    craft="blue pottery",
                    category="pottery",
                ),
                Cluster(
                    id="k-002",
                    name="Banarasi Silk",
                    town="Varanasi",
                    state="Uttar Pradesh",
                    lat=25.3176,
                    lon=82.9739,
                    craft="banarasi silk",
                    category="textiles",
                ),
            ]
        )
        s.flush()
        s.add_all(
            [
                Creator(
                    id="c-0001",
                    name="Meera Devi",
                    phone="+910000000001",
                    lat=26.92,
                    lon=75.80,
                    region="Rajasthan",
                    cluster_id="k-001",
                    primary_craft="blue pottery",
                    category="pottery",
                ),
                Creator(
                    id="c-0002",
                    name="Ravi Kumar",
                    phone="+910000000002",
                    lat=25.31,
                    lon=82.97,
                    region="Uttar Pradesh",
                    cluster_id="k-002",
                    primary_craft="banarasi silk",
                    category="textiles",
                ),
                Buyer(id="b-0001", name="Asha", city="Delhi", state="Delhi"),
            ]
        )
        s.flush()
        s.add_all(
            [
                Product(
                    id="p-00001",
                    creator_id="c-0001",
                    title="Blue pottery vase",
                    category="pottery",
                    craft="blue pottery",
                    price=1200.0,
                    status="active",
                    authenticity_score=88,
                    rating=4.5,
                ),
                Product(
                    id="p-00002",
                    creator_id="c-0001",
                    title="Blue pottery plate",
                    category="pottery",
                    craft="blue pottery",
                    price=650.0,
                    status="active",
                    authenticity_score=80,
                    rating=4.1,
                ),
                Product(
                    id="p-00003",
                    creator_id="c-0002",
                    title="Banarasi silk saree",
                    category="textiles",
                    craft="banarasi silk",
                    materials=["silk"],
                    price=9500.0,
                    status="active",
                    authenticity_score=92,
                    rating=4.8,
                ),
            ]
        )
        s.flush()
        s.add_all(
            [
                Order(
                    id="o-000001",
                    buyer_id="b-0001",
                    creator_id="c-0001",
                    product_id="p-00001",
                    quantity=1,
                    product_price=1200,
                    total_amount=1290,
                    ship_city="Delhi",
                    status="pending",
                    created_at=now,
                ),
                Order(
                    id="o-000002",
                    buyer_id="b-0001",
                    creator_id="c-0001",
                    product_id="p-00002",
                    quantity=2,
                    product_price=650,
                    total_amount=1390,
                    ship_city="Delhi",
                    status="shipped",
                    created_at=now - dt.timedelta(days=3),
                ),
            ]
        )
    return store


@pytest.fixture(scope="session")
def mini_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The tiny marketplace in its own SQLite file."""
    path: Path = tmp_path_factory.mktemp("evals-mini") / "mini.db"
    store = build_mini_store(f"sqlite:///{path}")
    yield store
    store.dispose()


@pytest.fixture()
def mini_settings(tmp_path: Path, mini_store: Store):  # gateway.settings.Settings
    """Settings on the tiny store with the embedded planner."""
    from gateway.settings import Settings

    return Settings(
        env="test",
        data_dir=tmp_path,
        database_url=str(mini_store.engine.url),
        jwt_secret="test-secret-0123456789abcdef-0123456789",
        _env_file=None,
    )
