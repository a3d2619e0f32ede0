"""The eval dataset format of ``evals.md``: one JSON case per line, validated on load.

A bad line is refused with :class:`DatasetError` naming the file, the line and the field, before
any case runs. Extensions beyond ``evals.md`` (all optional, nothing of the contract changes):
a turn ``{"confirm": true}`` answers a confirmation with the protocol's ``confirm`` frame; an
``audio`` turn may carry its reference ``text`` for WER; ``"$user"`` anywhere in an expectation
stands for the case's user id; ``{"$any": [a, b]}`` accepts either value of an argument.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Role = Literal["buyer", "creator", "admin", "evaluator"]
TurnKind = Literal["user", "audio", "say", "confirm"]


class ExpectedCall(BaseModel):
    """One tool call that must be made: a name and a subset of its arguments."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    args: dict[str, Any] = Field(default_factory=dict)


class Expect(BaseModel):
    """What a turn (or the last turn of a case) must show; every key is optional."""

    model_config = ConfigDict(extra="forbid")

    tool_calls: list[ExpectedCall] | None = None
    no_tool_call: bool | None = None
    asks_for: list[str] | None = None
    reply_contains: list[str] = Field(default_factory=list)
    reply_not_contains: list[str] = Field(default_factory=list)
    citations_any: list[str] | None = None
    citations_all: list[str] | None = None  # extension: every one of these must be cited
    error_code: str | None = Field(default=None, pattern=r"^[A-Z][A-Z0-9_]*$")
    state: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Expect:
        if self.no_tool_call and self.tool_calls:
            raise ValueError("no_tool_call is true but tool_calls lists calls")
        return self

    @property
    def checks_tools(self) -> bool:
        """True when this expectation says which tools (if any) the turn calls."""
        return self.tool_calls is not None or self.no_tool_call is True

    def expected_names(self) -> list[str]:
        """The tool names this expectation wants called (empty for ``no_tool_call``)."""
        return [c.name for c in self.tool_calls or []]

    def merged(self, other: Expect | None) -> Expect:
        """``self`` with ``other``'s keys laid over it (lists of reply texts are joined)."""
        if other is None:
            return self
        data = self.model_dump(exclude_unset=True)
        extra = other.model_dump(exclude_unset=True)
        for key in ("reply_contains", "reply_not_contains"):
            if key in data and key in extra:
                extra[key] = [*data[key], *extra[key]]
        data.update(extra)
        if data.get("tool_calls") and data.get("no_tool_call"):
            data.pop("no_tool_call")  # the case-level call list wins over a turn's "no call"
        return Expect.model_validate(data)


class TurnSpec(BaseModel):
    """One turn: typed text, a recorded file, speech to synthesize, or a confirmation."""

    model_config = ConfigDict(extra="forbid")

    user: str | None = Field(default=None, min_length=1, max_length=4000)
    audio: str | None = Field(default=None, min_length=1)
    say: str | None = Field(default=None, min_length=1, max_length=4000)
    confirm: bool | None = None
    voice: str | None = None
    snr_db: float | None = Field(default=None, ge=-10, le=80)
    text: str | None = Field(default=None, description="reference transcript of an audio turn")
    expect: Expect | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> TurnSpec:
        given = [k for k in ("user", "audio", "say", "confirm") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "a turn has exactly one of 'user', 'audio', 'say' or 'confirm'"
                + (f" (got {', '.join(given)})" if given else "")
            )
        if self.snr_db is not None and self.say is None and self.audio is None:
            raise ValueError("snr_db applies to 'say' and 'audio' turns only")
        if self.voice is not None and self.say is None:
            raise ValueError("voice applies to 'say' turns only")
        return self

    @property
    def kind(self) -> TurnKind:
        """Which of the four turn kinds this is."""
        for k in ("user", "audio", "say"):
            if getattr(self, k) is not None:
                return k  # type: ignore[return-value] - one of the literal names
        return "confirm"

    @property
    def reference(self) -> str | None:
        """The words the user meant (typed text, the ``say`` text, an audio turn's ``text``)."""
        return self.user or self.say or self.text

    @property
    def is_voice(self) -> bool:
        """True for spoken turns."""
        return self.kind in ("audio", "say")


