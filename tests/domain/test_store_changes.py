"""Change versions: writes bump their topic in the same transaction; caches elsewhere follow."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from domain.discovery import SearchQuery
from domain.discovery_store import CATALOG, LiveIndex
from domain.seed import seed
from domain.store import Creator, Product, Store, changes


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory):  # two Stores
    """Two handles on one seeded database, as two worker processes would have."""
    path = Path(tmp_path_factory.mktemp("changes")) / "shared.db"
    first = Store.from_url(f"sqlite:///{path}")
    seed(first, seed=42, reset=True, progress=False)
    second = Store.from_url(f"sqlite:///{path}")
    yield first, second
    first.dispose()
    second.dispose()


def _version(store: Store, topic: str = CATALOG) -> changes.Version:
    with store.session() as s:
        return changes.read_version(s, topic)


def test_a_write_bumps_its_topic_and_logs_the_key(stores) -> None:
    a, _ = stores
    before = _version(a)
    with a.session() as s:
        s.get(Product, "p-00007").price += 1
    after = _version(a)
    assert after.epoch == before.epoch and after.number == before.number + 1
    with a.session() as s:
        assert changes.changed_keys(s, CATALOG, before, after) == {"p:p-00007"}
        assert changes.read_version(s, "sales") == _version(a, "sales")  # other topics untouched


def test_a_rolled_back_write_bumps_nothing(stores) -> None:
    a, _ = stores
    before = _version(a)
    with pytest.raises(RuntimeError), a.session() as s:
        s.get(Product, "p-00008").price += 1
        s.flush()
        raise RuntimeError("the tool failed after writing")
    assert _version(a) == before


def test_reads_bump_nothing(stores) -> None:
    a, _ = stores
    before = _version(a)
    with a.session() as s:
        s.scalars(select(Product).limit(5)).all()
        s.get(Creator, "c-0001")
    assert _version(a) == before


def test_a_bulk_statement_means_rebuild_everything(stores) -> None:
    a, _ = stores
    before = _version(a)
    from sqlalchemy import update

    with a.session() as s:
        s.execute(update(Product).where(Product.id == "p-00009").values(views_7d=Product.views_7d))
    with a.session() as s:
        assert changes.changed_keys(s, CATALOG, before, changes.read_version(s, CATALOG)) is None


def test_a_reset_changes_the_epoch(tmp_path: Path) -> None:
    store = Store.from_url(f"sqlite:///{tmp_path}/reset.db")
    store.create_all()
    with store.session() as s:
        first = changes.bump(s, CATALOG, ["p:x"])
    store.drop_all()
    store.create_all()
    with store.session() as s:
        again = changes.bump(s, CATALOG, ["p:x"])
        assert again.epoch != first.epoch
        assert changes.changed_keys(s, CATALOG, first, again) is None
    store.dispose()


def test_search_index_in_another_process_sees_a_price_change(stores) -> None:
    """A listing repriced through one store handle is found at its new price through the other."""
    a, b = stores
    live = LiveIndex()  # the search index of the "other worker"
    with b.session() as s:
        index = live.refresh(s)
    with a.session() as s:
        product = s.get(Product, "p-00011")
        title, new_price = product.title, round(float(product.price) * 2 + 1, 2)
        product.price = new_price
    with b.session() as s:
        index = live.refresh(s)
    hits = index.search(SearchQuery(text=title, limit=50))
    found = {p["id"]: p for p in hits.products}
    assert found["p-00011"]["price"] == new_price
    # Archiving takes it out of the other worker's search.
    with a.session() as s:
        s.get(Product, "p-00011").status = "archived"
    with b.session() as s:
        index = live.refresh(s)
    hits = index.search(SearchQuery(text=title, limit=50))
    assert "p-00011" not in {p["id"] for p in hits.products}
    with a.session() as s:
        s.get(Product, "p-00011").status = "active"


def test_a_creator_change_reaches_their_listings(stores) -> None:
    a, b = stores
    live = LiveIndex()
    with b.session() as s:
        live.refresh(s)
        listing = s.scalars(select(Product).where(Product.status == "active").limit(1)).one()
        creator_id = listing.creator_id
    with a.session() as s:
        s.get(Creator, creator_id).status = "suspended"
    with b.session() as s:
        index = live.refresh(s)
        theirs = set(s.scalars(select(Product.id).where(Product.creator_id == creator_id)))
    assert not theirs & set(index.slot)
    with a.session() as s:
        s.get(Creator, creator_id).status = "active"
    with b.session() as s:
        index = live.refresh(s)
    assert listing.id in index.slot
