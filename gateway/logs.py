"""Server log lines never carry credentials: ``token=`` query values are masked.

Browsers cannot set headers on a websocket, so clients put their JWT in ``/ws/chat?token=…``;
uvicorn logs every handshake and request with its query string, which wrote working tokens
into the logs (anyone who can read them could act as those users until the tokens expire).
"""

from __future__ import annotations

import logging
import re

TOKEN_VALUE = re.compile(r"((?:^|[?&])(?:token|access_token)=)[^&\s\"']+", re.IGNORECASE)
#: The loggers uvicorn writes request lines to (``uvicorn.error`` has the websocket handshakes).
SERVER_LOGGERS = ("uvicorn.access", "uvicorn.error")


def redact(text: str) -> str:
    """``text`` with every ``token=`` / ``access_token=`` query value replaced by ``***``."""
    return TOKEN_VALUE.sub(r"\1***", text)


class RedactTokens(logging.Filter):
    """Masks query-string tokens in a record's message and string arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install_token_redaction() -> None:
    """Attach :class:`RedactTokens` to uvicorn's loggers once per process."""
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
