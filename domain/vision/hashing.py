"""Perceptual signatures of product photographs and the similarity used for theft checks (prop 41).

A stored image is summarised by the central 80 % of the frame: a 64-bit pHash and a 64-bit
dHash (``imagehash``) and a 4×4 grid of rg-chromaticity (brightness-free colour). A suspect
copy may be cropped, resized, re-encoded, brightened or mirrored, so a query is hashed over a
small grid of candidate windows, in both orientations; the best window aligns it with the
original. Similarity is ``1 - bits/160 - chroma/80`` at that window: 1 for the same photo.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import imagehash
import numpy as np
from PIL import Image, ImageEnhance, ImageOps

# Similarity at or above this means "the same photograph" (the seed's 90 %, prop 41).
THEFT_THRESHOLD = 0.9
# Hash bits a pair may differ by and still reach the threshold (chroma distance 0).
MAX_BITS = 16
_MARGIN = 0.10
# Candidate crops of a query: per side, (fraction cropped, fraction of it taken on the left).
_CROPS = tuple((c, lead) for c in (0.0, 0.05, 0.10) for lead in sorted({0.0, c / 2, c}))


@dataclass(frozen=True)
class Signature:
    """What the index keeps of one image (or one window of a query)."""

    phash: int
    dhash: int
    chroma: tuple[float, ...]

    @property
    def code(self) -> int:
        """PHash and dHash as one 128-bit integer (what the hash index scans)."""
        return (self.phash << 64) | self.dhash

    def hex(self) -> tuple[str, str]:
        """Both hashes as 16 hex digits (how the store keeps them)."""
        return f"{self.phash:016x}", f"{self.dhash:016x}"

    @classmethod
    def from_stored(cls, phash: str, dhash: str, chroma: list[float]) -> Signature:
        """The inverse of :meth:`hex` plus the chroma grid."""
        return cls(int(phash, 16), int(dhash, 16), tuple(float(c) for c in chroma))


def as_pil(image: Image.Image | np.ndarray) -> Image.Image:
    """An RGB PIL image from a PIL image or an array (uint8, or floats in [0, 1])."""
    if isinstance(image, Image.Image):
        return image.convert("RGB")
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = (np.clip(arr, 0, 1) * 255 + 0.5).astype(np.uint8)
    return Image.fromarray(arr).convert("RGB")


def _bits(h: imagehash.ImageHash) -> int:
    return int(np.packbits(h.hash.ravel()).view(">u8")[0])


def _chroma(pil: Image.Image) -> tuple[float, ...]:
    small = np.asarray(pil.resize((4, 4), Image.Resampling.BOX), dtype=float) / 255.0
    rg = small[..., :2] / (small.sum(axis=-1, keepdims=True) + 1e-3)
    return tuple(np.round(rg.ravel() * 100, 3).tolist())


def _signature(window: Image.Image) -> Signature:
    return Signature(
        _bits(imagehash.phash(window)), _bits(imagehash.dhash(window)), _chroma(window)
    )


def signature(image: Image.Image | np.ndarray) -> Signature:
    """The stored signature: hashes and chroma of the central window of the image."""
    pil = as_pil(image)
    w, h = pil.size
    box = (
        round(_MARGIN * w),
        round(_MARGIN * h),
        round((1 - _MARGIN) * w),
        round((1 - _MARGIN) * h),
    )
    return _signature(pil.crop(box))


def query_signatures(image: Image.Image | np.ndarray) -> list[Signature]:
    """Signatures of every candidate window of a suspect copy, as posted and mirrored.

    If up to 10 % of each dimension was cropped away, one of these windows shows (nearly) the
    same part of the scene as the stored central window.
    """
    pil = as_pil(image)
    out = []
    for base in (pil, ImageOps.mirror(pil)):
        w, h = base.size
        for cx, lx in _CROPS:
            for cy, ly in _CROPS:
                box = (
                    (_MARGIN - lx) / (1 - cx) * w,
                    (_MARGIN - ly) / (1 - cy) * h,
                    (1 - _MARGIN - lx) / (1 - cx) * w,
                    (1 - _MARGIN - ly) / (1 - cy) * h,
                )
                left, top, right, bottom = (round(v) for v in box)
                out.append(_signature(base.crop((left, top, right, bottom))))
    return out


def hamming(a: int, b: int) -> int:
    """Number of differing bits."""
    return (a ^ b).bit_count()


def pair_similarity(query: Signature, stored: Signature) -> float:
    """Similarity of one query window to one stored image, in [0, 1]."""
    bits = hamming(query.code, stored.code)
    chroma = float(np.abs(np.subtract(query.chroma, stored.chroma)).mean())
    return float(np.clip(1.0 - bits / 160.0 - chroma / 80.0, 0.0, 1.0))


def similarity(queries: list[Signature], stored: Signature) -> float:
    """Similarity of a suspect copy (all its windows) to a stored image: the best window's."""
    best = min(queries, key=lambda q: hamming(q.code, stored.code))
    return pair_similarity(best, stored)


def augment(
    image: Image.Image | np.ndarray,
    rng: np.random.Generator,
    *,
    max_crop: float = 0.10,
    min_quality: int = 50,
    max_brightness: float = 0.20,
    mirror: bool | None = None,
) -> Image.Image:
    """A disguised copy: up to ``max_crop`` of each dimension cut off, resized, brightened.

    Contrast-shifted, maybe mirrored, and re-encoded as JPEG of quality ``min_quality``-95.
    """
    pil = as_pil(image)
    w, h = pil.size
    cw, ch = (rng.uniform(0, max_crop, 2) * (w, h)).astype(int)
    left, top = int(rng.integers(0, cw + 1)), int(rng.integers(0, ch + 1))
    pil = pil.crop((left, top, left + w - cw, top + h - ch))
    scale = float(rng.uniform(0.6, 2.0))
    pil = pil.resize(
        (max(16, int(pil.width * scale)), max(16, int(pil.height * scale))),
        Image.Resampling.BILINEAR,
    )
    pil = ImageEnhance.Brightness(pil).enhance(1 + rng.uniform(-max_brightness, max_brightness))
    pil = ImageEnhance.Contrast(pil).enhance(1 + rng.uniform(-max_brightness, max_brightness))
    if mirror if mirror is not None else bool(rng.integers(0, 2)):
        pil = ImageOps.mirror(pil)
    buf = io.BytesIO()
    pil.save(buf, "JPEG", quality=int(rng.integers(min_quality, 96)))
    buf.seek(0)
    return Image.open(buf).convert("RGB")
