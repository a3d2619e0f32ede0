"""Server log lines mask the tokens clients put in query strings."""

from __future__ import annotations

import logging

import pytest

from gateway.logs import install_token_redaction, redact


def test_redact_masks_token_values_only() -> None:
    line = '127.0.0.1:5 - "WebSocket /ws/chat?session_id=s-1&token=eyJ.a.b-c_d" [accepted]'
    assert redact(line) == '127.0.0.1:5 - "WebSocket /ws/chat?session_id=s-1&token=***" [accepted]'
    assert redact("/ws/chat?token=abc&session_id=s-1") == "/ws/chat?token=***&session_id=s-1"
    assert redact("/x?access_token=abc") == "/x?access_token=***"
    assert redact("/ws/chat?session_id=s-1") == "/ws/chat?session_id=s-1"
    assert redact("/x?mytoken=abc") == "/x?mytoken=abc"


def test_uvicorn_handshake_lines_are_logged_without_the_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_token_redaction()
    install_token_redaction()  # idempotent: one filter per logger
    logger = logging.getLogger("uvicorn.error")
    assert sum(type(f).__name__ == "RedactTokens" for f in logger.filters) == 1
    with caplog.at_level(logging.INFO, logger="uvicorn.error"):
        # uvicorn's own call: the path with its query string is an argument
        logger.info('%s - "WebSocket %s" [accepted]', "127.0.0.1:5", "/ws/chat?token=eyJ.secret")
    assert "eyJ.secret" not in caplog.text and "token=***" in caplog.text
