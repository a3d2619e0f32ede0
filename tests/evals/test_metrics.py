"""The harness's metrics on known outcomes: pass^k, accuracies, F1, retrieval, WER."""

from __future__ import annotations

from math import comb

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evals import metrics
from evals.matching import Failure
from evals.results import CaseResult, RunResult, TurnResult
from evals.voice import edit_distance, wer


def _turn(
    expected: list[str] | None,
    called: list[str],
    *,
    args_ok: bool | None = None,
    fail: bool = False,
    **kw,
) -> TurnResult:
    name_ok = None if expected is None else set(expected) == set(called)
    return TurnResult(
        index=0,
        kind=kw.pop("kind", "user"),
        expected_tools=expected,
        called_tools=called,
        name_ok=name_ok,
        args_ok=name_ok if args_ok is None else args_ok,
        abstain_expected=expected == [],
        failures=[Failure("wrong_tool")] if fail else [],
        **kw,
    )


def _case(cid: str, outcomes: list[bool], tags: tuple[str, ...] = ()) -> CaseResult:
    runs = [
        RunResult(cid, k, "u", turns=[_turn(None, [], fail=not ok)])
        for k, ok in enumerate(outcomes)
    ]
    return CaseResult(cid, "d", list(tags), runs)


def test_pass_hat_k_matches_tau_bench_for_known_outcomes() -> None:
    # case A: 4/4, case B: 2/4, case C: 0/4
    outcomes = [(4, 4), (2, 4), (0, 4)]
    assert metrics.pass_hat_k(outcomes, 1) == pytest.approx((1 + 0.5 + 0) / 3, abs=1e-4)
    assert metrics.pass_hat_k(outcomes, 2) == pytest.approx(
        (1 + comb(2, 2) / comb(4, 2)) / 3, abs=1e-4
    )
    assert metrics.pass_hat_k(outcomes, 4) == pytest.approx(1 / 3, abs=1e-4)
    assert metrics.pass_hat_k([(1, 1)], 2) is None


def test_compute_reports_pass_hat_k_per_k() -> None:
    cases = [
        _case("a", [True, True, True]),
        _case("b", [True, False, True]),
        _case("c", [False] * 3),
    ]
    m = metrics.compute(cases, repeat=3)
    assert m["pass_hat_k"]["1"] == pytest.approx(5 / 9, abs=1e-4)
    assert m["pass_hat_k"]["3"] == pytest.approx(1 / 3, abs=1e-4)
    assert m["task_success"] == pytest.approx(5 / 9, abs=1e-4)
    assert m["task_success_first_run"] == pytest.approx(2 / 3, abs=1e-4)
    assert [f["case_id"] for f in m["failing"]] == ["b", "c", "c", "c"]


def test_tool_accuracy_counts_only_turns_that_state_tools() -> None:
    turns = [
        _turn(["list_orders"], ["list_orders"]),
        _turn(["list_orders"], ["list_orders"], args_ok=False),
        _turn(["update_price"], ["search_products"]),
        _turn([], []),
        _turn(None, ["search_products"]),
    ]
    acc = metrics.tool_accuracy(turns)
    assert acc == {"tool_name_accuracy": 0.75, "tool_args_accuracy": 0.5, "turns": 4}


def test_macro_f1_and_confusion() -> None:
    turns = [
        _turn(["a"], ["a"]),
        _turn(["a"], ["b"]),
        _turn(["b"], ["b"]),
        _turn([], []),
        _turn([], ["a"]),
    ]
    table = metrics.per_tool_f1(turns)
    # a: tp 1, fp 1, fn 1 → P=R=F1=0.5; b: tp 1, fp 1, fn 0 → P .5 R 1 F1 .667;
    # none: tp 1 fn 1 → F1 .667
    assert table["a"]["f1"] == pytest.approx(0.5)
    assert table["b"]["f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert table[metrics.NONE_LABEL]["f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert metrics.macro_f1(turns) == pytest.approx((0.5 + 2 / 3 + 2 / 3) / 3, abs=1e-3)
    conf = metrics.confusion(turns)
    assert conf == {"(none)": {"(none)": 1, "a": 1}, "a": {"a": 1, "b": 1}, "b": {"b": 1}}
    assert metrics.abstention(turns) == {"rate": 0.5, "turns": 2}


def test_retrieval_recall_mrr_and_citation_precision() -> None:
    t1 = _turn(
        None,
        [],
        retrieved=["x", "banarasi", "y"],
        cited=["banarasi", "y"],
        citations_expected=["banarasi"],
    )
    t2 = _turn(
        None, [], retrieved=["a", "b", "c", "d", "e", "f"], cited=[], citations_expected=["f", "zz"]
    )
    r = metrics.retrieval([t1, t2])
    assert r["recall_at_5"] == pytest.approx((1 + 0) / 2)
    assert r["mrr"] == pytest.approx((1 / 2 + 1 / 6) / 2, abs=1e-4)
    assert r["citation_precision"] == pytest.approx(0.5)
    assert r["turns"] == 2


def test_wer_and_voice_block() -> None:
    assert wer("show my pending orders", "Show my pending orders.") == (0, 4)
    assert wer("show my shipped orders", "show my ship to orders") == (2, 4)
    voice = metrics.voice(
        [
            _turn(["x"], ["x"], kind="say", wer_edits=1, wer_words=4),
            _turn(["x"], ["y"], kind="say", wer_edits=3, wer_words=6),
            _turn(None, [], kind="user"),
        ]
    )
    assert voice["turns"] == 2 and voice["wer"] == pytest.approx(0.4)
    assert voice["tool_name_accuracy"] == 0.5


def test_by_tag_breakdown() -> None:
    cases = [
        _case("a", [True], ("pricing",)),
        _case("b", [False], ("pricing", "voice")),
        _case("c", [True]),
    ]
    tags = metrics.by_tag(cases)
    assert tags["pricing"]["task_success"] == 0.5
    assert tags["voice"]["task_success"] == 0.0
    assert tags["(untagged)"]["cases"] == 1


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(1, 6)).map(lambda t: (min(t), t[1])),
        min_size=1,
        max_size=12,
    )
)
def test_pass_hat_k_never_grows_with_k(outcomes: list[tuple[int, int]]) -> None:
    """Harness property: pass^k is non-increasing in k and pass^1 is the mean success rate."""
    n = min(n for _, n in outcomes)
    values = [metrics.pass_hat_k(outcomes, k) for k in range(1, n + 1)]
    assert all(a >= b - 1e-9 for a, b in zip(values, values[1:], strict=False))
    assert values[0] == pytest.approx(sum(c / n_ for c, n_ in outcomes) / len(outcomes), abs=1e-4)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from("abcde"), max_size=8), st.lists(st.sampled_from("abcde"), max_size=8)
)
def test_edit_distance_is_a_metric(a: list[str], b: list[str]) -> None:
    """Harness property: word edit distance is symmetric, zero on equals, bounded by the longer."""
    assert edit_distance(a, b) == edit_distance(b, a)
    assert edit_distance(a, a) == 0
    assert abs(len(a) - len(b)) <= edit_distance(a, b) <= max(len(a), len(b))
