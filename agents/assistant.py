"""The assistant: the supervisor graph with its checkpointer, run one turn at a time.

Every channel (websocket, CLI, eval harness, SMS bridges) goes through :meth:`Assistant.stream`,
which yields the protocol events of contracts §4 and ends each turn with ``turn_end``.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.types import Command

from agents import replies
from agents.graph import build_graph
from agents.planners.base import Planner
from agents.state import RunContext
from domain.store import Store
from tools.registry import Registry, ToolConfig, ToolContext

Event = dict[str, Any]
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass
class Turn:
    """The turn object of contracts §4 (``qalakar chat --json``, eval harness)."""

    reply: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    tool_results: list[dict[str, Any]] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    latency_ms: dict[str, float] = field(default_factory=dict)
    confirm_request: dict[str, Any] | None = None
    asks_for: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    language: str | None = None  # the reply's language ("en", "hi"), for speech

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = {
            "reply": self.reply, "tool_calls": self.tool_calls, "tool_results": self.tool_results,
            "citations": self.citations, "latency_ms": self.latency_ms,
        }
        if self.confirm_request:
            data["confirm_request"] = self.confirm_request
        if self.asks_for:
            data["asks_for"] = self.asks_for
        if self.error:
            data["error"] = self.error
        if self.language:
            data["language"] = self.language
        return data


async def open_checkpointer(stack: AsyncExitStack, url: str | None, sqlite_path: Path) -> Any:
    """A LangGraph checkpointer: Postgres for a ``postgresql`` URL, else SQLite at the path."""
    if url and url.startswith("postgres"):
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        from psycopg import AsyncConnection
        from psycopg.rows import dict_row
        from psycopg_pool import AsyncConnectionPool

        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        # A pool, not one connection: turns of many sessions checkpoint at once, and a
        # connection lost while the database restarts is replaced instead of failing every turn
        # until the process restarts. A turn waits at most 5 s for a connection.
        pool: AsyncConnectionPool[AsyncConnection[dict[str, Any]]] = AsyncConnectionPool(
            dsn,
            connection_class=AsyncConnection[dict[str, Any]],
            min_size=1,
            max_size=8,
            timeout=5.0,
            open=False,
            check=AsyncConnectionPool.check_connection,
            kwargs={
                "autocommit": True,
                "prepare_threshold": 0,
                "row_factory": dict_row,
                "connect_timeout": 5,
            },
        )
        await pool.open(wait=True, timeout=30)
        stack.push_async_callback(pool.close)
        postgres = AsyncPostgresSaver(pool)
        await postgres.setup()
        return postgres
    import aiosqlite
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    conn = await stack.enter_async_context(aiosqlite.connect(str(sqlite_path)))
    # WAL + NORMAL: a checkpoint survives a process crash without an fsync on every step.
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute("PRAGMA synchronous=NORMAL")
    # Several worker processes may share the file: wait for a writer instead of failing.
    await conn.execute("PRAGMA busy_timeout=30000")
    saver = AsyncSqliteSaver(conn)
    await saver.setup()
    return saver


def _pending_of(snapshot: Any) -> dict[str, Any] | None:
    """The confirm request a state snapshot waits on, if any."""
    for task in snapshot.tasks:
        for intr in task.interrupts:
            return dict(intr.value)
    return None


def _answered(
    messages: list[Any],
    human_id: str,
    pending: dict[str, Any] | None,
) -> list[Event] | None:
    """The events that answered the message ``human_id``, or ``None`` if it was never run."""
    at = next((i for i, m in enumerate(messages) if m.type == "human" and m.id == human_id), None)
    if at is None:
        return None
    later = messages[at + 1 :]
    if pending is not None and not any(m.type == "human" for m in later):
        return [{"type": "confirm_request", **pending}]
    return [_replayed_reply(later)]


def _acted(messages: list[Any], action_id: str) -> list[Event] | None:
    """The reply that followed the confirmed (or declined) action ``action_id``.

    ``None`` when no result of it is in the conversation (it is pending, or never existed).
    """
    at = next((i for i, m in enumerate(messages)
               if m.type == "tool" and getattr(m, "tool_call_id", None) == action_id), None)
    if at is None:
        return None
    return [_replayed_reply(messages[at + 1 :])]


def _replayed_reply(later: list[Any]) -> Event:
    """The last plain reply in ``later`` before the next user message, as a replayed event."""
    reply = ""
    for m in later:
        if m.type == "human":
            break
        if m.type == "ai" and not getattr(m, "tool_calls", None) and m.content:
            reply = str(m.content)
    return {
        "type": "assistant_message",
        "message_id": f"m-{uuid.uuid4().hex[:12]}",
        "text": reply,
        "citations": [],
        "replayed": True,
    }


def _written_language(update: dict[str, Any], language: str | None) -> str | None:
    """``language`` after one step's ``updates`` chunk (``{node: written values}``)."""
    for written in update.values():
        if isinstance(written, dict) and "language" in written:
            language = written["language"]
    return language


