"""Listing translation through an OpenAI-compatible endpoint, at its protocol boundary.

No LLM runs here (vLLM needs a GPU), so a real HTTP server on a free loopback port answers
``POST /v1/chat/completions`` like one: it checks the request's shape and returns a scripted
"translation" that tags the text with the language asked for; it can also fail on demand.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from domain.translation import (
    METHOD_LLM,
    METHOD_TEMPLATE,
    ChatTranslator,
    ListingText,
    translate_listing,
)
from tools import load_all
from tools.registry import LLMConfig, ToolConfig, ToolContext

LANG_NAMES = {"Hindi (Devanagari script)": "hi", "Spanish": "es", "French": "fr"}


class FakeLLM(ThreadingHTTPServer):
    """Records requests; answers ``<lang>: <text>`` or fails with 500 when told to."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, Any]] = []
        self.fail = False
        self.run_on = ""  # what a base model writes past the end of its turn

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _Handler(BaseHTTPRequestHandler):
    server: FakeLLM

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:  # http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "auth": self.headers["Authorization"],
                                     "body": body})
        if self.server.fail or self.path != "/v1/chat/completions":
            self.send_response(500)
            self.end_headers()
            return
        system, user = body["messages"][0]["content"], body["messages"][1]["content"]
        lang = next(code for name, code in LANG_NAMES.items() if name in system)
        content = f"{lang}: {user}{self.server.run_on}"
        answer = {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture()
def llm() -> Iterator[FakeLLM]:
    server = FakeLLM()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


TEXT = ListingText(product="saree", materials=["silk", "zari"], colors=["red"],
                   maker_words="laal resham ki saree, zari border")


def test_free_text_goes_through_the_llm_and_says_so(llm: FakeLLM) -> None:
    with httpx.Client(timeout=5) as client:
        out = translate_listing(TEXT, translator=ChatTranslator(client, llm.base_url, "m", "k"))
    assert out["en"].method == METHOD_TEMPLATE  # the source text
    for lang in ("hi", "es", "fr"):
        assert out[lang].method == METHOD_LLM
        assert out[lang].description.startswith(f"{lang}: Handmade saree")
        assert "laal resham ki saree" in out[lang].description  # the maker's words too
    first = llm.requests[0]
    assert first["auth"] == "Bearer k" and first["body"]["model"] == "m"
    assert first["body"]["temperature"] == 0
    assert [m["role"] for m in first["body"]["messages"]] == ["system", "user"]


def test_a_reply_that_runs_on_into_the_chat_template_is_cut_at_the_turn_end(llm: FakeLLM) -> None:
    llm.run_on = "<|im_end|>\n<|im_start|>user\nTranslate this too<|im_end|>"
    with httpx.Client(timeout=5) as client:
        out = translate_listing(TEXT, translator=ChatTranslator(client, llm.base_url, "m"))
    assert out["hi"].method == METHOD_LLM and out["hi"].description.endswith("zari border”")
    assert not any("<|" in t.title + t.description for t in out.values())
    body = llm.requests[0]["body"]
    assert "<|im_end|>" in body["stop"] and "<end_of_turn>" in body["stop"]
    assert 0 < body["max_tokens"] <= 2048


def test_a_failing_endpoint_falls_back_to_the_glossary(llm: FakeLLM) -> None:
    llm.fail = True
    with httpx.Client(timeout=5) as client:
        out = translate_listing(TEXT, translator=ChatTranslator(client, llm.base_url, "m"))
    assert all(t.method == METHOD_TEMPLATE for t in out.values())
    assert "रेशम" in out["hi"].description and out["es"].title.startswith("Sari")


def test_an_unreachable_endpoint_falls_back_too() -> None:
    with httpx.Client(timeout=0.5) as client:
        out = translate_listing(TEXT, translator=ChatTranslator(client, "http://127.0.0.1:9/v1",
                                                               "m"))
    assert out["fr"].method == METHOD_TEMPLATE and out["fr"].title


def test_create_listing_uses_the_configured_llm(llm: FakeLLM, tmp_path) -> None:
    from domain.store import Creator, Store

    store = Store.from_url(f"sqlite:///{tmp_path}/q.db")
    store.create_all()
    with store.session() as s:
        s.add(Creator(id="c-0001", name="Asha", phone="+91 90000 00001", lat=26.9, lon=75.8,
                      region="Rajasthan", primary_craft="blue pottery", category="pottery"))
    config = ToolConfig(data_dir=tmp_path, llm=LLMConfig(base_url=llm.base_url, model="m"))
    ctx = ToolContext("c-0001", "creator", store, config=config)
    r = load_all().invoke("create_listing", {"description": "blue pottery vase, 30 cm"}, ctx)
    assert r.translations["hi"].method == "llm" and r.translations["hi"].title.startswith("hi: ")
    assert r.translations["en"].method == "glossary+template"
    assert len(llm.requests) == 6  # title and description, three languages
