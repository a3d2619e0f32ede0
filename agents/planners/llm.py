"""The LLM planner: any OpenAI-compatible endpoint (vLLM in production) with the tools bound.

It streams: text pieces go out through ``emit`` as they arrive, tool-call fragments are
summed into one ``AIMessage`` exactly as LangChain assembles them. An unreachable or failing
endpoint becomes a polite reply, never an exception the channel has to turn into a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import httpx
import openai
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_openai import ChatOpenAI

from agents.planners.base import Emit, Plan
from agents.state import AgentState, RunContext

SYSTEM_PROMPT = """You are Qalakar, an assistant for an Indian handicraft marketplace.
You help creators (artisans) price, plan, list and ship their work, and buyers discover crafts
and their heritage. The caller is a {role} with id {user_id}.
Use the tools for facts about orders, products, prices, places and heritage; never invent them.
Tool conventions: amounts are plain numbers in INR; weights in kg; distances in km; places are
passed as the user named them, with obvious mis-hearings corrected (e.g. "Baronassie" → "Varanasi");
categories are one of textiles, pottery, painting, metalware, woodwork, jewellery, toys,
home_decor, basketry, leather, stonework, glass. If a required argument is missing, ask for it.
Answer briefly and warmly, in the user's language, with ₹ for prices."""

HISTORY_LIMIT = 24
UNAVAILABLE = "Sorry, the language model is unavailable right now."

log = logging.getLogger(__name__)


def sanitize_history(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """The messages an OpenAI-style API accepts: every tool call answered, no stray answers.

    An interrupted turn can leave an ``AIMessage`` whose tool calls never got their
    ``ToolMessage`` (and the history window can cut a call off from its answers); such APIs
    reject both, so the calls are dropped (their text, if any, is kept) with their answers.
    """
    kept: list[BaseMessage] = []
    i = 0
    while i < len(messages):
        msg = messages[i]
        i += 1
        if isinstance(msg, ToolMessage):
            continue  # answers are taken together with their call below; this one has none
        calls = [*msg.tool_calls, *msg.invalid_tool_calls] if isinstance(msg, AIMessage) else []
        if not calls:
            kept.append(msg)
            continue
        answers: list[ToolMessage] = []
        while i < len(messages):
            answer = messages[i]
            if not isinstance(answer, ToolMessage):
                break
            answers.append(answer)
            i += 1
        wanted = {call["id"] for call in calls}
        answered = [a for a in answers if a.tool_call_id in wanted]
        if wanted <= {a.tool_call_id for a in answered}:
            kept.extend([msg, *answered])
        elif msg.content:
            kept.append(AIMessage(content=msg.content, id=msg.id))
    return kept


class LLMPlanner:
    """Plans with a chat model behind ``base_url`` (vLLM, llama.cpp server, Ollama…)."""

    name = "llm"

    def __init__(
        self, base_url: str, model: str, api_key: str = "EMPTY", timeout: float = 60.0,
        streaming: bool = True,
    ) -> None:
        # disable_streaming makes astream fall back to one plain completion for servers
        # that cannot stream (or stream tool calls badly)
        self.model = ChatOpenAI(
            base_url=base_url, model=model, api_key=api_key, timeout=timeout,
            streaming=streaming, disable_streaming=not streaming, temperature=0, max_retries=1,
        )

    async def plan(self, state: AgentState, run: RunContext, emit: Emit) -> Plan:
        """Stream one completion with the caller's tools bound."""
        tools = [t.openai_schema() for t in run.registry.for_role(run.role)]
        bound = self.model.bind_tools(tools) if tools else self.model
        system = SystemMessage(SYSTEM_PROMPT.format(role=run.role, user_id=run.tool_ctx.user_id))
        history = sanitize_history(list(state.get("messages", []))[-HISTORY_LIMIT:])
        merged: AIMessageChunk | None = None
        emitted = False
        try:
            async for chunk in bound.astream([system, *history]):
                if isinstance(chunk.content, str) and chunk.content:
                    emit(chunk.content)
                    emitted = True
                merged = chunk if merged is None else merged + chunk
        except (openai.APIError, httpx.HTTPError) as exc:
            log.warning("LLM endpoint failed (%s): %s", type(exc).__name__, exc)
            # the reply is what was emitted, so the apology goes out the same way
            emit(("\n" if emitted else "") + UNAVAILABLE)
            return Plan(AIMessage(UNAVAILABLE), streamed=True)
        if merged is None:
            return Plan(AIMessage("Sorry, I got no answer from the language model."))
        message = AIMessage(
            content=merged.content, tool_calls=merged.tool_calls, id=merged.id,
            response_metadata=merged.response_metadata,
        )
        updates = {"last_tool": message.tool_calls[-1]["name"]} if message.tool_calls else {}
        return Plan(message, updates, streamed=emitted)
