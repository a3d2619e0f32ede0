"""A scripted OpenAI-compatible server for the LLM planner's tests (it stands in for vLLM).

No GPU here, so the planner is tested at its protocol boundary: a real HTTP server on a free
loopback port answers ``POST /v1/chat/completions`` as JSON or as SSE chunks (tool-call
arguments split across chunks, ``data: [DONE]`` at the end). By default it scripts a
``list_orders`` call, then, once a ``tool`` message is in the request, an answer built from
the tool's result; a test may set ``custom`` to script its own replies. Like OpenAI, it
refuses (400) an assistant tool call not followed by its answers.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from agents.planners.llm import LLMPlanner
from domain.store import Store
from gateway.settings import Settings
from gateway.wiring import open_assistant

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
        self.custom: Any = None  # a test's own script: body -> reply
        self.ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def reset(self) -> None:
        self.requests.clear()
        self.violations.clear()
        self.fail = False
        self.custom = None

    def script(self, body: dict[str, Any]) -> dict[str, Any]:
        """A ``list_orders`` call first; after a tool result, an answer that uses it."""
        if self.custom is not None:
            return self.custom(body)
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

    def do_POST(self) -> None:  # http.server's naming
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
        if reply.get("delay"):
            time.sleep(reply["delay"])
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
        send({}, reply.get("finish") or ("tool_calls" if reply["tool_calls"] else "stop"))
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
                     "finish_reason": reply.get("finish")
                     or ("tool_calls" if reply["tool_calls"] else "stop")}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


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
