"""The LLM planner's guard rails, against the scripted OpenAI-compatible server.

The server (tests/agents/test_llm_planner.py) stands in for vLLM or llama.cpp's server: no
GPU here. Each test scripts a known way small models misbehave — invalid or wrapped
arguments, chat-template tokens past the end of the turn, tool JSON written as text, a
reply cut at max_tokens, a slow or dead endpoint — and checks what the user receives.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agents.planners.embedded import EmbeddedPlanner
from agents.planners.guard import (
    CircuitBreaker,
    approx_tokens,
    clean_reply,
    compact_schema,
    fit_history,
    looks_like_garbage,
    message_tokens,
    parrots,
    repair_args,
    tool_calls_in_text,
)
from agents.planners.llm import OFFLINE_NOTE, LLMPlanner
from agents.planners.routing import intent_router
from domain.store import Store
from gateway.settings import Settings
from tests.agents.llm_support import MODEL, ScriptedLLM, kinds, run_turn
from tools import load_all
from tools.pricing import GoldenPriceArgs


def call(name: str, args: Any, cid: str = "call_1") -> dict[str, Any]:
    """A scripted tool call; ``args`` goes out as the JSON text of the arguments."""
    return {"id": cid, "name": name,
            "arguments": args if isinstance(args, str) else json.dumps(args)}


def final_text(events: list[dict[str, Any]]) -> str:
    return next(e for e in events if e["type"] == "assistant_message")["text"]


def answered(body: dict[str, Any]) -> bool:
    return any(m["role"] == "tool" and "error" not in m["content"] for m in body["messages"])


def planner(llm: ScriptedLLM, **kw: Any) -> LLMPlanner:
    return LLMPlanner(base_url=llm.base_url, model=MODEL, fallback=EmbeddedPlanner(), **kw)


# -- through the assistant ---------------------------------------------------------------
def test_an_invalid_call_goes_back_with_the_error_and_the_corrected_one_runs(
    llm: ScriptedLLM, settings: Settings, store: Store,
) -> None:
    def script(body: dict[str, Any]) -> dict[str, Any]:
        if answered(body):
            return {"content": "Nothing pending.", "tool_calls": []}
        errors = [m for m in body["messages"] if m["role"] == "tool"]
        status = "pending" if errors else "lost-in-the-post"
        return {"content": None, "tool_calls": [call("list_orders", {"status": status},
                                                      f"call_{len(errors)}")]}

    llm.custom = script
    events = run_turn(settings, store, planner(llm), "show my pending orders")

    calls = [e for e in events if e["type"] == "tool_call"]
    assert [c["args"] for c in calls] == [{"status": "pending"}], "only the valid call ran"
    correction = llm.requests[1]["messages"]
    error = next(m for m in correction if m["role"] == "tool")
    assert "status" in error["content"] and "VALIDATION_ERROR" in error["content"]
    assert final_text(events) == "Nothing pending."
    assert not llm.violations


def test_two_failed_corrections_hand_the_turn_to_the_embedded_planner(
    llm: ScriptedLLM, settings: Settings, store: Store,
) -> None:
    llm.custom = lambda body: {"content": None, "tool_calls": [
        call("list_orders", {"status": "whenever"})]}
    events = run_turn(settings, store, planner(llm), "show my pending orders")

    assert len(llm.requests) == 3, "the first call and two corrections, then no more"
    assert [e["args"] for e in events if e["type"] == "tool_call"] == [{"status": "pending"}]
    assert final_text(events).startswith(OFFLINE_NOTE)
    assert kinds(events)[-1] == "turn_end"


def test_wrapped_arguments_are_repaired_without_asking_again(
    llm: ScriptedLLM, settings: Settings, store: Store,
) -> None:
    def script(body: dict[str, Any]) -> dict[str, Any]:
        if answered(body):
            return {"content": "Done.", "tool_calls": []}
        return {"content": None, "tool_calls": [
            call("list_orders", {"arguments": json.dumps({"status": "shipped"})})]}

    llm.custom = script
    events = run_turn(settings, store, planner(llm), "what has shipped")

    assert [e["args"] for e in events if e["type"] == "tool_call"] == [{"status": "shipped"}]
    assert len(llm.requests) == 2


def test_a_reply_that_runs_on_into_the_chat_template_is_cut_at_the_end_of_turn(
    llm: ScriptedLLM, settings: Settings, store: Store,
) -> None:
    runaway = ("Namaste! I can help you price and list your work.<|im_end|>\n<|im_start|>tool\n"
               '{"name": "list_orders", "arguments": {}}<|im_end|>\n<|im_start|>user\nhi' * 3)
    llm.custom = lambda body: {"content": runaway, "tool_calls": []}
    events = run_turn(settings, store, planner(llm), "hello")

    text = final_text(events)
    assert text == "Namaste! I can help you price and list your work."
    streamed = "".join(e["text"] for e in events if e["type"] == "assistant_delta")
    assert "<|" not in streamed and "list_orders" not in streamed


def test_the_server_is_told_to_stop_at_chat_template_markers(
    llm: ScriptedLLM, settings: Settings, store: Store,
) -> None:
    llm.custom = lambda body: {"content": "Namaste!", "tool_calls": []}
    run_turn(settings, store, planner(llm), "hello")

    stop = llm.requests[0]["stop"]
    assert {"<|im_end|>", "<end_of_turn>", "<|eot_id|>"} <= set(stop)
    assert len(stop) <= 4, "OpenAI's API refuses more than four stop sequences"


def test_a_reply_that_parrots_an_earlier_answer_goes_offline(
    llm: ScriptedLLM, settings: Settings, store: Store,
) -> None:
    first = "Namaste! I can show your orders and price your work."
    before = [HumanMessage("namaste"), AIMessage(first)]
    llm.custom = lambda body: {"content": first, "tool_calls": []}
    events = run_turn(settings, store, planner(llm), "show my pending orders", before=before)

    assert [e["args"] for e in events if e["type"] == "tool_call"] == [{"status": "pending"}]
    assert final_text(events).startswith(OFFLINE_NOTE) and first not in final_text(events)


def test_a_tool_call_written_as_text_is_run_as_a_call(
    llm: ScriptedLLM, settings: Settings, store: Store,
) -> None:
    def script(body: dict[str, Any]) -> dict[str, Any]:
        if answered(body):
            return {"content": "You have no cancelled orders.", "tool_calls": []}
        return {"content": '<tool_call>\n{"name": "list_orders", "arguments": '
                           '{"status": "cancelled"}}\n</tool_call>', "tool_calls": []}

    llm.custom = script
    events = run_turn(settings, store, planner(llm), "any cancelled orders?")

    assert [e["args"] for e in events if e["type"] == "tool_call"] == [{"status": "cancelled"}]
    assert final_text(events) == "You have no cancelled orders."
    assert "tool_call" not in "".join(e["text"] for e in events if e["type"] == "assistant_delta")


def test_raw_tool_json_as_the_answer_goes_offline_instead_of_to_the_user(
    llm: ScriptedLLM, settings: Settings, store: Store,
) -> None:
    def script(body: dict[str, Any]) -> dict[str, Any]:
        if answered(body):
            tool = next(m for m in body["messages"] if m["role"] == "tool")
            return {"content": tool["content"], "tool_calls": []}  # copies the payload
        return {"content": None, "tool_calls": [call("list_orders", {"status": "pending"})]}

    llm.custom = script
    events = run_turn(settings, store, planner(llm), "show my pending orders")

    text = final_text(events)
    assert text.startswith(OFFLINE_NOTE) and "{" not in text
    streamed = "".join(e["text"] for e in events if e["type"] == "assistant_delta")
    assert '"total"' not in streamed, "the JSON never reached the user"


def test_a_reply_cut_at_max_tokens_is_answered_by_the_embedded_planner(
    llm: ScriptedLLM, settings: Settings, store: Store,
) -> None:
    llm.custom = lambda body: {"content": "Well, " * 40, "tool_calls": [], "finish": "length"}
    events = run_turn(settings, store, planner(llm, max_tokens=64), "show my pending orders")

    assert llm.requests[0]["max_completion_tokens"] == 64
    assert llm.requests[0]["max_tokens"] == 64, "llama.cpp's server reads the classic name"
    assert [e["name"] for e in events if e["type"] == "tool_call"] == ["list_orders"]
    assert final_text(events).startswith(OFFLINE_NOTE)


def test_a_slow_endpoint_goes_offline_and_the_breaker_stops_waiting(
    llm: ScriptedLLM, settings: Settings, store: Store,
) -> None:
    llm.custom = lambda body: {"content": "late", "tool_calls": [], "delay": 2.0}
    slow = planner(llm, timeout=0.5, breaker=CircuitBreaker(threshold=1, cooldown_s=600))

    first = run_turn(settings, store, slow, "show my pending orders")
    asked = len(llm.requests)
    second = run_turn(settings, store, slow, "show my shipped orders")

    assert asked == 1 and len(llm.requests) == asked, "the open breaker skipped the endpoint"
    for events, status in ((first, "pending"), (second, "shipped")):
        assert [e["args"] for e in events if e["type"] == "tool_call"] == [{"status": status}]
        assert final_text(events).startswith(OFFLINE_NOTE)


def test_a_long_history_is_trimmed_to_the_context_and_old_payloads_are_cut(
    llm: ScriptedLLM, settings: Settings, store: Store,
) -> None:
    before: list[Any] = []
    for i in range(60):
        before += [
            HumanMessage(f"question {i} " + "about pottery " * 30),
            AIMessage("", tool_calls=[{"id": f"c{i}", "name": "list_orders", "args": {},
                                       "type": "tool_call"}]),
            ToolMessage(json.dumps({"orders": ["x" * 50] * 40, "total": 40}), tool_call_id=f"c{i}"),
            AIMessage(f"answer {i} " + "words " * 40),
        ]
    llm.custom = lambda body: (
        {"content": "Nothing pending.", "tool_calls": []} if body["messages"][-1]["role"] == "tool"
        else {"content": None, "tool_calls": [call("list_orders", {"status": "pending"}, "c-new")]})
    embedded = EmbeddedPlanner()
    router = intent_router(lambda t: embedded.classifier.predict(t).ranking, load_all().names())
    small = planner(llm, context_tokens=4096, max_tokens=256, router=router)
    events = run_turn(settings, store, small, "show my pending orders", before=before)

    sent = llm.requests[0]
    size = sum(approx_tokens(json.dumps(m, ensure_ascii=False)) for m in sent["messages"])
    tools = sum(approx_tokens(json.dumps(t)) for t in sent["tools"])
    assert size + tools + 256 <= 4096, "prompt + completion fit the model's context"
    assert sent["messages"][-1] == {"role": "user", "content": "show my pending orders"}
    assert len(sent["messages"]) < len(before), "old turns were dropped"
    assert not llm.violations
    assert final_text(events) == "Nothing pending."


def test_the_router_binds_few_tools_and_keeps_the_needed_one(
    llm: ScriptedLLM, settings: Settings, store: Store,
) -> None:
    embedded = EmbeddedPlanner()
    router = intent_router(lambda t: embedded.classifier.predict(t).ranking, load_all().names())
    run_turn(settings, store, planner(llm, router=router), "show my pending orders")

    bound = [t["function"]["name"] for t in llm.requests[0]["tools"]]
    assert "list_orders" in bound and "heritage_lookup" in bound
    assert len(bound) <= 6
    everything = sum(approx_tokens(json.dumps(compact_schema(t.openai_schema())))
                     for t in load_all().for_role("creator"))
    routed = sum(approx_tokens(json.dumps(t)) for t in llm.requests[0]["tools"])
    assert routed < everything / 2


def test_without_a_router_the_tools_of_a_small_model_do_not_fit_and_it_goes_offline(
    llm: ScriptedLLM, settings: Settings, store: Store,
) -> None:
    events = run_turn(settings, store, planner(llm, context_tokens=2048), "show my pending orders")

    assert not llm.requests, "nothing was sent that the model could not hold"
    assert final_text(events).startswith(OFFLINE_NOTE)


def test_the_system_prompt_asks_for_the_users_language(llm: ScriptedLLM) -> None:
    from agents.state import RunContext
    from tools.registry import ToolContext

    run = RunContext(ToolContext("c-0001", "creator", store=None), load_all())  # type: ignore[arg-type]
    prompt = planner(llm)._system_prompt({"language": "hi"}, run)
    assert prompt.endswith("Reply in Hindi (Devanagari script).")
    assert "Reply in" not in planner(llm)._system_prompt({}, run)


# -- the guard's pieces --------------------------------------------------------------------
def test_clean_reply_drops_template_tokens_and_what_follows() -> None:
    assert clean_reply("Hello<end_of_turn>\n<start_of_turn>user\nmore") == "Hello"
    assert clean_reply("<|assistant|>Namaste</s>junk") == "Namaste"
    assert clean_reply("Price: ₹1,200") == "Price: ₹1,200"


def test_garbage_is_recognised_and_prose_is_not() -> None:
    assert looks_like_garbage("")
    assert looks_like_garbage('{"orders": [], "total": 0}')
    assert looks_like_garbage("}}}}]]]] ,,,, 1234 5678 ::::")
    assert looks_like_garbage("\n".join(["ok ok"] * 9))
    assert not looks_like_garbage("You have 3 pending orders; the oldest is o-000123.")
    assert not looks_like_garbage("आपके 3 ऑर्डर बाकी हैं।")


def test_parrots_only_when_the_repeated_answer_was_to_another_question() -> None:
    history = [HumanMessage("namaste"), AIMessage("Namaste!  How can I help?"),
               HumanMessage("Show my orders"), AIMessage("", tool_calls=[
                   {"id": "c1", "name": "list_orders", "args": {}, "type": "tool_call"}]),
               ToolMessage("{}", tool_call_id="c1"), AIMessage("You have no orders.")]
    assert parrots("namaste! how can I help?", [*history, HumanMessage("price my saree")])
    assert not parrots("You have no orders.", [*history, HumanMessage("show my orders")])
    assert not parrots("Your saree: ₹2,000.", [*history, HumanMessage("price my saree")])


def test_tool_calls_in_text_only_for_known_tools() -> None:
    text = '{"name": "list_orders", "arguments": "{\\"status\\": \\"pending\\"}"}'
    assert tool_calls_in_text(text, {"list_orders"})[0]["args"] == {"status": "pending"}
    assert tool_calls_in_text(text, {"search_products"}) == []
    assert tool_calls_in_text("just words", {"list_orders"}) == []


def test_repair_args_nests_a_flattened_object_and_parses_stringified_lists() -> None:
    raw = {"category": "textiles", "materials": '["silk"]', "weight_kg": 2,
           "production_hours": 40, "length": 550, "width": 110, "height": 1}
    fixed = repair_args(raw, GoldenPriceArgs)
    args = GoldenPriceArgs.model_validate(fixed)
    assert args.materials == ["silk"]
    assert args.dimensions_cm is not None and args.dimensions_cm.length == 550
    dotted = repair_args({**raw, "length": None, "dimensions_cm.height": 3}, GoldenPriceArgs)
    assert dotted["dimensions_cm"]["height"] == 3
    assert repair_args("not json", GoldenPriceArgs) == "not json"


@hsettings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["category", "materials", "weight_kg", "length", "x"]),
                       st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=False))))
def test_repair_args_never_raises_and_keeps_valid_fields(raw: dict[str, Any]) -> None:
    fixed = repair_args(raw, GoldenPriceArgs)
    assert isinstance(fixed, dict)
    for key in ("category", "weight_kg", "x"):
        if key in raw and not (isinstance(raw[key], str) and raw[key].strip()[:1] in "{["):
            assert fixed[key] == raw[key]


def test_fit_history_keeps_the_newest_within_budget() -> None:
    msgs = [HumanMessage("word " * 100) for _ in range(20)] + [HumanMessage("newest")]
    kept = fit_history(msgs, budget=400)
    assert kept[-1].content == "newest"
    assert sum(message_tokens(m) for m in kept) <= 400
    assert len(kept) < len(msgs)


def test_the_breaker_opens_then_lets_one_trial_through_after_the_cooldown() -> None:
    breaker = CircuitBreaker(threshold=2, cooldown_s=10)
    breaker.failure(now=0)
    assert breaker.allow(now=1)
    breaker.failure(now=1)
    assert breaker.is_open and not breaker.allow(now=5)
    assert breaker.allow(now=12), "half-open: one trial"
    breaker.failure(now=12)
    assert not breaker.allow(now=13), "a failed trial opens it again"
    breaker.success()
    assert breaker.allow(now=13) and not breaker.is_open


@pytest.mark.parametrize("text", ["show my pending orders", "what should I charge for a saree"])
def test_the_router_keeps_the_classifiers_top_tool(text: str) -> None:
    embedded = EmbeddedPlanner()
    names = load_all().names()
    route = intent_router(lambda t: embedded.classifier.predict(t).ranking, names)
    top = next(i for i, _ in embedded.classifier.predict(text).ranking if i in names)
    assert top in route(text)


def test_the_model_is_not_shown_the_offline_note_of_earlier_turns() -> None:
    from langchain_core.messages import AIMessage, HumanMessage

    from agents.planners.llm import OFFLINE_NOTE, sanitize_history

    history = sanitize_history([HumanMessage("hello"), AIMessage(OFFLINE_NOTE + "Namaste!"),
                                HumanMessage("show my orders")])

    assert [m.content for m in history] == ["hello", "Namaste!", "show my orders"]
