"""Skills: what the embedded planner knows about each tool.

A skill teaches the planner one tool: how to fill its arguments from an utterance, what to ask
when one is missing, and how to say its result in words.

Skills live in ``agents/skills/<tool>.py`` (``SKILL = Skill(...)``), listed in
``agents/skills/catalog.py``, with training utterances in ``agents/skills/corpus/<intent>.txt``;
adding a tool to the embedded planner is adding all three.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from agents.nlu.entities import Utterance

CORPUS_DIR = Path(__file__).resolve().parent.parent / "skills" / "corpus"


@dataclass(frozen=True)
class SkillContext:
    """What a skill may know besides the utterance: who speaks, and the args so far."""

    user_id: str
    role: str
    previous_args: dict[str, Any] = field(default_factory=dict)


Filler = Callable[[Utterance, SkillContext], dict[str, Any]]
Describer = Callable[[dict[str, Any], dict[str, Any]], str]
Cue = Callable[[Utterance], bool]
# After a result: state keys for the next turn (e.g. a question that waits for its answer).
FollowUp = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Skill:
    """How the embedded planner uses one tool."""

    tool: str
    fill: Filler
    describe: Describer
    questions: dict[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    # Arguments that, said on their own ("only within 25 km"), narrow the previous call to
    # this tool instead of starting a new one.
    refines: tuple[str, ...] = ()
    # Entities that name this tool plainly enough ("pending oders", "p-00235 ... 1650 rupees")
    # to pick it when the classifier hesitates.
    cued: Cue | None = None
    # Entities and words that name this tool beyond doubt: they win over the classifier's
    # guess ("a bidri box, 350 g, 22 hours of work, what should I sell it for?").
    sure: Cue | None = None
    # The result in Hindi; without it a Hindi reply says the result in English.
    describe_hi: Describer | None = None
    # Reads the call's args and result; returns state updates (``pending``, ``last_args``) so
    # that the answer to the question in its reply continues the same piece of work.
    follow_up: FollowUp | None = None

    def ask(self, missing: list[str]) -> str:
        """The question for the first missing argument."""
        name = missing[0]
        return self.questions.get(name, f"What is the {name.replace('_', ' ')}?")


@lru_cache(maxsize=1)
def load_skills() -> dict[str, Skill]:
    """Every skill of ``agents.skills.catalog.SKILLS``, by tool name."""
    from agents.skills.catalog import SKILLS

    return {skill.tool: skill for skill in SKILLS}


def load_corpus(directory: Path = CORPUS_DIR) -> list[tuple[str, str]]:
    """``(utterance, intent)`` pairs from ``<intent>.txt`` files (``#`` starts a comment)."""
    pairs: list[tuple[str, str]] = []
    for path in sorted(directory.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                pairs.append((line, path.stem))
    return pairs
