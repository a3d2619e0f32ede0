"""``heritage_lookup``: answer a question about Indian crafts from the heritage knowledge base."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel, Field

from knowledge.access import require_reader
from tools.registry import ToolContext, ToolError, tool


class HeritageLookupArgs(BaseModel):
    """Arguments of ``heritage_lookup``."""

    question: str = Field(min_length=2, max_length=500,
                          description="The user's question about a craft, its history, technique, "
                                      "authenticity or care, or about selling crafts")
    craft: str | None = Field(default=None, max_length=80,
                              description="Only use documents about this craft, e.g. 'dhokra'")
    region: str | None = Field(default=None, max_length=80,
                               description="Only use documents from this state, e.g. 'Odisha'")


class HeritageCitation(BaseModel):
    """A document the answer relies on."""

    doc_id: str
    title: str
    snippet: str
    score: float


class HeritageLookupResult(BaseModel):
    """The answer in words, its citations, and whether the knowledge base knew."""

    answer: str
    citations: list[HeritageCitation]
    confident: bool = True
    confidence: float = 0.0
    mode: str = "extractive"


KB_UNAVAILABLE = "the heritage knowledge base is unavailable right now; please try again shortly"


def _unreachable(exc: BaseException) -> bool:
    """True when ``exc`` (or its cause) says the Chroma server could not be reached."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        # Refused or reset sockets, timeouts; httpx's (chromadb's client) transport errors.
        if isinstance(current, OSError | httpx.TransportError):
            return True
        if isinstance(current, ValueError) and "Could not connect" in str(current):
            return True  # chromadb's HttpClient, when its first heartbeat fails
        current = current.__cause__ or current.__context__
    return False


def _ask(ctx: ToolContext, question: str, filters: dict[str, Any]) -> Any:
    """The knowledge base's answer; a Chroma server that is down is ``UPSTREAM_UNAVAILABLE``.

    The knowledge base is cached only once it opens, so the next question after the server
    is back finds it again.
    """
    try:
        return _knowledge_base(ctx).ask(question, filters=filters)
    except ToolError:
        raise
    except Exception as exc:
        knowledge = ctx.config.knowledge
        if knowledge is not None and knowledge.chroma_url and _unreachable(exc):
            raise ToolError("UPSTREAM_UNAVAILABLE", KB_UNAVAILABLE) from exc
        raise


def _knowledge_base(ctx: ToolContext) -> Any:
    if ctx.config.knowledge is None:
        raise ToolError(
            "UPSTREAM_UNAVAILABLE", "the heritage knowledge base is not configured here"
        )
    from knowledge.service import get_knowledge_base

    return get_knowledge_base(ctx.config.knowledge)


@tool("heritage_lookup", roles="any")
def heritage_lookup(ctx: ToolContext, args: HeritageLookupArgs) -> HeritageLookupResult:
    """Answer questions about Indian handicrafts from the heritage knowledge base, with citations.

    Use it for what a craft is ("what is Madhubani"), its history, region, technique, materials
    and motifs, how to tell genuine work ("is my pashmina real"), how to care for it, and
    creator help (pricing handmade work, shipping fragile items, photos, festival demand).
    It says it does not know when the knowledge base has nothing relevant.
    """
    require_reader(ctx.role)
    filters = {"crafts": args.craft, "region": args.region}
    answer = _ask(ctx, args.question, filters)
    return HeritageLookupResult(
        answer=answer.text,
        citations=[HeritageCitation(doc_id=c.doc_id, title=c.title, snippet=c.snippet,
                                    score=c.score) for c in answer.citations],
        confident=answer.confident, confidence=answer.confidence, mode=answer.mode,
    )
