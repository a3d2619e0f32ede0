"""Where the bytes of a media key are: uploads and seeded photos, full size or as a thumbnail.

Keys are ``up-`` or ``img-`` plus 16 hex digits and nothing else, so no request names a path.
A seeded photo that was never drawn is drawn now from the same spec the seed would use (the
earliest listing that shows it decides), and cached under the media directory; thumbnails
are made on first request and cached. Every file served lies inside the media directory.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from domain.errors import InvalidInput, NotFound
from domain.media import THUMB_SIDE, write_once
from domain.store.models import Product
from domain.store.models_verification import MediaFile
from domain.vision import render as rnd

KEY = re.compile(r"^(up|img)-[0-9a-f]{16}$")
MACHINE_BELOW = 50.0  # as domain.vision.library draws seeded photos
_JPEG_QUALITY = 88


@dataclass(frozen=True)
class MediaBlob:
    """A file to send: where it is, its type and a strong validator."""

    path: Path
    mime: str
    etag: str


def check_key(key: str) -> str:
    """``key`` if it is a media key; ``InvalidInput`` naming ``key`` otherwise."""
    if not KEY.match(key):
        raise InvalidInput("not a media key (up-… or img-… and 16 hex digits)", field="key")
    return key


def _inside(path: Path, root: Path) -> Path:
    resolved = path.resolve()
    if root != resolved and root not in resolved.parents:
        raise NotFound("the media file is outside the media directory", field="key")
    return resolved


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _draw_seed(session: Session, key: str, target: Path, spec_fields: dict | None) -> None:
    """Draw a seeded photo to ``target`` from its recorded spec or its first listing."""
    if spec_fields:
        spec = rnd.RenderSpec(**spec_fields)
    else:
        owner = session.scalars(
            select(Product).where(cast(Product.images, String).like(f"%{key}%"))
            .order_by(Product.created_at, Product.id).limit(1)
        ).first()
        if owner is None:
            raise NotFound(f"no image {key}", field="key")
        spec = rnd.spec_for(key, owner.category, palette_of=owner.creator_id,
                            handmade=(owner.authenticity_score or 100) >= MACHINE_BELOW)
    buf = io.BytesIO()
    Image.fromarray(rnd.render(spec)).save(buf, "JPEG", quality=_JPEG_QUALITY)
    write_once(target, buf.getvalue())


def locate(session: Session, key: str, media_root: Path, *, thumb: bool = False) -> MediaBlob:
    """The file for ``key`` (drawing or shrinking it first when needed).

    Raises:
        InvalidInput: ``key`` is not a media key.
        NotFound: no such image.
    """
    check_key(key)
    root = Path(media_root).resolve()
    row = session.get(MediaFile, key)
    if row is None and key.startswith("up-"):
        raise NotFound(f"no image {key}", field="key")
    if row is not None and Path(row.path).exists():
        full, mime, sha = _inside(Path(row.path), root), row.mime, row.sha256
    else:
        full = root / "seed" / key[4:6] / f"{key}.jpg"
        if not full.exists():
            if row is not None and row.kind != "seed":
                raise NotFound(f"the file of {key} is missing from the media store", field="key")
            _draw_seed(session, key, full, row.render if row is not None else None)
        full, mime, sha = _inside(full, root), "image/jpeg", _digest(full)
    if not thumb:
        return MediaBlob(full, mime, sha)
    small = root / "thumbs" / f"{sha}.jpg"
    if row is not None and row.thumb_path and Path(row.thumb_path).exists():
        small = Path(row.thumb_path)
    elif not small.exists():
        with Image.open(full) as img:
            copy = img.convert("RGB")
        copy.thumbnail((THUMB_SIDE, THUMB_SIDE))
        buf = io.BytesIO()
        copy.save(buf, "JPEG", quality=85)
        write_once(small, buf.getvalue())
    return MediaBlob(_inside(small, root), "image/jpeg", f"{sha}-thumb")
