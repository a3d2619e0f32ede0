"""The dataset format: bundled sets load, bad lines are refused naming file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.dataset import DatasetError, load_dataset, load_datasets, parse_case

DATASETS = Path(__file__).resolve().parents[2] / "evals" / "datasets"


def test_bundled_datasets_load() -> None:
    cases = load_datasets(sorted(DATASETS.glob("*.jsonl")))
    smoke = [c for c in cases if c.dataset == "smoke"]
    assert 15 <= len(smoke) <= 30
    assert len(cases) >= 80
    kinds = {t.kind for c in cases for t in c.case.turns}
    assert {"user", "say", "confirm"} <= kinds


def test_the_evals_md_example_parses() -> None:
    case = parse_case(
        {
            "id": "price-007",
            "role": "creator",
            "user_id": "c-0003",
            "turns": [
                {"user": "what should I charge for a silk saree, 2 kg, took me 40 hours"},
                {"user": "yes go ahead", "expect": {"no_tool_call": True}},
            ],
            "expect": {
                "tool_calls": [{"name": "golden_price", "args": {"category": "textiles"}}],
                "reply_contains": ["₹"],
                "reply_not_contains": ["error"],
                "citations_any": ["banarasi-silk"],
            },
            "tags": ["typed", "pricing"],
        }
    )
    last = case.expectation(1)
    # the case-level call list wins over the last turn's "no call"
    assert last.expected_names() == ["golden_price"] and not last.no_tool_call
    assert case.expectation(0) is None
    assert parse_case({"id": "x", "turns": [{"user": "hi"}]}).role == "buyer"


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('{"id": "a", "turns": []}', "turns"),
        ('{"id": "a", "turns": [{"user": "hi", "say": "hi"}]}', "turns.0"),
        ('{"id": "a", "role": "king", "turns": [{"user": "hi"}]}', "role"),
        ('{"id": "a", "turns": [{"user": "hi"}], "expect": {"tool_call": []}}', "expect.tool_call"),
        (
            '{"id": "a", "turns": [{"user": "hi"}], "expect": {"error_code": "forbidden"}}',
            "expect.error_code",
        ),
        (
            '{"id": "a", "turns": [{"user": "hi"}], "expect": {"state": {"planet": {}}}}',
            "expect.state.planet",
        ),
        ('{"id": "a", "turns": [{"user": "hi", "snr_db": 10}]}', "turns.0"),
        (
            '{"id": "a", "turns": [{"user": "hi"}], '
            '"expect": {"no_tool_call": true, "tool_calls": [{"name": "x"}]}}',
            "expect",
        ),
        ('{"id": "a", "turns": [{"user": "hi"}]', "(line)"),
    ],
)
def test_bad_lines_name_the_field(tmp_path: Path, line: str, field: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "turns": [{"user": "hello"}]}\n' + line + "\n")
    with pytest.raises(DatasetError) as err:
        load_dataset(path)
    assert err.value.line == 2
    assert err.value.field == field
    assert str(err.value).startswith(f"{path}:2: {field}:")


def test_duplicate_ids_missing_audio_and_tags(tmp_path: Path) -> None:
    dup = tmp_path / "dup.jsonl"
    dup.write_text('{"id": "a", "turns": [{"user": "x"}]}\n{"id": "a", "turns": [{"user": "y"}]}\n')
    with pytest.raises(DatasetError, match="duplicate id"):
        load_dataset(dup)
    audio = tmp_path / "audio.jsonl"
    audio.write_text(json.dumps({"id": "v", "turns": [{"audio": "missing.wav"}]}) + "\n")
    with pytest.raises(DatasetError, match="turns.0.audio"):
        load_dataset(audio)
    tagged = tmp_path / "tagged.jsonl"
    tagged.write_text(
        '{"id": "a", "turns": [{"user": "x"}], "tags": ["voice"]}\n'
        '{"id": "b", "turns": [{"user": "y"}], "tags": ["typed"]}\n'
    )
    assert [c.case.id for c in load_datasets([tagged], ["voice"])] == ["a"]
