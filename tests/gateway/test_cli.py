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


def test_chat_json_prints_the_turn_object(seeded_store, database_url, tmp_path) -> None:  # noqa: ANN001
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
    assert claims["sub"] == "c-0001" and claims["role"] == "creator" and claims["exp"] > claims["iat"]


@pytest.mark.parametrize(
    "args",
    [["token", "--user-id", "c-1", "--role", "king"], ["token", "--user-id", "c-1"], ["frobnicate"],
     ["serve", "--port", "99999"], ["seed", "--seed", "many"]],
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
