"""Listing titles and descriptions in English, Hindi, Spanish and French (property 7).

Attribute values go through a bilingual glossary kept as data (``data/glossary.json``) into a
template per language, so every language always gets a title and a description. When a
:class:`TextTranslator` is handed in (an LLM), the English text is translated through it
instead and the result says ``method: "llm"``; if it fails, the template stands.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from domain.chat_text import STOP_SEQUENCES, until_turn_end

log = logging.getLogger(__name__)

GLOSSARY = Path(__file__).parent / "data" / "glossary.json"
LANGUAGES = ("en", "hi", "es", "fr")
METHOD_TEMPLATE = "glossary+template"
METHOD_LLM = "llm"
MAX_TRANSLATION_TOKENS = 1024
_COLUMN = {"hi": 0, "es": 1, "fr": 2}
_PIECE = {"en": "piece", "hi": "कृति", "es": "pieza|f", "fr": "pièce|f"}
_HANDMADE_ADJ = {
    "es": {"m": "hecho a mano", "f": "hecha a mano"},
    "fr": {"m": "fait main", "f": "faite main"},
}
_FR_FEMININE = {"blanc": "blanche", "violet": "violette", "doré": "dorée", "argenté": "argentée",
                "cuivré": "cuivrée", "naturel": "naturelle", "vert": "verte", "gris": "grise",
                "noir": "noire", "bleu": "bleue", "marron": "marron", "orange": "orange"}


class TextTranslator(Protocol):
    """Free text into another language (an LLM endpoint, an offline model)."""

    def translate(self, text: str, target: str) -> str:
        """``text`` (English) in the language ``target`` (ISO 639-1)."""
        ...


@dataclass(frozen=True)
class Translation:
    """A title and description in one language, and how they were made."""

    title: str
    description: str
    method: str
    untranslated: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The ``translations[lang]`` object of ``create_listing``."""
        out: dict[str, Any] = {
            "title": self.title, "description": self.description, "method": self.method,
        }
        if self.untranslated:
            out["untranslated"] = list(self.untranslated)
        return out


@dataclass(frozen=True)
class ListingText:
    """What a listing's text is built from (canonical English terms of the vocabulary)."""

    product: str | None = None
    category: str | None = None
    craft: str | None = None
    region: str | None = None
    materials: Sequence[str] = ()
    techniques: Sequence[str] = ()
    colors: Sequence[str] = ()
    dimensions_cm: dict[str, float] = field(default_factory=dict)
    weight_kg: float | None = None
    production_hours: float | None = None
    title: str | None = None  # the maker's own title, when given
    maker_words: str = ""  # what the maker said, quoted in English descriptions


class Glossary:
    """English terms with their Hindi, Spanish and French words."""

    def __init__(self, raw: dict[str, Any]) -> None:
        """Wrap the glossary's JSON (``data/glossary.json``)."""
        self.raw = raw
        self.templates: dict[str, dict[str, str]] = raw["templates"]

    @classmethod
    def default(cls) -> Glossary:
        """The bundled glossary (read once)."""
        return _glossary()

    def entry(self, kind: str, term: str, lang: str) -> tuple[str, str | None] | None:
        """``(word, gender)`` of ``term`` in ``lang``, or ``None`` when the glossary lacks it."""
        if lang == "en":
            return term, None
        row = self.raw.get(kind, {}).get(term)
        if row is None:
            return None
        word, _, gender = row[_COLUMN[lang]].partition("|")
        return word, gender or None

    def word(self, kind: str, term: str, lang: str, missing: list[str]) -> str:
        """``term`` in ``lang``; the English word (noted in ``missing``) when unknown."""
        found = self.entry(kind, term, lang)
        if found is None:
            missing.append(term)
            return term
        return found[0]

    def coverage(self, terms: dict[str, Sequence[str]]) -> float:
        """Share of ``{kind: terms}`` that the glossary translates into every language."""
        pairs = [(k, t) for k, ts in terms.items() for t in ts]
        if not pairs:
            return 1.0
        known = sum(1 for k, t in pairs if t in self.raw.get(k, {}))
        return known / len(pairs)


