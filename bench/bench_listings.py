"""Listings benchmark: reading attributes from a description, and the glossary translation.

Inputs are our own 71 development descriptions (evals/datasets/attributes/listing_dev.jsonl,
real creator phrasing we wrote, not the independent set). Baselines measured in the same run:
the vocabulary's exact-only lookup (no fuzzy matching, no quantities) and a plain ``str.find``
scan over every surface form, the naive way to spot terms.

Run: ``python -m bench.bench_listings``.
"""

from __future__ import annotations

from pathlib import Path

from bench.common import figure, report, summary, timings_ms
from domain.listing_attributes import extract
from domain.translation import ListingText, translate_listing
from domain.vocabulary import Vocabulary, fold
from evals.attributes import evaluate, load

DEV = Path(__file__).resolve().parent.parent / "evals/datasets/attributes/listing_dev.jsonl"
REPEAT = 5


def main() -> None:
    """Time extraction and translation per description; report p50 and ratios."""
    rows = load(DEV)
    texts = [r["text"] for r in rows]
    vocab = Vocabulary.default()
    forms = list(vocab._forms)  # the naive baseline scans every surface form

    def run_extract() -> None:
        for t in texts:
            extract(t, vocab)

    def run_exact() -> None:
        for t in texts:
            vocab.find(t, fuzzy=False)

    def run_naive() -> None:
        for t in texts:
            folded = f" {fold(t)} "
            [f for f in forms if f" {f} " in folded]

    attrs = [extract(t, vocab) for t in texts]

    def run_translate() -> None:
        for a in attrs:
            translate_listing(ListingText(
                product=a.product, craft=a.craft, region=a.region, materials=a.materials,
                techniques=a.techniques, colors=a.colors, dimensions_cm=a.dimensions_cm,
                weight_kg=a.weight_kg, production_hours=a.production_hours))

    n = len(texts)
    per = {name: [ms / n for ms in timings_ms(fn, REPEAT, warmup=1)]
           for name, fn in (("extract", run_extract), ("exact", run_exact),
                            ("naive", run_naive), ("translate", run_translate))}
    p50 = {k: summary(v)["p50"] for k, v in per.items()}
    share = evaluate(rows)["share"] or 0.0
    report("listings", {
        "extract_ms_per_description": figure(p50["extract"], "ms", baseline=p50["naive"],
                                             note="baseline: str.find over every form"),
        "exact_lookup_ms_per_description": figure(p50["exact"], "ms", baseline=p50["naive"]),
        "translate_4_languages_ms": figure(p50["translate"], "ms"),
        "dev_extraction_share": figure(share, "share", target=">= 0.70 (property 8)",
                                       note="our own dev descriptions, not the independent set"),
    }, descriptions=n, forms=len(forms))


if __name__ == "__main__":
    main()
