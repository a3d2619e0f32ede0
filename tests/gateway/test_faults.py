"""Faults a busy deployment meets: the database or the Chroma server goes away and comes back.

PostgreSQL is shared by every session on this machine and must not be stopped, so its outage
is a TCP proxy on loopback between the gateway and the server, cut and restored by the test.
The Chroma server is the test's own ``chroma run`` process, stopped and started again.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from gateway.settings import Settings
from knowledge.config import KnowledgeConfig
from tests.live import LiveServer, free_port, wait_until_ok
from tests.postgres import PG, seeded_database
from tests.processes import SECRET
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.integration

DB = "scale_db"


@pytest.fixture(scope="module")
def pg_database() -> str:
    """The seeded marketplace in this suite's own PostgreSQL database."""
    seeded_database(DB)
    return DB


def _search(server: LiveServer, token: str) -> httpx.Response:
    return httpx.post(f"{server.http}/api/v1/tools/search_products", timeout=30,
                      json={"query": "madhubani painting"},
                      headers={"authorization": f"Bearer {token}"})


async def _turn(server: LiveServer, token: str, session_id: str, text: str) -> list[dict]:
    async with connect(f"{server.ws}?token={token}&session_id={session_id}") as ws:
        await ws.recv()
        await ws.send(json.dumps({"type": "user_message", "text": text}))
        frames = []
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
            frames.append(frame)
            if frame["type"] == "turn_end":
                return frames


async def _outage_on_sockets(server: LiveServer, token: str, cut: Callable[[], None]) -> None:
    """A socket open before the outage answers its turn with the 503 error and ``turn_end``;
    one opened during it is told UPSTREAM_UNAVAILABLE and closed with 1013 (try again)."""
    async with connect(f"{server.ws}?token={token}&session_id=s-faults") as ws:
        await ws.recv()
        cut()
        started = time.monotonic()
        await ws.send(json.dumps({"type": "user_message", "text": "show my pending orders"}))
        frames = []
        while not frames or frames[-1]["type"] != "turn_end":
            frames.append(json.loads(await asyncio.wait_for(ws.recv(), 30)))
        errors = [f for f in frames if f["type"] == "error"]
        assert errors and {e["error"]["code"] for e in errors} == {"UPSTREAM_UNAVAILABLE"}
        assert time.monotonic() - started < 20
    async with connect(f"{server.ws}?token={token}&session_id=s-faults") as ws:
        frames = []
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                frames.append(json.loads(await asyncio.wait_for(ws.recv(), 30)))
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
        assert [f["error"]["code"] for f in frames if f["type"] == "error"] == [
            "UPSTREAM_UNAVAILABLE"]


def _assert_unavailable(r: httpx.Response) -> None:
    assert r.status_code == 503, r.text
    err = r.json()["error"]
    assert err["code"] == "UPSTREAM_UNAVAILABLE"
    assert "Traceback" not in r.text and "psycopg" not in r.text and "5432" not in r.text


def test_a_database_outage_is_503_and_the_gateway_recovers_by_itself(pg_database, data_dir,
                                                                      ) -> None:
    proxy = TcpProxy(PG).start()
    url = f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/{pg_database}"
    settings = Settings(env="test", data_dir=data_dir, database_url=url, dev_auth=True,
                        jwt_secret=SECRET, _env_file=None, rate_limit_per_minute=0,
                        rate_limit_turns_per_minute=0)
    server = LiveServer(settings).start()
    try:
        token = server.token("c-0001", "creator")
        assert _search(server, token).status_code == 200
        frames = asyncio.run(_turn(server, token, "s-faults", "show my pending orders"))
        assert not [f for f in frames if f["type"] == "error"]

        # the database "restarts" while a socket is open
        asyncio.run(_outage_on_sockets(server, token, proxy.cut))
        _assert_unavailable(_search(server, token))
        _assert_unavailable(httpx.get(f"{server.http}/api/v1/products", timeout=30,
                                      headers={"authorization": f"Bearer {token}"}))
        assert httpx.get(f"{server.http}/healthz", timeout=5).status_code == 200
        assert httpx.get(f"{server.http}/readyz", timeout=30).status_code == 503

        proxy.restore()  # back, on the same address: no gateway restart
        deadline = time.monotonic() + 30
        while (r := _search(server, token)).status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert r.status_code == 200, r.text
        frames = asyncio.run(_turn(server, token, "s-faults", "show my pending orders"))
        assert not [f for f in frames if f["type"] == "error"], frames
        assert any(f["type"] == "assistant_message" for f in frames)
        assert httpx.get(f"{server.http}/readyz", timeout=30).status_code == 200
    finally:
        server.stop()
        proxy.cut()


