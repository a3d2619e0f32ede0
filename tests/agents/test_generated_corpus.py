"""Template-generated training utterances: deterministic, over the gazetteer, every tool."""

from __future__ import annotations

from agents.nlu.generated import TEMPLATES, _words, generated_corpus
from agents.nlu.hindi import is_devanagari
from agents.nlu.skill import load_corpus, load_skills


def test_the_same_seed_gives_the_same_utterances() -> None:
    first = generated_corpus.__wrapped__(seed=7, per_template=2)
    assert first == generated_corpus.__wrapped__(seed=7, per_template=2)
    assert first != generated_corpus.__wrapped__(seed=8, per_template=2)


def test_every_tool_and_every_intent_is_taught_in_three_scripts() -> None:
    pairs = generated_corpus()
    intents = {i for _, i in pairs}
    assert set(load_skills()) <= intents  # every tool the embedded planner knows
    assert intents <= {i for _, i in load_corpus()}  # and no intent the corpus lacks
    for intent in TEMPLATES:
        texts = [t for t, i in pairs if i == intent]
        assert any(is_devanagari(t) for t in texts), intent
        assert any(t.isascii() for t in texts), intent


def test_the_gazetteer_is_covered() -> None:
    """Every craft, product, material, state and catalogue town appears somewhere."""
    words = _words()
    text = " ".join(t for t, _ in generated_corpus())
    for terms in (words.crafts, words.products, words.materials, words.regions, words.places):
        assert terms and all(term in text for term in terms)
