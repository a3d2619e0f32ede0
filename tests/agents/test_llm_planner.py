"""The LLM planner against a scripted OpenAI-compatible server, through the real assistant.

The server below stands in for vLLM because no GPU is available here: a real HTTP server on a
free loopback port that answers ``POST /v1/chat/completions`` as JSON or as SSE chunks (tool-call
arguments split across chunks, ``data: [DONE]`` at the end), with scripted replies: first a
``list_orders`` call, then, once a ``tool`` message is in the request, an answer built from the
tool's result. Like OpenAI, it refuses (400) an assistant tool call not followed by its answers.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from websockets.asyncio.client import connect

from agents.planners.llm import UNAVAILABLE, LLMPlanner, sanitize_history
from domain.store import Store
from gateway.settings import Settings
from gateway.wiring import make_planner, open_assistant
from tests.live import LiveServer, free_port

MODEL = "test-model"
JWT_SECRET = "test-secret-0123456789abcdef-0123456789"


def history_problem(messages: list[dict[str, Any]]) -> str | None:
    """What OpenAI's API would reject in ``messages``: unanswered or stray tool calls."""
    waiting: set[str] = set()
    for m in messages:
        if m["role"] == "tool":
            if m.get("tool_call_id") not in waiting:
                return f"tool message {m.get('tool_call_id')!r} answers no preceding tool call"
            waiting.discard(m["tool_call_id"])
            continue
        if waiting:
            return f"assistant tool_calls {sorted(waiting)} are not followed by their tool messages"
        if m["role"] == "assistant" and m.get("tool_calls"):
            waiting = {c["id"] for c in m["tool_calls"]}
    return f"assistant tool_calls {sorted(waiting)} have no tool messages" if waiting else None