CHROMA = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))


class ChromaServer:
    """``chroma run --path DIR --port P``: a real Chroma server that a test stops and restarts."""

    def __init__(self, path: Path, log: Path) -> None:
        self.path = path
        self.port = free_port()
        self.log = log
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ChromaServer:
        """Start on the same port and path as before; wait for its heartbeat."""
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [CHROMA, "run", "--path", str(self.path), "--host", "127.0.0.1",
                 "--port", str(self.port)], stdout=out, stderr=subprocess.STDOUT)
        wait_until_ok(f"{self.url}/api/v2/heartbeat", 60, process=self.proc,
                      what=f"chroma (log: {self.log})")
        return self

    def stop(self) -> None:
        """SIGTERM, and wait until the port is free."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)


def _heritage(server: LiveServer, token: str) -> httpx.Response:
    return httpx.post(f"{server.http}/api/v1/tools/heritage_lookup", timeout=60,
                      json={"question": "what is madhubani painting"},
                      headers={"authorization": f"Bearer {token}"})


def _heritage_turn(server: LiveServer, token: str) -> tuple[list[dict], dict]:
    frames = asyncio.run(_turn(server, token, "s-chroma", "what is madhubani painting"))
    (reply,) = [f for f in frames if f["type"] == "assistant_message"]
    return frames, reply


@pytest.mark.skipif(not Path(CHROMA).exists(), reason="needs the chroma CLI (pip install chromadb)")
def test_a_chroma_server_stopped_and_started_again(seeded_store, data_dir, database_url,
                                                   tmp_path) -> None:
    from knowledge.index import ingest

    chroma = ChromaServer(tmp_path / "chroma", tmp_path / "chroma.log").start()
    server = None
    try:
        report = ingest(KnowledgeConfig(data_dir=tmp_path, chroma_url=chroma.url))
        assert report.nodes > 0
        settings = Settings(env="test", data_dir=data_dir, database_url=database_url,
                            chroma_url=chroma.url, dev_auth=True, jwt_secret=SECRET,
                            _env_file=None, rate_limit_per_minute=0,
                            rate_limit_turns_per_minute=0, speak_replies=False)
        server = LiveServer(settings).start()
        token = server.token("b-0001", "buyer")
        r = _heritage(server, token)
        assert r.status_code == 200 and r.json()["citations"], r.text
        frames, reply = _heritage_turn(server, token)
        assert not [f for f in frames if f["type"] == "error"] and reply["citations"], frames

        chroma.stop()
        r = _heritage(server, token)
        _assert_unavailable(r)
        assert "heritage knowledge base is unavailable" in r.json()["error"]["message"]
        frames, reply = _heritage_turn(server, token)
        errors = [f["error"] for f in frames if f["type"] == "error"]
        assert [e["code"] for e in errors] == ["UPSTREAM_UNAVAILABLE"], frames
        assert "unavailable" in reply["text"].lower() and not reply["citations"], reply
        assert _search(server, token).status_code == 200  # the rest of the gateway works

        chroma.start()  # same port, same path; the gateway is not restarted
        r = _heritage(server, token)
        assert r.status_code == 200 and r.json()["citations"], r.text
        frames, reply = _heritage_turn(server, token)
        assert not [f for f in frames if f["type"] == "error"] and reply["citations"], frames
    finally:
        if server is not None:
            server.stop()
        chroma.stop()
