"""Attribute extraction from what creators say (listing_attributes, vocabulary)."""

from __future__ import annotations

import pytest

from domain.listing_attributes import extract
from domain.vocabulary import Vocabulary, category_of


def test_the_issue_example_is_fully_read() -> None:
    a = extract("Terracotta horse, 30 cm tall, red clay, 6 hours of work, 1.5 kg")
    assert a.product == "horse" and a.category == "pottery"
    assert "clay" in a.materials and a.colors == ["red"]
    assert a.dimensions_cm == {"height": 30.0}
    assert a.weight_kg == 1.5 and a.production_hours == 6.0


@pytest.mark.parametrize(
    ("text", "dims"),
    [
        ("painting, 40 by 30 cm", {"length": 40.0, "width": 30.0}),
        ("a stole 2.5 metres long", {"length": 250.0}),
        ("box 10 x 8 x 5 cm", {"length": 10.0, "width": 8.0, "height": 5.0}),
        ("vase 12 inch high", {"height": 30.48}),
        ("plate, diameter 25 cm", {"length": 25.0, "width": 25.0}),
        ("saade teen foot lamba", {"length": 106.68}),
        ("box L 30 x W 20 x H 10 cm", {"length": 30.0, "width": 20.0, "height": 10.0}),
        ("painting, height 30 x width 20 cm", {"height": 30.0, "width": 20.0}),
        ('a 12" tall vase', {"height": 30.48}),
        ("rug 3' wide", {"width": 91.44}),
    ],
)
def test_dimensions(text: str, dims: dict[str, float]) -> None:
    assert extract(text).dimensions_cm == dims


def test_a_size_after_for_is_a_size_not_a_price() -> None:
    """"for a box 14 x 10 x 6 inches": the 14 is the first side, not ₹14."""
    said = extract("a listing for a box 14 x 10 x 6 inches, selling it for 900")
    assert said.dimensions_cm == {"length": 35.56, "width": 25.4, "height": 15.24}
    assert said.price == 900.0


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("took three days of work", 24.0),
        ("do din lage banane mein", 16.0),
        ("about two and a half hours", 2.5),
        ("2 hafte ka kaam", 96.0),
        ("aath ghante", 8.0),
    ],
)
def test_production_time(text: str, hours: float) -> None:
    assert extract(text).production_hours == hours


def test_durations_that_are_not_work_are_ignored() -> None:
    a = extract("brass lamp, ships in 3 days, 20 years experience")
    assert a.production_hours is None


@pytest.mark.parametrize(
    ("text", "kg"), [("dedh kilo", 1.5), ("weighs 200 grams", 0.2), ("800 gms", 0.8)]
)
def test_weight(text: str, kg: float) -> None:
    assert extract(text).weight_kg == kg


def test_price_in_rupees_and_hinglish() -> None:
    assert extract("cotton bedsheet, ₹ 2,400").price == 2400.0
    assert extract("brass diya, price 1200").price == 1200.0
    assert extract("rs 15000 ka").price == 15000.0


def test_spoken_errors_are_matched_fuzzily() -> None:
    a = extract("kanjivaram silk saree, pashmeena shawl, madubani painting")
    assert a.craft == "kanchipuram silk"
    assert a.fuzzy  # says which words were guessed
    assert Vocabulary.default().canonical("craft", "madubani painting") is not None


def test_units_and_number_words_are_never_misspellings() -> None:
    a = extract("weighs 200 grams, saade teen foot")
    assert "grass" not in a.materials and a.product != "lamp shade"


def test_hinglish_colours_and_materials() -> None:
    a = extract("Ek lakdi ka haathi, laal aur peela lac, 15 cm lamba")
    assert a.product == "elephant"
    assert a.materials == ["wood", "lac"] and a.colors == ["red", "yellow"]


def test_a_comma_separates_a_metal_from_the_next_material() -> None:
    a = extract("anklet, made of silver, mirror work")
    assert "silver" in a.materials and a.colors == []


def test_metal_named_as_a_colour() -> None:
    a = extract("silk saree, magenta and gold")
    assert "gold" in a.colors and "gold" not in a.materials
    assert "gold" in extract("22 carat gold necklace").materials


def test_craft_decides_category_of_shared_products() -> None:
    assert extract("bidri box with silver inlay").category == "metalware"
    assert extract("marble box, carved").techniques == ["stone carving"]
    assert category_of("a dhokra elephant") == "metalware"


def test_blue_of_blue_pottery_is_the_craft() -> None:
    assert extract("blue pottery vase").colors == []
    assert extract("blue pottery vase, white and blue").colors == ["white", "blue"]


def test_vocabulary_knows_the_corpus_and_catalog() -> None:
    v = Vocabulary.default()
    crafts = {e.canonical for e in v.entries("craft")}
    assert {"ajrakh", "warli painting", "madhubani painting", "blue pottery"} <= crafts
    assert v.canonical("material", "resham") is not None


def test_long_input_is_bounded() -> None:
    a = extract("silk " * 10_000)
    assert a.materials == ["silk"]