class ScriptedLLM(ThreadingHTTPServer):
    """The fake endpoint: records every request body and answers from the script."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, Any]] = []
        self.violations: list[str] = []
        self.fail = False
        self.ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def reset(self) -> None:
        self.requests.clear()
        self.violations.clear()
        self.fail = False

    def script(self, body: dict[str, Any]) -> dict[str, Any]:
        """A ``list_orders`` call first; after a tool result, an answer that uses it."""
        answers = [m for m in body["messages"] if m["role"] == "tool"]
        if answers:
            result = json.loads(answers[-1]["content"])
            answer = f"You have {result['total']} pending orders right now."
            return {"content": answer, "tool_calls": []}
        return {"content": None, "tool_calls": [{
            "id": f"call_{next(self.ids)}", "name": "list_orders",
            "arguments": json.dumps({"status": "pending"}),
        }]}


class _Handler(BaseHTTPRequestHandler):
    server: ScriptedLLM

    def log_message(self, *args: Any) -> None:  # keep the test output quiet
        pass

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        if self.path != "/v1/chat/completions":
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        llm = self.server
        llm.requests.append(body)
        if llm.fail:
            self._json(500, {"error": {"message": "scripted failure", "type": "server_error"}})
            return
        problem = history_problem(body["messages"])
        if problem:
            llm.violations.append(problem)
            self._json(400, {"error": {"message": problem, "type": "invalid_request_error"}})
            return
        reply = llm.script(body)
        if body.get("stream"):
            self._stream(body, reply)
        else:
            self._json(200, _completion(reply))

    def _stream(self, body: dict[str, Any], reply: dict[str, Any]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        cid, created = f"chatcmpl-{uuid.uuid4().hex[:8]}", int(time.time())

        def send(delta: dict[str, Any] | None, finish: str | None = None, **extra: Any) -> None:
            choices = [] if delta is None else [
                {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
            chunk = {"id": cid, "object": "chat.completion.chunk", "created": created,
                     "model": MODEL, "choices": choices, **extra}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()

        send({"role": "assistant", "content": ""})
        for index, call in enumerate(reply["tool_calls"]):
            send({"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                                  "function": {"name": call["name"], "arguments": ""}}]})
            args = call["arguments"]
            for piece in (args[:5], args[5:12], args[12:]):  # fragments split mid-token
                send({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
        for piece in re.findall(r"\S+\s*", reply["content"] or ""):
            send({"content": piece})
        send({}, "tool_calls" if reply["tool_calls"] else "stop")
        if (body.get("stream_options") or {}).get("include_usage"):
            send(None, usage={"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15})
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


def _completion(reply: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply["content"]}
    if reply["tool_calls"]:
        message["tool_calls"] = [
            {"id": c["id"], "type": "function",
             "function": {"name": c["name"], "arguments": c["arguments"]}}
            for c in reply["tool_calls"]
        ]
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:8]}", "object": "chat.completion",
        "created": int(time.time()), "model": MODEL,
        "choices": [{"index": 0, "message": message, "logprobs": None,
                     "finish_reason": "tool_calls" if reply["tool_calls"] else "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedLLM]:
    llm = ScriptedLLM()
    thread = threading.Thread(target=llm.serve_forever, daemon=True)
    thread.start()
    yield llm
    llm.shutdown()
    llm.server_close()


@pytest.fixture()
def llm(server: ScriptedLLM) -> ScriptedLLM:
    server.reset()
    return server


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """An empty marketplace: the tools run for real and find nothing."""
    path: Path = tmp_path_factory.mktemp("llm-planner") / "empty.db"
    store = Store.from_url(f"sqlite:///{path}")
    store.create_all()
    yield store
    store.dispose()


def run_turn(settings: Settings, store: Store, planner: LLMPlanner, text: str,
             user: str = "c-0001", role: str = "creator", before: list[Any] | None = None,
             ) -> list[dict[str, Any]]:
    """One turn through ``open_assistant``; ``before`` seeds the session's stored messages."""
    async def scenario() -> list[dict[str, Any]]:
        async with open_assistant(settings, store=store, planner=planner) as assistant:
            session = assistant.new_session_id()
            if before:
                config = {"configurable": {"thread_id": assistant.thread_id(user, session)}}
                await assistant.graph.aupdate_state(config, {"messages": before}, as_node="plan")
            turn = assistant.stream(user_id=user, role=role, session_id=session, text=text)
            return [e async for e in turn]

    return asyncio.run(scenario())


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in events if not e["type"].startswith("_")]


def test_streamed_tool_call_then_answer_through_the_assistant(llm: ScriptedLLM, settings: Settings,
                                                              store: Store) -> None:
    events = run_turn(settings, store, LLMPlanner(base_url=llm.base_url, model=MODEL),
                      "show my pending orders")

    assert kinds(events)[:2] == ["tool_call", "tool_result"]
    assert kinds(events)[-2:] == ["assistant_message", "turn_end"]
    call, result = events[0], events[1]
    assert call["name"] == "list_orders" and call["args"] == {"status": "pending"}
    assert result["call_id"] == call["call_id"] and result["ok"]
    assert result["result"]["total"] == 0 and result["result"]["status"] == "pending"
    deltas = [e["text"] for e in events if e["type"] == "assistant_delta"]
    assert len(deltas) > 1, "the answer arrives in pieces"
    final = next(e for e in events if e["type"] == "assistant_message")
    assert final["text"] == "".join(deltas).strip() == "You have 0 pending orders right now."

    assert len(llm.requests) == 2 and all(r["stream"] for r in llm.requests)
    second = llm.requests[1]["messages"]
    tool_message = next(m for m in second if m["role"] == "tool")
    assert tool_message["tool_call_id"] == call["call_id"]
    assert json.loads(tool_message["content"]) == result["result"], "the real tool result went back"
    asked = next(m for m in second if m["role"] == "assistant")
    assert asked["tool_calls"][0]["function"]["name"] == "list_orders"
    assert json.loads(asked["tool_calls"][0]["function"]["arguments"]) == {"status": "pending"}
    assert not llm.violations


