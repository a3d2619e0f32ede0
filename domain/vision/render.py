"""Procedural photographs of crafts, hand-made or machine-made, for the seed and the classifier.

A rendering is fixed by a :class:`RenderSpec` (family, palette, how hand-made, a seed), so the
same image key always gives the same pixels. Hand-made work has uneven threads, wobbling
silhouettes, gouge strokes and misregistered block prints; machine work repeats exactly and
prints through a halftone screen. The classifier learns from these, so the differences are
physical ones (irregularity, periodicity, symmetry), never a watermark.
"""

from __future__ import annotations

import colorsys
import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import ndimage

FAMILIES = ("weave", "glaze", "carving", "print")
# Which texture family photographs of each category look like.
CATEGORY_FAMILY = {
    "textiles": "weave",
    "basketry": "weave",
    "pottery": "glaze",
    "glass": "glaze",
    "woodwork": "carving",
    "stonework": "carving",
    "metalware": "carving",
    "toys": "carving",
    "jewellery": "carving",
    "painting": "print",
    "home_decor": "print",
    "leather": "print",
}
SIZE = 128


@dataclass(frozen=True)
class RenderSpec:
    """Everything that fixes one image: the family, the maker's palette and how hand-made."""

    family: str
    handmade: bool
    hue: float  # the maker's base hue, 0-1; keeps one creator's images in one palette
    seed: int
    size: int = SIZE


def seed_of(text: str) -> int:
    """A stable 63-bit integer from a string (``hash()`` is salted per process)."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1


def hue_of(text: str) -> float:
    """A stable hue in [0, 1) for a creator id, so one maker keeps one palette."""
    return (seed_of("hue:" + text) % 10_000) / 10_000


def spec_for(key: str, category: str, *, handmade: bool, palette_of: str) -> RenderSpec:
    """The spec of a seeded product image: family from the category, palette from the maker."""
    family = CATEGORY_FAMILY.get(category, "print")
    return RenderSpec(family, handmade, hue_of(palette_of), seed_of(key))


def render(spec: RenderSpec) -> np.ndarray:
    """An RGB ``uint8`` array of shape (size, size, 3)."""
    if spec.family not in FAMILIES:
        raise ValueError(f"unknown family {spec.family!r}")
    rng = np.random.default_rng(spec.seed)
    # How irregular the hand is: real hands vary, and the two classes overlap a little.
    irregular = float(rng.uniform(0.35, 1.0) if spec.handmade else rng.uniform(0.0, 0.22))
    n = spec.size
    pal = _palette(spec.hue, rng, irregular)
    body = {"weave": _weave, "glaze": _glaze, "carving": _carving, "print": _print}[spec.family]
    rgb = body(rng, n, irregular, spec.handmade, pal)
    return _photograph(rng, rgb)


def _palette(hue: float, rng: np.random.Generator, irregular: float) -> np.ndarray:
    hues = [(hue + d + rng.normal(0, 0.02)) % 1.0 for d in (0.0, 0.08, 0.5, 0.55)]
    sats = rng.uniform(0.45, 0.85, 4)
    vals = rng.uniform(0.45, 0.95, 4)
    return np.array(
        [colorsys.hsv_to_rgb(h, s, v) for h, s, v in zip(hues, sats, vals, strict=True)]
    )


def _smooth_noise(rng: np.random.Generator, n: int, cells: int) -> np.ndarray:
    """Low-frequency noise in about [-1, 1], like uneven glaze or dye uptake."""
    grid = rng.normal(size=(cells, cells))
    # Separable linear interpolation: two small matrix products instead of a spline zoom.
    w = _interp_matrix(n, cells)
    field = w @ grid @ w.T
    return field / (np.abs(field).max() + 1e-9)


def _noise_1d(rng: np.random.Generator, n: int, cells: int) -> np.ndarray:
    """Low-frequency noise along one axis, in about [-1, 1]."""
    line = _interp_matrix(n, cells) @ rng.normal(size=cells)
    return line / (np.abs(line).max() + 1e-9)


@lru_cache(maxsize=64)
def _interp_matrix(n: int, cells: int) -> np.ndarray:
    pos = np.linspace(0, cells - 1, n)
    lo = np.clip(np.floor(pos).astype(int), 0, cells - 2)
    frac = pos - lo
    w = np.zeros((n, cells))
    w[np.arange(n), lo] = 1 - frac
    w[np.arange(n), lo + 1] = frac
    return w


@lru_cache(maxsize=8)
def _grid(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column coordinates (shared, read-only)."""
    y, x = np.mgrid[0:n, 0:n].astype(float)
    y.flags.writeable = False
    x.flags.writeable = False
    return y, x


