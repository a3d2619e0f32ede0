"""The supervisor's state and the context each run receives.

State is what the checkpointer keeps between turns (messages, a half-filled call waiting for
slots, the last tool used); context is what a run is handed and never persisted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, TypedDict, cast

from langchain_core.messages import AnyMessage, ToolMessage
from langgraph.graph.message import add_messages

from tools.registry import Registry, ToolContext

# Messages a session keeps: twice what the LLM planner reads (its HISTORY_LIMIT is 24). Every
# checkpoint serialises the whole list, so an unbounded one makes each turn of a long session
# slower than the last (1-2 ms more per earlier turn, with tool results in the history).
KEEP_MESSAGES = 48


def add_recent_messages(left: list[AnyMessage], right: Any) -> list[AnyMessage]:
    """``add_messages``, then keep the newest :data:`KEEP_MESSAGES`.

    The cut never leaves tool results whose call was dropped at the front.
    """
    # langgraph types both sides as a loose union (and list is invariant); it merges messages.
    merged = cast(list[AnyMessage], add_messages(cast(Any, left), right))
    if len(merged) <= KEEP_MESSAGES:
        return merged
    cut = len(merged) - KEEP_MESSAGES
    while cut < len(merged) and isinstance(merged[cut], ToolMessage):
        cut += 1
    return merged[cut:]


class PendingCall(TypedDict):
    """A tool call that waits for the user to supply ``missing`` arguments."""

    tool: str
    args: dict[str, Any]
    missing: list[str]


class AgentState(TypedDict, total=False):
    """What survives between turns of one session."""

    messages: Annotated[list[AnyMessage], add_recent_messages]
    pending: PendingCall | None
    last_tool: str | None
    last_args: dict[str, Any] | None
    rounds: int
    reply_streamed: bool
    # The language replies are written in ("en", "hi"): the message's when clear, else the
    # session's, else the profile's. Voice reads it to pick the speech model.
    language: str | None
    # The reply language the user picked in the page ("en", "hi"); it wins over detection.
    reply_language: str | None
    # Products of the last result shown, in order ({"id", "price", "title", "category"}), so
    # "the first one", "more like that" and "it" can name them.
    shown: list[dict[str, Any]] | None
    offline_turn: str | None  # the user message the fallback planner is answering


@dataclass
class RunContext:
    """Per-run dependencies (LangGraph runtime context): who calls, with which tools."""

    tool_ctx: ToolContext
    registry: Registry
    timings: dict[str, float] = field(default_factory=dict)
    spoken: bool = False  # the text is a transcript of speech (its own repair ran), not typed

    @property
    def role(self) -> str:
        """The caller's role."""
        return self.tool_ctx.role
