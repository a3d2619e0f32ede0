"""The market side of the golden price: a regressor of what similar work sells for.

A scikit-learn gradient-boosting model on the store's sold items (category, materials,
techniques, weight, hours, region, authenticity, and the cost-table estimate of the piece)
predicts the log of the sold price. Out-of-fold errors per category feed the confidence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.model_selection import KFold

from domain.errors import InsufficientData, InvalidInput
from domain.pricing.cost import material_cost
from domain.pricing.tables import CostTables, default_tables
from domain.store.models import CATEGORIES

MIN_TRAINING_ITEMS = 30
MAX_TECHNIQUES = 60


@dataclass(frozen=True)
class SoldItem:
    """One sold piece as the market model sees it (also the shape of a pricing query)."""

    category: str
    materials: tuple[str, ...]
    techniques: tuple[str, ...]
    weight_kg: float
    production_hours: float
    region: str = ""
    authenticity: float | None = None
    price: float = 0.0
    product_id: str = ""


def fingerprint(items: Sequence[SoldItem]) -> str:
    """A hash of the training data: it changes when a batch of sales arrives."""
    h = hashlib.sha256()
    for it in sorted(items, key=lambda i: (i.product_id, i.price)):
        h.update(f"{it.product_id}|{it.category}|{it.price:.2f}|{it.weight_kg}|"
                 f"{it.production_hours}|{','.join(it.materials)}\n".encode())
    return h.hexdigest()


def _canonical(materials: Sequence[str], tables: CostTables) -> tuple[str, ...]:
    out = []
    for m in materials:
        try:
            out.append(tables.material(m).name)
        except InvalidInput:
            continue  # a listing's free-text material the table lacks: the rest still counts
    return tuple(sorted(set(out)))


@dataclass
class MarketModel:
    """A fitted market-price model plus the sold prices it was fitted on."""

    regressor: GradientBoostingRegressor
    materials: list[str]
    techniques: list[str]
    regions: list[str]
    authenticity_median: float
    # Per training row, for similarity look-ups (p90 of similar sold items).
    row_category: np.ndarray
    row_materials: list[frozenset[str]]
    row_weight: np.ndarray
    row_hours: np.ndarray
    row_price: np.ndarray
    category_mdape: dict[str, float]
    overall_mdape: float
    data_fingerprint: str
    n_items: int
    _index: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = {
            "category": {c: i for i, c in enumerate(CATEGORIES)},
            "material": {m: i for i, m in enumerate(self.materials)},
            "technique": {t: i for i, t in enumerate(self.techniques)},
            "region": {r: i for i, r in enumerate(self.regions)},
        }

    # -- features -------------------------------------------------------------------------
    @property
    def n_features(self) -> int:
        """Width of a feature row."""
        return 5 + len(CATEGORIES) + len(self.materials) + len(self.techniques) + len(self.regions)

    def features(self, item: SoldItem, tables: CostTables | None = None) -> np.ndarray:
        """One feature row: logs of weight, hours and table cost, authenticity, one-hots."""
        tables = tables or default_tables()
        mats = _canonical(item.materials, tables)
        row = np.zeros(self.n_features)
        cost = material_cost(mats, item.weight_kg, tables) if mats else 0.0
        row[0] = np.log1p(item.weight_kg)
        row[1] = np.log1p(item.production_hours)
        row[2] = np.log1p(cost + item.production_hours * tables.hourly_rate(item.region))
        row[3] = self.authenticity_median if item.authenticity is None else item.authenticity
        row[4] = len(item.techniques)
        offset = 5
        for key, values in (("category", [item.category]), ("material", mats),
                            ("technique", [t.lower() for t in item.techniques]),
                            ("region", [item.region])):
            index = self._index[key]
            for v in values:
                if v in index:
                    row[offset + index[v]] = 1.0
            offset += len(index)
        return row

    # -- answers --------------------------------------------------------------------------
    def predict(self, item: SoldItem, tables: CostTables | None = None) -> float:
        """The market price of ``item`` in INR."""
        x = self.features(item, tables)[None, :]
        return float(np.exp(self.regressor.predict(x)[0]))

    def similar_prices(self, item: SoldItem, tables: CostTables | None = None) -> np.ndarray:
        """Sold prices of similar pieces: same category, a shared material.

        Size and effort within a factor of two; relaxed step by step when fewer than five match.
        """
        mats = set(_canonical(item.materials, tables or default_tables()))
        same_cat = self.row_category == item.category
        shares = np.array([bool(mats & m) for m in self.row_materials], dtype=bool) \
            if len(self.row_materials) else np.zeros(0, dtype=bool)
        close = ((self.row_weight >= item.weight_kg / 2) & (self.row_weight <= item.weight_kg * 2)
                 & (self.row_hours >= item.production_hours / 2)
                 & (self.row_hours <= item.production_hours * 2))
        for mask in (same_cat & shares & close, same_cat & close, same_cat & shares, same_cat):
            if mask.sum() >= 5:
                return self.row_price[mask]
        return self.row_price[same_cat]

    def error_of(self, category: str) -> float:
        """Median absolute percentage error of out-of-fold predictions in ``category``."""
        return self.category_mdape.get(category, self.overall_mdape)


def _regressor(max_iter: int, seed: int) -> GradientBoostingRegressor:
    # Large leaves: identical pieces sold at different prices must average out, not be told
    # apart by noise features (authenticity) in ways that flip the model's view of a category.
    return GradientBoostingRegressor(
        n_estimators=max_iter, learning_rate=0.08, max_depth=6, min_samples_leaf=20,
        subsample=0.8, random_state=seed)


def fit_market_model(items: Sequence[SoldItem], *, tables: CostTables | None = None,
                     max_iter: int = 250, folds: int = 3, seed: int = 0) -> MarketModel:
    """Fit on sold items; ``folds`` out-of-fold rounds measure the error per category."""
    tables = tables or default_tables()
    items = [i for i in items if i.price > 0 and i.weight_kg > 0 and i.production_hours > 0]
    if len(items) < MIN_TRAINING_ITEMS:
        raise InsufficientData(
            f"the market model needs at least {MIN_TRAINING_ITEMS} sold items, found {len(items)}",
            field="sold_items", found=len(items), required=MIN_TRAINING_ITEMS)
    mats = sorted({m for i in items for m in _canonical(i.materials, tables)})
    tech_counts: dict[str, int] = {}
    for i in items:
        for t in i.techniques:
            tech_counts[t.lower()] = tech_counts.get(t.lower(), 0) + 1
    techniques = sorted(sorted(tech_counts, key=lambda t: -tech_counts[t])[:MAX_TECHNIQUES])
    auth = [i.authenticity for i in items if i.authenticity is not None]
    model = MarketModel(
        regressor=_regressor(max_iter, seed), materials=mats, techniques=techniques,
        regions=sorted({i.region for i in items if i.region}),
        authenticity_median=float(np.median(auth)) if auth else 75.0,
        row_category=np.array([i.category for i in items]),
        row_materials=[frozenset(_canonical(i.materials, tables)) for i in items],
        row_weight=np.array([i.weight_kg for i in items]),
        row_hours=np.array([i.production_hours for i in items]),
        row_price=np.array([i.price for i in items]),
        category_mdape={}, overall_mdape=0.0, data_fingerprint=fingerprint(items),
        n_items=len(items),
    )
    x = np.vstack([model.features(i, tables) for i in items])
    y = np.log(model.row_price)
    oof = np.zeros(len(items))
    if folds >= 2:
        for train, test in KFold(folds, shuffle=True, random_state=seed).split(x):
            oof[test] = _regressor(max_iter, seed).fit(x[train], y[train]).predict(x[test])
        ape = np.abs(np.exp(oof) - model.row_price) / model.row_price
        model.overall_mdape = float(np.median(ape))
        model.category_mdape = {c: float(np.median(ape[model.row_category == c]))
                                for c in set(model.row_category.tolist())}
    else:
        model.overall_mdape = 0.3  # not measured: assume a middling error
    model.regressor.fit(x, y)
    return model
