"""The pages: the buyer chat widget, the creator console, heritage pages and offline API docs.

Everything a page loads comes from the gateway itself (no CDN): the scripts and styles in
``gateway/static``, Swagger UI's assets from the ``fastapi-offline`` package, and the
heritage documents of ``knowledge/corpus`` rendered from Markdown on the server.
"""

from __future__ import annotations

import asyncio
import html
import re
from functools import lru_cache
from pathlib import Path

import yaml
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from markdown_it import MarkdownIt

from tools.registry import ToolError

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).resolve().parent.parent / "static"
CORPUS = Path(__file__).resolve().parents[2] / "knowledge" / "corpus"
DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
MEDIA_TYPES = {"js": "text/javascript", "css": "text/css", "png": "image/png"}


@router.get("/")
async def widget() -> FileResponse:
    """The buyer chat widget."""
    return FileResponse(STATIC / "index.html", media_type="text/html")


@router.get("/creator")
async def creator_console() -> FileResponse:
    """The creator console: dashboard beside a voice and text chat."""
    return FileResponse(STATIC / "creator.html", media_type="text/html")


@router.get("/static/{name}")
async def static_file(name: str) -> FileResponse:
    """Scripts and styles of the pages (no build step)."""
    path = (STATIC / name).resolve()
    if path.parent != STATIC or not path.is_file():
        raise ToolError("NOT_FOUND", f"no static file {name!r}")
    return FileResponse(path, media_type=MEDIA_TYPES.get(path.suffix.lstrip(".")))


def _swagger_dir() -> Path:
    # fastapi-offline ships Swagger UI 5 (OpenAPI 3.1, what FastAPI writes); only its files
    # are used, the gateway keeps its own /docs route
    import fastapi_offline

    return (Path(fastapi_offline.__file__).parent / "static").resolve()


@router.get("/docs")
async def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI over the gateway's OpenAPI schema, with its assets served locally."""
    if not request.app.state.settings.docs_enabled:
        raise ToolError("NOT_FOUND", "the API docs are not served here")
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url or "/openapi.json",
        title=f"{request.app.title} — API",
        swagger_js_url="/docs/assets/swagger-ui-bundle.js",
        swagger_css_url="/docs/assets/swagger-ui.css",
        swagger_favicon_url="/docs/assets/favicon.png",
    )


@router.get("/docs/assets/{name}")
async def api_docs_asset(name: str) -> FileResponse:
    """One Swagger UI asset from the ``fastapi-offline`` package."""
    base = _swagger_dir()
    path = (base / name).resolve()
    if path.parent != base or not path.is_file():
        raise ToolError("NOT_FOUND", f"no docs asset {name!r}")
    return FileResponse(path, media_type=MEDIA_TYPES.get(path.suffix.lstrip(".")))


@lru_cache(maxsize=128)
def render_heritage(doc_id: str) -> str | None:
    """The heritage document ``doc_id`` as a page, or ``None`` when there is none."""
    path = CORPUS / f"{doc_id}.md"
    if not DOC_ID.match(doc_id) or not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    meta: dict[str, object] = {}
    if text.startswith("---\n"):
        head, _, text = text[4:].partition("\n---\n")
        meta = yaml.safe_load(head) or {}
    # html=False: the corpus is ours, but a page never passes raw HTML through
    md = MarkdownIt("commonmark", {"html": False})
    md.add_render_rule("image", lambda _self, tokens, idx, _options, _env: _figure(
        str(tokens[idx].attrs.get("src", "")), tokens[idx].content))
    body = md.render(text)
    title = html.escape(str(meta.get("title") or doc_id))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{title} — Qalakar heritage</title>'
        '<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/chat.css"></head>'
        f'<body class="doc"><header><h1><a href="/">Qalakar</a> · heritage</h1></header>'
        f'<main class="heritage">{body}</main></body></html>'
    )


_IMAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}\.(?:jpg|png)$")


def _figure(src: str, alt: str) -> str:
    """A corpus image (``images/NAME``, served below) with its description as the caption."""
    name = src.removeprefix("images/")
    words = html.escape(alt)
    if not _IMAGE_NAME.match(name) or not (CORPUS / "images" / name).is_file():
        return f'<span class="img-alt">[{words}]</span>'
    return (f'<figure><img src="/heritage/images/{name}" alt="{words}" loading="lazy">'
            f"<figcaption>{words}</figcaption></figure>")


@router.get("/heritage/images/{name}")
async def heritage_image(name: str) -> FileResponse:
    """An image of the heritage corpus (generated illustrations, see knowledge/images.py)."""
    path = CORPUS / "images" / name
    if not _IMAGE_NAME.match(name) or not path.is_file():
        raise ToolError("NOT_FOUND", "no such heritage image", {"field": "name"})
    return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})


@router.get("/heritage/{doc_id}")
async def heritage_page(doc_id: str) -> HTMLResponse:
    """A heritage document of the knowledge corpus, rendered from Markdown."""
    page = await asyncio.to_thread(render_heritage, doc_id)
    if page is None:
        raise ToolError("NOT_FOUND", f"no heritage document {doc_id!r}", {"field": "doc_id"})
    return HTMLResponse(page)