@lru_cache(maxsize=1)
def _glossary() -> Glossary:
    return Glossary(json.loads(GLOSSARY.read_text(encoding="utf-8")))


def _join(words: Sequence[str], conjunction: str) -> str:
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def _number(value: float) -> str:
    return f"{value:g}"


def _size(dims: dict[str, float]) -> str:
    axes = ("length", "width", "height")
    return " × ".join(_number(round(dims[a], 1)) for a in axes if a in dims)


def _agree(adjective: str, gender: str | None, lang: str) -> str:
    if gender != "f":
        return adjective
    if lang == "es" and adjective.endswith("o"):
        return adjective[:-1] + "a"
    if lang == "fr":
        plain = adjective if adjective.endswith("e") else adjective + "e"
        return _FR_FEMININE.get(adjective, plain)
    return adjective


def compose(text: ListingText, lang: str, glossary: Glossary | None = None) -> Translation:
    """Title and description in ``lang`` from the glossary and the language's template."""
    g = glossary or Glossary.default()
    t = g.templates[lang]
    missing: list[str] = []
    product_kind, product_term = ("product", text.product) if text.product else ("", "")
    if product_term:
        found = g.entry(product_kind, product_term, lang)
        if found is None:
            missing.append(product_term)
            found = (product_term, None)
    else:
        word, _, piece_gender = _PIECE[lang].partition("|")
        found = (word, piece_gender or None)
    product, gender = found
    materials = [g.word("material", m, lang, missing) for m in text.materials]
    techniques = [g.word("technique", x, lang, missing) for x in text.techniques]
    colors = [g.word("color", c, lang, missing) for c in text.colors]
    # A craft that is also the material ("terracotta") is said once, as the material.
    craft_said = text.craft if text.craft and text.craft not in text.materials else None
    craft = g.word("craft", craft_said, lang, missing) if craft_said else ""
    region = g.word("regions", text.region, lang, missing) if text.region else ""
    title = text.title if (text.title and lang == "en") else _title(
        lang, t, product, gender, materials[:1], colors[:1], craft, text
    )
    sentences = [_intro(lang, t, product, gender, materials, techniques)]
    if craft:
        sentences.append(
            (t["craft"] if region else t["craft_no_region"]).format(craft=craft, region=region)
            + ("।" if lang == "hi" else ".")
        )
    if colors:
        sentences.append(t["colors"].format(colors=_join(colors, t["and"])))
    if text.dimensions_cm:
        sentences.append(t["size"].format(size=_size(text.dimensions_cm)))
    if text.weight_kg:
        sentences.append(t["weight"].format(weight=_number(text.weight_kg)))
    if text.production_hours:
        sentences.append(t["hours"].format(hours=_number(round(text.production_hours, 1))))
    sentences.append(t["one_piece"])
    description = " ".join(s[:1].upper() + s[1:] for s in sentences)
    return Translation(title, description, METHOD_TEMPLATE, tuple(dict.fromkeys(missing)))


def _title(lang: str, t: dict[str, str], product: str, gender: str | None,
           materials: list[str], colors: list[str], craft: str, text: ListingText) -> str:
    material = t["title_material"].format(material=materials[0]) if materials else ""
    if lang == "hi" and gender == "f":
        material = material.replace(" का", " की")
    if lang in ("es", "fr"):
        adjectives = " ".join(
            [_agree(c, gender, lang) for c in colors] + [_HANDMADE_ADJ[lang][gender or "m"]]
        )
    else:
        adjectives = " ".join([t["handmade"], *colors])
    words = t["title"].format(adjectives=adjectives, material=material, product=product).split()
    title = " ".join(w for i, w in enumerate(words) if i == 0 or w.lower() != words[i - 1].lower())
    if craft and text.product and text.craft and text.product not in text.craft:
        title = f"{title} · {craft}"
    title = title[:1].upper() + title[1:]
    if lang == "en":
        title = " ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in title.split())
    return title[:200]


