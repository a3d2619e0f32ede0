"""Skill: ``heritage_lookup`` — "what is Madhubani", "is my pashmina real", "blue pottery?".

The whole utterance is the question: the knowledge base's retrieval is more robust to mis-heard
words than any slot we could cut out of it. The reply is the answer followed by its sources.
"""

from __future__ import annotations

from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """The question as the user said it."""
    text = utt.text.strip()
    return {"question": text} if len(text) >= 2 else {}


def describe(args: dict[str, Any], result: dict[str, Any]) -> str:
    """The answer, then "Sources: title; title" (nothing cited when it did not know)."""
    answer = str(result.get("answer", "")).strip()
    citations = result.get("citations") or []
    if not citations:
        return answer or "I don't know."
    titles = "; ".join(dict.fromkeys(c["title"] for c in citations))
    return f"{answer} (Sources: {titles}.)"


SKILL = Skill(
    tool="heritage_lookup",
    fill=fill,
    describe=describe,
    questions={"question": "What would you like to know about the craft?"},
)
