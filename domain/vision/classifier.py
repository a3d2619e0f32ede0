"""The hand-made vs machine-made classifier: calibrated gradient boosting over measured features.

It is trained on procedurally rendered crafts (:mod:`domain.vision.render`) with their labels,
and its held-out accuracy is measured on renderings it never saw. That figure is accuracy on
synthetic images, reported as such; real photographs would need real labelled data.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier

from domain.vision import features as feat
from domain.vision import render as _render_module
from domain.vision.render import FAMILIES, RenderSpec, render

log = logging.getLogger(__name__)
VERSION = "authenticity-v1"
TRAIN_PER_CLASS = 240
HELD_OUT_PER_CLASS = 120


@dataclass
class AuthenticityModel:
    """A calibrated classifier plus how well it did on held-out renderings."""

    classifier: CalibratedClassifierCV
    held_out_accuracy: float
    held_out_n: int
    train_n: int
    version: str = VERSION
    score_distribution: dict[str, list[float]] = field(default_factory=dict)

    def probability(self, features: feat.ImageFeatures, family: str) -> float:
        """P(hand-made) of one image of a family."""
        return float(self.classifier.predict_proba(_row(features, family)[None, :])[0, 1])


def _row(features: feat.ImageFeatures, family: str) -> np.ndarray:
    onehot = np.array([1.0 if f == family else 0.0 for f in FAMILIES])
    return np.concatenate([features.vector(), onehot])


def _sample(args: tuple[int, int]) -> tuple[np.ndarray, int]:
    """One labelled rendering's feature row (runs in a worker process)."""
    index, seed = args
    family = FAMILIES[index % len(FAMILIES)]
    handmade = (index // len(FAMILIES)) % 2 == 0
    rng = np.random.default_rng([seed, index])
    spec = RenderSpec(family, handmade, float(rng.random()), int(rng.integers(0, 2**62)))
    return _row(feat.extract(render(spec)), family), int(handmade)


def dataset(n_per_class: int, seed: int, workers: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of ``2 * n_per_class`` renderings, balanced over families."""
    jobs = [(i, seed) for i in range(2 * n_per_class)]
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            rows = list(pool.map(_sample, jobs, chunksize=16))
    else:
        rows = [_sample(j) for j in jobs]
    return np.array([r for r, _ in rows]), np.array([y for _, y in rows])


def train(
    n_per_class: int = TRAIN_PER_CLASS,
    held_out_per_class: int = HELD_OUT_PER_CLASS,
    seed: int = 7,
    workers: int | None = None,
) -> AuthenticityModel:
    """Fit on one set of renderings and measure on another drawn with a different seed."""
    workers = workers or min(2, os.cpu_count() or 1)
    x, y = dataset(n_per_class, seed, workers)
    base = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.08, random_state=seed)
    clf = CalibratedClassifierCV(base, method="sigmoid", cv=3).fit(x, y)
    xt, yt = dataset(held_out_per_class, seed + 1000, workers)
    proba = clf.predict_proba(xt)[:, 1]
    accuracy = float(((proba >= 0.5).astype(int) == yt).mean())
    dist = {
        "handmade": sorted(np.round(proba[yt == 1] * 100, 1).tolist()),
        "machine": sorted(np.round(proba[yt == 0] * 100, 1).tolist()),
    }
    return AuthenticityModel(clf, accuracy, len(yt), len(y), VERSION, dist)


_LOCK = threading.Lock()
_MODELS: dict[str, AuthenticityModel] = {}


def default_model(cache_dir: Path | None = None) -> AuthenticityModel:
    """The process's model: loaded from ``cache_dir`` if saved there, else trained (and saved).

    Training takes tens of seconds once; every later call in the process is a dict lookup.
    """
    key = str(Path(cache_dir).resolve()) if cache_dir else ""
    with _LOCK:
        if key in _MODELS:
            return _MODELS[key]
        path = Path(cache_dir) / f"{VERSION}-{_code_digest()}.joblib" if cache_dir else None
        model = None
        if path is not None and path.exists():
            try:
                model = joblib.load(path)
            except Exception:  # a stale or truncated cache is retrained, not fatal
                log.warning("retraining: could not load %s", path)
        if model is None:
            model = train()
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                joblib.dump(model, tmp)
                os.replace(tmp, path)
        _MODELS[key] = model
        return model


def install_model(model: AuthenticityModel, cache_dir: Path | None = None) -> None:
    """Make ``model`` the process's model for ``cache_dir`` (a smaller one in tests)."""
    with _LOCK:
        _MODELS[str(Path(cache_dir).resolve()) if cache_dir else ""] = model


def _code_digest() -> str:
    """Changes when the renderer or the features change, so a stale model is not reused."""
    h = hashlib.sha256()
    for module in (feat, _render_module):
        h.update(Path(str(module.__file__)).read_bytes())
    return h.hexdigest()[:10]
