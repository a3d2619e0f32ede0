"""``qalakar eval run/compare`` end to end on the tiny store: files, exit codes, offline page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.cli import app

CASES = [
    {
        "id": "orders",
        "role": "creator",
        "user_id": "c-0001",
        "turns": [{"user": "show me my pending orders"}],
        "expect": {"tool_calls": [{"name": "list_orders", "args": {"status": "pending"}}]},
        "tags": ["orders"],
    },
    {
        "id": "chat",
        "turns": [{"user": "tell me a joke"}],
        "expect": {"no_tool_call": True},
        "tags": ["chat"],
    },
    {
        "id": "wrong",
        "role": "creator",
        "user_id": "c-0001",
        "turns": [{"user": "show me my shipped orders"}],
        "expect": {"tool_calls": [{"name": "list_orders", "args": {"status": "cancelled"}}]},
        "tags": ["orders"],
    },
]


@pytest.fixture()
def cli_env(monkeypatch: pytest.MonkeyPatch, mini_store, tmp_path: Path) -> Path:
    from gateway.settings import get_settings

    monkeypatch.setenv("QALAKAR_DATABASE_URL", str(mini_store.engine.url))
    monkeypatch.setenv("QALAKAR_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    dataset = tmp_path / "hand.jsonl"
    dataset.write_text("\n".join(json.dumps(c) for c in CASES) + "\n")
    yield dataset
    get_settings.cache_clear()


def test_run_writes_reports_and_gates(cli_env: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "a"
    result = runner.invoke(
        app,
        [
            "run",
            "--dataset",
            str(cli_env),
            "--out",
            str(out),
            "--min-tool-accuracy",
            "0.5",
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "tool name accuracy 100.0%" in result.output and "wrong (run 0)" in result.output
    report = json.loads((out / "report.json").read_text())
    m = report["metrics"]
    assert m["tool_args_accuracy"] == pytest.approx(2 / 3, abs=1e-3)
    assert m["failing"][0]["reasons"] == ["turn 0: wrong_value:status"]
    assert set(m["by_tag"]) == {"orders", "chat"}
    page = (out / "report.html").read_text()
    assert "<svg" in page and "wrong_value:status" in page
    # self-contained: no scripts, stylesheets, images or links fetched from anywhere
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert not re.search(r"(src|href)\s*=", page)

    gated = runner.invoke(
        app,
        [
            "run",
            "--dataset",
            str(cli_env),
            "--out",
            str(tmp_path / "b"),
            "--min-task-success",
            "0.9",
            "--tags",
            "orders",
            "--no-progress",
        ],
    )
    assert gated.exit_code == 1
    assert json.loads((tmp_path / "b" / "report.json").read_text())["metrics"]["cases"] == 2

    as_json = runner.invoke(
        app,
        ["run", "--dataset", str(cli_env), "--out", str(tmp_path / "c"), "--json", "--no-progress"],
    )
    assert as_json.exit_code == 0, as_json.output
    printed = json.loads(as_json.stdout)
    assert printed == json.loads((tmp_path / "c" / "report.json").read_text())
    assert printed["metrics"]["cases"] == 3

    compared = runner.invoke(app, ["compare", str(out / "report.json"), str(tmp_path / "b")])
    assert compared.exit_code == 0, compared.output
    assert "task_success" in compared.output
    diff = json.loads((tmp_path / "b" / "compare.json").read_text())
    assert diff["metrics"]["task_success"]["delta"] == pytest.approx(0.5 - 2 / 3, abs=1e-3)
    assert diff["only_in_a"] == ["chat"]
    assert (tmp_path / "b" / "compare.html").read_text().startswith("<!doctype html>")


def test_bad_arguments_exit_2_with_one_line(cli_env: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "turns": [{"usr": "hi"}]}\n')
    result = runner.invoke(app, ["run", "--dataset", str(bad), "--no-progress"])
    assert result.exit_code == 2
    # typer draws a box here, wrapped at the terminal's width (a long temporary path moves the
    # breaks); through ``qalakar`` (gateway.cli.main) it is one line
    flat = re.sub(r"[\s│╭╮╰╯─]+", "", result.output)
    assert "turns.0.usr" in flat and "Extrainputsarenotpermitted" in flat
    target = runner.invoke(
        app, ["run", "--dataset", str(cli_env), "--target", "http://x", "--no-progress"]
    )
    assert target.exit_code == 2
    missing = runner.invoke(
        app, ["compare", str(tmp_path / "nope.json"), str(tmp_path / "nope2.json")]
    )
    assert missing.exit_code == 2
