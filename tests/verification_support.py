"""Shared set-up of the verification tests: a small trained model and a private seeded store.

Fraud and theft tests write (suspensions, review cases), so they get their own seeded SQLite
store instead of the session's shared one; photos are drawn only for the listings they need.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from hypothesis import strategies as st

from domain.seed import PLANTED

# Listings whose photos the tests need: every planted one, plus ordinary ones around them.
SAMPLE_PRODUCTS = sorted(
    set(PLANTED["reused_image_products"])
    | set(PLANTED["reseller_products"])
    | set(PLANTED["overpriced_products"])
    | {f"p-{n:05d}" for n in range(1, 3300, 23)}
)


@lru_cache(maxsize=1)
def small_model():  # AuthenticityModel
    """A classifier trained on few renderings: enough to exercise the engine quickly."""
    from domain.vision.classifier import train

    return train(n_per_class=48, held_out_per_class=24, seed=11, workers=1)


def private_store(root: Path):  # Store
    """Seed 42 in its own SQLite file with the sample's photos drawn and indexed."""
    from domain.seed import seed
    from domain.store import Store
    from domain.vision.library import generate_seed_images

    store = Store.from_url(f"sqlite:///{root}/verification.db")
    seed(store, seed=42, reset=True, progress=False)
    store.create_all()
    generate_seed_images(store, root, product_ids=SAMPLE_PRODUCTS, workers=1)
    return store


def disguise(
    image,  # PIL image or array
    *,
    scale: float,
    brightness: float,
    contrast: float,
    quality: int,
    mirror: bool,
):  # PIL image
    """A copy as a thief would post it: resized, brightened, contrast-shifted, maybe mirrored,
    re-encoded as JPEG. Real Pillow transforms, each bounded by its argument."""
    import io

    from PIL import Image, ImageEnhance, ImageOps

    from domain.vision.hashing import as_pil

    pil = as_pil(image)
    pil = pil.resize(
        (max(16, round(pil.width * scale)), max(16, round(pil.height * scale))),
        Image.Resampling.BILINEAR,
    )
    pil = ImageEnhance.Brightness(pil).enhance(1 + brightness)
    pil = ImageEnhance.Contrast(pil).enhance(1 + contrast)
    if mirror:
        pil = ImageOps.mirror(pil)
    buf = io.BytesIO()
    pil.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


# The disguises the engine is held to: what a re-poster does to a 128-px listing photo short of
# cropping it, shrinking it to a thumbnail or re-grading it heavily. Measured on 160 renderings
# at the corners of this box (the worst case): similarity ≥ 0.908. Outside it the engine slips:
# ±15 % brightness and contrast together drop some prints to 0.85, crops between the query's
# candidate windows and half-size JPEG thumbnails drop fine textures to 0.88-0.89. The bench
# measures that recall over thousands of augmented copies instead (bench_verification).
DISGUISES = {
    "scale": st.floats(0.75, 2.0),
    "brightness": st.floats(-0.10, 0.10),
    "contrast": st.floats(-0.10, 0.10),
    "quality": st.integers(60, 95),
    "mirror": st.booleans(),
}