class Case(BaseModel):
    """One eval case (``evals.md``)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=120)
    role: Role = "buyer"
    user_id: str | None = Field(default=None, min_length=1, max_length=40)
    turns: list[TurnSpec] = Field(min_length=1, max_length=50)
    expect: Expect | None = None
    tags: list[str] = Field(default_factory=list)
    description: str | None = None

    def expectation(self, index: int) -> Expect | None:
        """The expectation that applies to turn ``index`` (the case's joins the last turn's)."""
        own = self.turns[index].expect
        if index != len(self.turns) - 1 or self.expect is None:
            return own
        return own.merged(self.expect) if own is not None else self.expect


@dataclass(frozen=True)
class LoadedCase:
    """A case and where it came from (audio paths are relative to ``source``'s folder)."""

    case: Case
    source: Path
    line: int

    @property
    def dataset(self) -> str:
        """The dataset's file name without its suffix."""
        return self.source.stem

    def resolve(self, path: str) -> Path:
        """An audio path made absolute against the dataset's folder."""
        p = Path(path)
        return p if p.is_absolute() else (self.source.parent / p)


class DatasetError(ValueError):
    """A dataset line that does not follow the format; the message names file, line and field."""

    def __init__(self, source: Path | str, line: int, field: str, message: str) -> None:
        self.source, self.line, self.field = str(source), line, field
        super().__init__(f"{source}:{line}: {field}: {message}")


def _first_error(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors(include_url=False, include_input=False)[0]
    field = ".".join(str(p) for p in err["loc"]) or "(case)"
    return field, err["msg"]


def parse_case(raw: str | dict[str, Any], *, source: Path | str = "<case>", line: int = 1) -> Case:
    """Validate one case (a JSON text or an already parsed object)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise DatasetError(source, line, "(line)", f"not valid JSON ({exc.msg})") from exc
    if not isinstance(raw, dict):
        raise DatasetError(source, line, "(line)", "a case is a JSON object")
    try:
        case = Case.model_validate(raw)
    except ValidationError as exc:
        field, message = _first_error(exc)
        raise DatasetError(source, line, field, message) from exc
    from evals.state import CHECKERS  # the state keys are as extensible as the checkers

    for i in range(len(case.turns)):
        expect = case.expectation(i)
        for key in (expect.state or {}) if expect else {}:
            if key not in CHECKERS:
                where = "expect.state" if i == len(case.turns) - 1 else f"turns.{i}.expect.state"
                raise DatasetError(
                    source,
                    line,
                    f"{where}.{key}",
                    f"unknown state check (known: {', '.join(sorted(CHECKERS))})",
                )
    return case


def load_dataset(path: Path | str) -> list[LoadedCase]:
    """Every case of one JSONL file; blank lines and ``//`` comment lines are skipped."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(path, 0, "--dataset", "no such file")
    cases: list[LoadedCase] = []
    seen: dict[str, int] = {}
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip() or text.lstrip().startswith("//"):
            continue
        case = parse_case(text, source=path, line=number)
        if case.id in seen:
            raise DatasetError(
                path, number, "id", f"duplicate id {case.id!r} (first on line {seen[case.id]})"
            )
        seen[case.id] = number
        for i, turn in enumerate(case.turns):
            if (
                turn.audio is not None
                and not (path.parent / turn.audio).is_file()
                and not Path(turn.audio).is_file()
            ):
                raise DatasetError(path, number, f"turns.{i}.audio", f"no such file {turn.audio!r}")
        cases.append(LoadedCase(case, path, number))
    if not cases:
        raise DatasetError(path, 0, "(file)", "the dataset has no cases")
    return cases


def load_datasets(paths: Iterable[Path | str], tags: Sequence[str] = ()) -> list[LoadedCase]:
    """Cases of several files, optionally only those carrying any of ``tags``."""
    out: list[LoadedCase] = []
    seen: dict[str, str] = {}
    for path in paths:
        for loaded in load_dataset(path):
            key = loaded.case.id
            if key in seen:
                raise DatasetError(
                    loaded.source, loaded.line, "id", f"id {key!r} is also used in {seen[key]}"
                )
            seen[key] = str(loaded.source)
            out.append(loaded)
    if tags:
        wanted = set(tags)
        out = [c for c in out if wanted & set(c.case.tags)]
    return out


def utterances(cases: Iterable[LoadedCase | Case]) -> list[str]:
    """Every typed or spoken text of the cases (for the held-out check against training data)."""
    texts = []
    for item in cases:
        case = item.case if isinstance(item, LoadedCase) else item
        texts.extend(t.reference for t in case.turns if t.reference)
    return texts