def _is_yes(text: str, planner: Planner) -> bool | None:
    """Interpret a typed answer to a confirmation: True, False, or None when it is neither."""
    understand = getattr(planner, "understand", None)
    if understand is not None:
        prediction, _ = understand(text)
        if prediction.confidence >= 0.5 and prediction.intent in ("affirm", "deny"):
            return prediction.intent == "affirm"
    words = set(text.lower().replace(",", " ").replace(".", " ").split())
    if words & {"yes", "yeah", "yep", "ok", "okay", "sure", "haan", "confirm", "proceed"}:
        return True
    if words & {"no", "nope", "cancel", "stop", "nahi", "don't", "dont"}:
        return False
    return None


class Assistant:
    """One planner, one registry, one store, one checkpointer; many sessions."""

    def __init__(
        self,
        planner: Planner,
        registry: Registry,
        store: Store,
        checkpointer: Any,
        tool_config: ToolConfig | None = None,
    ) -> None:
        self.planner = planner
        self.registry = registry
        self.store = store
        self.tool_config = tool_config or ToolConfig()
        self.graph = build_graph(planner, checkpointer)

    @staticmethod
    def thread_id(user_id: str, session_id: str) -> str:
        """Sessions are scoped to their user: nobody can resume another user's thread.

        A session id has no ``:``, so the key splits one way only ("a:x" + "y" and "a" + "x:y"
        were the same thread).
        """
        if not SESSION_ID.fullmatch(session_id):
            raise ValueError("a session id is 1-64 letters, digits, '-' or '_'")
        return f"{user_id}:{session_id}"

    @staticmethod
    def new_session_id() -> str:
        """A fresh session id."""
        return f"s-{uuid.uuid4().hex[:12]}"

    async def pending_confirmation(self, user_id: str, session_id: str) -> dict[str, Any] | None:
        """The confirm request this session waits on, if any."""
        config = {"configurable": {"thread_id": self.thread_id(user_id, session_id)}}
        return _pending_of(await self.graph.aget_state(config))

    async def acted(self, user_id: str, session_id: str, action_id: str) -> bool:
        """Whether the conversation holds the result of the confirmed action ``action_id``."""
        return _acted(await self.history(user_id, session_id), action_id) is not None

    async def history(self, user_id: str, session_id: str) -> list[Any]:
        """The messages the checkpointer keeps for this session."""
        config = {"configurable": {"thread_id": self.thread_id(user_id, session_id)}}
        snapshot = await self.graph.aget_state(config)
        return list(snapshot.values.get("messages", []))

    async def stream(
        self,
        *,
        user_id: str,
        role: str,
        session_id: str,
        text: str | None = None,
        confirm: bool | None = None,
        message_id: str | None = None,
        action_id: str | None = None,
        reply_language: str | None = None,
        spoken: bool = False,
    ) -> AsyncIterator[Event]:
        """Run one turn (a message, or the answer to a confirmation) and yield its events.

        A message sent again with the same ``message_id`` (a client that reconnected, maybe to
        another replica, after losing the answer) is not run twice: its recorded reply is
        replayed. A turn is checkpointed whole when it ends, so one cut short left nothing
        behind and runs now. Likewise a confirmation sent again for ``action_id`` after its
        turn ended replays that turn's reply; the action itself is exactly-once in the store.
        ``reply_language`` ("en", "hi") is the language the user picked for replies; it stays
        the session's choice until another is sent. ``spoken``: ``text`` was heard, not typed.
        """
        started = time.perf_counter()
        run = RunContext(
            ToolContext(user_id, role, self.store, session_id, self.tool_config), self.registry,
            spoken=spoken,
        )
        config = {"configurable": {"thread_id": self.thread_id(user_id, session_id)}}
        snapshot = await self.graph.aget_state(config)
        pending = _pending_of(snapshot)
        human_id = f"in-{message_id}" if message_id else None
        replay = None
        if text is not None and human_id is not None:
            replay = _answered(snapshot.values.get("messages", []), human_id, pending)
        elif confirm is not None and action_id and (pending or {}).get("action_id") != action_id:
            replay = _acted(snapshot.values.get("messages", []), action_id)
        if replay is not None:
            for event in replay:
                yield event
            yield {
                "type": "turn_end",
                "replayed": True,
                "latency_ms": {"total": round((time.perf_counter() - started) * 1000, 2)},
            }
            return
        inputs: list[Any] = []
        picked = {"reply_language": reply_language} if reply_language in replies.LANGUAGES else {}
        if pending is not None and confirm is None and text is not None:
            answer = await asyncio.to_thread(_is_yes, text, self.planner)
            inputs.append(Command(resume=bool(answer)))
            if (
                answer is None
            ):  # neither yes nor no: drop the action, then treat it as a new message
                inputs.append({"messages": [HumanMessage(text, id=human_id)], **picked})
        elif pending is not None and confirm is not None:
            inputs.append(Command(resume=confirm))
        elif text is not None:
            inputs.append({"messages": [HumanMessage(text, id=human_id)], **picked})

        reply_parts: list[str] = []
        citations: list[dict[str, Any]] = []
        confirm_prompt = ""
        # The session's reply language as the turn leaves it, followed through the nodes'
        # updates rather than read back from a third checkpoint load.
        language: str | None = snapshot.values.get("language")
        for graph_input in inputs:
            async for mode, chunk in self.graph.astream(
                graph_input,
                config,
                context=run,
                stream_mode=["custom", "updates"],
                # One checkpoint per turn, written when it ends: a turn is kept whole or not at
                # all (a worker killed mid-turn leaves no half turn to resume or repeat), and
                # the steps of a turn do not each rewrite the conversation.
                durability="exit",
            ):
                if mode == "custom":
                    if chunk["type"] == "assistant_delta":
                        reply_parts.append(chunk["text"])
                    elif chunk["type"] == "_reply_reset":
                        reply_parts.clear()
                    if chunk["type"] == "tool_result" and chunk["ok"]:
                        result = chunk["result"]
                        citations.extend(result.get("citations", []) or [])
                        # a trail names its heritage documents as ``sources`` (doc ids)
                        citations.extend({"doc_id": d, "title": None}
                                         for d in result.get("sources", []) or []
                                         if isinstance(d, str))
                    yield chunk
                elif "__interrupt__" in chunk:
                    for intr in chunk["__interrupt__"]:
                        confirm_prompt = intr.value.get("prompt", "")
                        yield {"type": "confirm_request", **dict(intr.value)}
                else:
                    language = _written_language(chunk, language)
        final = "".join(reply_parts).strip() or confirm_prompt
        if not final:
            messages = await self.history(user_id, session_id)
            last = messages[-1] if messages else None
            if last is not None and last.type == "ai" and not getattr(last, "tool_calls", None):
                final = str(last.content)
        run.timings["total"] = (time.perf_counter() - started) * 1000
        yield {
            "type": "assistant_message",
            "message_id": f"m-{uuid.uuid4().hex[:12]}",
            "text": final,
            "citations": [{"doc_id": c.get("doc_id"), "title": c.get("title")} for c in citations],
        }
        yield {
            "type": "turn_end",
            "latency_ms": {k: round(v, 2) for k, v in run.timings.items()},
            "language": language or "en",
        }

    async def turn(self, **kwargs: Any) -> Turn:
        """Run one turn and collect it into a :class:`Turn`."""
        turn = Turn()
        async for event in self.stream(**kwargs):
            kind = event["type"]
            if kind == "tool_call":
                turn.tool_calls.append({"name": event["name"], "args": event["args"]})
            elif kind == "tool_result":
                turn.tool_results.append(
                    {"name": event["name"], "ok": event["ok"], "result": event["result"]}
                )
                if not event["ok"] and turn.error is None:
                    turn.error = event["result"].get("error")
            elif kind == "assistant_message":
                turn.reply, turn.citations = event["text"], event["citations"]
            elif kind == "confirm_request":
                turn.confirm_request = {k: v for k, v in event.items() if k != "type"}
            elif kind == "error" and turn.error is None:
                turn.error = event.get("error")
            elif kind == "_asks_for":
                turn.asks_for = list(event["args"])
            elif kind == "turn_end":
                turn.latency_ms = event["latency_ms"]
                turn.language = event.get("language")
        return turn
