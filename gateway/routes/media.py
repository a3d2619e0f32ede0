"""Media and product pages: ``GET /media/{key}`` (``?size=thumb``) and ``GET /p/{product_id}``.

Photos are content-addressed, so they are served with a strong ETag, cached for a year and
answered ``304`` when the client already has them. The product page is server-rendered HTML
(no script): title, photos, price in ₹, maker, craft and cluster, the authenticity score
(property 14) and a heritage snippet from the knowledge base with its source.
"""

from __future__ import annotations

import asyncio
import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse

from domain import media_files
from domain.errors import DomainError
from domain.store import Store
from domain.store.models import Cluster, Creator, Product
from gateway.deps import StoreDep, ToolConfigDep
from tools.registry import ToolError

router = APIRouter(tags=["media"])
CACHE = "public, max-age=31536000, immutable"
PAGE_CACHE = "public, max-age=60"
PUBLIC_STATUSES = ("active", "sold")
_PRODUCT_ID = re.compile(r"^p-\d{5}$")
_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'"


def _locate(store: Store, root: Path, key: str, thumb: bool) -> media_files.MediaBlob:
    try:
        with store.session() as s:
            return media_files.locate(s, key, root, thumb=thumb)
    except DomainError as exc:
        raise ToolError(exc.code, exc.message, {"field": exc.field or "key"}) from exc


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return f'"{etag}"' in tags


@router.get("/media/{key}")
async def media(
    request: Request, store: StoreDep, config: ToolConfigDep, key: str,
    size: Literal["full", "thumb"] = Query(default="full"),
) -> Response:
    """A product photo (``?size=thumb``: at most 256 px a side, JPEG); public, cacheable."""
    if not media_files.KEY.match(key):
        raise ToolError("VALIDATION_ERROR", "not a media key (up-… or img-… and 16 hex digits)",
                        {"field": "key"})
    root = config.media_root
    if root is None:
        raise ToolError("NOT_FOUND", "no media store is configured", {"field": "key"})
    blob = await asyncio.to_thread(_locate, store, root, key, size == "thumb")
    headers = {"ETag": f'"{blob.etag}"', "Cache-Control": CACHE,
               "X-Content-Type-Options": "nosniff"}
    if _etag_matches(request.headers.get("if-none-match"), blob.etag):
        return Response(status_code=304, headers=headers)
    return FileResponse(blob.path, media_type=blob.mime, headers=headers)


# -- the product page --------------------------------------------------------------------


@dataclass(frozen=True)
class Heritage:
    """A short passage of the knowledge base about the piece's craft, and where it is from."""

    text: str
    title: str
    source: str


@dataclass(frozen=True)
class ProductView:
    """What the product page shows."""

    id: str
    title: str
    description: str
    price: float
    status: str
    authenticity_score: float | None
    images: list[str] = field(default_factory=list)
    maker: str = ""
    maker_id: str = ""
    region: str = ""
    craft: str = ""
    cluster: str = ""
    materials: list[str] = field(default_factory=list)
    techniques: list[str] = field(default_factory=list)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    heritage: Heritage | None = None


def rupees(amount: float) -> str:
    """₹ with Indian digit grouping: ₹1,25,000."""
    whole = f"{round(amount):d}"
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        whole = ",".join([head, *groups, tail]) if head else ",".join([*groups, tail])
    return f"₹{whole}"


def score_text(score: float | None) -> str:
    """How the page states the authenticity score (property 14)."""
    if score is None:
        return "Authenticity score: not yet analysed"
    return f"Authenticity score: {score:.0f}/100"


def render_product_page(view: ProductView) -> str:
    """The page's HTML; every value from the store is escaped."""
    e = html.escape
    photos = "".join(
        f'<a href="/media/{e(k)}"><img src="/media/{e(k)}?size=thumb" alt="{e(view.title)} '
        f'photo {i + 1}" width="256" loading="lazy"></a>'
        for i, k in enumerate(view.images)
    ) or "<p>No photos yet.</p>"
    facts = [("Maker", view.maker + (f" ({view.region})" if view.region else "")),
             ("Craft", view.craft), ("Cluster", view.cluster),
             ("Materials", ", ".join(view.materials)),
             ("Techniques", ", ".join(view.techniques))]
    rows = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts if v)
    other = "".join(
        f'<section lang="{e(lang)}"><h2>{e(t.get("title", ""))}</h2>'
        f'<p>{e(t.get("description", ""))}</p><p class="method">{e(lang)} · '
        f'{e(t.get("method", ""))}</p></section>'
        for lang, t in view.translations.items() if lang != "en"
    )
    heritage = ""
    if view.heritage is not None:
        h = view.heritage
        heritage = (f'<aside class="heritage"><h2>About the craft</h2><p>{e(h.text)}</p>'
                    f'<p class="source">Source: heritage knowledge base — “{e(h.title)}” '
                    f"({e(h.source)})</p></aside>")
    status = "" if view.status == "active" else f"<p><strong>{e(view.status)}</strong></p>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(view.title)} · Qalakar</title>
