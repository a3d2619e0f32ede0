"""Replies for intents that call no tool: greetings, thanks, help, out of scope."""

from __future__ import annotations

from agents.replies import act, capabilities

SMALL_TALK = ("greet", "thanks", "goodbye", "help", "affirm", "deny", "out_of_scope")


def reply(intent: str, tools: list[str], lang: str) -> str:
    """The words for a small-talk ``intent``, offering what ``tools`` can do."""
    return act(intent, lang, can=capabilities(tools, lang))
