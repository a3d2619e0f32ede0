"""The LLM planner: any OpenAI-compatible endpoint (vLLM in production) with the tools bound.

It streams: text pieces go out through ``emit`` as they arrive, tool-call fragments are
summed into one ``AIMessage`` exactly as LangChain assembles them.
"""

from __future__ import annotations

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, SystemMessage
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


class LLMPlanner:
    """Plans with a chat model behind ``base_url`` (vLLM, llama.cpp server, Ollama…)."""

    name = "llm"

    def __init__(self, base_url: str, model: str, api_key: str = "EMPTY", timeout: float = 60.0) -> None:
        self.model = ChatOpenAI(
            base_url=base_url, model=model, api_key=api_key, timeout=timeout,
            streaming=True, temperature=0, max_retries=1,
        )

    async def plan(self, state: AgentState, run: RunContext, emit: Emit) -> Plan:
        """Stream one completion with the caller's tools bound."""
        tools = [t.openai_schema() for t in run.registry.for_role(run.role)]
        bound = self.model.bind_tools(tools) if tools else self.model
        system = SystemMessage(SYSTEM_PROMPT.format(role=run.role, user_id=run.tool_ctx.user_id))
        history: list[BaseMessage] = list(state.get("messages", []))[-HISTORY_LIMIT:]
        merged: AIMessageChunk | None = None
        async for chunk in bound.astream([system, *history]):
            if isinstance(chunk.content, str) and chunk.content:
                emit(chunk.content)
            merged = chunk if merged is None else merged + chunk
        if merged is None:
            return Plan(AIMessage("Sorry, I got no answer from the language model."))
        message = AIMessage(
            content=merged.content, tool_calls=merged.tool_calls, id=merged.id,
            response_metadata=merged.response_metadata,
        )
        updates = {"last_tool": message.tool_calls[-1]["name"]} if message.tool_calls else {}
        return Plan(message, updates)
