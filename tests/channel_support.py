"""A small local provider for channel tests: Graph-like and Twilio-like endpoints in one server.

It records every request it receives, serves media it was given, and can be told to fail the
next N calls (a provider outage) before it recovers.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class Received:
    """One request the fake provider got."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode()))


@dataclass
class FakeProvider:
    """Graph (``/{number}/messages``, ``/{media_id}``) and Twilio (``/2010-04-01/…``) stand-ins."""

    received: list[Received] = field(default_factory=list)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    fail_next: int = 0
    fail_status: int = 503
    delay_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    counter: int = 0

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def sent(self, path_part: str = "/messages") -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.method == "POST" and path_part in r.path]

    def start(self) -> FakeProvider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _record(self) -> Received:
                length = int(self.headers.get("content-length") or 0)
                item = Received(
                    self.command,
                    self.path,
                    dict(self.headers.items()),
                    self.rfile.read(length) if length else b"",
                )
                return item

            def _answer(self, status: int, body: bytes, ctype: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                item = self._record()
                with provider.lock:
                    provider.received.append(item)
                key = self.path.strip("/").split("?")[0]
                if key.startswith("files/") and key[6:] in provider.media:
                    data, ctype = provider.media[key[6:]]
                    return self._answer(200, data, ctype)
                if key in provider.media:  # Graph: media id → metadata with a download URL
                    data, ctype = provider.media[key]
                    meta = {
                        "messaging_product": "whatsapp",
                        "url": f"{provider.url}/files/{key}",
                        "mime_type": ctype,
                        "file_size": len(data),
                        "id": key,
                    }
                    return self._answer(200, json.dumps(meta).encode())
                self._answer(404, b'{"error": "not found"}')

            def do_POST(self) -> None:
                item = self._record()
                if provider.delay_s:
                    time.sleep(provider.delay_s)
                with provider.lock:
                    if provider.fail_next > 0:
                        provider.fail_next -= 1
                        failing = True
                    else:
                        failing = False
                        provider.received.append(item)
                        provider.counter += 1
                        n = provider.counter
                if failing:
                    return self._answer(provider.fail_status, b'{"error": "outage"}')
                if "/Messages.json" in self.path:
                    return self._answer(
                        201, json.dumps({"sid": f"SM{n:032d}", "status": "queued"}).encode()
                    )
                self._answer(
                    200,
                    json.dumps(
                        {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.out{n}"}]}
                    ).encode(),
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def start_gateway(settings: Any) -> Any:
    """A live gateway for ``settings``, its knowledge index built first (a fresh data folder
    ingests the corpus, which can take longer than the live server waits for readiness)."""
    from gateway.wiring import knowledge_config
    from knowledge.service import get_knowledge_base
    from tests.live import LiveServer

    get_knowledge_base(knowledge_config(settings))
    return LiveServer(settings).start()
