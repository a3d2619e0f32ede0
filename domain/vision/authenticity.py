"""Authenticity analysis of a listing's photographs (seed "Vision AI Analyzer", props 9-11).

Pure core: images and the creator's earlier images in, an :class:`AuthenticityReport` out. The
score is the calibrated probability of hand-made work, blended with how well the photos match
the creator's own style when there is history; below :data:`REVIEW_BELOW` a listing goes to
manual review. Mass-production flags name the physical evidence (repetition, halftone dots).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from domain.errors import InvalidInput, quote
from domain.store.models import CATEGORIES
from domain.vision import features as feat
from domain.vision.classifier import AuthenticityModel
from domain.vision.render import CATEGORY_FAMILY

REVIEW_BELOW = 60.0
STYLE_WEIGHT = 0.15
MAX_IMAGES = 10
# Thresholds on measured features, read off the machine-made renderings' upper tails.
_REPEAT = 0.85
_HALFTONE = 0.78
_SYMMETRY = 0.92


@dataclass(frozen=True)
class AuthenticityReport:
    """What the analyzer concludes about a set of photographs of one piece."""

    authenticity_score: float
    handmade_indicators: dict[str, object]
    mass_production_flags: list[str]
    style_consistency: float | None
    confidence: float
    requires_manual_review: bool
    per_image: list[dict[str, float]] = field(default_factory=list)


def blend_score(probabilities: Sequence[float], style: float | None) -> float:
    """The 0-100 score from per-image P(hand-made) and optional style consistency (0-1)."""
    if not probabilities:
        raise InvalidInput("at least one image is needed", field="images")
    p = float(np.clip(np.mean(probabilities), 0.0, 1.0))
    if style is not None:
        p = (1 - STYLE_WEIGHT) * p + STYLE_WEIGHT * float(np.clip(style, 0.0, 1.0))
    return round(100.0 * p, 1)


def requires_review(score: float) -> bool:
    """Prop 11: a score below 60 sends the listing to manual review."""
    return score < REVIEW_BELOW


def confidence_of(probabilities: Sequence[float]) -> float:
    """How decided the classifier is, and how much the photos agree (0-1)."""
    p = np.asarray(probabilities, dtype=float)
    decided = float(np.mean(np.abs(2 * p - 1)))
    agreement = 1.0 - float(p.std()) * 2 if len(p) > 1 else 0.9
    return round(float(np.clip(decided * max(agreement, 0.0), 0.0, 1.0)), 3)


def style_consistency(
    current: Sequence[feat.ImageFeatures], history: Sequence[feat.ImageFeatures]
) -> float | None:
    """Similarity of palette and surface to the creator's earlier photos (0-1), or ``None``."""
    if not current or not history:
        return None
    pal_now = np.mean([f.palette for f in current], axis=0)
    pal_then = np.mean([f.palette for f in history], axis=0)
    palette = float(np.minimum(pal_now, pal_then).sum())  # histogram intersection
    vec_now = np.mean([f.vector() for f in current], axis=0)
    vecs_then = np.array([f.vector() for f in history])
    spread = vecs_then.std(axis=0) + 0.05
    surface = float(np.exp(-np.abs((vec_now - vecs_then.mean(axis=0)) / spread).mean() / 2))
    return round(float(np.clip(0.6 * palette + 0.4 * surface, 0.0, 1.0)), 3)


def _flags(f: feat.ImageFeatures, claimed: Sequence[str]) -> list[str]:
    out = []
    if f["autocorrelation_peak"] >= _REPEAT:
        out.append(
            "exact repetition of the pattern "
            f"(autocorrelation peak {f['autocorrelation_peak']:.2f})"
        )
    if f["halftone"] >= _HALFTONE:
        out.append(
            f"regular high-frequency dot screen, as in halftone printing ({f['halftone']:.2f})"
        )
    if f["symmetry"] >= _SYMMETRY:
        out.append(f"mirror-perfect symmetry ({f['symmetry']:.2f}), as from a mould or lathe")
    if out and any(t.startswith("hand") for t in claimed):
        out.append(
            "claims "
            + ", ".join(t for t in claimed if t.startswith("hand"))
            + " but shows machine regularity"
        )
    return out


def analyze(
    images: Sequence[Image.Image | np.ndarray],
    category: str,
    model: AuthenticityModel,
    *,
    claimed_techniques: Sequence[str] = (),
    history: Sequence[Image.Image | np.ndarray] = (),
) -> AuthenticityReport:
    """Score one piece's photographs; ``history`` holds the creator's earlier photographs."""
    if category not in CATEGORIES:
        raise InvalidInput(
            f"unknown category {quote(category)}", field="category", allowed=list(CATEGORIES)
        )
    if not images:
        raise InvalidInput("at least one image is needed", field="images")
    if len(images) > MAX_IMAGES:
        raise InvalidInput(f"at most {MAX_IMAGES} images per analysis", field="images")
    family = CATEGORY_FAMILY[category]
    measured = [feat.extract(np.asarray(im)) for im in images]
    probs = [model.probability(f, family) for f in measured]
    past = [feat.extract(np.asarray(im)) for im in history]
    style = style_consistency(measured, past)
    score = blend_score(probs, style)
    flags: list[str] = []
    for i, f in enumerate(measured):
        flags.extend(f"image {i + 1}: {text}" for text in _flags(f, claimed_techniques))
    if style is not None and style < 0.35:
        flags.append(f"does not match the creator's earlier photographs (style {style:.2f})")
    marks = sorted((m for f in measured for m in f.tool_marks), key=lambda m: -m.length_px)
    indicators = {
        "texture_irregularity": round(
            float(np.mean([f["texture_irregularity"] for f in measured])), 3
        ),
        "edge_variation": round(float(np.mean([f["edge_variation"] for f in measured])), 3),
        "color_variation": round(float(np.mean([f["color_variation"] for f in measured])), 3),
        "tool_marks": [m.describe() for m in marks[:8]],
    }
    per_image = [
        {"handmade_probability": round(p, 3), **{k: round(v, 3) for k, v in f.values.items()}}
        for p, f in zip(probs, measured, strict=True)
    ]
    return AuthenticityReport(
        score, indicators, flags, style, confidence_of(probs), requires_review(score), per_image
    )
