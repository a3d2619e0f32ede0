"""Synthetic sold items for the pricing tests: a small market where price follows effort.

Prices sit at 1.6-2.4× the materials-and-labour estimate plus ₹300 of shipping and packing,
so the market's view stays inside the engine's adjustment band and its changes show up in
golden prices.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from domain.pricing.cost import material_cost
from domain.pricing.market import MarketModel, SoldItem, fit_market_model
from domain.pricing.tables import default_tables

KINDS = (
    ("textiles", ("silk", "zari"), ("hand weaving",), (0.4, 1.2), (30, 200), "Uttar Pradesh"),
    ("textiles", ("cotton",), ("block printing",), (0.2, 0.8), (8, 40), "Rajasthan"),
    ("pottery", ("clay",), ("wheel throwing",), (0.3, 2.0), (2, 12), "Uttar Pradesh"),
    ("metalware", ("brass",), ("casting",), (0.3, 3.0), (6, 40), "Chhattisgarh"),
    ("toys", ("wood", "lac"), ("wood turning",), (0.05, 0.6), (1, 12), "Karnataka"),
    ("basketry", ("bamboo", "cane"), ("basket weaving",), (0.2, 1.5), (3, 20), "Tripura"),
)


def synthetic_items(n: int, seed: int = 0, price_factor: dict[str, float] | None = None,
                    prefix: str = "s", only: str | None = None) -> list[SoldItem]:
    """``n`` sold items (of category ``only`` if given); ``price_factor`` scales the prices of
    some categories (a market shift)."""
    rng = np.random.default_rng(seed)
    tables = default_tables()
    kinds = [k for k in KINDS if only is None or k[0] == only]
    out = []
    for i in range(n):
        cat, mats, techs, (w0, w1), (h0, h1), region = kinds[i % len(kinds)]
        w = float(rng.uniform(w0, w1))
        h = float(rng.uniform(h0, h1))
        cost = material_cost(mats, w, tables) + h * tables.hourly_rate(region)
        price = (cost * float(rng.uniform(1.6, 2.4)) + 300) * (price_factor or {}).get(cat, 1.0)
        out.append(SoldItem(cat, mats, techs, round(w, 3), round(h, 1), region,
                            float(rng.uniform(60, 95)), round(price, 2), f"{prefix}-{i:05d}"))
    return out


@lru_cache(maxsize=1)
def small_model() -> MarketModel:
    """A market model fitted once on 240 synthetic items (with out-of-fold errors)."""
    return fit_market_model(synthetic_items(240), max_iter=80, folds=3)
