"""Attribute extraction eval (property 8): the share of mentioned attributes that were extracted.

    python -m evals.attributes evals/datasets/attributes/listing_dev.jsonl [--json OUT]
        [--misses N]

Each JSONL row is ``{"id", "text", "lang", "expected": {...}}`` with any of ``category``,
``craft``, ``region``, ``materials``, ``techniques``, ``colors``, ``dimensions_cm``,
``weight_kg``, ``production_hours``. Every list item and every dimension counts as one
mention. Matching, fixed before any figure was seen:

- words (craft, materials, techniques, colours): equal after lower-casing, or the vocabulary
  reads both as the same term, or one's words contain the other's ("sheesham" / "sheesham
  wood"); region: the same state, the expected place read through the vocabulary;
- numbers: within 2 % (dimensions per axis; a lone expected dimension also matches the same
  value on another axis, since "30 cm" names no axis).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from domain.listing_attributes import Attributes, extract
from domain.vocabulary import Vocabulary

ATTRIBUTES = ("category", "craft", "region", "materials", "techniques", "colors",
              "dimensions_cm", "weight_kg", "production_hours")
_KIND = {"craft": "craft", "materials": "material", "techniques": "technique",
         "colors": "color"}


def _norm(text: str) -> str:
    return " ".join(str(text).lower().replace("-", " ").replace("_", " ").split())


def _canonical(vocab: Vocabulary, kind: str, text: str) -> set[str]:
    return {m.entry.canonical for m in vocab.find(text, kinds=(kind,))}


def same_word(vocab: Vocabulary, attribute: str, expected: str, got: str) -> bool:
    """Whether an extracted word names what the annotator wrote."""
    e, g = _norm(expected), _norm(got)
    if not e or not g:
        return False
    if e == g or set(e.split()) <= set(g.split()) or set(g.split()) <= set(e.split()):
        return True
    kind = _KIND.get(attribute)
    return bool(kind and g in _canonical(vocab, kind, e))


def same_region(vocab: Vocabulary, expected: str, got: str | None) -> bool:
    """The same state, whether the annotator wrote a state or a town."""
    if not got:
        return False
    states = {m.entry.region or m.entry.canonical for m in vocab.find(expected, kinds=("region",))}
    return _norm(expected) == _norm(got) or got in states


def close(expected: float, got: float | None) -> bool:
    """Within 2 % (and 0.05 absolute for small numbers)."""
    return got is not None and abs(float(got) - float(expected)) <= max(
        0.02 * abs(float(expected)), 0.05
    )


def score_row(vocab: Vocabulary, expected: dict[str, Any], got: Attributes
              ) -> dict[str, tuple[int, int]]:
    """``{attribute: (matched, mentioned)}`` for one description."""
    out: dict[str, tuple[int, int]] = {}
    for name in ATTRIBUTES:
        if name not in expected or expected[name] in (None, [], {}, ""):
            continue
        value = expected[name]
        if name in ("materials", "techniques", "colors"):
            items = list(value)
            hits = sum(any(same_word(vocab, name, e, g) for g in getattr(got, name))
                       for e in items)
            out[name] = (hits, len(items))
        elif name == "dimensions_cm":
            axes = dict(value)
            hits = 0
            for axis, v in axes.items():
                if close(v, got.dimensions_cm.get(axis)) or (
                    len(axes) == 1 and any(close(v, x) for x in got.dimensions_cm.values())
                ):
                    hits += 1
            out[name] = (hits, len(axes))
        elif name in ("weight_kg", "production_hours"):
            out[name] = (int(close(value, getattr(got, name))), 1)
        elif name == "region":
            out[name] = (int(same_region(vocab, value, got.region)), 1)
        elif name == "craft":
            out[name] = (int(bool(got.craft) and same_word(vocab, name, value, got.craft or "")), 1)
        else:
            out[name] = (int(_norm(value) == _norm(getattr(got, name) or "")), 1)
    return out


def evaluate(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Overall and per-attribute extraction share, plus the rows with misses."""
    vocab = Vocabulary.default()
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[dict[str, Any]] = []
    n = 0
    for row in rows:
        n += 1
        got = extract(row["text"], vocab)
        scores = score_row(vocab, row.get("expected", {}), got)
        for name, (hit, total) in scores.items():
            totals[name][0] += hit
            totals[name][1] += total
        missed = [k for k, (hit, total) in scores.items() if hit < total]
        if missed:
            misses.append({"id": row.get("id"), "missed": missed, "text": row["text"],
                           "expected": {k: row["expected"][k] for k in missed},
                           "got": {k: got.as_dict().get(k) for k in missed}})
    hit = sum(v[0] for v in totals.values())
    mentioned = sum(v[1] for v in totals.values())
    return {
        "descriptions": n,
        "mentioned": mentioned,
        "extracted": hit,
        "share": round(hit / mentioned, 4) if mentioned else None,
        "per_attribute": {
            k: {"extracted": v[0], "mentioned": v[1], "share": round(v[0] / v[1], 4)}
            for k, v in sorted(totals.items()) if v[1]
        },
        "misses": misses,
    }


def load(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSONL file (blank lines skipped)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def main(argv: list[str] | None = None) -> int:
    """Print the report; ``--misses N`` also prints the first N rows with a miss."""
    parser = argparse.ArgumentParser(prog="python -m evals.attributes", description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--json", type=Path, help="write the report here as JSON")
    parser.add_argument("--misses", type=int, default=0)
    args = parser.parse_args(argv)
    for path in args.files:
        report = evaluate(load(path))
        lines = [f"{path}: {report['descriptions']} descriptions, {report['extracted']}/"
                 f"{report['mentioned']} mentioned attributes extracted = "
                 f"{100 * (report['share'] or 0):.1f} %"]
        for name, row in report["per_attribute"].items():
            lines.append(f"  {name:<17} {row['extracted']:>4}/{row['mentioned']:<4} "
                         f"{100 * row['share']:5.1f} %")
        for miss in report["misses"][: args.misses]:
            lines.append(f"  miss {miss['id']}: {json.dumps(miss, ensure_ascii=False)}")
        sys.stdout.write("\n".join(lines) + "\n")
        if args.json:
            out = args.json if len(args.files) == 1 else args.json.with_name(
                f"{args.json.stem}-{path.stem}{args.json.suffix}")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
