"""What stands between a chat model's raw output and the user: cleaning, repair, budgets.

Small models behind OpenAI-compatible servers misbehave in known ways: they run on past the
end of their turn into the chat template (``<|im_end|><|im_start|>tool …``), print the tool
call as JSON text instead of calling it, stringify nested arguments, or flatten an object's
fields into the top level. These helpers undo what can be undone and say when nothing can.
"""

from __future__ import annotations

import json
import re
import time
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from pydantic import BaseModel

from domain.chat_text import TURN_END, until_turn_end

# Stray special tokens inside a reply.
_SPECIAL = re.compile(r"<\|[a-z_]{2,30}\|>|<bos>|<s>|\[/INST\]")
_LEADING = re.compile(r"^\s*(?:(?:<\|[a-z_]{2,30}\|>|<start_of_turn>(?:model)?|<bos>|<s>)\s*)+")
_TOOL_CALL_TAG = re.compile(r"<tool_call>\s*(\{.*?\})\s*</tool_call>", re.S)
_WRAPPERS = ("arguments", "args", "parameters", "params", "input")


def clean_reply(text: str) -> str:
    """The reply without chat-template tokens or anything the model generated past its turn."""
    text = _TOOL_CALL_TAG.sub("", until_turn_end(_LEADING.sub("", text)))
    return _SPECIAL.sub("", text).strip()


def visible_prefix(raw: str) -> tuple[str, bool]:
    """What of a reply still being generated may be shown now, and whether the turn has ended.

    Text that might be a tool call written as JSON or markup is held back entirely, and a
    trailing ``<``… that could still become a template token waits for its closing ``>``.
    """
    if raw.lstrip()[:1] in ("{", "[") or raw.lstrip().startswith("<tool_call"):
        return "", False
    raw = _LEADING.sub("", raw)
    match = TURN_END.search(raw)
    cut = raw[: match.start()] if match else raw
    opening = max(cut.rfind("<"), cut.rfind("["))
    if opening != -1 and ">" not in cut[opening:] and "]" not in cut[opening:]:
        cut = cut[:opening]
    return _SPECIAL.sub("", cut), match is not None


def tool_calls_in_text(text: str, known: set[str]) -> list[dict[str, Any]]:
    """Tool calls that a model wrote as text (Hermes ``<tool_call>`` tags or a bare JSON call)."""
    candidates = [m.group(1) for m in _TOOL_CALL_TAG.finditer(text)]
    stripped = text.strip()
    if not candidates and stripped.startswith("{") and stripped.endswith("}"):
        candidates = [stripped]
    calls = []
    for i, raw in enumerate(candidates):
        try:
            obj = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(obj, dict):
            continue
        name = obj.get("name") or obj.get("tool") or obj.get("function")
        args: Any = next((obj[k] for k in _WRAPPERS if k in obj), {})
        if isinstance(name, str) and name in known:
            if isinstance(args, str):
                try:
                    args = json.loads(args)
                except ValueError:
                    continue
            if isinstance(args, dict):
                calls.append({"id": f"call_text_{i}", "name": name, "args": args,
                              "type": "tool_call"})
    return calls


def looks_like_garbage(text: str) -> bool:
    """A reply no person should read: JSON, markup soup, or one line repeated over and over."""
    if not text:
        return True
    stripped = text.strip()
    if stripped[:1] in "{[" and stripped[-1:] in "}]":
        return True  # raw JSON (a tool payload copied as the answer)
    letters = sum(ch.isalpha() for ch in stripped)
    if letters < 0.4 * len(stripped):
        return True
    lines = [ln.strip() for ln in stripped.splitlines() if ln.strip()]
    return len(lines) >= 4 and len(set(lines)) <= len(lines) // 3


def parrots(text: str, messages: Sequence[BaseMessage]) -> bool:
    """Whether ``text`` repeats an earlier reply that answered a different question.

    Small base models copy the last assistant turn of their prompt word for word (Gemma 3
    270M behind llama.cpp answered every turn after the first with the first reply); the
    same answer to the same question again is fine.
    """
    said = _normal(text)
    asked, answered = "", []
    for msg in messages:
        if isinstance(msg, HumanMessage):
            asked = _normal(msg.content)
        elif isinstance(msg, AIMessage) and not msg.tool_calls and _normal(msg.content) == said:
            answered.append(asked)
    return any(question != asked for question in answered)  # ``asked``: the current question


def _normal(content: Any) -> str:
    return " ".join(str(content).lower().split())


