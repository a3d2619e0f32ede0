"""A live gateway for tests: the real app under uvicorn on a free loopback port, in a thread."""

from __future__ import annotations

import socket
import subprocess
import threading
import time

import httpx
import uvicorn

from gateway.app import create_app
from gateway.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ok(url: str, timeout_s: float, *, process: subprocess.Popen | None = None,
                  what: str = "server") -> None:
    """Poll ``url`` until it answers 200; fail at once if ``process`` exits, else on timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer {url} within {timeout_s:g} s")


class LiveServer:
    """Starts and stops the gateway; restartable on the same port and data."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = free_port()
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/chat"

    def start(self) -> LiveServer:
        from gateway.cli import server_options

        config = uvicorn.Config(create_app(self.settings), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="on",
                                **server_options(self.settings))
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        # a loaded 2-core machine takes its time
        wait_until_ok(f"{self.http}/readyz", 180, what="gateway")
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=30)

    def token(self, user_id: str, role: str) -> str:
        r = httpx.post(f"{self.http}/auth/dev-token", json={"user_id": user_id, "role": role})
        r.raise_for_status()
        return r.json()["token"]
