"""Creator registration and portfolios over REST (props 20, 23, 24), on a store of their own."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from domain.store import Store
from domain.store.models import Buyer, Cluster, Order, Product
from gateway.app import create_app

CRAFTS = [
    ("blue pottery", "pottery", "Jaipur"),
    ("bidriware", "metalware", "Bidar"),
    ("zardozi", "textiles", "Lucknow"),
    ("ikat weaving", "textiles", "Pochampally"),
]


@pytest.fixture(scope="module")
def own_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Registration writes creators, so these tests seed a store nobody else reads."""
    from domain.seed import seed

    path = tmp_path_factory.mktemp("portfolio") / "q.db"
    store = Store.from_url(f"sqlite:///{path}")
    seed(store, seed=7, reset=True, progress=False)
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def client(own_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from gateway.settings import Settings

    settings = Settings(
        env="test",
        data_dir=tmp_path_factory.mktemp("pvar"),
        database_url=own_store.url,
        dev_auth=True,
        jwt_secret="test-secret-0123456789abcdef-0123456789",
        rate_limit_per_minute=0,  # the property tests send hundreds of requests a minute
        _env_file=None,
    )
    with TestClient(create_app(settings)) as c:
        yield c


def bearer(client: TestClient, user: str, role: str) -> dict[str, str]:
    token = client.post("/auth/dev-token", json={"user_id": user, "role": role}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


PORTFOLIO_KEYS = {
    "profile",
    "showcase",
    "specialization",
    "story",
    "techniques",
    "materials",
    "production_timeline",
    "completeness",
}


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pick=st.sampled_from(CRAFTS),
    years=st.integers(0, 60),
    story=st.text(max_size=40),
    techniques=st.lists(
        st.sampled_from(["glazing", "inlay", "hand weaving"]), max_size=2, unique=True
    ),
)
def test_registration_creates_a_complete_portfolio(
    client, own_store, pick, years, story, techniques
) -> None:
    """Properties 20 and 24: Creator Registration Creates Portfolio / Portfolio Completeness — a new
    creator has a portfolio with profile, showcase and specialisation, plus story, techniques,
    materials and production timeline fields, and a completeness score naming what is missing;
    a matching cluster within 100 km is assigned."""
    craft, category, town = pick
    body = {
        "name": "Test Maker",
        "phone": "+91 98765 43210",
        "craft": craft,
        "category": category,
        "location": town,
        "years_experience": years,
        "story": story,
        "techniques": techniques,
        "materials": ["clay"],
    }
    r = client.post("/api/v1/creators", json=body, headers=bearer(client, "a-0001", "admin"))
    assert r.status_code == 201, r.text
    doc = r.json()
    assert PORTFOLIO_KEYS <= set(doc)
    assert doc["specialization"]["craft"] == craft and doc["showcase"] == []
    assert doc["techniques"] == techniques and doc["profile"]["years_experience"] == years
    assert "showcase" in doc["completeness"]["missing"]
    assert ("story" in doc["completeness"]["missing"]) == (not story)
    with own_store.session() as s:
        matching = [k.id for k in s.scalars(select(Cluster)) if k.craft == craft]
    assert (doc["profile"]["cluster_id"] is not None) == bool(matching)


def test_bad_registration_names_the_field_and_writes_nothing(client) -> None:
    h = bearer(client, "a-0001", "admin")
    before = client.get("/api/v1/creators?limit=1", headers=h).json()["total"]
    r = client.post(
        "/api/v1/creators",
        json={
            "name": "X",
            "phone": "12",
            "craft": "pottery",
            "category": "pottery",
            "location": "Jaipur",
        },
        headers=h,
    )
    assert r.status_code == 400 and r.json()["error"]["details"]["field"] == "phone"
    r = client.post(
        "/api/v1/creators",
        json={
            "name": "X",
            "phone": "+91 98765 43210",
            "craft": "pottery",
            "category": "pots",
            "location": "Jaipur",
        },
        headers=h,
    )
    assert r.json()["error"]["details"]["field"] == "category"
    r = client.post(
        "/api/v1/creators",
        json={
            "name": "X",
            "phone": "+91 98765 43210",
            "craft": "pottery",
            "category": "pottery",
            "location": "Qqqxxzz",
        },
        headers=h,
    )
    assert r.json()["error"]["code"] == "UNKNOWN_PLACE"
    assert client.get("/api/v1/creators?limit=1", headers=h).json()["total"] == before


def test_own_portfolio_can_be_read_and_edited_only_by_its_owner(client) -> None:
    h = bearer(client, "c-0004", "creator")
    mine = client.get("/api/v1/portfolio", headers=h).json()
    assert mine["creator_id"] == "c-0004" and PORTFOLIO_KEYS <= set(mine)
    r = client.patch("/api/v1/portfolio", json={"story": "Three generations of makers."}, headers=h)
    assert r.status_code == 200 and r.json()["story"] == "Three generations of makers."
    r = client.patch("/api/v1/portfolio", json={"name": "New name"}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["details"]["field"] == "name"
    other = client.get(
        "/api/v1/creators/c-0004/portfolio", headers=bearer(client, "b-0001", "buyer")
    )
    assert other.json()["story"] == "Three generations of makers."


_placed = itertools.count(1)


def _place_open_order(store: Store, pick: int, status: str, quantity: int) -> Order:
    """A new open order for an existing listing and buyer, as checkout would leave it."""
    with store.session() as s:
        products = s.scalars(select(Product).where(Product.status == "active").order_by(Product.id))
        listed = list(products)
        product = listed[pick % len(listed)]
        buyers = list(s.scalars(select(Buyer.id).order_by(Buyer.id)))
        order = Order(
            id=f"o-t{next(_placed):06d}",
            buyer_id=buyers[pick % len(buyers)],
            creator_id=product.creator_id,
            product_id=product.id,
            quantity=quantity,
            product_price=product.price,
            shipping_cost=80.0,
            total_amount=round(product.price * quantity + 80.0, 2),
            status=status,
        )
        s.add(order)
    return order


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rating=st.one_of(st.none(), st.integers(1, 5)),
    pick=st.integers(0, 10_000),
    status=st.sampled_from(("pending", "confirmed", "shipped")),
    quantity=st.integers(1, 4),
)
def test_completed_order_updates_the_portfolio(client, own_store, rating, pick, status, quantity) -> None:  # noqa: E501
    """Property 23: Transaction Updates Portfolio — completing an order adds it to the sales count
    and revenue, and the review, when given, appears in the portfolio. Every example places its
    own open order first, so none runs out of orders to complete."""
    order = _place_open_order(own_store, pick, status, quantity)
    oid, buyer, creator, amount = order.id, order.buyer_id, order.creator_id, order.total_amount
    before = client.get(
        f"/api/v1/creators/{creator}/portfolio", headers=bearer(client, buyer, "buyer")
    ).json()
    body = {"rating": rating, "review": "Lovely work"} if rating else {}
    r = client.post(
        f"/api/v1/orders/{oid}/complete", json=body, headers=bearer(client, buyer, "buyer")
    )
    assert r.status_code == 200, r.text
    after = r.json()
    assert after["sales"]["count"] == before["sales"]["count"] + 1
    assert after["sales"]["revenue"] == pytest.approx(before["sales"]["revenue"] + amount, abs=0.02)
    if rating:
        assert after["rating"]["count"] == before["rating"]["count"] + 1
        assert any(
            rv["order_id"] == oid and rv["rating"] == rating for rv in after["recent_reviews"]
        )
    else:
        assert after["rating"]["count"] == before["rating"]["count"]
    with own_store.session() as s:
        assert s.get(Order, oid).status == "delivered"
    again = client.post(
        f"/api/v1/orders/{oid}/complete", json={}, headers=bearer(client, buyer, "buyer")
    )
    assert again.status_code == 409