@pytest.mark.parametrize(("role", "user"), [("buyer", "b-0001"), ("creator", "c-0001")])
def test_the_server_gets_the_roles_tools_and_the_system_prompt(
    llm: ScriptedLLM, settings: Settings, store: Store, role: str, user: str,
) -> None:
    run_turn(settings, store, LLMPlanner(base_url=llm.base_url, model=MODEL),
             "show my pending orders", user=user, role=role)

    first = llm.requests[0]
    assert first["model"] == MODEL
    names = {t["function"]["name"] for t in first["tools"]}
    assert {"list_orders", "search_products"} <= names
    assert ("update_price" in names) == (role == "creator"), "creator-only tools stay with creators"
    for spec in first["tools"]:
        assert spec["type"] == "function" and spec["function"]["parameters"]["type"] == "object"
    system = first["messages"][0]
    assert system["role"] == "system"
    assert "Qalakar" in system["content"]
    assert f"The caller is a {role} with id {user}" in system["content"]
    assert first["messages"][1] == {"role": "user", "content": "show my pending orders"}


def test_non_streamed_completions_work_too(llm: ScriptedLLM, settings: Settings,
                                           store: Store) -> None:
    planner = LLMPlanner(base_url=llm.base_url, model=MODEL, streaming=False)
    events = run_turn(settings, store, planner, "show my pending orders")

    assert not any(r.get("stream") for r in llm.requests), "plain JSON completions were asked for"
    assert kinds(events)[:2] == ["tool_call", "tool_result"]
    assert events[0]["args"] == {"status": "pending"}
    final = next(e for e in events if e["type"] == "assistant_message")
    assert final["text"] == "You have 0 pending orders right now."
    assert kinds(events)[-1] == "turn_end"


def test_a_failing_endpoint_becomes_a_polite_reply(
    llm: ScriptedLLM, settings: Settings, store: Store, caplog: pytest.LogCaptureFixture,
) -> None:
    llm.fail = True
    with caplog.at_level(logging.WARNING, logger="agents.planners.llm"):
        events = run_turn(settings, store, LLMPlanner(base_url=llm.base_url, model=MODEL), "hello")

    assert kinds(events) == ["assistant_delta", "assistant_message", "turn_end"]
    assert events[1]["text"] == UNAVAILABLE
    assert "Traceback" not in json.dumps(events)
    assert llm.requests, "the endpoint was asked"
    assert any("500" in r.getMessage() for r in caplog.records), "the failure is logged"


def test_an_unreachable_endpoint_becomes_a_polite_reply(settings: Settings, store: Store) -> None:
    planner = LLMPlanner(base_url=f"http://127.0.0.1:{free_port()}/v1", model=MODEL, timeout=5)
    events = run_turn(settings, store, planner, "hello")

    assert next(e for e in events if e["type"] == "assistant_message")["text"] == UNAVAILABLE
    assert kinds(events)[-1] == "turn_end" and "tool_call" not in kinds(events)


def test_an_unanswered_tool_call_in_history_is_not_sent(llm: ScriptedLLM, settings: Settings,
                                                        store: Store) -> None:
    interrupted = [
        HumanMessage("show my pending orders"),
        AIMessage("Let me look.", tool_calls=[{
            "id": "call_lost", "name": "list_orders", "args": {"status": "pending"},
            "type": "tool_call"}]),
    ]
    # The validator is real: this history as it stands is what OpenAI-style servers refuse.
    raw = [{"role": "user", "content": "hi"},
           {"role": "assistant", "content": None, "tool_calls": [{
               "id": "call_lost", "type": "function",
               "function": {"name": "list_orders", "arguments": "{}"}}]},
           {"role": "user", "content": "still there?"}]
    refused = httpx.post(f"{llm.base_url}/chat/completions", json={"model": MODEL, "messages": raw})
    assert refused.status_code == 400
    llm.reset()

    events = run_turn(settings, store, LLMPlanner(base_url=llm.base_url, model=MODEL),
                      "still there? show my pending orders", before=interrupted)

    assert not llm.violations
    sent = llm.requests[0]["messages"]
    assert not any(m["role"] == "assistant" and m.get("tool_calls") for m in sent)
    assert not any(m["role"] == "tool" for m in sent)
    assert {"role": "assistant", "content": "Let me look."} in sent, "the text of the turn stays"
    assert kinds(events)[:2] == ["tool_call", "tool_result"] and kinds(events)[-1] == "turn_end"
    for body in llm.requests:
        assert history_problem(body["messages"]) is None


