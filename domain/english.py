"""English words in use, from pyspellchecker's frequency list (a small pure-Python package).

The planner's spelling repair leaves them alone; the knowledge base does not take one for the
name of a craft ("blue", "brass" name no single page; "madhubani" does).
"""

from __future__ import annotations

from functools import lru_cache

MIN_COUNT = 5  # rarer "words" of the list are often slips themselves


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """English words in use ("hostel", "colourful")."""
    from spellchecker import SpellChecker

    words = SpellChecker(language="en", distance=1).word_frequency.dictionary
    return frozenset(w for w, n in words.items() if n >= MIN_COUNT and w.isalpha())
