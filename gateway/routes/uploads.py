"""``POST /api/v1/uploads``: store a product photo and index it; returns an id tools accept.

The type is sniffed from the bytes, size and pixel count are bounded, EXIF is stripped, and the
file is stored content-addressed (sha256) under ``data_dir/media`` with a thumbnail.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile

from domain import media
from domain.errors import DomainError
from domain.vision.library import index_image
from gateway.auth import CurrentUser
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


def _store(request: Request, data: bytes, user_id: str, role: str) -> dict[str, Any]:
    state = request.app.state
    root = state.settings.data_dir / "media"
    try:
        with state.store.session() as s:
            stored, image = media.store_upload(
                s, data, root, owner_id=user_id, max_bytes=state.settings.max_upload_bytes,
                max_pixels=state.settings.max_upload_pixels,
            )
            if stored.created:
                index_image(s, stored.id, image, seller_id=user_id if role == "creator" else None)
    except DomainError as exc:
        raise ToolError(
            exc.code, exc.message, {"field": exc.field or "file", **exc.details}
        ) from exc
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
    request: Request,
    user: CurrentUser,
    file: Annotated[UploadFile, File(description="A JPEG, PNG, GIF, WebP or BMP image")],
) -> dict[str, Any]:
    """Upload one product photo (multipart field ``file``); creators and admins."""
    if user.role not in UPLOAD_ROLES:
        raise ToolError(
            "FORBIDDEN",
            f"the {user.role} role may not upload images",
            {"allowed_roles": list(UPLOAD_ROLES)},
        )
    data = await _read_bounded(file, request.app.state.settings.max_upload_bytes)
    return await asyncio.to_thread(_store, request, data, user.user_id, user.role)
