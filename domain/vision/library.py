"""The store side of vision: seeded product photos, image references, and the signature index.

``generate_seed_images`` draws a JPEG for every image key of the seeded products (the same key
always gives the same file, so reused keys give identical photos) and indexes its signature.
:func:`signature_index` keeps one in-memory hash index per database, topped up incrementally
from ``image_signatures`` so uploads made by any process are found by the next query.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time
from collections.abc import Hashable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import media
from domain.errors import InvalidInput, NotFound, quote
from domain.store import changes
from domain.store.db import Store
from domain.store.models import Product
from domain.store.models_verification import ImageSignature, MediaFile
from domain.vision import render as rnd
from domain.vision.hashing import Signature, signature
from domain.vision.index import HashIndex

# Seeded listings the seed scored below this were photographed as factory goods.
MACHINE_BELOW = 50.0
_JPEG_QUALITY = 90


@dataclass(frozen=True)
class SignatureRef:
    """Where an indexed signature came from."""

    media_id: str
    product_id: str | None
    seller_id: str | None


@dataclass(frozen=True)
class SeedImagesReport:
    """How many photos were drawn now, how many existed, and how long it took."""

    rendered: int
    existing: int
    signatures: int
    seconds: float


def _render_job(
    job: tuple[str, dict[str, Any], str],
) -> tuple[str, dict[str, Any], int, str, tuple[str, str], list[float]]:
    """Draw, save and hash one seeded photo (runs in a worker process)."""
    key, spec_fields, path = job
    pixels = rnd.render(rnd.RenderSpec(**spec_fields))
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, "JPEG", quality=_JPEG_QUALITY)
    data = buf.getvalue()
    media.write_once(Path(path), data)
    sig = signature(Image.open(io.BytesIO(data)))
    return (
        key,
        spec_fields,
        len(data),
        hashlib.sha256(data).hexdigest(),
        sig.hex(),
        list(sig.chroma),
    )


def generate_seed_images(
    store: Store,
    data_dir: Path,
    progress: bool = False,
    *,
    product_ids: Iterable[str] | None = None,
    workers: int | None = None,
) -> SeedImagesReport:
    """Draw every seeded product photo under ``data_dir/media/seed`` and index it (idempotent).

    ``product_ids`` limits the work to some listings (tests use it); ``workers`` processes
    draw in parallel (default: up to 2, the CPUs this project may assume).
    """
    started = time.perf_counter()
    root = (Path(data_dir) / "media" / "seed").resolve()
    wanted = set(product_ids) if product_ids is not None else None
    with store.session() as s:
        products = [
            p
            for p in s.scalars(select(Product).order_by(Product.created_at, Product.id))
            if wanted is None or p.id in wanted
        ]
        known = set(s.scalars(select(MediaFile.id).where(MediaFile.kind == "seed")))
        indexed = {
            (m, p) for m, p in s.execute(select(ImageSignature.media_id, ImageSignature.product_id))
        }
        jobs: dict[str, tuple[str, dict[str, Any], str]] = {}
        uses: list[tuple[str, str, str]] = []
        for p in products:
            for img in p.images or []:
                key = img["key"] if isinstance(img, dict) else str(img)
                uses.append((key, p.id, p.creator_id))
                if key in known or key in jobs:
                    continue  # the earliest listing of a key decides how its photo looks
                spec = rnd.spec_for(
                    key,
                    p.category,
                    palette_of=p.creator_id,
                    handmade=(p.authenticity_score or 100) >= MACHINE_BELOW,
                )
                fields = {
                    "family": spec.family,
                    "handmade": spec.handmade,
                    "hue": spec.hue,
                    "seed": spec.seed,
                    "size": spec.size,
                }
                jobs[key] = (key, fields, str(root / key[4:6] / f"{key}.jpg"))
    results = _run(list(jobs.values()), workers, progress)
    sigs: dict[str, tuple[tuple[str, str], list[float]]] = {}
    with store.session() as s:
        for key, fields, size, sha, hexes, chroma in results:
            s.add(
                MediaFile(
                    id=key,
                    sha256=sha,
                    kind="seed",
                    mime="image/jpeg",
                    width=fields["size"],
                    height=fields["size"],
                    size_bytes=size,
                    path=jobs[key][2],
                    thumb_path=None,
                    owner_id=None,
                    render=fields,
                )
            )
            sigs[key] = (hexes, chroma)
        # Keys drawn by an earlier call: reuse their signatures for listings added since.
        missing = sorted({k for k, _, _ in uses if k not in sigs})
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            for row in s.scalars(select(ImageSignature).where(ImageSignature.media_id.in_(chunk))):
                sigs.setdefault(row.media_id, ((row.phash, row.dhash), row.chroma))
        added = 0
        for key, product_id, seller_id in uses:
            if (key, product_id) in indexed or key not in sigs:
                continue
            (ph, dh), chroma = sigs[key]
            s.add(
                ImageSignature(
                    media_id=key,
                    product_id=product_id,
                    seller_id=seller_id,
                    phash=ph,
                    dhash=dh,
                    chroma=chroma,
                )
            )
            indexed.add((key, product_id))
            added += 1
    return SeedImagesReport(len(results), len(known), added, time.perf_counter() - started)


def _run(
    jobs: list[tuple[str, dict[str, Any], str]], workers: int | None, progress: bool
) -> list[tuple]:
    workers = workers or min(2, os.cpu_count() or 1)
    if not jobs:
        return []
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(jobs), desc="product photos", unit="img")
    out = []
    if workers <= 1 or len(jobs) < 64:
        for job in jobs:
            out.append(_render_job(job))
            if bar:
                bar.update()
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for item in pool.map(_render_job, jobs, chunksize=64):
                out.append(item)
                if bar:
                    bar.update()
    if bar:
        bar.close()
    return out


def index_image(
    session: Session,
    media_id: str,
    image: Image.Image,
    *,
    product_id: str | None = None,
    seller_id: str | None = None,
) -> Signature:
    """Record the signature of a stored image (uploads call this; the index sees it next query)."""
    sig = signature(image)
    ph, dh = sig.hex()
    session.add(
        ImageSignature(
            media_id=media_id,
            product_id=product_id,
            seller_id=seller_id,
            phash=ph,
            dhash=dh,
            chroma=list(sig.chroma),
        )
    )
    session.flush()
    return sig


class _Cached:
    def __init__(self) -> None:
        self.index = HashIndex()
        self.refs: dict[Hashable, SignatureRef] = {}
        self.seen = changes.NEVER
        self.lock = threading.Lock()


_INDEXES: dict[str, _Cached] = {}
_INDEXES_LOCK = threading.Lock()
IMAGES = "images"  # the change topic of image signatures


def signature_index(session: Session) -> tuple[HashIndex, dict[Hashable, SignatureRef]]:
    """The hash index over every stored signature of this database, brought up to date.

    Signatures stored since the index last looked (by any worker or replica) are added; a
    reset of the database, or an index too far behind the change log, rebuilds it.
    """
    bind = session.get_bind()
    url = bind.engine.url.render_as_string(hide_password=True)
    with _INDEXES_LOCK:
        cached = _INDEXES.setdefault(url, _Cached())
    with cached.lock:
        now = changes.read_version(session, IMAGES)
        if now == cached.seen:
            return cached.index, cached.refs
        keys = changes.changed_keys(session, IMAGES, cached.seen, now)
        stmt = select(
            ImageSignature.id,
            ImageSignature.media_id,
            ImageSignature.product_id,
            ImageSignature.seller_id,
            ImageSignature.phash,
            ImageSignature.dhash,
            ImageSignature.chroma,
        ).order_by(ImageSignature.id)
        if keys is None:
            cached.index, cached.refs = HashIndex(), {}
            batches = [stmt]
        else:
            ids = sorted(int(k) for k in keys if k.isdigit() and int(k) not in cached.refs)
            batches = [
                stmt.where(ImageSignature.id.in_(ids[i : i + 500])) for i in range(0, len(ids), 500)
            ]
        fresh = []
        for batch in batches:
            for rid, media_id, product_id, seller_id, ph, dh, chroma in session.execute(batch):
                if rid in cached.refs:
                    continue
                fresh.append((rid, Signature.from_stored(ph, dh, chroma)))
                cached.refs[rid] = SignatureRef(media_id, product_id, seller_id)
        cached.index.add_many(fresh)
        cached.seen = now
        return cached.index, cached.refs


def forget_indexes() -> None:
    """Drop the cached indexes (after a database reset)."""
    with _INDEXES_LOCK:
        _INDEXES.clear()


def load_image(
    session: Session, ref: str, media_root: Path | None = None, *, field: str = "images"
) -> tuple[Image.Image, MediaFile | None]:
    """The pixels behind an image reference: an upload id, a seeded key, a data URL or a path."""
    ref = ref.strip()
    if ref.startswith("data:"):
        return media.decode_data_url(ref, field=field), None
    if ref.startswith(("up-", "img-")):
        row = session.get(MediaFile, ref)
        if row is None:
            raise NotFound(f"no stored image {quote(ref)}", field=field)
        if row.kind == "seed" and not Path(row.path).exists() and row.render:
            # Seeded photos can always be redrawn exactly from their recorded spec.
            return Image.fromarray(rnd.render(rnd.RenderSpec(**row.render))), row
        return media.open_media(row, field=field), row
    if not ref:
        raise InvalidInput("an image reference is empty", field=field)
    path = media.resolve_path(ref, media_root, field=field)
    return media.open_bounded(path, field=field), None


def product_images(session: Session, product_ids: Iterable[str]) -> dict[str, list[str]]:
    """Image references (seed keys or upload ids) of listings, in listing order."""
    out: dict[str, list[str]] = {}
    rows = session.execute(select(Product.id, Product.images)
                           .where(Product.id.in_(list(product_ids))))
    for product_id, images in rows:  # two columns, not whole listings: a search shows 10
        out[product_id] = [i["key"] if isinstance(i, dict) else str(i) for i in images or []]
    return out
