"""The heritage corpus: Markdown documents with YAML front matter, loaded and checked.

Each file in ``knowledge/corpus/`` is one document. Its front matter names it (``doc_id``), says
what it is (``kind``: cluster, technique or help), which crafts and region it covers, and its GI
tag where one exists; the body is Markdown whose ``##`` sections the index keeps apart. A
malformed document raises :class:`~domain.errors.InvalidInput` naming the file and the field.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from domain.errors import InvalidInput

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
KINDS = ("cluster", "technique", "help")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.M)
_DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,80}$")


@dataclass(frozen=True)
class ImageRef:
    """An image the document shows: where it lives and what it depicts."""

    path: str
    caption: str


@dataclass(frozen=True)
class CorpusDoc:
    """One heritage or help document."""

    doc_id: str
    title: str
    kind: str
    crafts: tuple[str, ...]
    region: str
    body: str
    content_hash: str
    gi_tag: str | None = None
    cluster_id: str | None = None
    images: tuple[ImageRef, ...] = ()
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def sections(self) -> dict[str, str]:
        """The body's ``##`` sections by heading (the text before the first one is ``""``)."""
        parts = _SECTION.split(self.body)
        out = {"": parts[0].strip()}
        for heading, text in zip(parts[1::2], parts[2::2], strict=True):
            out[heading.strip()] = text.strip()
        return out

    def metadata(self) -> dict[str, str]:
        """Flat, scalar metadata as the vector store keeps it (lists joined with ``; ``)."""
        return {
            "doc_id": self.doc_id, "title": self.title, "kind": self.kind,
            "crafts": "; ".join(self.crafts), "region": self.region,
            "gi_tag": self.gi_tag or "", "cluster_id": self.cluster_id or "",
            "doc_hash": self.content_hash,
            "images": "; ".join(f"{i.path}|{i.caption}" for i in self.images),
        }


def _require_str(meta: dict[str, Any], key: str, source: str) -> str:
    value = meta.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{source}: front matter field '{key}' must be a non-empty string",
                           field=key, source=source)
    return value.strip()


def parse_document(text: str, source: str = "<string>") -> CorpusDoc:
    """Parse one Markdown document with front matter; raise ``InvalidInput`` naming the field."""
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if match is None:
        raise InvalidInput(f"{source}: missing '---' front matter", field="front_matter",
                           source=source)
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{source}: front matter is not valid YAML: {exc}",
                           field="front_matter", source=source) from exc
    if not isinstance(meta, dict):
        raise InvalidInput(f"{source}: front matter must be a mapping", field="front_matter",
                           source=source)
    doc_id = _require_str(meta, "doc_id", source)
    if not _DOC_ID.match(doc_id):
        raise InvalidInput(f"{source}: doc_id {doc_id!r} must be lowercase letters, digits and "
                           "hyphens", field="doc_id", source=source)
    kind = _require_str(meta, "kind", source)
    if kind not in KINDS:
        raise InvalidInput(f"{source}: kind {kind!r} is not one of {KINDS}", field="kind",
                           source=source)
    crafts = meta.get("crafts")
    if (not isinstance(crafts, list) or not crafts
            or not all(isinstance(c, str) and c.strip() for c in crafts)):
        raise InvalidInput(f"{source}: 'crafts' must be a non-empty list of names",
                           field="crafts", source=source)
    body = match.group(2).strip()
    if len(body.split()) < 40:
        raise InvalidInput(f"{source}: the body is too short to be useful", field="body",
                           source=source)
    gi_tag = meta.get("gi_tag")
    known = {"doc_id", "title", "kind", "crafts", "region", "gi_tag", "cluster_id"}
    return CorpusDoc(
        doc_id=doc_id,
        title=_require_str(meta, "title", source),
        kind=kind,
        crafts=tuple(c.strip().lower() for c in crafts),
        region=_require_str(meta, "region", source),
        body=body,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        gi_tag=str(gi_tag).strip() if gi_tag else None,
        cluster_id=str(meta["cluster_id"]) if meta.get("cluster_id") else None,
        images=tuple(ImageRef(path, alt.strip()) for alt, path in _IMAGE.findall(body)),
        source=source,
        extra={k: v for k, v in meta.items() if k not in known},
    )


def load_corpus(directory: Path = CORPUS_DIR) -> list[CorpusDoc]:
    """Every ``*.md`` document under ``directory``, sorted by id; ids must be unique."""
    docs = [parse_document(p.read_text(encoding="utf-8"), p.name)
            for p in sorted(directory.glob("*.md"))]
    seen: dict[str, str] = {}
    for doc in docs:
        if doc.doc_id in seen:
            raise InvalidInput(f"doc_id {doc.doc_id!r} is used by {seen[doc.doc_id]} and "
                               f"{doc.source}", field="doc_id")
        seen[doc.doc_id] = doc.source
    return sorted(docs, key=lambda d: d.doc_id)


_BULLET = re.compile(r"^\s*(?:[-*]|\d+\.)\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def split_sentences(text: str) -> list[str]:
    """Sentences of a Markdown passage: list items count as one each; headings and images drop."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.splitlines() if ln.strip()]
        if not lines:
            continue
        if all(_BULLET.match(ln) or ln.startswith("  ") for ln in lines):
            items, current = [], ""
            for ln in lines:
                if _BULLET.match(ln):
                    if current:
                        items.append(current)
                    current = _BULLET.sub("", ln).strip()
                else:
                    current += " " + ln.strip()
            items.append(current)
            out.extend(i.rstrip(".") + "." for i in items if i)
            continue
        prose = " ".join(ln.strip() for ln in lines
                         if not ln.lstrip().startswith("#") and not _IMAGE.fullmatch(ln.strip()))
        out.extend(s.strip() for s in _SENTENCE_END.split(prose) if len(s.split()) >= 3)
    return out


def document_sentences(doc: CorpusDoc) -> list[tuple[str, str]]:
    """``(section heading, sentence)`` pairs of a document, in order."""
    return [(heading, sentence) for heading, text in doc.sections().items()
            for sentence in split_sentences(text)]
