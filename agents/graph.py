"""The LangGraph supervisor: plan → (confirm) → act → plan … → respond.

Each node is a small function. ``plan`` asks the planner for the next message; critical tool
calls stop at ``confirm`` (a LangGraph interrupt the client answers); ``act`` runs tool calls
through the registry and loops back so the planner can read the results and answer.
Protocol events (tool_call, tool_result, assistant_delta) leave through the custom stream.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable
from typing import Any, Literal

from langchain_core.messages import AIMessage, ToolCall, ToolMessage
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from agents import replies
from agents.planners.base import Planner
from agents.state import AgentState, RunContext
from tools.listings import preview_update_price
from tools.registry import ToolError

MAX_TOOL_ROUNDS = 4
# A reply the planner did not stream is written out at once: its pieces reach the client at
# the same instant whatever their size, and each is a websocket frame (a write, a wake-up of
# the client). Four-word pieces made 10-14 frames of a typical embedded reply.
REPLY_CHUNK_WORDS = 24


def _last_ai(state: AgentState) -> AIMessage | None:
    for msg in reversed(state.get("messages", [])):
        if isinstance(msg, AIMessage):
            return msg
    return None


def _timed(run: RunContext, stage: str, started: float) -> None:
    run.timings[stage] = run.timings.get(stage, 0.0) + (time.perf_counter() - started) * 1000


def build_graph(planner: Planner, checkpointer: Any = None):  # compiled graph
    """Compile the supervisor around ``planner`` with an optional checkpointer."""

    async def plan(
        state: AgentState, runtime: Runtime[RunContext]
    ) -> Command[Literal["confirm", "act", "respond"]]:
        run = runtime.context
        writer = get_stream_writer()
        started = time.perf_counter()
        decision = await planner.plan(
            state, run, lambda text: writer({"type": "assistant_delta", "text": text})
        )
        _timed(run, "plan", started)
        if decision.retract:
            writer({"type": "_reply_reset"})
        update: dict[str, Any] = {"messages": [decision.message], **decision.updates}
        if decision.asks_for:
            writer({"type": "_asks_for", "args": decision.asks_for})
        if decision.error:
            writer({"type": "error", "error": decision.error})
        calls = decision.message.tool_calls
        if not calls or state.get("rounds", 0) >= MAX_TOOL_ROUNDS:
            return Command(update={**update, "reply_streamed": decision.streamed}, goto="respond")
        return Command(update=update, goto="confirm" if _needs_confirmation(run, calls) else "act")

    def confirm(
        state: AgentState, runtime: Runtime[RunContext]
    ) -> Command[Literal["act", "__end__"]]:
        run = runtime.context
        message = _last_ai(state)
        assert message is not None
        for call in message.tool_calls:
            if not run.registry.is_critical(call["name"], run.role):
                continue
            lang = state.get("language") or "en"
            try:  # permission first: never ask to confirm what would then be refused
                seen = _preview(run, call)
            except ToolError as exc:
                refused = [
                    ToolMessage(json.dumps({"error": exc.to_dict()}, ensure_ascii=False),
                                tool_call_id=c["id"], name=c["name"], status="error")
                    for c in message.tool_calls
                ]
                reply = replies.act("refused", lang, reason=exc.message)
                return Command(
                    update={"messages": [*refused, AIMessage(reply)], "rounds": 0},
                    goto="__end__",
                )
            answer = interrupt({
                "action_id": call["id"], "name": call["name"], "args": call["args"],
                "prompt": _confirm_prompt(call["name"], call["args"], lang, seen),
                **({"preview": seen} if seen else {}),
            })
            if not bool(answer):
                declined = [
                    ToolMessage(
                        json.dumps({"error": {"code": "DECLINED", "message": "the user declined"}}),
                        tool_call_id=c["id"],
                        name=c["name"],
                        status="error",
                    )
                    for c in message.tool_calls
                ]
                reply = replies.act("declined", state.get("language") or "en")
                return Command(  # "__end__" is END, spelled as the Literal the route declares
                    update={"messages": [*declined, AIMessage(reply)], "rounds": 0}, goto="__end__"
                )
        return Command(goto="act")

    async def act(state: AgentState, runtime: Runtime[RunContext]) -> Command[Literal["plan"]]:
        run = runtime.context
        writer = get_stream_writer()
        message = _last_ai(state)
        assert message is not None
        results: list[ToolMessage] = []
        for call in message.tool_calls:
            writer(
                {
                    "type": "tool_call",
                    "call_id": call["id"],
                    "name": call["name"],
                    "args": call["args"],
                }
            )
            started = time.perf_counter()
            try:
                # The call id keys the idempotency record of a critical (confirmed) action:
                # a confirmation replayed after a lost checkpoint returns the recorded result.
                result = await asyncio.to_thread(
                    run.registry.invoke,
                    call["name"],
                    call["args"],
                    run.tool_ctx,
                    action_id=call["id"],
                )
                payload, ok = result.model_dump(mode="json"), True
            except ToolError as exc:
                payload, ok = {"error": exc.to_dict()}, False
            _timed(run, "tool", started)
            writer(
                {
                    "type": "tool_result",
                    "call_id": call["id"],
                    "name": call["name"],
                    "ok": ok,
                    "result": payload,
                }
            )
            results.append(
                ToolMessage(
                    json.dumps(payload, ensure_ascii=False),
                    tool_call_id=call["id"],
                    name=call["name"],
                    status="success" if ok else "error",
                )
            )
        return Command(
            update={"messages": results, "rounds": state.get("rounds", 0) + 1}, goto="plan"
        )

    def respond(state: AgentState) -> dict[str, Any]:
        """Deliver the reply: stream it in pieces unless the planner streamed it as it wrote."""
        if not state.get("reply_streamed"):
            message = _last_ai(state)
            text = str(message.content) if message is not None else ""
            writer = get_stream_writer()
            words = text.split(" ")
            for i in range(0, len(words), REPLY_CHUNK_WORDS):
                piece = " ".join(words[i : i + REPLY_CHUNK_WORDS])
                writer(
                    {
                        "type": "assistant_delta",
                        "text": piece + (" " if i + REPLY_CHUNK_WORDS < len(words) else ""),
                    }
                )
        return {"rounds": 0, "reply_streamed": False}

    graph = StateGraph(AgentState, context_schema=RunContext)
    graph.add_node("plan", plan)
    graph.add_node("confirm", confirm)
    graph.add_node("act", act)
    graph.add_node("respond", respond)
    graph.add_edge(START, "plan")
    graph.add_edge("respond", END)
    return graph.compile(checkpointer=checkpointer, name="qalakar-supervisor")


def _needs_confirmation(run: RunContext, calls: Iterable[ToolCall]) -> bool:
    """Whether a call is critical for this role (an unknown or refused tool fails without asking).

    The arguments are validated once, when ``act`` runs the call.
    """
    return any(run.registry.is_critical(call["name"], run.role) for call in calls)


def _preview(run: RunContext, call: ToolCall) -> dict[str, Any]:
    """What the confirmation shows of the action's target; raises when it is not allowed."""
    if call["name"] == "update_price":
        return preview_update_price(run.tool_ctx, call["args"])
    return {}


