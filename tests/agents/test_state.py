"""The session's message list stays bounded and never starts with an orphaned tool result."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agents.state import KEEP_MESSAGES, add_recent_messages


def _turn(i: int, tools: int) -> list:
    calls = [{"name": "list_orders", "args": {}, "id": f"t{i}-{k}"} for k in range(tools)]
    out: list = [HumanMessage(f"q{i}", id=f"h{i}")]
    if tools:
        out.append(AIMessage("", tool_calls=calls, id=f"c{i}"))
        out += [ToolMessage("{}", tool_call_id=c["id"], id=f"r{c['id']}") for c in calls]
    out.append(AIMessage(f"a{i}", id=f"a{i}"))
    return out


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=60))
def test_history_is_bounded_and_whole(tool_counts: list[int]) -> None:
    state: list = []
    everything: list = []
    for i, tools in enumerate(tool_counts):
        turn = _turn(i, tools)
        everything += turn
        state = add_recent_messages(state, turn)
        assert len(state) <= KEEP_MESSAGES
        assert not isinstance(state[0], ToolMessage)
        assert [m.id for m in state] == [m.id for m in everything[-len(state):]]  # the newest
    if len(everything) <= KEEP_MESSAGES:
        assert len(state) == len(everything)
