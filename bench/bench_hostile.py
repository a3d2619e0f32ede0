"""Hostile inputs cost what ordinary ones cost (issue 12, findings 1 and 6), synthetic inputs.

Prints the time of refusing a 100 kB place name and of the worst allowed unknown one, against
resolving "Jaipur" in the same run; and the time and peak-memory growth of analysing a 79 kB
single-colour 4898x4898 PNG sent inline, against a 512x512 one. Run:
``PYTHONPATH=$PWD python bench/bench_hostile.py``.
"""

from __future__ import annotations

import base64
import io
import resource
import time

import numpy as np
from PIL import Image

from bench.common import figure, report, summary, timings_ms
from domain import media
from domain.errors import DomainError
from domain.places import MAX_NAME_CHARS, Gazetteer
from domain.vision import features
from tools import load_all
from tools.registry import ToolError


def _png_url(side: int) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (side, side), (180, 120, 60)).save(buf, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _refused(fn: object) -> None:
    try:
        fn()  # type: ignore[operator]
    except (ToolError, DomainError):
        pass


def main() -> None:
    """Measure and report."""
    registry, gaz = load_all(), Gazetteer.default()
    args = {"weight_kg": 1, "declared_price": 500}
    plain = summary(timings_ms(lambda: gaz.resolve(
        registry.validate("shipping_quote", {**args, "destination": "Jaipur"}, "creator")[1]
        .destination), repeat=50))["p50"]
    huge = summary(timings_ms(lambda: _refused(lambda: registry.validate(
        "shipping_quote", {**args, "destination": "Xq" * 50_000}, "creator")), repeat=20))["p50"]
    worst = summary(timings_ms(lambda: _refused(
        lambda: gaz.resolve("Zq" * (MAX_NAME_CHARS // 2))), repeat=10))["p50"]

    def analyse(url: str) -> None:
        features.extract(np.asarray(media.decode_data_url(url)))

    small_url, big_url = _png_url(512), _png_url(4898)
    analyse(small_url)  # imports and warm-up
    small = summary(timings_ms(lambda: analyse(small_url), repeat=5, warmup=1))["p50"]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    analyse(big_url)
    big = (time.perf_counter() - started) * 1000
    grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    report("hostile", {
        "place_100kB_refused_p50": figure(huge, "ms", baseline=plain,
                                          note="baseline: validating and resolving 'Jaipur'"),
        "place_120_chars_unknown_p50": figure(
            worst, "ms", baseline=plain, note="longest allowed, no match: fuzzy + suggestions"),
        "inline_png_4898px_analysis": figure(big, "ms", baseline=small,
                                             note="baseline: a 512 px PNG; synthetic images"),
        "inline_png_4898px_peak_rss_growth": figure(grew, "MB", target="< 250 (was ~1300)"),
    })


if __name__ == "__main__":
    main()