def test_sanitize_history_keeps_answered_calls_and_drops_the_rest() -> None:
    def call(cid: str) -> dict[str, Any]:
        return {"id": cid, "name": "list_orders", "args": {}, "type": "tool_call"}

    stray = ToolMessage("{}", tool_call_id="call_cut_off")  # its call fell out of the window
    asked = HumanMessage("orders?")
    answered = AIMessage("", tool_calls=[call("a"), call("b")])
    answers = [ToolMessage("{}", tool_call_id="a"), ToolMessage("{}", tool_call_id="b")]
    half = AIMessage("", tool_calls=[call("c"), call("d")])
    half_answer = ToolMessage("{}", tool_call_id="c")
    later = HumanMessage("and now?")
    reply = AIMessage("Here you are.")

    kept = sanitize_history([stray, asked, answered, *answers, reply, half, half_answer, later])

    assert kept == [asked, answered, *answers, reply, later]
    assert sanitize_history([asked, reply]) == [asked, reply]


def test_make_planner_follows_the_settings(tmp_path: Path) -> None:
    from agents.planners.embedded import EmbeddedPlanner

    base = {"env": "test", "data_dir": tmp_path, "jwt_secret": JWT_SECRET, "_env_file": None}
    planner = make_planner(Settings(**base, llm_base_url="http://127.0.0.1:9/v1", llm_model=MODEL))
    assert isinstance(planner, LLMPlanner) and planner.name == "llm"
    assert planner.model.model_name == MODEL
    assert str(planner.model.openai_api_base).rstrip("/") == "http://127.0.0.1:9/v1"
    assert isinstance(make_planner(Settings(**base)), EmbeddedPlanner)


@pytest.mark.integration
def test_the_gateway_chats_with_the_llm_over_the_websocket(llm: ScriptedLLM,
                                                          tmp_path: Path) -> None:
    settings = Settings(env="test", data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/gw.db",
                        dev_auth=True, jwt_secret=JWT_SECRET, llm_base_url=llm.base_url,
                        llm_model=MODEL, _env_file=None)
    live = LiveServer(settings).start()

    async def say(text: str) -> list[dict[str, Any]]:
        async with connect(f"{live.ws}?token={live.token('c-0001', 'creator')}") as ws:
            assert json.loads(await ws.recv())["type"] == "session"
            await ws.send(json.dumps({"type": "user_message", "text": text}))
            frames: list[dict[str, Any]] = []
            async with asyncio.timeout(30):
                while not frames or frames[-1]["type"] != "turn_end":
                    frames.append(json.loads(await ws.recv()))
            return frames

    try:
        assert httpx.get(f"{live.http}/readyz").json()["checks"]["planner"] == "llm"
        frames = asyncio.run(say("show my pending orders"))
        assert kinds(frames)[:2] == ["tool_call", "tool_result"]
        assert frames[-2]["text"] == "You have 0 pending orders right now."
        llm.fail = True
        frames = asyncio.run(say("show my pending orders"))
        assert kinds(frames) == ["assistant_delta", "assistant_message", "turn_end"]
        assert frames[-2]["text"] == UNAVAILABLE
    finally:
        live.stop()
