"""Matching what the assistant did against what a case expects, with a typed reason per miss.

Arguments are compared in the style of BFCL's AST checker: every expected key must be present,
numbers agree within a relative tolerance (1%), strings after case-folding and trimming, lists
as sets (each expected element matched by a distinct actual one), objects recursively. Pure
functions: an :class:`Observation` and an :class:`Expect` in, :class:`Failure` values out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from evals.dataset import Expect, ExpectedCall

REL_TOLERANCE = 0.01
USER_TOKEN = "$user"


@dataclass(frozen=True)
class Failure:
    """One unmet expectation; ``reason`` is the typed form ``kind:subject`` of ``evals.md``."""

    kind: str
    subject: str = ""
    detail: str = ""

    @property
    def reason(self) -> str:
        """The reason as ``kind:subject``: ``wrong_tool``, ``missing_arg:weight_kg``, and so on."""
        return f"{self.kind}:{self.subject}" if self.subject else self.kind

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {
            "reason": self.reason,
            "kind": self.kind,
            "subject": self.subject,
            "detail": self.detail,
        }


@dataclass
class Observation:
    """What one turn did, the same from every target (the turn object of contracts §4)."""

    reply: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    tool_results: list[dict[str, Any]] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    latency_ms: dict[str, float] = field(default_factory=dict)
    confirm_request: dict[str, Any] | None = None
    asks_for: list[str] | None = None  # None: the target cannot tell (the websocket hides it)
    error: dict[str, Any] | None = None
    transcript: str | None = None
    wall_ms: float = 0.0

    @property
    def called(self) -> list[str]:
        """Names of the tools called, in order."""
        return [c["name"] for c in self.tool_calls]

    @property
    def error_code(self) -> str | None:
        """The code of the turn's first error, if any."""
        return (self.error or {}).get("code")

    def retrieved_docs(self) -> list[str]:
        """Doc ids the tools retrieved, best first, then any the reply cites (no repeats)."""
        ids: list[str] = []
        for result in self.tool_results:
            payload = result.get("result") or {}
            for item in payload.get("citations") or []:
                if isinstance(item, dict) and item.get("doc_id"):
                    ids.append(str(item["doc_id"]))
        ids.extend(self.cited_docs())
        return list(dict.fromkeys(ids))

    def cited_docs(self) -> list[str]:
        """Doc ids the reply cites."""
        return list(dict.fromkeys(str(c["doc_id"]) for c in self.citations if c.get("doc_id")))


def substitute_user(value: Any, user_id: str) -> Any:
    """Replace the ``"$user"`` token with the case's user id, recursively."""
    if value == USER_TOKEN:
        return user_id
    if isinstance(value, dict):
        return {k: substitute_user(v, user_id) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute_user(v, user_id) for v in value]
    return value


# -- values -------------------------------------------------------------------------------
def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def values_match(expected: Any, actual: Any, rel: float = REL_TOLERANCE) -> bool:
    """True when ``actual`` satisfies ``expected`` under the subset rules."""
    return not compare(expected, actual, "", rel)


def compare(expected: Any, actual: Any, name: str, rel: float = REL_TOLERANCE) -> list[Failure]:
    """Failures of ``actual`` against ``expected`` (``name`` is the dotted argument path)."""
    if isinstance(expected, dict) and set(expected) == {"$any"}:
        options = expected["$any"] if isinstance(expected["$any"], list) else [expected["$any"]]
        if any(not compare(opt, actual, name, rel) for opt in options):
            return []
        return [Failure("wrong_value", name, f"expected one of {options!r}, got {actual!r}")]
    if _is_number(expected):
        if not _is_number(actual):
            return [Failure("wrong_value", name, f"expected number {expected!r}, got {actual!r}")]
        if expected == 0:
            ok = abs(actual) <= 1e-9
        else:
            ok = abs(actual - expected) <= rel * abs(expected)
        return (
            [] if ok else [Failure("wrong_value", name, f"expected {expected!r}, got {actual!r}")]
        )
    if isinstance(expected, str):
        if not isinstance(actual, str) or expected.casefold().strip() != actual.casefold().strip():
            return [Failure("wrong_value", name, f"expected {expected!r}, got {actual!r}")]
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [Failure("wrong_value", name, f"expected an object, got {actual!r}")]
        failures: list[Failure] = []
        for key, want in expected.items():
            path = f"{name}.{key}" if name else key
            if key not in actual or actual[key] is None and want is not None:
                failures.append(Failure("missing_arg", path, f"expected {want!r}"))
            else:
                failures.extend(compare(want, actual[key], path, rel))
        return failures
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [Failure("wrong_value", name, f"expected a list, got {actual!r}")]
        unmatched = _unmatched(expected, actual, rel)
        if unmatched:
            missing = [expected[i] for i in unmatched]
            return [Failure("wrong_value", name, f"missing {missing!r} in {actual!r}")]
        return []
    # bool, None and anything else: exact
    if expected != actual or type(expected) is not type(actual):
        return [Failure("wrong_value", name, f"expected {expected!r}, got {actual!r}")]
    return []


