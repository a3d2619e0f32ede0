"""Heritage trails tell each stop's story from the heritage knowledge base (prop 55)."""

from __future__ import annotations

from tools import load_all
from tools.registry import ToolConfig, ToolContext


def _ctx(kb_config, store) -> ToolContext:
    return ToolContext("b-0001", "buyer", store, config=ToolConfig(knowledge=kb_config))


def test_stories_come_from_the_clusters_heritage_document(kb) -> None:
    stories = kb.stories("channapatna toys", "k-001")
    assert [s.doc_id for s in stories] == ["cluster-channapatna-toys"] * len(stories)
    assert [s.section for s in stories][1:] == [
        "Historical context",
        "Technique and materials",
        "Regional specialisations",
        "How to tell genuine work",
    ]
    assert "Tipu Sultan" in stories[1].text
    assert all("#" not in s.text and "![" not in s.text for s in stories)


def test_stories_by_craft_and_none_for_the_unknown(kb) -> None:
    assert kb.stories("dhokra")[0].doc_id == "cluster-bastar-dhokra"
    assert kb.stories("quantum computing") == []


def test_each_trail_stop_tells_part_of_the_crafts_heritage(kb, kb_config, seeded_store) -> None:
    """Property 55: Heritage Trail Narrative Inclusion — every waypoint's narrative carries the
    craft's heritage from the knowledge base, and the trail names its source documents."""
    stories = kb.stories("channapatna toys", "k-001")
    result = load_all().invoke(
        "heritage_trail", {"cluster_id": "k-001"}, _ctx(kb_config, seeded_store)
    )
    assert result.sources == ["cluster-channapatna-toys"]
    assert result.description == stories[0].text
    passages = [s.text for s in stories[1:]]
    for stop in result.waypoints:
        assert stop.source == "cluster-channapatna-toys"
        assert stop.name and stop.name in stop.narrative
        assert any(p in stop.narrative for p in passages)
    told = {p for stop in result.waypoints for p in passages if p in stop.narrative}
    assert len(told) == min(len(passages), len(result.waypoints))  # stops take turns
