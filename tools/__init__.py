"""Typed tools over the domain engines, collected in one registry.

Importing this package registers every tool module in it (``tools/*.py``), so adding a tool
is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil

from tools.registry import REGISTRY, Registry, Tool, ToolContext, ToolError, tool

_SKIP = {"registry", "common"}


def load_all() -> Registry:
    """Import every tool module once and return the shared registry."""
    for info in pkgutil.iter_modules(__path__):
        if info.name not in _SKIP and not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return REGISTRY


__all__ = ["REGISTRY", "Registry", "Tool", "ToolContext", "ToolError", "load_all", "tool"]
