"""Image uploads: sniffed by content, bounded in bytes and pixels, EXIF-free, content-addressed.

A file is accepted only if its magic bytes say JPEG, PNG, GIF, WebP or BMP and Pillow decodes
it within the pixel budget. The pixels are re-encoded without metadata (EXIF, GPS, ICC and
comments go), stored as ``media/<aa>/<sha256>.<ext>`` under the data directory with a JPEG
thumbnail, and recorded as a :class:`MediaFile` whose id (``up-`` + 16 hex) tools accept.
Images opened for analysis are shrunk while decoding (JPEG draft mode, then a thumbnail) to
:data:`ANALYSIS_SIDE`: a 91 kB PNG of 24 megapixels costs a few megabytes, not gigabytes.

    InvalidInput
    ├── UnsupportedMedia   not an image we accept          → UNSUPPORTED_MEDIA
    └── PayloadTooLarge    too many bytes or pixels        → PAYLOAD_TOO_LARGE
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from domain.errors import InvalidInput, NotFound, quote
from domain.store.models_verification import MediaFile

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 24_000_000
MIN_SIDE = 16
THUMB_SIDE = 256
# Analysis works on 128 px windows and 32 px hashes; 512 px keeps every detail it reads.
ANALYSIS_SIDE = 512

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)
_PIL_FORMAT = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/bmp": "BMP",
}


class UnsupportedMedia(InvalidInput):
    """The bytes are not an image of an accepted type (whatever the file name says)."""

    code = "UNSUPPORTED_MEDIA"


class PayloadTooLarge(InvalidInput):
    """More bytes or pixels than the limits allow."""

    code = "PAYLOAD_TOO_LARGE"


@dataclass(frozen=True)
class MediaConfig:
    """Where uploads are stored and how large they may be."""

    root: Path
    max_bytes: int = MAX_BYTES
    max_pixels: int = MAX_PIXELS


@dataclass(frozen=True)
class StoredMedia:
    """What was stored (or found already stored: uploads are deduplicated by content)."""

    id: str
    sha256: str
    mime: str
    width: int
    height: int
    size_bytes: int
    path: str
    thumb_path: str
    created: bool


def sniff(head: bytes) -> str | None:
    """The MIME type that the leading bytes prove, or ``None``."""
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def decode(
    data: bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    field: str = "file",
    max_side: int | None = None,
) -> tuple[Image.Image, str]:
    """Check and decode image bytes into an RGB image; raises before storing anything.

    ``max_side`` shrinks the image while decoding (analysis); ``None`` keeps every pixel.
    """
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"the image is {len(data):,} bytes; the limit is {max_bytes:,}",
            field=field,
            limit_bytes=max_bytes,
            size_bytes=len(data),
        )
    mime = sniff(data[:16])
    if mime is None:
        raise UnsupportedMedia(
            "the file is not a JPEG, PNG, GIF, WebP or BMP image",
            field=field,
            accepted=sorted(_PIL_FORMAT),
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img: Image.Image = Image.open(io.BytesIO(data))
            if img.format != _PIL_FORMAT[mime]:
                raise UnsupportedMedia(f"the content is {img.format}, not {mime}", field=field)
            w, h = img.size
            if w * h > max_pixels:
                raise PayloadTooLarge(
                    f"the image has {w * h:,} pixels; the limit is {max_pixels:,}",
                    field=field,
                    limit_pixels=max_pixels,
                    pixels=w * h,
                )
            if min(w, h) < MIN_SIDE:
                raise UnsupportedMedia(
                    f"the image is smaller than {MIN_SIDE} px on a side", field=field
                )
            if max_side is not None:
                img = shrink(img, max_side)
            img.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        # Pillow's messages name Python objects ("<_io.BytesIO object at …>"): say it plainly.
        raise UnsupportedMedia(
            f"the image could not be decoded: the {mime} data is truncated or corrupt",
            field=field,
        ) from exc
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise PayloadTooLarge("the image has too many pixels", field=field) from exc
    # Honour the camera's rotation before EXIF is dropped.
    upright: Image.Image = ImageOps.exif_transpose(img)
    if upright.mode in ("RGBA", "LA", "P"):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    return upright.convert("RGB"), mime


def shrink(img: Image.Image, max_side: int) -> Image.Image:
    """``img`` no larger than ``max_side`` on a side, decoding as few pixels as possible.

    JPEG decodes at 1/2, 1/4 or 1/8 scale in draft mode; other formats decode once and are
    reduced at once, before any full-size copy (RGBA, float arrays) is made of them.
    """
    if max(img.size) <= max_side:
        return img
    if img.format == "JPEG" and img.mode in ("RGB", "L", "CMYK"):
        img.draft(img.mode, (max_side, max_side))
    if img.mode not in ("RGB", "RGBA", "L", "LA"):
        # Palette and 1-bit images would be resized by nearest neighbour; convert first.
        img = img.convert("RGBA" if "transparency" in img.info or img.mode == "PA" else "RGB")
    img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=2.0)
    return img


def open_bounded(
    path: Path | str, *, max_side: int = ANALYSIS_SIDE, field: str = "images"
) -> Image.Image:
    """A stored image, checked against the pixel budget and shrunk to ``max_side``, as RGB."""
    try:
        with Image.open(path) as img:
            if img.width * img.height > MAX_PIXELS:
                raise PayloadTooLarge(
                    f"the image has {img.width * img.height:,} pixels; the limit is {MAX_PIXELS:,}",
                    field=field,
                )
            return shrink(img, max_side).convert("RGB")
    except FileNotFoundError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UnsupportedMedia("the stored image could not be decoded", field=field) from exc
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise PayloadTooLarge("the image has too many pixels", field=field) from exc


def encode_clean(img: Image.Image, mime: str) -> tuple[bytes, str, str]:
    """Pixels only, no metadata: JPEG stays JPEG, everything else becomes PNG."""
    clean = Image.frombytes("RGB", img.size, img.convert("RGB").tobytes())  # no .info carried
    buf = io.BytesIO()
    if mime == "image/jpeg":
        clean.save(buf, "JPEG", quality=92, optimize=True)
        return buf.getvalue(), "image/jpeg", "jpg"
    clean.save(buf, "PNG", optimize=False)
    return buf.getvalue(), "image/png", "png"


def write_once(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically unless it is there already (content-addressed)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # atomic: a reader never sees half a file


def store_upload(
    session: Session,
    data: bytes,
    media_root: Path,
    *,
    owner_id: str | None,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    field: str = "file",
) -> tuple[StoredMedia, Image.Image]:
    """Validate, strip, store and record an uploaded image; returns it decoded too."""
    img, mime = decode(data, max_bytes=max_bytes, max_pixels=max_pixels, field=field)
    clean, mime, ext = encode_clean(img, mime)
    digest = hashlib.sha256(clean).hexdigest()
    media_id = f"up-{digest[:16]}"
    existing = session.get(MediaFile, media_id)
    if existing is not None:
        return _stored(existing, created=False), img
    root = Path(media_root).resolve()
    path = root / digest[:2] / f"{digest}.{ext}"
    thumb_path = root / "thumbs" / f"{digest}.jpg"
    write_once(path, clean)
    # From bare pixels: a copy of ``img`` would carry its JPEG comment and EXIF along.
    thumb = Image.frombytes("RGB", img.size, img.convert("RGB").tobytes())
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    buf = io.BytesIO()
    thumb.save(buf, "JPEG", quality=85)
    write_once(thumb_path, buf.getvalue())
    row = MediaFile(
        id=media_id,
        sha256=digest,
        kind="upload",
        mime=mime,
        width=img.width,
        height=img.height,
        size_bytes=len(clean),
        path=str(path),
        thumb_path=str(thumb_path),
        owner_id=owner_id,
        render={},
    )
    session.add(row)
    session.flush()
    return _stored(row, created=True), img


def _stored(row: MediaFile, *, created: bool) -> StoredMedia:
    return StoredMedia(
        row.id,
        row.sha256,
        row.mime,
        row.width,
        row.height,
        row.size_bytes,
        row.path,
        row.thumb_path or "",
        created,
    )


def decode_data_url(url: str, *, field: str = "images") -> Image.Image:
    """An image given inline as ``data:image/...;base64,...`` (same checks as an upload)."""
    header, _, payload = url.partition(",")
    if not header.startswith("data:") or ";base64" not in header:
        raise UnsupportedMedia("only base64 data URLs of images are accepted", field=field)
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("the data URL is not valid base64", field=field) from exc
    return decode(data, field=field, max_side=ANALYSIS_SIDE)[0]


def open_media(row: MediaFile, *, field: str = "images") -> Image.Image:
    """The pixels of a stored media file, shrunk for analysis."""
    try:
        return open_bounded(row.path, field=field)
    except FileNotFoundError as exc:
        raise NotFound(
            f"the file of {row.id} is missing from the media store", field="images"
        ) from exc


def resolve_path(ref: str, media_root: Path | None, *, field: str = "images") -> Path:
    """A path reference, allowed only inside the media directory (no reading arbitrary files)."""
    if media_root is None:
        raise InvalidInput("file paths are not accepted here; upload the image first", field=field)
    root = Path(media_root).resolve()
    path = (root / ref).resolve() if not Path(ref).is_absolute() else Path(ref).resolve()
    if root not in path.parents or not path.is_file():
        raise NotFound(f"no stored image at {quote(ref)}", field=field)
    return path
