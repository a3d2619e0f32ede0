"""The corpus: enough documents and crafts, valid front matter, properties 53 and 54."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from domain.catalog import CLUSTERS
from domain.errors import InvalidInput
from knowledge.corpus import CORPUS_DIR, load_corpus, parse_document, split_sentences
from knowledge.images import image_file

DOCS = load_corpus()
TECHNIQUES = [d for d in DOCS if d.kind == "technique"]
CLUSTER_DOCS = [d for d in DOCS if d.kind == "cluster"]
GOOD = """---
doc_id: test-doc
title: A test craft
kind: technique
crafts: [test craft]
region: Nowhere
---
# A test craft

""" + "Words about the craft and how it is made by hand in a small village. " * 6


def test_corpus_is_large_enough() -> None:
    crafts = {c for d in DOCS if d.kind != "help" for c in d.crafts}
    assert len(DOCS) >= 60
    assert len({d.doc_id for d in DOCS if d.kind != "help"}) >= 30
    assert len(crafts) >= 30
    assert {d.kind for d in DOCS} == {"cluster", "technique", "help"}
    assert len([d for d in DOCS if d.kind == "help"]) >= 4


def test_every_catalog_cluster_has_a_document() -> None:
    documented = {d.cluster_id for d in CLUSTER_DOCS}
    assert {c.id for c in CLUSTERS} <= documented


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(TECHNIQUES))
def test_property_53_technique_documents_store_description_and_image(doc) -> None:
    """Property 53: Heritage Documentation Storage — a description and at least one image per
    technique: every image it references is a real picture stored with the corpus."""
    assert len(doc.body.split()) >= 80
    assert doc.images, f"{doc.doc_id} has no image reference"
    for img in doc.images:
        assert img.caption and img.path.startswith("images/")
        path = image_file(img.path)
        assert path.is_file(), f"{doc.doc_id} cites {img.path}, which is not in the corpus"
        with Image.open(path) as picture:
            picture.verify()
        with Image.open(path) as picture:
            assert min(picture.size) >= 64 and picture.getextrema() != ((0, 0),) * 3


def test_every_cited_image_exists_and_none_is_orphaned() -> None:
    cited = {img.path for d in DOCS for img in d.images}
    on_disk = {f"images/{p.name}" for p in (CORPUS_DIR / "images").glob("*.jpg")}
    assert cited == on_disk, "run python -m knowledge.images to draw the missing ones"


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(CLUSTER_DOCS))
def test_property_54_cluster_documents_have_specialisations_and_history(doc) -> None:
    """Property 54: Craft Cluster Documentation — specialisations and historical context."""
    sections = doc.sections()
    specialisations = split_sentences(sections["Regional specialisations"])
    assert len(specialisations) >= 2
    assert len(sections["Historical context"].split()) >= 40


def test_parse_reads_front_matter() -> None:
    doc = parse_document(GOOD, "good.md")
    assert (doc.doc_id, doc.kind, doc.crafts, doc.region) == (
        "test-doc", "technique", ("test craft",), "Nowhere")
    assert len(doc.content_hash) == 64


@pytest.mark.parametrize(("broken", "field"), [
    (GOOD.replace("doc_id: test-doc\n", ""), "doc_id"),
    (GOOD.replace("kind: technique", "kind: poem"), "kind"),
    (GOOD.replace("crafts: [test craft]", "crafts: []"), "crafts"),
    (GOOD.replace("doc_id: test-doc", "doc_id: Bad Id!"), "doc_id"),
    (GOOD.split("---", 2)[2], "front_matter"),
    (GOOD.replace("title: A test craft", "title: [unclosed"), "front_matter"),
])
def test_bad_documents_name_the_field(broken: str, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_document(broken, "bad.md")
    assert info.value.field == field


def test_duplicate_ids_are_refused(tmp_path) -> None:
    (tmp_path / "a.md").write_text(GOOD)
    (tmp_path / "b.md").write_text(GOOD)
    with pytest.raises(InvalidInput, match="test-doc"):
        load_corpus(tmp_path)


def test_split_sentences_handles_lists_and_prose() -> None:
    text = "- First item here\n- Second item here\n\nOne sentence is here. Another one follows it."
    assert split_sentences(text) == [
        "First item here.", "Second item here.", "One sentence is here.", "Another one follows it."]
