"""``POST /api/v1/uploads``: store a product photo and index it; returns an id tools accept.

The type is sniffed from the bytes, size and pixel count are bounded, EXIF is stripped, and the
file is stored content-addressed (sha256) under ``data_dir/media`` with a thumbnail.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile

from domain import media
from domain.store import Store
from domain.vision.library import index_image
from gateway.auth import Principal
from gateway.deps import StoreDep, ToolConfigDep, require_role
from tools.registry import ToolError

router = APIRouter(prefix="/api/v1", tags=["verification"])
UPLOAD_ROLES = ("creator", "admin")
_CHUNK = 256 * 1024


async def _read_bounded(file: UploadFile, limit: int) -> bytes:
    """Read at most ``limit`` bytes; one byte more is already too large."""
    parts, size = [], 0
    while chunk := await file.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise ToolError(
                "PAYLOAD_TOO_LARGE",
                f"the image is larger than {limit:,} bytes",
                {"field": "file", "limit_bytes": limit},
            )
        parts.append(chunk)
    return b"".join(parts)


def _store(
    store: Store, config: media.MediaConfig, data: bytes, user: Principal
) -> dict[str, Any]:
    with store.session() as s:
        stored, image = media.store_upload(
            s, data, config.root, owner_id=user.user_id, max_bytes=config.max_bytes,
            max_pixels=config.max_pixels, field="file",
        )
        if stored.created:
            seller = user.user_id if user.role == "creator" else None
            index_image(s, stored.id, image, seller_id=seller)
    return {
        "id": stored.id,
        "sha256": stored.sha256,
        "mime": stored.mime,
        "width": stored.width,
        "height": stored.height,
        "size_bytes": stored.size_bytes,
        "created": stored.created,
    }


@router.post("/uploads", status_code=201)
async def upload_image(
    user: Annotated[Principal, require_role(*UPLOAD_ROLES)],
    store: StoreDep,
    config: ToolConfigDep,
    file: Annotated[UploadFile, File(description="A JPEG, PNG, GIF, WebP or BMP image")],
) -> dict[str, Any]:
    """Upload one product photo (multipart field ``file``); creators and admins."""
    media_config = config.media
    if media_config is None:  # create_app always configures it; a bare ToolConfig does not
        raise ToolError("UPSTREAM_UNAVAILABLE", "uploads are not configured here")
    data = await _read_bounded(file, media_config.max_bytes)
    return await asyncio.to_thread(_store, store, media_config, data, user)
