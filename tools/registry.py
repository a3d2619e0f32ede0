"""One registry of typed tools, shared by the agent, the REST API and the eval harness.

A tool is a name, the roles that may call it, a pydantic argument model, a pydantic result
model and one function over a domain engine. :meth:`Registry.invoke` is the only way in:
it checks the role, validates the arguments and turns domain errors into :class:`ToolError`.
A critical tool called with an action id runs exactly once: its change and an idempotency
record commit in one transaction, and a replay returns the recorded result.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import exc as sqlalchemy_exc
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from domain.errors import DomainError, quote
from domain.geocoder import GeocoderConfig
from domain.logistics import LogisticsConfig
from domain.media import MediaConfig
from domain.store import Store
from domain.store.models import IdempotencyRecord
from knowledge.config import KnowledgeConfig

# The store could not be reached (restarting, network cut, pool exhausted): a 503 to retry,
# not a bug.
DB_UNAVAILABLE = (
    sqlalchemy_exc.OperationalError,
    sqlalchemy_exc.InterfaceError,
    sqlalchemy_exc.DisconnectionError,
    sqlalchemy_exc.TimeoutError,
)

log = logging.getLogger(__name__)

# The contract's four roles, plus the heritage readers of seed prop 57.
Role = Literal[
    "buyer", "creator", "admin", "evaluator", "researcher", "tourist", "cultural_organization"
]
ALL_ROLES: frozenset[str] = frozenset(typing.get_args(Role))

A = TypeVar("A", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True)
class LLMConfig:
    """An OpenAI-compatible chat endpoint (vLLM, llama.cpp server, Ollama) tools may use."""

    base_url: str
    model: str = "qalakar-llm"
    api_key: str = "EMPTY"
    timeout_s: float = 60.0


@dataclass(frozen=True)
class ToolConfig:
    """What tools may use besides the store, built once from the settings by the gateway.

    Every field is optional: a bare config (tests, benchmarks) runs offline, computes models
    in memory, quotes from rate cards, and has no knowledge base or uploads.
    """

    data_dir: Path | None = None
    knowledge: KnowledgeConfig | None = None
    geocoder: GeocoderConfig | None = None
    logistics: LogisticsConfig = field(default_factory=LogisticsConfig)
    media: MediaConfig | None = None
    llm: LLMConfig | None = None

    @property
    def media_root(self) -> Path | None:
        """Where uploaded images live: the media config's root, else ``data_dir/media``."""
        if self.media is not None:
            return self.media.root
        return self.data_dir / "media" if self.data_dir is not None else None


@dataclass
class ToolContext:
    """Who is calling and what they may touch; tools receive nothing else."""

    user_id: str
    role: str
    store: Store
    session_id: str | None = None
    config: ToolConfig = field(default_factory=ToolConfig)


class ToolError(Exception):
    """A typed failure of a tool call; ``code`` is one of the contract's error codes."""

    STATUS = {
        "VALIDATION_ERROR": 400,
        "BAD_REQUEST": 400,
        "UNAUTHORIZED": 401,
        "RATE_LIMITED": 429,
        "UNKNOWN_PLACE": 400,
        "INSUFFICIENT_HISTORY": 422,
        "FORBIDDEN": 403,
        "NOT_FOUND": 404,
        "UNKNOWN_TOOL": 404,
        "CONFLICT": 409,
        "PAYLOAD_TOO_LARGE": 413,
        "UNSUPPORTED_MEDIA": 415,
        "UPSTREAM_UNAVAILABLE": 503,
        "INTERNAL_ERROR": 500,
    }

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}

    @classmethod
    def from_domain(cls, exc: DomainError) -> ToolError:
        """The typed error of a domain exception; its ``field`` joins the details."""
        details = dict(exc.details)
        if exc.field:
            details["field"] = exc.field
        return cls(exc.code, exc.message, details)

    @property
    def status(self) -> int:
        """The HTTP status that goes with ``code``."""
        return self.STATUS.get(self.code, 400)

    def to_dict(self) -> dict[str, Any]:
        """The ``error`` object of contracts §3, without timestamp and request id."""
        return {"code": self.code, "message": self.message, "details": self.details}


