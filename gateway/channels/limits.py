"""Reading a byte stream no further than a limit (webhook bodies, fetched media)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from tools.registry import ToolError


async def read_bounded(declared: str | None, stream: AsyncIterator[bytes], limit: int,
                       too_large: Callable[[int], ToolError]) -> bytes:
    """The stream's bytes, no more than ``limit`` of them.

    ``too_large(limit)`` is raised on the declared length, else as soon as the bytes read pass
    ``limit`` (nothing past it is kept).
    """
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    chunks, size = [], 0
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)
