"""The embedded planner: intent classifier + slot extractors, emitting the tool calls an LLM would.

Below the confidence threshold it asks instead of guessing, unless a likely skill recognises
its own entities in the turn ("pending oders", "glass bangles in firozabad"); when required
arguments are missing it asks for them and keeps the half-filled call in state for the next
turn; a follow-up that only brings slot values ("what about shipped ones?", "only within
25 km") reuses the last tool and keeps its other arguments.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from functools import lru_cache
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agents.nlu.classifier import IntentClassifier, Prediction
from agents.nlu.entities import (
    Utterance,
    asks_advice,
    is_question,
    parse,
    place_free_vocabulary,
)
from agents.nlu.skill import Skill, SkillContext, load_corpus, load_skills
from agents.planners.base import Emit, Plan
from agents.skills.smalltalk import REPLIES, capabilities
from agents.state import AgentState, PendingCall, RunContext

CONTROL_INTENTS = ("affirm", "deny")
KNOWLEDGE_TOOL = "heritage_lookup"
KNOWLEDGE_FALLBACK_MIN_PROBABILITY = 0.2
QUESTION_FALLBACK_MIN_PROBABILITY = 0.15  # heritage is what questions are for
# Below the threshold, an intent among the best CUED_RANKS whose skill recognises its own
# entities in the turn ("pending oders", "p-00235 ... 1650 rupees") is taken.
CUED_RANKS = 2
CUED_MIN_PROBABILITY = 0.1
# An advice question ("how much advance should I ask for a bulk order") that gives none of the
# specifics its likeliest tool needs is answered from the knowledge base's guides instead of
# starting that tool's questions, when the knowledge base is among the best ADVICE_RANKS guesses.
ADVICE_RANKS = 3
ADVICE_MIN_PROBABILITY = 0.04


@lru_cache(maxsize=1)
def knowledge_vocabulary() -> frozenset[str]:
    """Words of the heritage corpus ("jangarh", "paithani"): a question that uses them is one
    the knowledge base may answer, though no training utterance has them."""
    from knowledge.corpus import load_corpus as load_heritage

    return frozenset(
        w
        for doc in load_heritage()
        for w in re.findall(r"[a-z]{4,}", f"{doc.title} {doc.body}".lower())
    )


@lru_cache(maxsize=1)
def default_classifier() -> IntentClassifier:
    """The classifier trained on the bundled corpus (trained once per process, ~0.2 s)."""
    return IntentClassifier().fit(load_corpus())


def _call_id() -> str:
    return f"call_{uuid.uuid4().hex[:16]}"


class EmbeddedPlanner:
    """A real NLU planner with measured accuracy; no network, no LLM."""

    name = "embedded"

    def __init__(self, classifier: IntentClassifier | None = None, threshold: float = 0.45) -> None:
        self.classifier = classifier or default_classifier()
        self.skills: dict[str, Skill] = load_skills()
        self.threshold = threshold
        self.vocabulary = place_free_vocabulary(self.classifier.vocabulary)

    def understand(self, text: str) -> tuple[Prediction, Utterance]:
        """Classify and parse one utterance."""
        return self.classifier.predict(text), parse(text, self.vocabulary)

    async def plan(self, state: AgentState, run: RunContext, emit: Emit) -> Plan:
        """Answer tool results in words, or turn the newest user message into a call.

        Replies are whole strings; the graph's respond node streams them.
        """
        messages = state.get("messages", [])
        if messages and isinstance(messages[-1], ToolMessage):
            return Plan(AIMessage(self._describe_results(messages)), self._follow_up(messages))
        human = next((m for m in reversed(messages) if isinstance(m, HumanMessage)), None)
        # Classifying and fuzzy place matching are CPU work: off the event loop, so one
        # turn never stalls the sockets and health checks of everyone else.
        return await asyncio.to_thread(
            self._plan_turn, str(human.content) if human else "", state, run
        )

    # -- a new user message ---------------------------------------------------------------
    def _plan_turn(self, text: str, state: AgentState, run: RunContext) -> Plan:
        prediction, utt = self.understand(text)
        intent, confident = prediction.intent, prediction.confidence >= self.threshold
        ctx = SkillContext(run.tool_ctx.user_id, run.role, dict(state.get("last_args") or {}))
        pending = state.get("pending")

        if pending:
            if confident and intent == "deny":
                return self._say("Okay, I've dropped that.", pending=None)
            skill = self.skills.get(pending["tool"])
            if skill is not None and (not confident or intent in (pending["tool"], "affirm")
                                      or set(skill.fill(utt, ctx)) & set(pending["missing"])):
                args = {**pending["args"], **skill.fill(utt, ctx)}
                return self._call_or_ask(skill, args, run)

        last_tool = state.get("last_tool")
        if refined := self._refinement(intent, confident, utt, ctx, last_tool):
            return self._call_or_ask(self.skills[str(last_tool)], refined, run)
        if self._wants_general_advice(prediction, utt, ctx, run):
            return self._call_or_ask(self.skills[KNOWLEDGE_TOOL], {"question": text}, run)
        if confident and intent in self.skills:
            skill = self.skills[intent]
            return self._call_or_ask(skill, skill.fill(utt, ctx), run)
        if confident and intent in REPLIES:
            return self._say(REPLIES[intent](run.role, self.skills), pending=None)

        if cued := self._cued_skill(prediction, utt):
            return self._call_or_ask(cued, cued.fill(utt, ctx), run)
        if last_tool in self.skills:
            # A follow-up that only carries slot values reuses the previous tool.
            extra = self.skills[last_tool].fill(utt, ctx)
            if extra:
                return self._call_or_ask(self.skills[last_tool], {**ctx.previous_args, **extra}, run)
        if self._looks_like_a_knowledge_question(prediction, utt):
            # Unsure, but it reads like a question about crafts: the knowledge base answers,
            # or says honestly that it does not know.
            return self._call_or_ask(self.skills[KNOWLEDGE_TOOL], {"question": text}, run)
        return self._say(
            "Sorry, I'm not sure what you mean. " + capabilities(run.role, self.skills), pending=None
        )

    def _refinement(self, intent: str, confident: bool, utt: Utterance, ctx: SkillContext,
                    last_tool: str | None) -> dict[str, Any] | None:
        """The previous call with the filters this turn changes, when the turn only brings
        filters for it ("only within 25 km" after a search near Bhuj keeps query and place)."""
        skill = self.skills.get(str(last_tool))
        if skill is None or not skill.refines or not ctx.previous_args:
            return None
        extra = skill.fill(utt, ctx)
        if not extra or not set(extra) <= set(skill.refines):
            return None
        if confident and intent != last_tool:
            # Another tool is meant unless the turn is filters for it too (radius, place).
            other = self.skills.get(intent)
            if other is None or not other.refines:
                return None
            if not set(other.fill(utt, ctx)) <= set(other.refines):
                return None
        return {**ctx.previous_args, **extra}

    def _cued_skill(self, prediction: Prediction, utt: Utterance) -> Skill | None:
        """Of the classifier's two best guesses, the likelier one whose entities name it."""
        for intent, probability in prediction.ranking[:CUED_RANKS]:
            skill = self.skills.get(intent)
            if probability >= CUED_MIN_PROBABILITY and skill and skill.cued and skill.cued(utt):
                return skill
        return None

    def _wants_general_advice(self, prediction: Prediction, utt: Utterance, ctx: SkillContext,
                              run: RunContext) -> bool:
        """An advice question with none of the specifics the likeliest tool needs."""
        skill = self.skills.get(prediction.intent)
        if KNOWLEDGE_TOOL not in self.skills or skill is None or skill.tool == KNOWLEDGE_TOOL:
            return False
        if not asks_advice(utt) or utt.ids:
            return False
        if not any(intent == KNOWLEDGE_TOOL and p >= ADVICE_MIN_PROBABILITY
                   for intent, p in prediction.ranking[:ADVICE_RANKS]):
            return False
        tool = run.registry.get(skill.tool) if skill.tool in run.registry else None
        required = skill.required or (tuple(tool.required_args()) if tool else ())
        given = skill.fill(utt, ctx)
        return bool(required) and not any(name in given for name in required)

    def _looks_like_a_knowledge_question(self, prediction: Prediction, utt: Utterance) -> bool:
        words = utt.norm.split()
        if KNOWLEDGE_TOOL not in self.skills or len(words) < 3:
            return False
        known = self.classifier.vocabulary | knowledge_vocabulary()
        if not (utt.crafts or utt.categories or any(len(w) > 3 and w in known for w in words)):
            return False  # nothing in it we have ever seen: ask rather than look it up
        floor = KNOWLEDGE_FALLBACK_MIN_PROBABILITY
        if is_question(utt):
            floor = QUESTION_FALLBACK_MIN_PROBABILITY
        return any(intent == KNOWLEDGE_TOOL and p >= floor for intent, p in prediction.ranking[:2])

    def _call_or_ask(self, skill: Skill, args: dict[str, Any], run: RunContext) -> Plan:
        args = {k: v for k, v in args.items() if v is not None and v != [] and v != ""}
        tool = run.registry.get(skill.tool) if skill.tool in run.registry else None
        if tool is None:
            return self._say(f"I can't {skill.tool.replace('_', ' ')} yet.", pending=None)
        missing = [name for name in (skill.required or tuple(tool.required_args())) if name not in args]
        if missing:
            pending: PendingCall = {"tool": skill.tool, "args": args, "missing": missing}
            return Plan(AIMessage(skill.ask(missing)), {"pending": pending}, asks_for=missing)
        call = {"name": skill.tool, "args": args, "id": _call_id(), "type": "tool_call"}
        return Plan(
            AIMessage("", tool_calls=[call]),
            {"pending": None, "last_tool": skill.tool, "last_args": args},
        )

    @staticmethod
    def _say(text: str, **updates: Any) -> Plan:
        return Plan(AIMessage(text), updates)

    # -- tool results ---------------------------------------------------------------------
    def _describe_results(self, messages: list) -> str:
        calls: dict[str, dict[str, Any]] = {}
        results: list[ToolMessage] = []
        for msg in reversed(messages):
            if isinstance(msg, ToolMessage):
                results.append(msg)
            elif isinstance(msg, AIMessage):
                calls = {c["id"]: c for c in msg.tool_calls}
                break
        parts = []
        for msg in reversed(results):
            payload = json.loads(str(msg.content))
            call = calls.get(msg.tool_call_id, {"args": {}})
            if msg.status == "error":
                parts.append(_describe_error(payload.get("error", {})))
                continue
            skill = self.skills.get(str(msg.name))
            parts.append(skill.describe(call["args"], payload) if skill else "Done.")
        return " ".join(parts)


    def _follow_up(self, messages: list) -> dict[str, Any]:
        """State updates that skills ask for after their successful results."""
        calls: dict[str, dict[str, Any]] = {}
        results: list[ToolMessage] = []
        for msg in reversed(messages):
            if isinstance(msg, ToolMessage):
                results.append(msg)
            elif isinstance(msg, AIMessage):
                calls = {c["id"]: c for c in msg.tool_calls}
                break
        updates: dict[str, Any] = {}
        for msg in reversed(results):
            skill = self.skills.get(str(msg.name))
            if msg.status == "error" or skill is None or skill.follow_up is None:
                continue
            args = calls.get(msg.tool_call_id, {"args": {}})["args"]
            updates.update(skill.follow_up(args, json.loads(str(msg.content))))
        return updates


def _describe_error(error: dict[str, Any]) -> str:
    code = error.get("code", "ERROR")
    if code == "FORBIDDEN":
        return f"Sorry, you can't do that: {error.get('message', 'not allowed for your role')}."
    if code == "NOT_FOUND":
        return f"I couldn't find that: {error.get('message', '')}."
    if code == "UNKNOWN_PLACE":
        hints = error.get("details", {}).get("suggestions") or []
        extra = f" Did you mean {', '.join(hints)}?" if hints else ""
        return f"I don't know that place.{extra}"
    return f"That didn't work: {error.get('message', code)}."
