"""Tool routing for the LLM planner: bind only the tools a message can plausibly need.

Sixteen tool schemas cost ~1,850 prompt tokens, half the context of a small model. The
embedded intent classifier is cheap (under a millisecond) and ranks the tools by
probability; the router keeps the most likely ones until they hold most of the mass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

Ranking = Callable[[str], Sequence[tuple[str, float]]]


def intent_router(
    rank: Ranking, tool_names: Iterable[str], mass: float = 0.95, max_tools: int = 6,
    always: Iterable[str] = ("heritage_lookup",),
) -> Callable[[str], list[str]]:
    """A router over ``rank`` (intent → probability, most likely first).

    Args:
        rank: ranks a message's intents; intents that are tool names pick tools.
        tool_names: the tools that exist; other intents (greetings, yes/no) pick nothing.
        mass: stop once the kept intents hold this much probability.
        max_tools: never keep more tools than this.
        always: tools bound whatever the message (the knowledge base answers the unexpected).
    """
    known = set(tool_names)
    fixed = [name for name in always if name in known]

    def route(text: str) -> list[str]:
        chosen: list[str] = list(fixed)
        held = 0.0
        for intent, probability in rank(text):
            if held >= mass or len(chosen) >= max_tools:
                break
            held += probability
            if intent in known and intent not in chosen:
                chosen.append(intent)
        return chosen

    return route
