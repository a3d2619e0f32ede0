"""The LLM planner: any OpenAI-compatible endpoint (vLLM in production) with the tools bound.

It streams: text pieces go out through ``emit`` as they arrive, tool-call fragments are
summed into one ``AIMessage`` exactly as LangChain assembles them. Nothing the model says
runs unchecked: calls are repaired where possible and validated against the tool's model
(an invalid call goes back to the model with the error, at most twice); replies are cleaned
of chat-template tokens. A dead, failing, slow or babbling endpoint hands the turn to the
fallback planner (the embedded NLU planner) in offline mode, and a circuit breaker stops
waiting on an endpoint that keeps failing.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

import httpx
import openai
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from agents.planners.base import Emit, Plan, Planner
from agents.planners.guard import (
    CircuitBreaker,
    clean_reply,
    compact_schema,
    fit_history,
    looks_like_garbage,
    parrots,
    prompt_tokens,
    repair_args,
    tool_calls_in_text,
    visible_prefix,
)
from agents.state import AgentState, RunContext
from domain.chat_text import STOP_SEQUENCES, TURN_END
from tools.registry import ToolError

SYSTEM_PROMPT = """You are Qalakar, an assistant for an Indian handicraft marketplace.
You help creators (artisans) price, plan, list and ship their work, and buyers discover crafts
and their heritage. The caller is a {role} with id {user_id}.
Use the tools for facts about orders, products, prices, places and heritage; never invent them.
Tool conventions: amounts are plain numbers in INR; weights in kg; distances in km; places are
passed as the user named them, with obvious mis-hearings corrected (e.g. "Baronassie" → "Varanasi");
categories are one of textiles, pottery, painting, metalware, woodwork, jewellery, toys,
home_decor, basketry, leather, stonework, glass. If a required argument is missing, ask for it.
Answer briefly and warmly, in the user's language, with ₹ for prices. Never show JSON."""
LANGUAGE_LINE = "\nReply in {language}."
LANGUAGES = {"hi": "Hindi (Devanagari script)", "en": "English"}

UNAVAILABLE = "Sorry, the language model is unavailable right now."
OFFLINE_NOTE = (
    "(Offline mode: the language model is not answering, so the built-in assistant replied.) "
)
MAX_REPAIRS = 2

Router = Callable[[str], Sequence[str]]

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
            kept.append(_without_offline_note(msg))
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


def _without_offline_note(msg: BaseMessage) -> BaseMessage:
    """``msg`` without the offline note: a model shown it copies it into its next answers."""
    if isinstance(msg, AIMessage) and isinstance(msg.content, str) \
            and msg.content.startswith(OFFLINE_NOTE):
        return AIMessage(content=msg.content[len(OFFLINE_NOTE):], id=msg.id)
    return msg


class LLMFailure(Exception):
    """The endpoint's answer cannot be used this turn (down, 5xx, slow, empty or garbage).

    ``emitted`` says whether part of the unusable reply was already streamed to the user.
    """

    def __init__(self, reason: str, emitted: bool = False) -> None:
        super().__init__(reason)
        self.emitted = emitted


