"""Replies for text channels: markup removed, split into parts a message can carry."""

from __future__ import annotations

import re

SMS_PART_CHARS = 1600  # Twilio's limit on one message body (it concatenates segments itself)
WHATSAPP_PART_CHARS = 4096  # the Cloud API's limit on a text body

_LINK = re.compile(r"\[([^\]\n]+)\]\((\S+?)\)")
_EMPHASIS = re.compile(r"(?<![\w*_~`])(\*\*|__|\*|_|~~|`)(?=\S)(.+?)(?<=\S)\1(?![\w*_~`])")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_BULLET = re.compile(r"^(\s*)[-*+]\s+", re.MULTILINE)
_FENCE = re.compile(r"^```.*$", re.MULTILINE)
_TAGS = re.compile(r"<[^>\n]{1,200}>")


def plain(text: str) -> str:
    """``text`` without Markdown or HTML markup: links keep their address, bullets become •."""
    text = _FENCE.sub("", text)
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    text = _HEADING.sub("", text)
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    for _ in range(2):  # nested emphasis (**_x_**)
        text = _EMPHASIS.sub(r"\2", text)
    text = _TAGS.sub("", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def split(text: str, limit: int) -> list[str]:
    """``text`` in parts of at most ``limit`` characters, broken at paragraphs, lines.

    Sentences or words where possible; never an empty part.
    """
    if limit < 20:
        raise ValueError("limit must be at least 20 characters")
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for sep in ("\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " "):
            at = window.rfind(sep)
            if at >= limit // 3:
                cut = at + len(sep.rstrip()) if sep.strip() else at
                break
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts or [""]
