"""The domain's exception tree; tools translate these into typed error codes at the boundary.

DomainError
├── NotFound            an id that does not exist            → NOT_FOUND
├── InvalidInput        a value the engine cannot work with  → VALIDATION_ERROR
│   └── UnknownPlace    a place name nothing resolves to     → UNKNOWN_PLACE
├── PermissionDenied    not the caller's to change            → FORBIDDEN
├── Conflict            a state that forbids the change      → CONFLICT
└── InsufficientData    too little history for a sound answer → INSUFFICIENT_HISTORY
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error an engine raises on purpose."""

    code = "DOMAIN_ERROR"

    def __init__(self, message: str, *, field: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details


class NotFound(DomainError):
    """An entity id that is not in the store."""

    code = "NOT_FOUND"


class InvalidInput(DomainError):
    """A value that passed type checks but makes no sense to the engine."""

    code = "VALIDATION_ERROR"


class UnknownPlace(InvalidInput):
    """A place name that the gazetteer cannot resolve, with suggestions."""

    code = "UNKNOWN_PLACE"


class PermissionDenied(DomainError):
    """The caller may not touch this entity (e.g. another creator's listing)."""

    code = "FORBIDDEN"


class Conflict(DomainError):
    """The current state forbids the change (e.g. price of an archived listing)."""

    code = "CONFLICT"


class InsufficientData(DomainError):
    """Too little data to answer soundly (e.g. under 90 days of sales)."""

    code = "INSUFFICIENT_HISTORY"


QUOTE_CHARS = 60


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """``value`` quoted for an error message, cut to ``limit`` characters.

    Messages name what was wrong without echoing a hostile 100 kB input back to its sender.
    """
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return repr(text)
