"""The harness's matching on hand-made turns: wrong arguments are caught, tolerances hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from evals.dataset import Expect, ExpectedCall
from evals.matching import Observation, check_turn, compare, match_calls, values_match


def _obs(*calls: tuple[str, dict], reply: str = "", **kw) -> Observation:
    return Observation(reply=reply, tool_calls=[{"name": n, "args": a} for n, a in calls], **kw)


def _reasons(expect: dict, obs: Observation, user: str = "") -> list[str]:
    return [f.reason for f in check_turn(Expect.model_validate(expect), obs, user).failures]


GOLDEN = {
    "name": "golden_price",
    "args": {"category": "textiles", "materials": ["silk"], "weight_kg": 2, "production_hours": 40},
}


def test_exact_call_passes() -> None:
    obs = _obs(
        (
            "golden_price",
            {
                "category": "Textiles ",
                "materials": ["silk", "zari"],
                "weight_kg": 2.0,
                "production_hours": 40,
                "location": "Varanasi",
            },
        )
    )
    assert _reasons({"tool_calls": [GOLDEN]}, obs) == []


def test_wrong_argument_is_caught_by_name() -> None:
    obs = _obs(
        (
            "golden_price",
            {"category": "textiles", "materials": ["silk"], "weight_kg": 3, "production_hours": 40},
        )
    )
    assert _reasons({"tool_calls": [GOLDEN]}, obs) == ["wrong_value:weight_kg"]


def test_missing_argument_is_caught_by_name() -> None:
    obs = _obs(("golden_price", {"category": "textiles", "materials": ["silk"], "weight_kg": 2}))
    assert _reasons({"tool_calls": [GOLDEN]}, obs) == ["missing_arg:production_hours"]


def test_relative_tolerance_is_one_percent() -> None:
    assert values_match(1000, 1009.9)
    assert values_match(1000, 990.5)
    assert not values_match(1000, 1011)
    assert values_match(0, 0.0)
    assert not values_match(0, 0.001)


def test_types_are_not_coerced() -> None:
    assert not values_match(40, "40")
    assert not values_match(True, 1)
    assert not values_match("1", 1)


def test_lists_are_subsets_with_distinct_matches() -> None:
    assert values_match(["silk"], ["zari", "SILK"])
    assert not values_match(["silk", "silk"], ["silk"])
    assert not values_match(["silk", "cotton"], ["silk"])
    # a greedy match would pair {"a": 1} with the first element and fail the second
    assert values_match([{"a": 1}, {"a": 1, "b": 2}], [{"a": 1, "b": 2}, {"a": 1}])


def test_nested_objects_name_the_path() -> None:
    failures = compare(
        {"dimensions_cm": {"length": 30, "width": 20}}, {"dimensions_cm": {"length": 30}}, ""
    )
    assert [f.reason for f in failures] == ["missing_arg:dimensions_cm.width"]


def test_any_accepts_alternatives() -> None:
    assert values_match({"$any": ["Varanasi", "Banaras"]}, "banaras")
    assert not values_match({"$any": ["Varanasi", "Banaras"]}, "Kashi")


def test_wrong_tool_missing_call_and_unexpected_call() -> None:
    expected = [ExpectedCall(name="list_orders")]
    assert [
        f.reason for f in match_calls(expected, [{"name": "search_products", "args": {}}]).failures
    ] == ["wrong_tool:list_orders"]
    assert [f.reason for f in match_calls(expected, []).failures] == ["missing_call:list_orders"]
    both = match_calls(
        expected, [{"name": "list_orders", "args": {}}, {"name": "search_products", "args": {}}]
    )
    assert [f.reason for f in both.failures] == ["unexpected_call:search_products"]
    assert not both.name_ok and not both.args_ok


def test_name_ok_but_args_wrong() -> None:
    verdict = match_calls(
        [ExpectedCall(name="list_orders", args={"status": "pending"})],
        [{"name": "list_orders", "args": {"status": "shipped"}}],
    )
    assert verdict.name_ok and not verdict.args_ok


def test_no_tool_call_and_abstention() -> None:
    assert _reasons({"no_tool_call": True}, _obs(reply="Namaste!")) == []
    assert _reasons({"no_tool_call": True}, _obs(("list_orders", {}))) == [
        "unexpected_call:list_orders"
    ]


def test_reply_texts_and_error_code() -> None:
    obs = _obs(reply="Done: p-00012 now costs ₹950", error=None)
    assert (
        _reasons({"reply_contains": ["₹", "P-00012"], "reply_not_contains": ["error"]}, obs) == []
    )
    assert _reasons({"reply_contains": ["rupees"]}, obs) == ["reply_missing:rupees"]
    assert _reasons({"reply_not_contains": ["done"]}, obs) == ["reply_forbidden:done"]
    forbidden = _obs(("update_price", {}), error={"code": "FORBIDDEN"})
    assert _reasons({"error_code": "FORBIDDEN"}, forbidden) == []
    assert _reasons({"error_code": "NOT_FOUND"}, forbidden) == ["error_code:NOT_FOUND"]


def test_tool_error_fails_a_turn_that_expected_the_call() -> None:
    obs = _obs(("list_orders", {}), error={"code": "INTERNAL_ERROR", "message": "boom"})
    assert _reasons({"tool_calls": [{"name": "list_orders"}]}, obs) == ["tool_error:INTERNAL_ERROR"]


def test_asks_for_uses_the_slots_or_the_question() -> None:
    assert _reasons({"asks_for": ["new_price"]}, _obs(asks_for=["new_price"])) == []
    assert _reasons({"asks_for": ["new_price"]}, _obs(asks_for=["product_id"])) == [
        "asks_for_missing:new_price"
    ]
    over_ws = _obs(reply="What should the new price be, in rupees?", asks_for=None)
    assert _reasons({"asks_for": ["new_price"]}, over_ws) == []


def test_citations_any_and_user_token() -> None:
    obs = _obs(
        ("heritage_lookup", {"question": "q"}),
        citations=[{"doc_id": "banarasi-silk", "title": "Banarasi"}],
    )
    assert _reasons({"citations_any": ["banarasi-silk", "x"]}, obs) == []
    assert _reasons({"citations_any": ["blue-pottery"]}, obs) == ["citation_missing:blue-pottery"]
    mine = _obs(("list_orders", {"buyer_id": "b-eval-1"}))
    assert (
        _reasons(
            {"tool_calls": [{"name": "list_orders", "args": {"buyer_id": "$user"}}]},
            mine,
            "b-eval-1",
        )
        == []
    )


def test_citations_all_needs_every_document_cited() -> None:
    obs = _obs(("heritage_lookup", {"question": "q"}),
               citations=[{"doc_id": "technique-kantha", "title": "Kantha"}])
    assert _reasons({"citations_all": ["technique-kantha"]}, obs) == []
    assert _reasons({"citations_all": ["technique-kantha", "technique-phulkari"]}, obs) == [
        "citation_missing:technique-phulkari"
    ]


json_scalars = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.text(max_size=8),
    st.booleans(),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_every_value_matches_itself(value: object) -> None:
    """Harness property: matching is reflexive for any JSON value (no false failures)."""
    assert values_match(value, value)


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(st.text(min_size=1, max_size=5), json_scalars, min_size=1, max_size=5),
    st.dictionaries(st.text(min_size=1, max_size=5), json_scalars, max_size=3),
)
def test_extra_actual_arguments_never_fail(expected: dict, extra: dict) -> None:
    """Harness property: an actual call with more arguments than expected still matches."""
    actual = {**extra, **expected}
    assert values_match(expected, actual)
    dropped = next(iter(expected))
    assert not values_match(expected, {k: v for k, v in actual.items() if k != dropped})
