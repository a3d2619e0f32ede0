"""The ``Planner`` interface: given the conversation, decide the next message.

A plan is an ``AIMessage``: with ``tool_calls`` to act, or with text to answer. Both the
embedded NLU planner and the LLM planner return the same shape, so the graph cannot tell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from langchain_core.messages import AIMessage

from agents.state import AgentState, RunContext

Emit = Callable[[str], None]


@dataclass
class Plan:
    """The planner's decision plus the state keys it wants to change."""

    message: AIMessage
    updates: dict[str, Any] = field(default_factory=dict)
    asks_for: list[str] = field(default_factory=list)
    streamed: bool = False  # the planner already sent the reply text through ``emit``
    # An error the turn reports without calling a tool (a request the caller's role may not
    # make is refused in words and carries FORBIDDEN), in the contracts §3 shape.
    error: dict[str, Any] | None = None
    retract: bool = False  # text streamed earlier this round is void (the final reply replaces it)


class Planner(Protocol):
    """Decides the next message; ``emit`` streams pieces of reply text as they are ready."""

    name: str

    async def plan(self, state: AgentState, run: RunContext, emit: Emit) -> Plan:
        """Return the next AI message for ``state``."""
        ...
