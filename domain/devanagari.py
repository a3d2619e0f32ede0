"""Devanagari names in Latin letters, as Hindi is commonly typed ("जयपुर" → "jaipur").

Shared by the gazetteer (a tool argument "जयपुर" is the town Jaipur), the craft vocabulary
(a state said in Hindi) and the planner's Hindi gloss, so one spelling rule serves all three.
"""

from __future__ import annotations

import re

_DEVANAGARI_RUN = re.compile(r"[\u0900-\u097f]+")

_VOWELS = {"अ": "a", "आ": "aa", "इ": "i", "ई": "ee", "उ": "u", "ऊ": "oo", "ऋ": "ri", "ए": "e",
           "ऐ": "ai", "ओ": "o", "औ": "au", "ऑ": "o"}
_SIGNS = {"ा": "a", "ि": "i", "ी": "i", "ु": "u", "ू": "oo", "ृ": "ri", "े": "e", "ै": "ai",
          "ो": "o", "ौ": "au", "ॉ": "o", "ॅ": "e"}
_CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n", "च": "ch", "छ": "chh", "ज": "j", "झ": "jh",
    "ञ": "n", "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n", "त": "t", "थ": "th", "द": "d",
    "ध": "dh", "न": "n", "प": "p", "फ": "ph", "ब": "b", "भ": "bh", "म": "m", "य": "y", "र": "r",
    "ल": "l", "व": "v", "श": "sh", "ष": "sh", "स": "s", "ह": "h", "क़": "q", "ख़": "kh", "ग़": "g",
    "ज़": "z", "ड़": "r", "ढ़": "rh", "फ़": "f", "य़": "y",
}
_NUKTA, _VIRAMA = "\u093c", "\u094d"


def transliterate(word: str) -> str:
    """Devanagari → Latin letters as Hindi is commonly typed ("जयपुर" → "jaipur").

    The inherent vowel is dropped at the end of a word and between a vowel and a
    consonant-plus-vowel (Hindi's schwa deletion), which is enough for names.
    """
    units: list[tuple[str, bool]] = []  # (sound, is a consonant with its inherent vowel)
    i = 0
    while i < len(word):
        ch = word[i]
        if i + 1 < len(word) and word[i + 1] == _NUKTA:
            ch, i = ch + _NUKTA, i + 1
        if ch in _CONSONANTS:
            nxt = word[i + 1] if i + 1 < len(word) else ""
            if nxt == _VIRAMA:
                units.append((_CONSONANTS[ch], False))
                i += 2
                continue
            if nxt in _SIGNS:
                units.append((_CONSONANTS[ch] + _SIGNS[nxt], False))
                i += 2
                continue
            units.append((_CONSONANTS[ch], True))
        elif ch in _VOWELS:
            units.append((_VOWELS[ch], False))
        elif ch in ("ं", "ँ"):
            units.append(("n", False))
        elif ch == "ः":
            units.append(("h", False))
        i += 1
    out: list[str] = []
    for k, (sound, inherent) in enumerate(units):
        if inherent:
            last = k == len(units) - 1
            after_vowel = bool(out) and out[-1][-1] in "aeiou"
            before_cv = k + 1 < len(units) and (units[k + 1][1] or units[k + 1][0][-1] in "aeiou")
            if not last and not (after_vowel and before_cv and k + 2 < len(units)):
                sound += "a"
        out.append(sound)
    text = "".join(out).replace("aa", "a").replace("ee", "i").replace("oo", "u")
    return re.sub(r"ay(?=[^aeiou])", "ai", text)


def has_devanagari(text: str) -> bool:
    """Whether any letter of ``text`` is Devanagari."""
    return _DEVANAGARI_RUN.search(text) is not None


def to_latin(text: str) -> str:
    """``text`` with each Devanagari word transliterated ("उत्तर प्रदेश" → "uttar pradesh")."""
    return _DEVANAGARI_RUN.sub(lambda m: transliterate(m.group()), text)