def _intro(lang: str, t: dict[str, str], product: str, gender: str | None,
           materials: list[str], techniques: list[str]) -> str:
    made_of = t["made_of"].format(materials=_join(materials, t["and"])) if materials else ""
    made_with = t["made_with"].format(techniques=_join(techniques, t["and"])) if techniques else ""
    if lang == "hi":
        made_of = made_of.replace(" बना", " बनी") if gender == "f" else made_of
        head = f"{made_of} हस्तनिर्मित {product}" if made_of else f"हस्तनिर्मित {product}"
        return (f"{head}, {made_with}" if made_with else head) + "।"
    if lang == "en":
        head = f"Handmade {product}" + (f" {made_of}" if made_of else "")
    else:
        head = f"{product} {_HANDMADE_ADJ[lang][gender or 'm']}"
        head += f" {made_of}" if made_of else ""
    return (f"{head}, {made_with}" if made_with else head) + "."


def translate_listing(
    text: ListingText,
    languages: Sequence[str] = LANGUAGES,
    translator: TextTranslator | None = None,
    glossary: Glossary | None = None,
) -> dict[str, Translation]:
    """A :class:`Translation` for every language; the LLM for free text when there is one.

    The English description ends with the maker's own words (quoted); with a translator the
    whole English text, those words included, is translated; without one, the glossary and
    templates render the attributes and the maker's words stay in the English version only.
    """
    english = compose(text, "en", glossary)
    if text.maker_words:
        english = Translation(
            english.title, f"{english.description} In the maker's words: “{text.maker_words}”",
            english.method, english.untranslated,
        )
    out: dict[str, Translation] = {"en": english}
    for lang in languages:
        if lang == "en":
            continue
        if lang not in _COLUMN:
            raise ValueError(f"no glossary column for language {lang!r}")
        templated = compose(text, lang, glossary)
        if translator is not None:
            try:
                title = translator.translate(english.title, lang).strip()
                description = translator.translate(english.description, lang).strip()
            except Exception as exc:  # an LLM endpoint can fail in any way; the template stands
                log.warning("translation to %s through the LLM failed: %s", lang, exc)
                out[lang] = templated
                continue
            if title and description:
                out[lang] = Translation(title[:200], description, METHOD_LLM)
                continue
        out[lang] = templated
    return out


class ChatTranslator:
    """Free text through an OpenAI-compatible ``/chat/completions`` endpoint (vLLM, llama.cpp).

    The HTTP client is handed in, so tests point it at a local scripted server.
    """

    NAMES = {"hi": "Hindi (Devanagari script)", "es": "Spanish", "fr": "French", "en": "English"}

    def __init__(self, client: Any, base_url: str, model: str, api_key: str = "EMPTY") -> None:
        """Use ``client`` (an ``httpx.Client``) against ``base_url`` (ending in ``/v1``)."""
        self.client = client
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key

    def translate(self, text: str, target: str) -> str:
        """``text`` in ``target``; raises on any transport or protocol failure."""
        body = {
            "model": self.model,
            "temperature": 0,
            # a translation is about as long as its text; a model running on into invented
            # turns stops at the template's first marker or at this cap
            "max_tokens": MAX_TRANSLATION_TOKENS,
            "stop": list(STOP_SEQUENCES),
            "messages": [
                {"role": "system", "content": (
                    f"Translate the user's product listing text into {self.NAMES[target]}. "
                    "Keep numbers, units and proper names. Reply with the translation only.")},
                {"role": "user", "content": text},
            ],
        }
        response = self.client.post(
            self.url, json=body, headers={"Authorization": f"Bearer {self.api_key}"}
        )
        response.raise_for_status()
        choice = response.json()["choices"][0]
        content = choice["message"]["content"]
        if not isinstance(content, str) or not until_turn_end(content).strip():
            raise ValueError("the model returned no text")
        if choice.get("finish_reason") == "length":
            raise ValueError(f"the translation ran past {MAX_TRANSLATION_TOKENS} tokens")
        return until_turn_end(content).strip()
