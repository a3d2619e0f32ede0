"""Image references in an utterance: upload ids (``up-…``) and product photo keys (``img-…``)."""

from __future__ import annotations

import re

_REF = re.compile(r"\b((?:up|img)\s?-\s?[0-9a-f]{16})\b", re.I)


def image_refs(text: str) -> list[str]:
    """Every image reference, normalised (``up-…`` lower case, no spaces), in order."""
    return [re.sub(r"\s", "", m).lower() for m in _REF.findall(text)]
