"""The LLM planner against a scripted OpenAI-compatible server, through the real assistant.

The server below stands in for vLLM because no GPU is available here: a real HTTP server on a
free loopback port that answers ``POST /v1/chat/completions`` as JSON or as SSE chunks (tool-call
arguments split across chunks, ``data: [DONE]`` at the end), with scripted replies: first a
``list_orders`` call, then, once a ``tool`` message is in the request, an answer built from the
tool's result. Like OpenAI, it refuses (400) an assistant tool call not followed by its answers.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from websockets.asyncio.client import connect

from agents.planners.llm import OFFLINE_NOTE, UNAVAILABLE, LLMPlanner, sanitize_history
from domain.store import Store
from gateway.settings import Settings
from gateway.wiring import make_planner
from tests.agents.llm_support import (
    JWT_SECRET,
    MODEL,
    ScriptedLLM,
    history_problem,
    kinds,
    run_turn,
)
from tests.live import LiveServer, free_port


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
        # the endpoint fails: the embedded planner answers the turn, in offline mode
        assert kinds(frames)[:2] == ["tool_call", "tool_result"]
        assert frames[0]["args"] == {"status": "pending"}
        assert frames[-2]["text"].startswith(OFFLINE_NOTE)
        assert kinds(frames)[-1] == "turn_end"
    finally:
        live.stop()
