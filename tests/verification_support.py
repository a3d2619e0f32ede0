"""Shared set-up of the verification tests: a small trained model and a private seeded store.

Fraud and theft tests write (suspensions, review cases), so they get their own seeded SQLite
store instead of the session's shared one; photos are drawn only for the listings they need.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from domain.seed import PLANTED

# Listings whose photos the tests need: every planted one, plus ordinary ones around them.
SAMPLE_PRODUCTS = sorted(
    set(PLANTED["reused_image_products"])
    | set(PLANTED["reseller_products"])
    | set(PLANTED["overpriced_products"])
    | {f"p-{n:05d}" for n in range(1, 3300, 23)}
)


@lru_cache(maxsize=1)
def small_model():  # noqa: ANN201 - AuthenticityModel
    """A classifier trained on few renderings: enough to exercise the engine quickly."""
    from domain.vision.classifier import train

    return train(n_per_class=48, held_out_per_class=24, seed=11, workers=1)


def private_store(root: Path):  # noqa: ANN201 - Store
    """Seed 42 in its own SQLite file with the sample's photos drawn and indexed."""
    from domain.seed import seed
    from domain.store import Store
    from domain.vision.library import generate_seed_images

    store = Store.from_url(f"sqlite:///{root}/verification.db")
    seed(store, seed=42, reset=True, progress=False)
    store.create_all()
    generate_seed_images(store, root, product_ids=SAMPLE_PRODUCTS, workers=1)
    return store
