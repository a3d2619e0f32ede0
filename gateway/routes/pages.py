"""The pages: the buyer chat widget, the creator console, and their scripts and styles."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from tools.registry import ToolError

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).resolve().parent.parent / "static"


@router.get("/")
async def widget() -> FileResponse:
    """The buyer chat widget."""
    return FileResponse(STATIC / "index.html", media_type="text/html")


@router.get("/creator")
async def creator_console() -> FileResponse:
    """The creator console: voice and text chat."""
    return FileResponse(STATIC / "creator.html", media_type="text/html")


@router.get("/static/{name}")
async def static_file(name: str) -> FileResponse:
    """Scripts and styles of the pages (no build step)."""
    path = (STATIC / name).resolve()
    if path.parent != STATIC or not path.is_file():
        raise ToolError("NOT_FOUND", f"no static file {name!r}")
    media = {"js": "text/javascript", "css": "text/css"}.get(path.suffix.lstrip("."), None)
    return FileResponse(path, media_type=media)