def _confirm_prompt(name: str, args: dict[str, Any], lang: str = "en",
                    seen: dict[str, Any] | None = None) -> str:
    seen = seen or {}
    if name == "update_price":
        price = args.get("new_price")
        shown = f"₹{price:,.0f}" if isinstance(price, int | float) else f"₹{price}"
        product = str(args.get("product_id"))
        if seen.get("title"):
            product = f"“{seen['title']}” ({product})"
            shown = replies.act("price_from_to", lang, old=f"₹{seen['old_price']:,.0f}",
                                new=shown)
        prompt = replies.act("confirm_price", lang, product=product, price=shown)
        if seen.get("jump"):
            warning = replies.act("price_jump", lang, ratio=f"{seen['jump']:g}")
            # the warning before the question's "(yes/no)", so it is read before answering
            head, paren, tail = prompt.rpartition(" (")
            prompt = f"{head} {warning}{paren}{tail}" if paren else f"{prompt} {warning}"
        return prompt
    if name == "publish_listing":
        price = args.get("price")
        at = f" at ₹{price:,.0f}" if isinstance(price, int | float) else ""
        at_hi = f" ₹{price:,.0f} में" if isinstance(price, int | float) else ""
        return replies.act(
            "confirm_publish",
            lang,
            listing=str(args.get("listing_id")),
            at=at_hi if lang == "hi" else at,
        )
    shown = ", ".join(f"{k}={v}" for k, v in args.items())
    return replies.act("confirm", lang, name=name, args=shown)