def _unmatched(expected: Sequence[Any], actual: Sequence[Any], rel: float) -> list[int]:
    """Indices of expected elements left over by a maximum matching onto distinct actual ones."""
    fits = [[j for j, a in enumerate(actual) if values_match(e, a, rel)] for e in expected]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in fits[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    return [i for i in range(len(expected)) if not augment(i, set())]


# -- calls --------------------------------------------------------------------------------
@dataclass
class CallVerdict:
    """How the calls of one turn compare with the expected ones."""

    name_ok: bool
    args_ok: bool
    failures: list[Failure]


def match_calls(
    expected: Sequence[ExpectedCall], actual: Sequence[dict[str, Any]], rel: float = REL_TOLERANCE
) -> CallVerdict:
    """BFCL-style: names exactly, arguments as a subset; extra tools are ``unexpected_call``."""
    want_names = {c.name for c in expected}
    name_ok = want_names == {c["name"] for c in actual}
    used: set[int] = set()
    failures: list[Failure] = []
    strays = [i for i, c in enumerate(actual) if c["name"] not in want_names]
    for call in expected:
        candidates = [i for i, c in enumerate(actual) if c["name"] == call.name and i not in used]
        if not candidates:
            if strays:
                i = strays.pop(0)
                used.add(i)
                failures.append(
                    Failure("wrong_tool", call.name, f"called {actual[i]['name']} instead")
                )
            else:
                failures.append(Failure("missing_call", call.name, "the tool was not called"))
            continue
        scored = [(compare(call.args, actual[i].get("args") or {}, "", rel), i) for i in candidates]
        best, index = min(scored, key=lambda pair: len(pair[0]))
        used.add(index)
        failures.extend(best)
    for i in strays:
        if i not in used:
            failures.append(
                Failure("unexpected_call", actual[i]["name"], "not expected in this turn")
            )
    return CallVerdict(name_ok, name_ok and not failures, failures)


# -- a whole turn -------------------------------------------------------------------------
@dataclass
class TurnVerdict:
    """Everything checked on one turn except the store (see :mod:`evals.state`)."""

    failures: list[Failure]
    name_ok: bool | None = None  # None: the turn does not say which tools to call
    args_ok: bool | None = None


def _asked(obs: Observation, name: str) -> bool:
    if obs.asks_for is not None:
        return name in obs.asks_for
    # Over the websocket the asked-for slots are not on the wire: a question naming it counts.
    reply = obs.reply.casefold()
    words = name.replace("_id", "").replace("_", " ").casefold()
    return "?" in reply and (words in reply or name.casefold() in reply)


def check_turn(expect: Expect | None, obs: Observation, user_id: str = "") -> TurnVerdict:
    """Every failure of ``obs`` against ``expect`` (``None``: nothing to check)."""
    if expect is None:
        return TurnVerdict([])
    if user_id:
        expect = Expect.model_validate(
            substitute_user(expect.model_dump(exclude_unset=True), user_id)
        )
    failures: list[Failure] = []
    verdict = TurnVerdict(failures)
    if expect.tool_calls is not None:
        calls = match_calls(expect.tool_calls, obs.tool_calls)
        verdict.name_ok, verdict.args_ok = calls.name_ok, calls.args_ok
        failures.extend(calls.failures)
        if expect.error_code is None and obs.error_code and expect.tool_calls:
            failures.append(
                Failure("tool_error", obs.error_code, (obs.error or {}).get("message", ""))
            )
    elif expect.no_tool_call:
        verdict.name_ok = verdict.args_ok = not obs.tool_calls
        failures.extend(
            Failure("unexpected_call", n, "no tool call was expected") for n in obs.called
        )
    elif expect.no_tool_call is False and not obs.tool_calls:
        failures.append(Failure("missing_call", "(any)", "some tool call was expected"))
    for name in expect.asks_for or []:
        if not _asked(obs, name):
            failures.append(Failure("asks_for_missing", name, f"reply: {obs.reply[:120]!r}"))
    reply = obs.reply.casefold()
    for text in expect.reply_contains:
        if text.casefold() not in reply:
            failures.append(Failure("reply_missing", text, f"reply: {obs.reply[:160]!r}"))
    for text in expect.reply_not_contains:
        if text.casefold() in reply:
            failures.append(Failure("reply_forbidden", text, f"reply: {obs.reply[:160]!r}"))
    if expect.citations_any is not None:
        found = set(obs.cited_docs()) | set(obs.retrieved_docs())
        if not found & set(expect.citations_any):
            failures.append(
                Failure(
                    "citation_missing", ",".join(expect.citations_any), f"cited {sorted(found)!r}"
                )
            )
    if expect.citations_all is not None:
        cited = set(obs.cited_docs())
        for doc_id in expect.citations_all:
            if doc_id not in cited:
                failures.append(Failure("citation_missing", doc_id, f"cited {sorted(cited)!r}"))
    if expect.error_code is not None and obs.error_code != expect.error_code:
        failures.append(Failure("error_code", expect.error_code, f"got {obs.error_code!r}"))
    return verdict
