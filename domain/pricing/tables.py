"""The cost tables of the golden price, kept as data: material prices and state wage rates.

``data/materials.json`` and ``data/wages.json`` carry the figures and their sources; this
module reads them once, resolves what people call a material ("terracotta", "pashmina") to a
table entry, and refuses what it does not know with the list of what it does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from domain.errors import InvalidInput, quote

DATA_DIR = Path(__file__).resolve().parent / "data"

# The survey rate is for general non-farm labour. Craft work is skilled, but artisans' actual
# earnings sit at or below that rate in most surveys, so the golden price starts from it as is;
# a deployment that wants to price in a skill premium changes this factor.
SKILL_PREMIUM = 1.0
HOURS_PER_DAY = 8.0


@dataclass(frozen=True)
class Material:
    """One row of the material table."""

    name: str
    inr_per_kg: float
    share: float | None  # typical share of the piece's weight; None = a bulk material


@dataclass(frozen=True)
class CostTables:
    """Material prices by canonical name, aliases, and daily wages by state."""

    materials: dict[str, Material]
    aliases: dict[str, str]
    wages: dict[str, float]
    default_wage: float
    material_source: str
    wage_source: str

    def known_materials(self) -> list[str]:
        """Canonical material names, sorted."""
        return sorted(self.materials)

    def material(self, name: str) -> Material:
        """The entry for ``name`` (an alias or a plural works); ``InvalidInput`` if unknown."""
        key = _normalise(name)
        for candidate in (key, key.rstrip("s"), key[:-2] if key.endswith("es") else key):
            canonical = self.aliases.get(candidate)
            if canonical is not None:
                return self.materials[canonical]
        suggestions = [m for m, _, _ in process.extract(
            key, list(self.aliases), scorer=fuzz.WRatio, limit=3, score_cutoff=70)]
        hint = f" Did you mean {', '.join(sorted({self.aliases[s] for s in suggestions}))}?" \
            if suggestions else ""
        raise InvalidInput(
            f"unknown material {quote(name)}.{hint} "
            f"Known materials: {', '.join(self.known_materials())}",
            field="materials", known=self.known_materials(),
            suggestions=sorted({self.aliases[s] for s in suggestions}),
        )

    def hourly_rate(self, state: str | None) -> float:
        """INR per hour of skilled craft work in ``state`` (the national figure if unknown)."""
        day = self.wages.get(state or "", self.default_wage)
        return day / HOURS_PER_DAY * SKILL_PREMIUM

    def has_wage(self, state: str | None) -> bool:
        """True when the table has a figure for ``state`` itself."""
        return bool(state) and state in self.wages


def _normalise(name: str) -> str:
    return " ".join(name.lower().replace("-", " ").replace("_", " ").split())


def load_tables(data_dir: Path = DATA_DIR) -> CostTables:
    """Read the two JSON tables from ``data_dir``."""
    raw_m = json.loads((data_dir / "materials.json").read_text(encoding="utf-8"))
    raw_w = json.loads((data_dir / "wages.json").read_text(encoding="utf-8"))
    materials: dict[str, Material] = {}
    aliases: dict[str, str] = {}
    for name, row in raw_m["materials"].items():
        materials[name] = Material(name, float(row["inr_per_kg"]), row.get("share"))
        aliases[_normalise(name)] = name
        for alias in row.get("aliases", []):
            aliases.setdefault(_normalise(alias), name)
    return CostTables(
        materials=materials,
        aliases=aliases,
        wages={k: float(v) for k, v in raw_w["states"].items()},
        default_wage=float(raw_w["default"]),
        material_source=raw_m["_source"],
        wage_source=raw_w["_source"],
    )


@lru_cache(maxsize=1)
def default_tables() -> CostTables:
    """The bundled tables, read once per process."""
    return load_tables()