def _backdrop(rng: np.random.Generator, n: int) -> np.ndarray:
    """A photographer's backdrop: a soft two-tone gradient whose direction varies per shot."""
    y, x = (g / n for g in _grid(n))
    angle = rng.uniform(0, 2 * np.pi)
    t = (np.cos(angle) * x + np.sin(angle) * y + 1) / 2
    a, b = rng.uniform(0.15, 0.9, 3), rng.uniform(0.15, 0.9, 3)
    return a * t[..., None] + b * (1 - t[..., None])


def _weave(rng, n, irr, hand, pal):  # private renderer signature
    y, x = _grid(n)
    pitch = rng.uniform(5.0, 9.0)
    count = int(n / pitch) + 4
    steps_x = pitch * (1 + irr * 0.35 * rng.normal(size=count)) if hand else np.full(count, pitch)
    steps_y = pitch * (1 + irr * 0.35 * rng.normal(size=count)) if hand else np.full(count, pitch)
    edges_x = np.cumsum(np.clip(steps_x, 2.5, None)) - 2 * pitch
    edges_y = np.cumsum(np.clip(steps_y, 2.5, None)) - 2 * pitch
    # A hand loom's threads drift; a power loom's stay put.
    wob = irr * 2.5 * _smooth_noise(rng, n, 4) if hand else 0.0
    xi = np.clip(np.searchsorted(edges_x, x + wob), 1, count - 1)
    yi = np.clip(np.searchsorted(edges_y, y - wob), 1, count - 1)
    fx = (x + wob - edges_x[xi - 1]) / (edges_x[xi] - edges_x[xi - 1])
    fy = (y - wob - edges_y[yi - 1]) / (edges_y[yi] - edges_y[yi - 1])
    stripe = int(rng.integers(2, 5))
    warp_col = pal[(xi // stripe) % 2]
    weft_col = pal[2 + (yi // stripe) % 2]
    if hand:  # each hand-dyed thread takes the dye a little differently
        warp_col = warp_col * (1 + irr * 0.25 * rng.normal(size=(count, 1))[xi])
        weft_col = weft_col * (1 + irr * 0.25 * rng.normal(size=(count, 1))[yi])
    over = ((xi + yi) % 2 == 0)[..., None]
    shade_w = (0.6 + 0.4 * np.sin(np.pi * fx))[..., None]
    shade_f = (0.6 + 0.4 * np.sin(np.pi * fy))[..., None]
    cloth = np.where(over, warp_col * shade_w, weft_col * shade_f)
    return _place_on_backdrop(rng, n, cloth, _cloth_mask(rng, n, irr, hand))


def _cloth_mask(rng, n, irr, hand):
    y, x = (g / n for g in _grid(n))
    m = rng.uniform(0.06, 0.2, 4)
    edge = irr * 0.03 * _smooth_noise(rng, n, 6) if hand else 0.0
    return ((x > m[0] + edge) & (x < 1 - m[1] + edge) & (y > m[2]) & (y < 1 - m[3])).astype(float)


def _glaze(rng, n, irr, hand, pal):
    y, x = (g / n for g in _grid(n))
    cx = 0.5 + (irr * 0.03 * rng.normal() if hand else 0.0)
    base_r = rng.uniform(0.22, 0.34)
    belly = rng.uniform(0.05, 0.14) * np.sin(np.pi * (y - 0.1) / 0.8)
    profile = base_r + belly
    if hand:  # thrown on a wheel by hand: the two sides do not quite agree
        left = profile * (1 + irr * 0.08 * _noise_1d(rng, n, 5)[:, None])
        right = profile * (1 + irr * 0.08 * _noise_1d(rng, n, 5)[:, None])
        radius = np.where(x < cx, left, right)
    else:
        radius = profile
    inside = (np.abs(x - cx) < radius) & (y > 0.1) & (y < 0.92)
    u = np.clip((x - cx) / np.maximum(radius, 1e-3), -1, 1)
    shade = (0.55 + 0.45 * np.sqrt(1 - u**2))[..., None]
    glaze = pal[0] * np.ones((n, n, 1))
    if hand:  # pooled glaze, drips and brushed bands
        pool = _smooth_noise(rng, n, 7)[..., None]
        glaze = glaze * (1 + irr * 0.35 * pool)
        for _ in range(int(rng.integers(3, 9))):
            dx, top = rng.uniform(-0.3, 0.3), rng.uniform(0.1, 0.5)
            length, width = rng.uniform(0.1, 0.4), rng.uniform(0.01, 0.03) * (1 + irr)
            drip = np.exp(-(((x - cx - dx) / width) ** 2)) * ((y > top) & (y < top + length))
            glaze = glaze * (1 - 0.5 * drip[..., None]) + pal[1] * 0.5 * drip[..., None]
        band_y = rng.uniform(0.3, 0.7) + irr * 0.02 * _smooth_noise(rng, n, 4)
        band = np.abs(y - band_y) < 0.03 + irr * 0.01 * _smooth_noise(rng, n, 6)
        glaze = np.where(band[..., None], pal[2] * (1 + 0.2 * irr * rng.normal()), glaze)
    else:  # a transfer decal repeated exactly around the pot
        period = rng.uniform(0.06, 0.1)
        band_y = rng.uniform(0.3, 0.7)
        motif = (np.cos(2 * np.pi * x / period) > 0.3) & (np.abs(y - band_y) < 0.05)
        glaze = np.where(motif[..., None], pal[2], glaze)
    pot = np.clip(glaze * shade, 0, 1)
    return _place_on_backdrop(rng, n, pot, inside.astype(float))


def _carving(rng, n, irr, hand, pal):
    y, x = _grid(n)
    grain = np.sin(x / rng.uniform(3, 7) + 2.5 * _smooth_noise(rng, n, 5))
    height = 0.15 * grain
    if hand:  # gouge strokes: short, each at its own angle, depth and length
        for _ in range(int(25 + 50 * irr)):
            x0, y0 = rng.uniform(0, n, 2)
            ang, length = rng.uniform(0, np.pi), rng.uniform(5, 18) * (0.7 + irr)
            width = rng.uniform(0.8, 2.2)
            x_lo, x_hi = int(max(0, x0 - length - 4)), int(min(n, x0 + length + 4))
            y_lo, y_hi = int(max(0, y0 - length - 4)), int(min(n, y0 + length + 4))
            sx, sy = x[y_lo:y_hi, x_lo:x_hi] - x0, y[y_lo:y_hi, x_lo:x_hi] - y0
            along = sx * np.cos(ang) + sy * np.sin(ang)
            across = -sx * np.sin(ang) + sy * np.cos(ang)
            cut = np.exp(-((across / width) ** 2)) * (np.abs(along) < length / 2)
            height[y_lo:y_hi, x_lo:x_hi] -= rng.uniform(0.4, 1.0) * cut
    else:  # a CNC router repeats one rosette on an exact grid
        period = rng.uniform(14, 22)
        u, v = (x % period) / period - 0.5, (y % period) / period - 0.5
        r, th = np.hypot(u, v), np.arctan2(v, u)
        petals = int(rng.integers(4, 8))
        height -= 0.8 * ((r < 0.35 + 0.08 * np.cos(petals * th)) & (r > 0.12))
    gy, gx = np.gradient(ndimage.gaussian_filter(height, 0.7))
    light = np.clip(0.65 + 1.4 * (gx * 0.6 - gy * 0.8), 0.1, 1.3)[..., None]
    wood = pal[1] * (0.85 + 0.15 * grain[..., None])
    mask = np.ones((n, n))
    mask[: int(n * rng.uniform(0.03, 0.1))] = 0
    return _place_on_backdrop(rng, n, np.clip(wood * light, 0, 1), mask)


def _motif(rng: np.random.Generator, m: int) -> np.ndarray:
    y, x = (np.mgrid[0:m, 0:m] - (m - 1) / 2) / (m / 2)
    r, th = np.hypot(x, y), np.arctan2(y, x)
    k = int(rng.integers(3, 7))
    return ((r < 0.55 + 0.3 * np.cos(k * th)) & (r > 0.15)).astype(float) + (r < 0.12)


def _print(rng, n, irr, hand, pal):
    cloth = pal[3] * 0.3 + 0.7 * np.ones((n, n, 3)) * np.array([0.93, 0.9, 0.82])
    m = int(rng.integers(14, 22))
    stamp = _motif(rng, m)
    ink = np.zeros((n, n))
    step = m + int(rng.integers(2, 6))
    for gy in range(-m, n + m, step):
        for gx in range(-m, n + m, step):
            oy, ox = gy, gx + (step // 2 if (gy // step) % 2 else 0)
            density = 1.0
            if hand:  # a block pressed by hand: off-register, uneven ink, the odd smudge
                oy += int(round(irr * 2.5 * rng.normal()))
                ox += int(round(irr * 2.5 * rng.normal()))
                density = float(np.clip(1 - irr * 0.45 * rng.random(), 0.3, 1))
            y0, x0, y1, x1 = max(oy, 0), max(ox, 0), min(oy + m, n), min(ox + m, n)
            if y1 > y0 and x1 > x0:
                patch = stamp[y0 - oy : y1 - oy, x0 - ox : x1 - ox]
                ink[y0:y1, x0:x1] = np.maximum(ink[y0:y1, x0:x1], density * patch)
    if hand:
        ink = ndimage.gaussian_filter(ink, 0.4 + irr * 0.6) * (
            1 + irr * 0.2 * _smooth_noise(rng, n, 8)
        )
    else:  # offset printing: ink laid down as a halftone dot screen
        y, x = _grid(n)
        pitch = rng.uniform(3.0, 4.0)
        screen = 0.5 + 0.25 * (np.cos(2 * np.pi * x / pitch) + np.cos(2 * np.pi * y / pitch))
        ink = (ndimage.gaussian_filter(ink, 0.6) * 0.95 > screen).astype(float)
    ink = np.clip(ink, 0, 1)[..., None]
    fabric = cloth * (1 - ink) + pal[0] * ink
    return _place_on_backdrop(rng, n, fabric, _cloth_mask(rng, n, irr, hand))


def _place_on_backdrop(rng, n, obj, mask):
    # Every shot is framed differently: the piece sits off-centre at its own scale.
    scale = rng.uniform(0.62, 0.95)
    m = max(8, int(n * scale))
    y0, x0 = (int(v) for v in rng.integers(0, n - m + 1, 2))
    rows = np.linspace(0, n - 1, m).astype(int)
    placed_obj = np.zeros_like(obj)
    placed_mask = np.zeros_like(mask)
    placed_obj[y0 : y0 + m, x0 : x0 + m] = obj[rows][:, rows]
    placed_mask[y0 : y0 + m, x0 : x0 + m] = mask[rows][:, rows]
    soft = ndimage.gaussian_filter(placed_mask, 0.8)[..., None]
    return placed_obj * soft + _backdrop(rng, n) * (1 - soft)


def _photograph(rng: np.random.Generator, rgb: np.ndarray) -> np.ndarray:
    """Lighting falloff, a touch of lens blur and sensor noise, then 8-bit."""
    n = rgb.shape[0]
    y, x = (g / n for g in _grid(n))
    cx, cy = rng.uniform(0.3, 0.7, 2)
    vignette = 1.05 - 0.35 * ((x - cx) ** 2 + (y - cy) ** 2)
    img = rgb * vignette[..., None] * rng.uniform(0.85, 1.1)
    img = ndimage.gaussian_filter(img, (rng.uniform(0.2, 0.6), rng.uniform(0.2, 0.6), 0))
    img = img + rng.normal(0, rng.uniform(0.005, 0.02), img.shape)
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)
