"""Skill: ``heritage_lookup`` — "what is Madhubani", "is my pashmina real", "blue pottery?".

The whole utterance is the question: the knowledge base's retrieval is more robust to mis-heard
words than any slot we could cut out of it. The reply is the answer followed by its sources.
"""

from __future__ import annotations

import re
from typing import Any

from agents.nlu.entities import Utterance
from agents.nlu.skill import Skill, SkillContext
from domain.vocabulary import Vocabulary

MAX_QUESTION = 500  # the tool's limit on a question's length


def question_of(said: str, gloss: str) -> str:
    """The question for the knowledge base: as said, then its English gloss when it has one.

    Retrieval is hybrid: the multilingual encoder reads Hindi and Hinglish as they were said
    (a word-by-word gloss loses their grammar, and "jamdani aur chanderi mein kya antar hai" its
    comparison), while BM25 over the English notes needs the gloss's words ("itihas" is history).
    """
    said, gloss = said.strip(), gloss.strip()
    if not said or said == gloss:
        return (said or gloss)[:MAX_QUESTION]
    if not gloss:
        return said[:MAX_QUESTION]
    return f"{said} ({gloss})"[:MAX_QUESTION]


def fill(utt: Utterance, ctx: SkillContext) -> dict[str, Any]:
    """The question as the user said it (with its English gloss when it was not English).

    A follow-up that points back ("aur iski asli pehchan kaise kare", "how is it made?") and
    names nothing of its own is about what the previous question named: that comes first.
    """
    text = question_of(utt.said, utt.text)
    subject = _subject(str(ctx.previous_args.get("question") or ""))
    if subject and _POINTS_BACK.search(utt.norm) and not _subject(utt.text):
        text = f"{subject}: {text}"[:MAX_QUESTION]
    return {"question": text} if len(text) >= 2 else {}


# "its", "this", "iski", "uska": a question about the thing talked about before.
_POINTS_BACK = re.compile(r"\b(?:it|its|it's|this|that|these|those|them|they|their|iski|iska|iske|"
                          r"uski|uska|uske|isko|usko|yeh|woh|inki|unki)\b")


def _subject(question: str) -> str:
    """The crafts and products a question names, in its words ("kanchipuram saree")."""
    if not question:
        return ""
    found = Vocabulary.default().find(question, kinds=("craft", "product"), fuzzy=False)
    return " ".join(dict.fromkeys(m.surface for m in found))


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