class LLMPlanner:
    """Plans with a chat model behind ``base_url`` (vLLM, llama.cpp server, Ollama…).

    Args:
        base_url: the OpenAI-compatible endpoint (``…/v1``).
        model: the served model's name.
        api_key: sent as the bearer token (vLLM accepts anything unless told otherwise).
        timeout: seconds a whole completion may take before the turn goes offline.
        streaming: stream tokens to the user as they arrive.
        fallback: the planner that answers when the model cannot (offline mode); without one,
            the user gets an apology instead.
        max_tokens: the cap on each completion.
        context_tokens: the model's context length; history is trimmed to fit it.
        router: names the tools a message may need; only those are bound (fewer prompt
            tokens for small models). ``None`` binds all of the role's tools.
        breaker: the circuit breaker shared by every turn of this planner.
    """

    name = "llm"

    def __init__(
        self, base_url: str, model: str, api_key: str = "EMPTY", timeout: float = 60.0,
        streaming: bool = True, fallback: Planner | None = None, max_tokens: int = 512,
        context_tokens: int = 8192, router: Router | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        # disable_streaming makes astream fall back to one plain completion for servers
        # that cannot stream (or stream tool calls badly)
        self.model = ChatOpenAI(
            base_url=base_url, model=model, api_key=SecretStr(api_key), timeout=timeout,
            streaming=streaming, disable_streaming=not streaming, temperature=0, max_retries=1,
            max_completion_tokens=max_tokens,
            # llama.cpp's server and older vLLM read the classic name
            extra_body={"max_tokens": max_tokens},
            # a model that writes the template's markers as text stops at the first one
            # instead of inventing turns until max_tokens (2,223 tokens on llama.cpp)
            stop_sequences=list(STOP_SEQUENCES),
        )
        self.timeout = timeout
        self.fallback = fallback
        self.max_tokens = max_tokens
        self.context_tokens = context_tokens
        self.router = router
        self.breaker = breaker or CircuitBreaker()

    async def plan(self, state: AgentState, run: RunContext, emit: Emit) -> Plan:
        """Ask the model for the next message; hand the turn to the fallback when it fails."""
        messages: list[BaseMessage] = list(state.get("messages", []))
        human = _last_human(messages)
        turn_id = human.id if human is not None else None
        offline = turn_id is not None and state.get("offline_turn") == turn_id
        if self.fallback is not None and offline:
            return await self._offline(state, run, emit, turn_id)
        if not self.breaker.allow():
            return await self._offline(state, run, emit, turn_id)
        try:
            plan = await self._ask(state, run, emit, messages, human)
        except LLMFailure as exc:
            log.warning("LLM planner falls back: %s", exc)
            self.breaker.failure()
            return await self._offline(state, run, emit, turn_id, emitted=exc.emitted)
        self.breaker.success()
        return plan

    # -- one completion, checked --------------------------------------------------------
    async def _ask(self, state: AgentState, run: RunContext, emit: Emit,
                   messages: list[BaseMessage], human: HumanMessage | None) -> Plan:
        tools = self._tools_for(run, human, state)
        schemas = [compact_schema(t.openai_schema()) for t in tools]
        bound = self.model.bind_tools(schemas) if schemas else self.model
        system = SystemMessage(self._system_prompt(state, run))
        budget = self.context_tokens - self.max_tokens - prompt_tokens(system, schemas) - 64
        if budget <= 0:
            raise LLMFailure("the tool schemas alone exceed the model's context")
        turn_start = max(0, len(messages) - 1 - [*reversed(messages)].index(human)) if human else 0
        history = sanitize_history(fit_history(messages, budget, keep_payload_from=turn_start))
        if not history:
            raise LLMFailure("the newest message alone exceeds the model's context")
        known = {t.name for t in tools}
        feedback: list[BaseMessage] = []
        for attempt in range(MAX_REPAIRS + 1):
            message, streamed = await self._complete(bound, [system, *history, *feedback], emit)
            calls: list[dict[str, Any]] = [dict(c) for c in message.tool_calls] \
                or tool_calls_in_text(str(message.content), known)
            if not calls:
                text = clean_reply(str(message.content))
                if looks_like_garbage(text):
                    raise LLMFailure(
                        f"unusable reply ({len(str(message.content))} chars)", emitted=streamed)
                if parrots(text, messages):
                    raise LLMFailure("the reply repeats an earlier answer", emitted=streamed)
                return Plan(AIMessage(content=text, id=message.id), streamed=streamed)
            checked, errors = self._check(calls, run)
            if not errors:
                updates = {"last_tool": checked[-1]["name"]}
                return Plan(AIMessage(content="", tool_calls=checked, id=message.id), updates)
            log.info("LLM call rejected (attempt %d): %s", attempt + 1, errors)
            asked = AIMessage(content="", tool_calls=calls)
            feedback = [asked, *(
                ToolMessage(json.dumps({"error": errors.get(c["id"], "not run: another call in "
                                                 "this message was invalid")}),
                            tool_call_id=c["id"], name=c["name"], status="error")
                for c in calls
            )]
        raise LLMFailure(f"no valid tool call after {MAX_REPAIRS} corrections")

    async def _complete(self, bound: Any, prompt: list[BaseMessage],
                        emit: Emit) -> tuple[AIMessage, bool]:
        """One streamed completion; text is emitted only while it cannot be a tool call."""
        merged: AIMessageChunk | None = None
        raw, sent = "", ""
        try:
            async with asyncio.timeout(self.timeout):
                async for chunk in bound.astream(prompt):
                    merged = chunk if merged is None else merged + chunk
                    if not isinstance(chunk.content, str) or not chunk.content:
                        continue
                    raw += chunk.content
                    if merged.tool_calls or getattr(merged, "tool_call_chunks", None):
                        continue
                    shown, _ = visible_prefix(raw)
                    if shown.startswith(sent) and len(shown.rstrip()) > len(sent):
                        piece = shown.rstrip()[len(sent):]
                        emit(piece)
                        sent += piece
        except TimeoutError as exc:
            raise LLMFailure(f"no answer within {self.timeout:.0f} s") from exc
        except (openai.APIError, httpx.HTTPError) as exc:
            raise LLMFailure(f"{type(exc).__name__}: {exc}") from exc
        emitted = bool(sent)
        if merged is None:
            raise LLMFailure("empty answer")
        cut = merged.response_metadata.get("finish_reason") == "length"
        if cut and not merged.tool_calls and not TURN_END.search(raw):
            raise LLMFailure(f"the reply ran past max_tokens={self.max_tokens}", emitted=emitted)
        if emitted and not merged.tool_calls:
            rest = clean_reply(raw)
            if rest.startswith(sent) and len(rest) > len(sent):
                emit(rest[len(sent):])
        message = AIMessage(
            content=merged.content, tool_calls=merged.tool_calls, id=merged.id,
            response_metadata=merged.response_metadata,
        )
        return message, emitted

    def _check(self, calls: list[dict[str, Any]],
               run: RunContext) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """Repair and validate each call against its tool; the errors go back to the model."""
        checked, errors = [], {}
        for call in calls:
            name = call["name"]
            if name not in run.registry:
                errors[call["id"]] = f"there is no tool called {name!r}"
                continue
            tool = run.registry.get(name)
            args = repair_args(call.get("args"), tool.args_model)
            try:
                run.registry.validate(name, args, run.role)
            except ToolError as exc:
                errors[call["id"]] = f"{exc.code}: {exc.message}"
                continue
            checked.append({**call, "args": args})
        return checked, errors

    def _tools_for(self, run: RunContext, human: HumanMessage | None,
                   state: AgentState) -> list[Any]:
        tools = run.registry.for_role(run.role)
        if self.router is None or human is None:
            return tools
        wanted = set(self.router(str(human.content)))
        if state.get("last_tool"):
            wanted.add(str(state["last_tool"]))
        routed = [t for t in tools if t.name in wanted]
        return routed or tools

    def _system_prompt(self, state: AgentState, run: RunContext) -> str:
        prompt = SYSTEM_PROMPT.format(role=run.role, user_id=run.tool_ctx.user_id)
        language = state.get("language")
        if language:
            prompt += LANGUAGE_LINE.format(language=LANGUAGES.get(str(language), str(language)))
        return prompt

    # -- offline mode ----------------------------------------------------------------------
    async def _offline(self, state: AgentState, run: RunContext, emit: Emit,
                       turn_id: str | None, emitted: bool = False) -> Plan:
        """The fallback planner answers this turn; the reply says it is in offline mode."""
        if self.fallback is None:
            emit(("\n" if emitted else "") + UNAVAILABLE)
            return Plan(AIMessage(UNAVAILABLE), streamed=True)
        sent = False

        def relay(text: str) -> None:
            nonlocal sent
            if not sent:
                emit(OFFLINE_NOTE)
                sent = True
            emit(text)

        # After streamed text went out, the fallback's reply replaces it: nothing more is
        # streamed from here, the graph voids what was, and the respond node delivers anew.
        plan = await self.fallback.plan(state, run, (lambda _: None) if emitted else relay)
        plan.updates = {**plan.updates, "offline_turn": turn_id}
        if emitted:
            plan.retract, plan.streamed = True, False
        if not plan.message.tool_calls and not sent:
            plan.message = AIMessage(content=OFFLINE_NOTE + str(plan.message.content),
                                     id=plan.message.id)
        return plan


def _last_human(messages: Sequence[BaseMessage]) -> HumanMessage | None:
    return next((m for m in reversed(messages) if isinstance(m, HumanMessage)), None)
