"""Typed tools over the domain engines, collected in one registry.

``tools.catalog.TOOLS`` lists every tool; :func:`load_all` builds the registry from that list.
"""

from __future__ import annotations

from functools import lru_cache

from tools.registry import Registry, Tool, ToolConfig, ToolContext, ToolError, tool


@lru_cache(maxsize=1)
def load_all() -> Registry:
    """The registry of every tool in ``tools.catalog.TOOLS`` (built once per process)."""
    from tools.catalog import TOOLS

    return Registry(TOOLS)


__all__ = ["Registry", "Tool", "ToolConfig", "ToolContext", "ToolError", "load_all", "tool"]