<style>body{{font-family:system-ui,sans-serif;max-width:56rem;margin:1rem auto;padding:0 1rem}}
img{{border-radius:6px;margin:0 .5rem .5rem 0}}th{{text-align:left;padding-right:1rem}}
.price{{font-size:1.6rem;font-weight:600}}.score{{font-weight:600}}
.heritage{{background:#f6f1e7;padding:.5rem 1rem;border-radius:6px}}
.method,.source{{color:#666;font-size:.85rem}}</style></head>
<body><main>
<h1>{e(view.title)}</h1>{status}
<div class="photos">{photos}</div>
<p class="price" data-price="{view.price:.2f}">{e(rupees(view.price))}</p>
<p class="score" data-authenticity-score="{'' if view.authenticity_score is None
    else f'{view.authenticity_score:.1f}'}">{e(score_text(view.authenticity_score))}</p>
<table>{rows}</table>
<p>{e(view.description)}</p>
{heritage}
{other}
</main></body></html>"""


@lru_cache(maxsize=1)
def _heritage_docs() -> list:
    from knowledge.corpus import load_corpus

    return [d for d in load_corpus() if d.kind in ("cluster", "technique")]


def heritage_for(cluster_id: str | None, craft: str) -> Heritage | None:
    """The first paragraph the knowledge base has on the craft (else the maker's cluster)."""
    docs = _heritage_docs()
    doc = next((d for d in docs if craft and craft.lower() in {c.lower() for c in d.crafts}),
               None)
    if doc is None:
        doc = next((d for d in docs if cluster_id and d.cluster_id == cluster_id), None)
    if doc is None:
        return None
    lead = doc.sections().get("", "")
    paragraphs = [p.strip() for p in lead.split("\n\n")
                  if p.strip() and not p.lstrip().startswith(("#", "!["))]
    text = " ".join(paragraphs[0].split()) if paragraphs else ""
    if len(text) > 420:
        text = text[:417].rsplit(" ", 1)[0] + "…"
    source = Path(doc.source).name if doc.source else doc.doc_id
    return Heritage(text, doc.title, source) if text else None


def _view(store: Store, product_id: str) -> ProductView:
    with store.session() as s:
        p = s.get(Product, product_id)
        if p is None or p.status not in PUBLIC_STATUSES:
            raise ToolError("NOT_FOUND", f"no published listing {product_id}",
                            {"field": "product_id"})
        creator = s.get(Creator, p.creator_id)
        cluster = s.get(Cluster, creator.cluster_id) if creator and creator.cluster_id else None
        return ProductView(
            id=p.id, title=p.title, description=p.description or "", price=float(p.price),
            status=p.status, authenticity_score=p.authenticity_score,
            images=[i["key"] if isinstance(i, dict) else str(i) for i in p.images or []],
            maker=creator.name if creator else "", maker_id=p.creator_id,
            region=creator.region if creator else "",
            craft=p.craft or (creator.primary_craft if creator else ""),
            cluster=f"{cluster.name}, {cluster.state}" if cluster else "",
            materials=list(p.materials or []), techniques=list(p.techniques or []),
            translations={k: v for k, v in (p.translations or {}).items()
                          if isinstance(v, dict)},
            heritage=heritage_for(creator.cluster_id if creator else None, p.craft or ""),
        )


@router.get("/p/{product_id}", response_class=HTMLResponse)
async def product_page(store: StoreDep, product_id: str) -> HTMLResponse:
    """A published listing as a web page (the widget's product cards link here)."""
    if not _PRODUCT_ID.match(product_id):
        raise ToolError("VALIDATION_ERROR", "a product id looks like p-00012",
                        {"field": "product_id"})
    view = await asyncio.to_thread(_view, store, product_id)
    return HTMLResponse(render_product_page(view), headers={
        "Cache-Control": PAGE_CACHE, "Content-Security-Policy": _CSP,
        "X-Content-Type-Options": "nosniff",
    })
