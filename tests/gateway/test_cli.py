"""The ``qalakar`` console script, run as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jwt
import pytest

QALAKAR = [sys.executable, "-m", "gateway.cli"]
ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QALAKAR_")}
    return subprocess.run(QALAKAR + args, capture_output=True, text=True, cwd=ROOT,
                          env={**clean, **(env or {})}, timeout=180, check=False)


def test_chat_json_prints_the_turn_object(seeded_store, database_url, tmp_path) -> None:
    env = {"QALAKAR_DATABASE_URL": database_url, "QALAKAR_DATA_DIR": str(tmp_path)}
    out = run(["chat", "show my orders", "--role", "creator", "--user-id", "c-0001", "--json"], env)
    assert out.returncode == 0, out.stderr
    turn = json.loads(out.stdout)
    assert set(turn) >= {"reply", "tool_calls", "tool_results", "citations", "latency_ms"}
    assert turn["tool_calls"] == [{"name": "list_orders", "args": {}}]
    assert turn["tool_results"][0]["ok"] and turn["tool_results"][0]["result"]["orders"]
    assert "order" in turn["reply"] and turn["latency_ms"]["total"] > 0


def test_token_is_signed_with_the_configured_secret() -> None:
    secret = "cli-secret-0123456789abcdef-0123456789"
    out = run(["token", "--user-id", "c-0001", "--role", "creator"],
              {"QALAKAR_JWT_SECRET": secret, "QALAKAR_ENV": "prod"})
    assert out.returncode == 0, out.stderr
    claims = jwt.decode(out.stdout.strip(), secret, algorithms=["HS256"])
    assert (
        claims["sub"] == "c-0001" and claims["role"] == "creator" and claims["exp"] > claims["iat"]
    )


@pytest.mark.parametrize(
    "args",
    [
        ["token", "--user-id", "c-1", "--role", "king"],
        ["token", "--user-id", "c-1"],
        ["frobnicate"],
        ["serve", "--port", "99999"],
        ["seed", "--seed", "many"],
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str]) -> None:
    out = run(args)
    assert out.returncode == 2
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("qalakar: error:")
    assert "Traceback" not in out.stderr + out.stdout


def test_placeholder_secret_outside_dev_is_a_clear_error() -> None:
    out = run(["token", "--user-id", "c-1", "--role", "buyer"], {"QALAKAR_ENV": "prod"})
    assert out.returncode == 2 and "JWT_SECRET" in out.stderr and "Traceback" not in out.stderr


def test_every_command_has_help() -> None:
    for command in ([], ["serve"], ["seed"], ["token"], ["chat"]):
        out = run([*command, "--help"])
        assert out.returncode == 0 and "Usage" in out.stdout


def test_a_failing_command_says_why_in_one_line(tmp_path: Path) -> None:
    env = {
        "QALAKAR_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "QALAKAR_DATA_DIR": str(tmp_path),
    }  # nothing listens on port 1
    out = run(["refresh"], env)
    assert out.returncode == 1 and out.stdout == ""
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("qalakar: error:"), out.stderr


def test_summaries_are_a_few_readable_lines(seeded_store) -> None:
    from domain.seed import seed
    from domain.vision.library import SeedImagesReport
    from gateway.summaries import as_dict, ingest_lines, refresh_lines, seed_lines

    report = as_dict(seed(seeded_store, seed=42, progress=False))  # already seeded: no writes
    images = as_dict(SeedImagesReport(rendered=9825, existing=0, signatures=9825, seconds=61.2))
    lines = seed_lines("sqlite:///x.db", report, images)
    assert lines[0].startswith("already seeded") and len(lines) <= 6
    assert f"{report['products']:,} products" in lines[1] and "9,825 drawn" in lines[-2]
    assert "planted anomalies" in lines[3]
    json.dumps({"database": "x", **report, "images": images})  # the --json object serialises

    prices = {
        "changed_categories": ["pottery"],
        "repriced": [{}, {}],
        "notified": 2,
        "first_snapshot": False,
    }
    forecasts = {
        "computed": 54,
        "changed": [["pottery", "Rajasthan"]],
        "change_notifications": 3,
        "peak_notifications": 7,
    }
    assert refresh_lines(prices, forecasts, 12.345) == [
        "golden prices: 2 listings repriced in 1 changed categories (pottery); 2 creators notified",
        "forecasts: 54 series recomputed, 1 changed; 3 change and 7 seasonal-peak "
        "notifications queued",
        "took 12.3 s",
    ]
    first = refresh_lines({"first_snapshot": True}, {"computed": 0}, 1.0)[0]
    assert "first market snapshot" in first
    ingested = ingest_lines(
        {
            "added": ["a", "b"],
            "updated": [],
            "removed": ["c"],
            "unchanged": 60,
            "nodes": 300,
            "sentences": 900,
            "seconds": 4.2,
        }
    )
    assert ingested[0] == "heritage index: 2 added, 0 updated, 1 removed, 60 unchanged"
    assert all(len(line) <= 120 for line in lines + ingested)
