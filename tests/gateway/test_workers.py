"""Several gateway processes on one store: ``serve --workers N`` and a second replica.

A price changed through one process is what a search through another one returns: the search
index, like every cache of store data, follows the store's change versions.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from domain.store import Product
from tests.processes import GatewayProcess, gateway_env

pytestmark = pytest.mark.integration


def _tool(server: GatewayProcess, token: str, name: str, args: dict) -> dict:
    r = httpx.post(f"{server.http}/api/v1/tools/{name}", json=args, timeout=60,
                   headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    return r.json()


def test_a_price_set_through_one_process_is_searched_through_another(
    seeded_store, data_dir, database_url, tmp_path,
) -> None:
    env = gateway_env(data_dir, database_url, rate_limit_per_minute=0)
    with seeded_store.session() as s:
        row = s.scalars(select(Product).where(Product.status == "active").limit(1)).one()
        pid, title, old_price = row.id, row.title, float(row.price)
    # The first one builds the heritage index if the data folder has none; the replica reuses it.
    workers = GatewayProcess(env, workers=2, log=tmp_path / "workers.log")
    replica = GatewayProcess(env, workers=1, log=tmp_path / "replica.log")
    with workers, replica:
        assert len(set(workers.worker_pids())) == 2  # two uvicorn worker processes
        admin = workers.token("a-0001", "admin")
        # Warm every worker's search index first, so a stale cache would show.
        for server in (workers, workers, workers, replica):
            _tool(server, admin, "search_products", {"query": title, "limit": 20})
        try:
            new_price = round(old_price * 3 + 7, 2)
            _tool(workers, admin, "update_price", {"product_id": pid, "new_price": new_price})
            for server in (replica, workers, workers, workers):
                hits = _tool(server, admin, "search_products", {"query": title, "limit": 20})
                prices = {p["id"]: p["price"] for p in hits["products"]}
                assert prices.get(pid) == new_price, (server.port, prices)
            _tool(replica, admin, "update_price", {"product_id": pid, "new_price": old_price})
            for server in (workers, workers, workers):
                hits = _tool(server, admin, "search_products", {"query": title, "limit": 20})
                assert {p["id"]: p["price"] for p in hits["products"]}.get(pid) == old_price
        finally:
            with seeded_store.session() as s:
                s.get(Product, pid).price = old_price
