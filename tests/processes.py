"""Gateways as separate processes (``qalakar serve``) on loopback, for tests and load benches.

:class:`LiveServer` runs the app in a thread of the test process; replicas, workers and a
replica killed mid-turn need real processes, which this module starts, waits for and stops.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.live import free_port, wait_until_ok

ROOT = Path(__file__).resolve().parents[1]
SECRET = "test-secret-0123456789abcdef-0123456789"


def gateway_env(data_dir: Path, database_url: str, **settings: object) -> dict[str, str]:
    """The environment of a gateway process: test settings, dev auth, this checkout first."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QALAKAR_")}
    env.update(
        PYTHONPATH=str(ROOT),
        QALAKAR_ENV="test",
        QALAKAR_DATA_DIR=str(data_dir),
        QALAKAR_DATABASE_URL=database_url,
        QALAKAR_DEV_AUTH="1",
        QALAKAR_JWT_SECRET=SECRET,
    )
    for key, value in settings.items():
        if value is not None:
            env[f"QALAKAR_{key.upper()}"] = str(value)
    return env


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


class GatewayProcess:
    """``python -m gateway.cli serve`` with ``workers`` processes on a free loopback port."""

    def __init__(self, env: dict[str, str], *, workers: int = 1, port: int | None = None,
                 log: Path | None = None) -> None:
        self.env = env
        self.workers = workers
        self.port = port or free_port()
        self.log = log
        self.proc: subprocess.Popen | None = None

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/chat"

    def launch(self) -> GatewayProcess:
        """Start the process without waiting for it."""
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(self.workers)],
            env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def wait_ready(self, ready_s: float = 300, *, path: str = "/readyz") -> GatewayProcess:
        """Wait until ``path`` answers 200 (``/readyz``: database, assistant and index loaded)."""
        assert self.proc is not None, "launch() first"
        try:
            wait_until_ok(self.http + path, ready_s, process=self.proc,
                          what=f"gateway on {self.port} (log: {self.log})")
        except RuntimeError:
            self.stop()
            raise
        return self

    def start(self, ready_s: float = 300) -> GatewayProcess:
        """Launch and wait until ready."""
        return self.launch().wait_ready(ready_s)

    def worker_pids(self) -> list[int]:
        """Process ids of the uvicorn workers (the server itself when it runs one)."""
        if self.proc is None:
            return []
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        if self.workers == 1:
            return [self.proc.pid]
        pids = [int(p) for p in children.read_text().split()] if children.exists() else []
        # Workers are spawned children; the resource tracker is a child too, but no worker.
        return [p for p in pids if b"spawn_main" in _cmdline(p)]

    def kill(self) -> None:
        """SIGKILL the whole process group at once: a crash, nothing is shut down cleanly."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 30 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def token(self, user_id: str, role: str) -> str:
        r = httpx.post(f"{self.http}/auth/dev-token", json={"user_id": user_id, "role": role},
                       timeout=30)
        r.raise_for_status()
        return r.json()["token"]

    def __enter__(self) -> GatewayProcess:
        if self.proc is None:
            self.launch()
        return self.wait_ready()

    def __exit__(self, *exc: object) -> None:
        self.stop()
