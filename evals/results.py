"""What one eval run records: per turn, per run of a case, per case (JSON-ready dataclasses).

The runner fills these; :mod:`evals.metrics` reads nothing else, so metrics can be recomputed
from a saved ``report.json`` and tested on hand-made outcomes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from evals.matching import Failure


@dataclass
class TurnResult:
    """One turn's outcome."""

    index: int
    kind: str
    sent: str = ""
    reply: str = ""
    expected_tools: list[str] | None = None  # None: the turn does not say which tools to call
    called_tools: list[str] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    name_ok: bool | None = None
    args_ok: bool | None = None
    abstain_expected: bool = False
    failures: list[Failure] = field(default_factory=list)
    error_code: str | None = None
    wall_ms: float = 0.0
    harness_ms: float = 0.0
    latency_ms: dict[str, float] = field(default_factory=dict)
    retrieved: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)
    citations_expected: list[str] | None = None
    reference: str | None = None
    transcript: str | None = None
    wer_edits: int | None = None
    wer_words: int | None = None

    @property
    def passed(self) -> bool:
        """True when every expectation of the turn held."""
        return not self.failures

    @property
    def is_voice(self) -> bool:
        """Spoken turns (``say``/``audio``)."""
        return self.kind in ("say", "audio")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["failures"] = [f.to_dict() for f in self.failures]
        data["passed"] = self.passed
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TurnResult:
        """Read back :meth:`to_dict`."""
        data = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        data["failures"] = [
            Failure(f["kind"], f.get("subject", ""), f.get("detail", ""))
            for f in data.get("failures", [])
        ]
        return cls(**data)


@dataclass
class RunResult:
    """One run of one case (``--repeat K`` makes K of them)."""

    case_id: str
    repeat: int
    user_id: str
    session_id: str = ""
    turns: list[TurnResult] = field(default_factory=list)
    wall_ms: float = 0.0

    @property
    def passed(self) -> bool:
        """Task success: every turn met every expectation."""
        return bool(self.turns) and all(t.passed for t in self.turns)

    def reasons(self) -> list[str]:
        """Typed reasons of every failure, ``turn N: reason``."""
        return [f"turn {t.index}: {f.reason}" for t in self.turns for f in t.failures]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "case_id": self.case_id,
            "repeat": self.repeat,
            "user_id": self.user_id,
            "session_id": self.session_id,
            "passed": self.passed,
            "wall_ms": round(self.wall_ms, 2),
            "turns": [t.to_dict() for t in self.turns],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        """Read back :meth:`to_dict`."""
        return cls(
            data["case_id"],
            data["repeat"],
            data["user_id"],
            data.get("session_id", ""),
            [TurnResult.from_dict(t) for t in data.get("turns", [])],
            data.get("wall_ms", 0.0),
        )


@dataclass
class CaseResult:
    """A case and all its runs."""

    case_id: str
    dataset: str
    tags: list[str]
    runs: list[RunResult] = field(default_factory=list)

    @property
    def successes(self) -> int:
        """How many runs succeeded."""
        return sum(r.passed for r in self.runs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "case_id": self.case_id,
            "dataset": self.dataset,
            "tags": self.tags,
            "successes": self.successes,
            "runs": [r.to_dict() for r in self.runs],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CaseResult:
        """Read back :meth:`to_dict`."""
        return cls(
            data["case_id"],
            data.get("dataset", ""),
            list(data.get("tags", [])),
            [RunResult.from_dict(r) for r in data.get("runs", [])],
        )
