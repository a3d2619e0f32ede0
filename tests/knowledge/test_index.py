"""Ingestion: only changed documents are re-embedded; removed ones leave; rebuild starts over."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from knowledge.corpus import CORPUS_DIR, load_corpus, parse_document
from knowledge.index import KnowledgeConfig, document_nodes, ingest, open_client, open_collection


def test_nodes_follow_markdown_sections() -> None:
    doc = next(d for d in load_corpus() if d.doc_id == "cluster-bidriware")
    nodes = document_nodes(doc)
    assert [n.node_id for n in nodes] == [f"cluster-bidriware#{i}" for i in range(len(nodes))]
    assert any("Historical context" in n.metadata.get("header_path", "") + n.get_content()
               for n in nodes)
    assert all(n.metadata["doc_id"] == "cluster-bidriware" for n in nodes)
    assert "doc_hash" not in nodes[0].get_content(metadata_mode="embed")


def test_reingest_embeds_only_what_changed(tmp_path: Path) -> None:
    docs = load_corpus()[:4]
    config = KnowledgeConfig(data_dir=tmp_path)
    first = ingest(config, docs=docs)
    assert sorted(first.added) == sorted(d.doc_id for d in docs) and first.nodes > 0

    again = ingest(config, docs=docs)
    assert (again.embedded, again.removed, again.unchanged) == ([], [], 4)

    original = (CORPUS_DIR / docs[1].source).read_text(encoding="utf-8")
    changed = parse_document(original + "\nA new closing sentence about this craft.\n",
                             docs[1].source)
    third = ingest(config, docs=[docs[0], changed, docs[2]])
    assert third.updated == [docs[1].doc_id] and third.added == []
    assert third.removed == [docs[3].doc_id] and third.unchanged == 2

    coll = open_collection(open_client(config), config.node_collection, config.embed_model)
    ids = {m["doc_id"] for m in coll.get(include=["metadatas"])["metadatas"]}
    assert ids == {docs[0].doc_id, docs[1].doc_id, docs[2].doc_id}

    rebuilt = ingest(config, docs=docs[:2], rebuild=True)
    assert rebuilt.rebuilt and sorted(rebuilt.added) == sorted(d.doc_id for d in docs[:2])


def test_model_key_is_safe_for_a_collection_name(tmp_path: Path) -> None:
    config = KnowledgeConfig(data_dir=tmp_path)
    assert dataclasses.replace(config, embed_model="x/y/model.onnx").model_key == "model"
    assert config.node_collection == "heritage-use-multilingual-v3"
