"""Every argument a caller sends is bounded (issue 12, finding 1): strings, lists and maps."""

from __future__ import annotations

from typing import Any

import pytest

from tools import load_all
from tools.registry import ToolError

REGISTRY = load_all()


def unbounded(schema: dict[str, Any], defs: dict[str, Any], path: str) -> list[str]:
    """Paths in a JSON Schema where a string, array or open object has no size limit."""
    if "$ref" in schema:
        return unbounded(defs[schema["$ref"].split("/")[-1]], defs, path)
    found: list[str] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            found += unbounded(sub, defs, path)
    kind = schema.get("type")
    closed = "enum" in schema or "const" in schema or schema.get("format") in ("date", "date-time")
    if kind == "string" and "maxLength" not in schema and not closed:
        found.append(path)
    if kind == "array":
        if "maxItems" not in schema:
            found.append(path)
        found += unbounded(schema.get("items", {}), defs, f"{path}[]")
    if kind == "object":
        for name, sub in schema.get("properties", {}).items():
            found += unbounded(sub, defs, f"{path}.{name}")
        extra = schema.get("additionalProperties")
        if (extra is True or isinstance(extra, dict)) and "maxProperties" not in schema:
            found.append(f"{path}{{}}")
    return found


@pytest.mark.parametrize("name", REGISTRY.names())
def test_every_argument_of_every_tool_is_bounded(name: str) -> None:
    schema = REGISTRY.get(name).args_model.model_json_schema()
    assert unbounded(schema, schema.get("$defs", {}), name) == []


def test_the_walker_finds_an_unbounded_field() -> None:
    """The check above can fail: a bare string and a bare list are reported."""
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "string"},
            "b": {"type": "array", "items": {"type": "string", "maxLength": 3}},
        },
    }
    assert unbounded(schema, {}, "t") == ["t.a", "t.b"]


@pytest.mark.parametrize("field", ["destination", "origin"])
def test_a_100_kb_place_is_refused_before_any_matching(field: str) -> None:
    args: dict[str, Any] = {"destination": "Jaipur", "weight_kg": 1, "declared_price": 500}
    args[field] = "Xq" * 50_000
    with pytest.raises(ToolError) as err:
        REGISTRY.validate("shipping_quote", args, "creator")
    assert err.value.code == "VALIDATION_ERROR"
    assert err.value.details["field"] == field
    assert "120 characters" in err.value.message and len(str(err.value.to_dict())) < 1000


def test_coordinates_still_pass_as_a_place() -> None:
    _, args = REGISTRY.validate(
        "shipping_quote",
        {"destination": {"lat": 26.9, "lon": 75.8}, "weight_kg": 1, "declared_price": 500},
        "creator",
    )
    assert args.destination.lat == 26.9


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("a\x00b.png", "control characters"),
        ("x" * 256, "at most 255 bytes"),
        ("é" * 128, "at most 255 bytes"),
    ],
)
def test_image_references_are_short_printable_names(ref: str, message: str) -> None:
    with pytest.raises(ToolError) as err:
        REGISTRY.validate("analyze_authenticity", {"images": [ref], "category": "pottery"}, "admin")
    assert err.value.details["field"] == "images.0" and message in err.value.message


def test_few_images_inline() -> None:
    url = "data:image/png;base64,AAAA"
    with pytest.raises(ToolError) as err:
        REGISTRY.validate(
            "analyze_authenticity", {"images": [url] * 4, "category": "pottery"}, "admin"
        )
    assert err.value.details["field"] == "images" and "at most 3" in err.value.message
    REGISTRY.validate("analyze_authenticity", {"images": [url] * 3, "category": "pottery"}, "admin")


def test_unknown_tool_names_are_quoted_short() -> None:
    with pytest.raises(ToolError) as err:
        REGISTRY.get("x" * 5000)
    assert len(err.value.message) < 120 and "…" in err.value.message
