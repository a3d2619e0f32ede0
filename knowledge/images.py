"""Illustrations of the heritage corpus: every image a document references exists on disk.

The documents cite ``images/<name>.jpg`` beside their text. No licensed photographs ship
with the repository, so each is a rendering from ``domain.vision.render`` in the texture
family of its craft (weave, glaze, carving, print): an illustration, not a photograph of the
piece the caption describes. ``python -m knowledge.images`` draws the missing ones.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from domain.vision.render import RenderSpec, hue_of, render, seed_of
from knowledge.corpus import CORPUS_DIR, CorpusDoc, load_corpus

SIZE = 160
# Words of a document's crafts and title that pick the texture family of its illustration.
_FAMILY_WORDS = (
    ("weave", ("silk", "weav", "saree", "embroider", "shawl", "textile", "ikat", "doria", "loom",
               "chikankari", "phulkari", "kantha", "zari", "cotton", "carpet", "durrie")),
    ("print", ("print", "painting", "kalamkari", "madhubani", "pattachitra", "warli", "gond",
               "miniature", "ajrakh", "bagh", "dabu", "pichwai", "art")),
    ("glaze", ("pottery", "glass", "ceramic", "terracotta", "clay", "enamel", "meenakari",
               "glaze", "lacquer")),
)


def family_of(doc: CorpusDoc) -> str:
    """The texture family that best stands for the document's craft (carving by default)."""
    words = " ".join([doc.title, *doc.crafts]).lower()
    for family, stems in _FAMILY_WORDS:
        if any(stem in words for stem in stems):
            return family
    return "carving"


def image_file(ref_path: str, directory: Path = CORPUS_DIR) -> Path:
    """Where an image reference of a document lives on disk."""
    return directory / ref_path


def render_missing(directory: Path = CORPUS_DIR) -> list[Path]:
    """Draw every referenced image that does not exist yet; returns the files written."""
    written = []
    for doc in load_corpus(directory):
        for ref in doc.images:
            path = image_file(ref.path, directory)
            if path.exists():
                continue
            spec = RenderSpec(family_of(doc), True, hue_of(doc.doc_id), seed_of(ref.path), SIZE)
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(render(spec)).save(path, "JPEG", quality=85)
            written.append(path)
    return written


if __name__ == "__main__":
    for p in render_missing():
        print(p.relative_to(CORPUS_DIR))  # noqa: T201 - a developer's script reports its files
