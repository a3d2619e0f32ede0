"""The registry: lookup, role checks, validation naming the field, typed domain errors."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from domain.errors import NotFound, UnknownPlace
from tools import load_all
from tools.registry import Registry, Tool, ToolContext, ToolError


class EchoArgs(BaseModel):
    word: str = Field(min_length=1)
    times: int = Field(default=1, ge=1, le=3)


class EchoResult(BaseModel):
    text: str


def _echo(ctx: ToolContext, args: EchoArgs) -> EchoResult:
    if args.word == "missing":
        raise NotFound("no such word", field="word")
    if args.word == "nowhere":
        raise UnknownPlace("no place called nowhere", field="place", suggestions=["Nowgong"])
    if args.word == "boom":
        raise RuntimeError("secret internals")
    return EchoResult(text=" ".join([args.word] * args.times))


@pytest.fixture()
def registry() -> Registry:
    return Registry(
        [Tool("echo", "Repeat a word.", frozenset({"creator"}), EchoArgs, EchoResult, _echo)]
    )


@pytest.fixture()
def ctx() -> ToolContext:
    return ToolContext("c-0001", "creator", store=None)  # type: ignore[arg-type]  # echo needs no store


def test_invoke_returns_the_result_model(registry: Registry, ctx: ToolContext) -> None:
    assert registry.invoke("echo", {"word": "clay", "times": 2}, ctx).text == "clay clay"


def test_unknown_tool_lists_the_known_ones(registry: Registry, ctx: ToolContext) -> None:
    with pytest.raises(ToolError) as err:
        registry.invoke("nope", {}, ctx)
    assert err.value.code == "UNKNOWN_TOOL" and err.value.details["known"] == ["echo"]


def test_role_outside_the_column_is_forbidden(registry: Registry) -> None:
    with pytest.raises(ToolError) as err:
        registry.invoke("echo", {"word": "x"}, ToolContext("b-0001", "buyer", store=None))  # type: ignore[arg-type]
    assert err.value.code == "FORBIDDEN" and err.value.status == 403


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({}, "word"),
        ({"word": ""}, "word"),
        ({"word": "a", "times": 9}, "times"),
        ([1, 2], "(body)"),
    ],
)
def test_validation_error_names_the_field(
    registry: Registry, ctx: ToolContext, args, field
) -> None:
    with pytest.raises(ToolError) as err:
        registry.invoke("echo", args, ctx)
    assert err.value.code == "VALIDATION_ERROR"
    assert err.value.details["field"] == field
    assert field in err.value.message


def test_domain_errors_become_typed_codes(registry: Registry, ctx: ToolContext) -> None:
    with pytest.raises(ToolError) as err:
        registry.invoke("echo", {"word": "missing"}, ctx)
    assert (err.value.code, err.value.status, err.value.details["field"]) == (
        "NOT_FOUND",
        404,
        "word",
    )
    with pytest.raises(ToolError) as err:
        registry.invoke("echo", {"word": "nowhere"}, ctx)
    assert err.value.code == "UNKNOWN_PLACE" and err.value.details["suggestions"] == ["Nowgong"]


def test_unexpected_errors_hide_their_internals(registry: Registry, ctx: ToolContext) -> None:
    with pytest.raises(ToolError) as err:
        registry.invoke("echo", {"word": "boom"}, ctx)
    assert err.value.code == "INTERNAL_ERROR" and "secret" not in err.value.message


def test_duplicate_names_are_refused(registry: Registry) -> None:
    with pytest.raises(ValueError, match="twice"):
        registry.register(next(iter(registry)))


def test_project_registry_exposes_contract_tools_with_schemas() -> None:
    reg = load_all()
    for name in ("list_orders", "search_products", "update_price"):
        schema = reg.get(name).openai_schema()
        assert schema["function"]["name"] == name
        assert schema["function"]["parameters"]["type"] == "object"
    assert reg.get("update_price").critical
    assert reg.get("update_price").roles == {"creator", "admin"}
    assert reg.get("search_products").roles >= {"buyer", "creator", "admin"}
    assert reg.get("update_price").required_args() == ["product_id", "new_price"]