def validation_error(exc: ValidationError) -> ToolError:
    """A ``VALIDATION_ERROR`` whose message names the first bad field."""
    errors = [
        {
            "field": ".".join(str(p) for p in e["loc"]) or "(body)",
            "message": e["msg"],
            "type": e["type"],
        }
        for e in exc.errors(include_url=False, include_input=False)
    ]
    first = errors[0]
    return ToolError(
        "VALIDATION_ERROR",
        f"invalid value for '{first['field']}': {first['message']}",
        {"field": first["field"], "errors": errors},
    )


@dataclass(frozen=True)
class Tool(Generic[A, R]):
    """A typed tool; ``critical`` ones need the user's confirmation before the agent runs them."""

    name: str
    description: str
    roles: frozenset[str]
    args_model: type[A]
    result_model: type[R]
    fn: Callable[[ToolContext, A], R]
    critical: bool = False

    def openai_schema(self) -> dict[str, Any]:
        """The OpenAI ``tools`` entry (what an LLM planner binds)."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.args_model.model_json_schema(),
            },
        }

    def catalog_entry(self) -> dict[str, Any]:
        """What ``GET /api/v1/tools`` lists for this tool."""
        return {
            "name": self.name,
            "description": self.description,
            "roles": sorted(self.roles),
            "critical": self.critical,
            "args_schema": self.args_model.model_json_schema(),
            "result_schema": self.result_model.model_json_schema(),
        }

    def required_args(self) -> list[str]:
        """Names of the arguments without defaults."""
        return [n for n, f in self.args_model.model_fields.items() if f.is_required()]


class Registry:
    """Tools by name; ``invoke`` is the single entry point for every caller."""

    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        for t in tools:
            self.register(t)

    def register(self, t: Tool) -> Tool:
        """Add a tool; names are unique."""
        if t.name in self._tools:
            raise ValueError(f"tool {t.name!r} is registered twice")
        self._tools[t.name] = t
        return t

    def __contains__(self, name: str) -> bool:
        return name in self._tools

    def __iter__(self):
        return iter(self._tools.values())

    def names(self) -> list[str]:
        """Registered tool names, sorted."""
        return sorted(self._tools)

    def get(self, name: str) -> Tool:
        """The tool called ``name`` or ``UNKNOWN_TOOL``."""
        try:
            return self._tools[name]
        except KeyError:
            raise ToolError(
                "UNKNOWN_TOOL", f"there is no tool called {quote(name)}", {"known": self.names()}
            ) from None

    def for_role(self, role: str) -> list[Tool]:
        """The tools ``role`` may call."""
        return [t for t in self._tools.values() if role in t.roles]

    def is_critical(self, name: str, role: str) -> bool:
        """Whether a call to ``name`` by ``role`` needs confirmation (unknown or refused: no).

        Only the tool and the role are checked; the arguments are validated once, when the
        call runs.
        """
        t = self._tools.get(name)
        return t is not None and t.critical and role in t.roles

    def validate(self, name: str, raw_args: Any, role: str) -> tuple[Tool, BaseModel]:
        """Look up, check the role and parse the arguments, without running anything."""
        t = self.get(name)
        if role not in t.roles:
            raise ToolError(
                "FORBIDDEN",
                f"the {role} role may not call {name}",
                {"tool": name, "allowed_roles": sorted(t.roles)},
            )
        if raw_args is None:
            raw_args = {}
        if isinstance(raw_args, BaseModel):
            raw_args = raw_args.model_dump(exclude_unset=True)
        if not isinstance(raw_args, dict):
            raise ToolError(
                "VALIDATION_ERROR", "invalid value for '(body)': arguments must be a JSON object",
                {"field": "(body)"},
            )
        try:
            return t, t.args_model.model_validate(raw_args)
        except ValidationError as exc:
            raise validation_error(exc) from exc

    def invoke(
        self, name: str, raw_args: Any, ctx: ToolContext, *, action_id: str | None = None
    ) -> BaseModel:
        """Run one call: role check, validation, the engine, errors typed; nothing else.

        ``action_id`` (a confirmed call's id, or a client's idempotency key) makes a critical
        tool exactly-once for this user and session.
        """
        t, args = self.validate(name, raw_args, ctx.role)
        try:
            if t.critical and action_id:
                return _exactly_once(t, args, ctx, action_id)
            return t.fn(ctx, args)
        except ToolError:
            raise
        except DomainError as exc:
            raise ToolError.from_domain(exc) from exc
        except ValidationError as exc:
            raise validation_error(exc) from exc
        except DB_UNAVAILABLE as exc:
            log.warning("tool %s: the database is unavailable (%s)", name, type(exc).__name__)
            raise ToolError("UPSTREAM_UNAVAILABLE",
                            "the database is unavailable; please try again shortly") from exc
        except Exception as exc:
            log.exception("tool %s failed", name)
            raise ToolError("INTERNAL_ERROR", f"{name} failed unexpectedly") from exc


def _exactly_once(t: Tool, args: BaseModel, ctx: ToolContext, action_id: str) -> BaseModel:
    """Run ``t`` unless this action already ran; the change and its record commit together."""
    if len(action_id) > 120:
        raise ToolError("VALIDATION_ERROR", "an action id has at most 120 characters",
                        {"field": "action_id"})
    scope = f"{ctx.user_id}|{ctx.session_id or '-'}"
    digest = hashlib.sha256(
        json.dumps(args.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()

    def recorded() -> BaseModel | None:
        with ctx.store.session() as s:
            row = s.scalar(select(IdempotencyRecord).where(
                IdempotencyRecord.scope == scope, IdempotencyRecord.action_id == action_id))
            if row is None:
                return None
            if row.tool != t.name or row.args_digest != digest:
                raise ToolError(
                    "CONFLICT", "this action id was already used for a different action",
                    {"field": "action_id", "tool": row.tool},
                )
            log.info("replayed %s %s: returning the recorded result", t.name, action_id)
            return t.result_model.model_validate(row.result)

    done = recorded()
    if done is not None:
        return done
    try:
        with ctx.store.transaction() as s:
            result = t.fn(ctx, args)
            s.add(IdempotencyRecord(scope=scope, action_id=action_id, tool=t.name,
                                    args_digest=digest, result=result.model_dump(mode="json")))
    except IntegrityError:
        # A concurrent replay committed first; ours rolled back whole. Answer with theirs.
        done = recorded()
        if done is None:
            raise
        return done
    return result


def tool(
    name: str, *, roles: Iterable[str] | Literal["any"], critical: bool = False
) -> Callable[[Callable[[ToolContext, A], R]], Tool[A, R]]:
    """Make ``fn(ctx, args) -> result`` a :class:`Tool`; models come from its type hints.

    The function's docstring is the description an LLM reads. Nothing is registered here:
    ``tools.catalog.TOOLS`` lists every tool explicitly.
    """

    def decorate(fn: Callable[[ToolContext, A], R]) -> Tool[A, R]:
        hints = typing.get_type_hints(fn)
        params = list(inspect.signature(fn).parameters)
        args_model, result_model = hints[params[1]], hints["return"]
        allowed = ALL_ROLES if roles == "any" else frozenset(roles)
        unknown = allowed - ALL_ROLES
        if unknown:
            raise ValueError(f"unknown roles {sorted(unknown)} for tool {name}")
        description = inspect.cleandoc(fn.__doc__ or name)
        return Tool(name, description, allowed, args_model, result_model, fn, critical)

    return decorate
