"""Seed properties 6, 7 and 8 against the real extractor and translator (Hypothesis).

Descriptions are composed from the vocabulary's canonical terms and the ways creators say
numbers and units (digits, English and Hindi number words, metric and Indian units), in
English and Hinglish word orders, with filler words between the attributes.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.listing_attributes import extract
from domain.translation import LANGUAGES, ListingText, translate_listing
from domain.vocabulary import Vocabulary

VOCAB = Vocabulary.default()
PRODUCTS = [e.canonical for e in VOCAB.entries("product")]
MATERIALS = [e.canonical for e in VOCAB.entries("material")]
TECHNIQUES = [e.canonical for e in VOCAB.entries("technique")]
COLORS = [e.canonical for e in VOCAB.entries("color")
          if e.canonical not in ("gold", "silver", "copper", "natural", "antique brass")]
NUMBER_WORDS = {2: ["2", "two", "do"], 3: ["3", "three", "teen"], 5: ["5", "five", "paanch"],
                8: ["8", "eight", "aath"], 10: ["10", "ten", "das"]}
FILLERS = ["", "very nice", "my family makes it", "bilkul handmade", "for the festival",
           "it is a gift item", "ek dum original"]


@st.composite
def descriptions(draw):  # a Hypothesis strategy
    """A description and the attributes it mentions."""
    product = draw(st.sampled_from(PRODUCTS))
    materials = draw(st.lists(st.sampled_from(MATERIALS), min_size=0, max_size=2, unique=True))
    techniques = draw(st.lists(st.sampled_from(TECHNIQUES), max_size=2, unique=True))
    colors = draw(st.lists(st.sampled_from(COLORS), max_size=2, unique=True))
    n = draw(st.sampled_from(sorted(NUMBER_WORDS)))
    hours_word = draw(st.sampled_from(NUMBER_WORDS[n]))
    unit, per = draw(st.sampled_from([("hours", 1.0), ("ghante", 1.0), ("days of work", 8.0),
                                      ("din", 8.0)]))
    length = draw(st.integers(5, 300))
    weight = draw(st.integers(1, 40)) / 2
    parts = [product]
    mentioned: dict[str, object] = {"product": product}
    if materials:
        parts.append(draw(st.sampled_from(["made of", "in", "from"])) + " " +
                     " and ".join(materials))
        mentioned["materials"] = materials
    if techniques:
        parts.append(" and ".join(techniques))
        mentioned["techniques"] = techniques
    if colors:
        parts.append(" aur ".join(colors) + draw(st.sampled_from(["", " colour", " rang"])))
        mentioned["colors"] = colors
    if draw(st.booleans()):
        parts.append(f"{length} cm " + draw(st.sampled_from(["long", "lamba", "length"])))
        mentioned["length"] = float(length)
    if draw(st.booleans()):
        parts.append(f"{weight:g} kg")
        mentioned["weight_kg"] = weight
    if draw(st.booleans()):
        parts.append(f"{hours_word} {unit}")
        mentioned["production_hours"] = n * per
    order = draw(st.permutations(list(range(1, len(parts)))))
    said = [parts[0]] + [parts[i] for i in order]
    filler = draw(st.sampled_from(FILLERS))
    return ", ".join(said) + (f", {filler}" if filler else ""), mentioned


def _hits(text: str, mentioned: dict[str, object]) -> tuple[int, int]:
    a = extract(text)
    got = total = 0
    for key, value in mentioned.items():
        if key in ("materials", "techniques", "colors"):
            values = list(value)  # type: ignore[call-overload]
            total += len(values)
            got += sum(1 for v in values if v in getattr(a, key))
        elif key == "length":
            total += 1
            got += value in a.dimensions_cm.values()
        else:
            total += 1
            got += getattr(a, key) == value
    return got, total


@settings(max_examples=150, deadline=None)
@given(descriptions())
def test_property_8_entity_extraction(case: tuple[str, dict[str, object]]) -> None:
    """Property 8: Entity Extraction from Voice Input — at least 70 % of the attributes
    mentioned (materials, dimensions, colours, techniques, weight, hours) are extracted."""
    text, mentioned = case
    got, total = _hits(text, mentioned)
    assert got / total >= 0.7, (text, mentioned, extract(text).as_dict())


@settings(max_examples=120, deadline=None)
@given(descriptions())
def test_property_6_structured_data(case: tuple[str, dict[str, object]]) -> None:
    """Property 6: Voice-to-Listing Produces Structured Data — every description gives a
    title, a description and a materials field."""
    text, _ = case
    a = extract(text)
    listing = translate_listing(ListingText(
        product=a.product, category=a.category, craft=a.craft, region=a.region,
        materials=a.materials, techniques=a.techniques, colors=a.colors,
        dimensions_cm=a.dimensions_cm, weight_kg=a.weight_kg,
        production_hours=a.production_hours, maker_words=text))["en"]
    assert listing.title.strip() and listing.description.strip()
    assert isinstance(a.as_dict()["materials"], list)


@settings(max_examples=150, deadline=None)
@given(
    product=st.one_of(st.none(), st.sampled_from(PRODUCTS), st.text(min_size=1, max_size=20)),
    materials=st.lists(st.one_of(st.sampled_from(MATERIALS), st.text(min_size=1, max_size=15)),
                       max_size=3),
    techniques=st.lists(st.sampled_from(TECHNIQUES), max_size=3),
    colors=st.lists(st.sampled_from(COLORS), max_size=3),
    craft=st.one_of(st.none(), st.sampled_from([e.canonical for e in VOCAB.entries("craft")])),
    hours=st.one_of(st.none(), st.floats(0.5, 2000)),
    title=st.one_of(st.none(), st.text(min_size=3, max_size=60)),
)
def test_property_7_translation(product, materials, techniques, colors, craft, hours,
                                title) -> None:
    """Property 7: Translation Produces Valid Output — title and description are non-empty in
    every supported language, Hindi in Devanagari, and each says how it was made."""
    out = translate_listing(ListingText(product=product, materials=materials,
                                        techniques=techniques, colors=colors, craft=craft,
                                        production_hours=hours, title=title))
    assert set(out) == set(LANGUAGES)
    for lang, t in out.items():
        assert t.title.strip() and t.description.strip(), lang
        assert t.method == "glossary+template"
    assert any("\u0900" <= c <= "\u097f" for c in out["hi"].description)


def test_glossary_translates_every_term_the_vocabulary_extracts() -> None:
    """Translation coverage: every canonical product, material, technique, colour and craft."""
    from domain.translation import Glossary

    glossary = Glossary.default()
    for kind in ("product", "material", "technique", "color", "craft"):
        terms = [e.canonical for e in VOCAB.entries(kind)]
        assert glossary.coverage({kind: terms}) == 1.0, (
            kind, [t for t in terms if t not in glossary.raw[kind]])