def _submodel(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``X``, ``X | None`` or ``Optional[X]``, if there is one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return arg
    return None


def repair_args(raw: Any, model: type[BaseModel]) -> Any:
    """Undo the usual slips: stringified JSON, a wrapper key, an object flattened into its parent.

    Returns the repaired arguments (a new dict) or ``raw`` unchanged when it is beyond repair.
    """
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return raw
    if not isinstance(raw, dict):
        return raw
    fields = model.model_fields
    args = dict(raw)
    if len(args) == 1:
        (key, inner), = args.items()
        if key in _WRAPPERS and key not in fields and isinstance(inner, dict | str):
            return repair_args(inner, model)
    for key, value in list(args.items()):
        if isinstance(value, str) and value.strip()[:1] in "{[" and key in fields:
            try:
                args[key] = json.loads(value)
            except ValueError:
                pass
    for name, info in fields.items():
        sub = _submodel(info.annotation)
        if sub is None or name in args:
            continue
        dotted = {k.split(".", 1)[1]: k for k in args if k.startswith(f"{name}.")}
        flat = {k: k for k in args if k in sub.model_fields and k not in fields}
        moved = {**flat, **dotted}
        if moved:
            args[name] = {inner: args.pop(outer) for inner, outer in moved.items()}
    return args


def approx_tokens(text: str) -> int:
    """A cautious token estimate: 3.5 characters a token, one a character in other scripts.

    BPE vocabularies of current chat models average about 4 characters a token on English
    and JSON; the margin keeps a trimmed prompt inside the context of any of them.
    """
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return (len(text) - non_ascii) * 2 // 7 + non_ascii + 1


def message_tokens(message: BaseMessage) -> int:
    """Estimated tokens of one message, its tool calls included."""
    text = message.content if isinstance(message.content, str) else json.dumps(message.content)
    # as sent: the content JSON-escaped inside a message object with its role and ids
    total = approx_tokens(json.dumps(text, ensure_ascii=False)) + 16
    if isinstance(message, AIMessage):
        for call in message.tool_calls:
            total += approx_tokens(call["name"] + json.dumps(call["args"])) + 4
    return total


def fit_history(
    messages: Sequence[BaseMessage], budget: int, keep_payload_from: int = 0,
    payload_chars: int = 600,
) -> list[BaseMessage]:
    """The newest messages that fit in ``budget`` tokens; old tool payloads shortened first.

    Tool results before index ``keep_payload_from`` (earlier turns) are cut to
    ``payload_chars``: the model needs to know what was found, not every field of it.
    """
    shortened: list[BaseMessage] = []
    for i, msg in enumerate(messages):
        old = isinstance(msg, ToolMessage) and i < keep_payload_from
        if old and len(str(msg.content)) > payload_chars:
            msg = msg.model_copy(update={"content": str(msg.content)[:payload_chars] + " …(cut)"})
        shortened.append(msg)
    kept: list[BaseMessage] = []
    used = 0
    for msg in reversed(shortened):
        cost = message_tokens(msg)
        if used + cost > budget and kept:
            break
        kept.append(msg)
        used += cost
    kept.reverse()
    return kept


def compact_schema(schema: Any) -> Any:
    """A JSON schema without pydantic's ``title`` keys: the model reads names and descriptions."""
    if isinstance(schema, dict):
        return {k: compact_schema(v) for k, v in schema.items()
                if not (k == "title" and isinstance(v, str))}
    if isinstance(schema, list):
        return [compact_schema(v) for v in schema]
    return schema


def prompt_tokens(system: SystemMessage, tools: Sequence[dict[str, Any]]) -> int:
    """Estimated tokens of the system prompt plus the bound tool schemas."""
    return message_tokens(system) + sum(approx_tokens(json.dumps(t)) for t in tools)


@dataclass
class CircuitBreaker:
    """Stops waiting on a dead endpoint: open after ``threshold`` failures in a row.

    While open, calls are refused for ``cooldown_s``; then one trial call is let through
    (half-open): success closes the breaker, failure opens it again.
    """

    threshold: int = 3
    cooldown_s: float = 30.0
    failures: int = 0
    opened_at: float | None = None

    def allow(self, now: float | None = None) -> bool:
        """Whether a call may go to the endpoint now."""
        if self.opened_at is None:
            return True
        now = time.monotonic() if now is None else now
        return now - self.opened_at >= self.cooldown_s

    def success(self) -> None:
        """The endpoint answered well: close."""
        self.failures, self.opened_at = 0, None

    def failure(self, now: float | None = None) -> None:
        """The endpoint failed: count it, and open once the count reaches the threshold."""
        self.failures += 1
        if self.failures >= self.threshold or self.opened_at is not None:
            self.opened_at = time.monotonic() if now is None else now

    @property
    def is_open(self) -> bool:
        """Whether the breaker is refusing calls (ignoring a due trial)."""
        return self.opened_at is not None
