"""Replies for intents that call no tool: greetings, thanks, help, out of scope."""

from __future__ import annotations

from collections.abc import Callable, Mapping

_EXAMPLES = {
    "list_orders": "show your orders",
    "search_products": "find crafts near a place",
    "update_price": "change a listing's price",
    "golden_price": "suggest a fair price",
    "demand_forecast": "forecast demand",
    "heritage_lookup": "tell you about a craft's heritage",
    "shipping_quote": "quote shipping",
}


def capabilities(role: str, skills: Mapping[str, object]) -> str:
    """One sentence of what the assistant can do for ``role`` right now."""
    can = [text for tool, text in _EXAMPLES.items() if tool in skills]
    return "I can " + ", ".join(can[:-1]) + (f" or {can[-1]}." if len(can) > 1 else f"{can[0]}.")


Reply = Callable[[str, Mapping[str, object]], str]

REPLIES: dict[str, Reply] = {
    "greet": lambda role, skills: "Namaste! " + capabilities(role, skills),
    "thanks": lambda role, skills: "You're welcome! Anything else?",
    "goodbye": lambda role, skills: "Goodbye, and happy crafting!",
    "help": lambda role, skills: capabilities(role, skills),
    "affirm": lambda role, skills: "Okay. What would you like to do?",
    "deny": lambda role, skills: "Alright. Anything else I can help with?",
    "out_of_scope": lambda role, skills: (
        "Sorry, that's outside what I can help with. " + capabilities(role, skills)
    ),
}
