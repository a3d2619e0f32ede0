"""Hybrid retrieval: fusion, filters, and recall on the QA set through the real index."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidInput
from knowledge.evaluate import evaluate_retriever, load_qa
from knowledge.retrieval import DocMeta, matches, rrf

IDS = st.lists(st.sampled_from([f"n{i}" for i in range(12)]), unique=True, max_size=12)


@settings(max_examples=100)
@given(IDS, IDS)
def test_rrf_rewards_agreement(a: list[str], b: list[str]) -> None:
    fused = rrf([a, b])
    assert set(fused) == set(a) | set(b)
    if a and b and a[0] == b[0]:
        assert max(fused, key=fused.get) == a[0]
    assert rrf([b, a]) == fused


DOC = DocMeta("d", "Dhokra", "cluster", ("dhokra", "lost wax casting"), "Chhattisgarh", "", "", ())


def test_filters_match_case_insensitively_and_by_part() -> None:
    assert matches(DOC, {"crafts": "Dhokra"})
    assert matches(DOC, {"crafts": ["ikat", "lost wax"]})
    assert matches(DOC, {"region": "chhattisgarh", "kind": "cluster"})
    assert not matches(DOC, {"region": "Odisha"})
    assert matches(DOC, {"crafts": None, "region": ""})
    with pytest.raises(InvalidInput) as info:
        matches(DOC, {"colour": "red"})
    assert info.value.field == "colour"


def test_recall_on_the_qa_set(kb) -> None:
    cases = load_qa()
    result = evaluate_retriever(lambda q: [h.doc_id for h in kb.retrieve(q, k=5)], cases)
    assert result["metrics"]["n"] >= 100
    assert result["metrics"]["recall@5"] >= 0.95, result["misses"]
    assert result["metrics"]["recall@1"] >= 0.85


def test_filters_restrict_every_hit(kb) -> None:
    hits = kb.retrieve("history and technique", filters={"crafts": "dhokra"}, k=5)
    assert hits and all(any("dhokra" in c for c in h.doc.crafts) for h in hits)
    odisha = kb.retrieve("painted cloth", filters={"region": "Odisha"}, k=5)
    assert odisha and {h.doc.region for h in odisha} == {"Odisha"}
    assert kb.retrieve("anything", filters={"crafts": "no such craft"}) == []


def test_empty_question_is_a_validation_error(kb) -> None:
    with pytest.raises(InvalidInput) as info:
        kb.retrieve("   ")
    assert info.value.field == "question"
