"""The one error boundary: every failure leaves as the §3 shape, for HTTP and websocket alike.

Routes raise :class:`ToolError` or let a domain engine's :class:`DomainError` through; the
handlers installed here turn both (and request validation, HTTP errors, anything unexpected)
into ``{"error": {code, message, details, timestamp, request_id}}`` with the matching status.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import DomainError
from tools.registry import DB_UNAVAILABLE, ToolError

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED", 409: "CONFLICT", 413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA", 422: "VALIDATION_ERROR", 429: "RATE_LIMITED",
}


_LOCATIONS = ("body", "query", "path")


UNAVAILABLE_MESSAGE = "the service is briefly unavailable; please try again shortly"


def unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) says the database or checkpoint store is unreachable.

    Such a failure is a 503 the client may retry (the pools reconnect by themselves), not a
    500: a database restart must not look like a bug.
    """
    import sqlite3

    import psycopg
    from psycopg_pool import PoolTimeout

    kinds = (*DB_UNAVAILABLE, psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout,
             sqlite3.OperationalError, ConnectionError)
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kinds):
            return True
        if isinstance(current, ToolError):
            return current.code == "UPSTREAM_UNAVAILABLE"
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def unavailable_response(request_id: str) -> JSONResponse:
    """The 503 ``UPSTREAM_UNAVAILABLE`` answer, with a short ``Retry-After``."""
    return JSONResponse(
        envelope("UPSTREAM_UNAVAILABLE", UNAVAILABLE_MESSAGE, {}, request_id), status_code=503,
        headers={"retry-after": "2"},
    )


def new_request_id() -> str:
    """A short id that ties a client's error to the server's log line."""
    return f"req-{uuid.uuid4().hex[:12]}"


def envelope(
    code: str, message: str, details: dict[str, Any] | None = None, request_id: str | None = None
) -> dict[str, Any]:
    """``{"error": {code, message, details, timestamp, request_id}}``."""
    return {
        "error": {
            "code": code,
            "message": message,
            "details": details or {},
            "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "request_id": request_id or new_request_id(),
        }
    }


def from_tool_error(exc: ToolError, request_id: str | None = None) -> dict[str, Any]:
    """The envelope of a :class:`ToolError`."""
    return envelope(exc.code, exc.message, exc.details, request_id)


def _rid(request: Request) -> str:
    return getattr(request.state, "request_id", None) or new_request_id()


def install(app: FastAPI) -> None:
    """Route every failure through the envelope; no traceback reaches a client."""

    @app.exception_handler(ToolError)
    async def _tool_error(request: Request, exc: ToolError) -> JSONResponse:
        return JSONResponse(from_tool_error(exc, _rid(request)), status_code=exc.status)

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return await _tool_error(request, ToolError.from_domain(exc))

    @app.exception_handler(RecursionError)
    async def _too_deep(request: Request, exc: RecursionError) -> JSONResponse:
        # A JSON body nested thousands deep ("[[[[…") exhausts the parser, not the server.
        return JSONResponse(envelope("BAD_REQUEST", "the body nests too deeply",
                                     {"field": "(body)"}, _rid(request)), status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in e["loc"] if p not in _LOCATIONS) or "(body)",
                "message": e["msg"],
                "type": e["type"],
            }
            for e in exc.errors()
        ]
        if any(e["type"] == "json_invalid" for e in errors):
            body = envelope("BAD_REQUEST", "the body must be JSON", {"field": "(body)"},
                            _rid(request))
            return JSONResponse(body, status_code=400)
        first = errors[0] if errors else {"field": "(body)", "message": "invalid request"}
        body = envelope(
            "VALIDATION_ERROR", f"invalid value for '{first['field']}': {first['message']}",
            {"field": first["field"], "errors": errors}, _rid(request),
        )
        return JSONResponse(body, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "ERROR")
        detail = exc.detail if isinstance(exc.detail, str) else code.lower()
        return JSONResponse(
            envelope(code, detail, {}, _rid(request)), status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        rid = _rid(request)
        if unavailable(exc):
            log.warning("a backing service is unavailable (%s) %s", type(exc).__name__, rid)
            return unavailable_response(rid)
        log.exception("unhandled error %s", rid)
        return JSONResponse(
            envelope("INTERNAL_ERROR", "something went wrong on our side", {}, rid), status_code=500
        )
