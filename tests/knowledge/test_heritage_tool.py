"""``heritage_lookup`` through the registry and through the embedded planner."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import load_all
from tools.registry import ToolConfig, ToolContext, ToolError


@pytest.fixture()
def ctx(kb_config, tmp_path: Path) -> ToolContext:
    from domain.store import Store

    store = Store.from_url(f"sqlite:///{tmp_path}/t.db")
    return ToolContext("b-0001", "buyer", store, config=ToolConfig(knowledge=kb_config))


def test_heritage_lookup_answers_with_citations(kb, ctx: ToolContext) -> None:
    result = load_all().invoke("heritage_lookup", {"question": "what is madhubani"}, ctx)
    data = result.model_dump()
    assert data["confident"] and data["citations"][0]["doc_id"] == "cluster-madhubani-painting"
    assert set(data["citations"][0]) == {"doc_id", "title", "snippet", "score"}


def test_the_configured_confidence_floor_reaches_the_answer(kb_config, tmp_path: Path) -> None:
    import dataclasses

    from domain.store import Store

    store = Store.from_url(f"sqlite:///{tmp_path}/floor.db")
    strict = dataclasses.replace(kb_config, min_confidence=0.999)
    ctx = ToolContext("b-0001", "buyer", store, config=ToolConfig(knowledge=strict))
    result = load_all().invoke("heritage_lookup", {"question": "what is madhubani"}, ctx)
    assert not result.confident


def test_without_a_knowledge_base_the_tool_says_so(tmp_path: Path) -> None:
    from domain.store import Store

    ctx = ToolContext("b-0001", "buyer", Store.from_url(f"sqlite:///{tmp_path}/none.db"))
    with pytest.raises(ToolError) as err:
        load_all().invoke("heritage_lookup", {"question": "what is madhubani"}, ctx)
    assert err.value.code == "UPSTREAM_UNAVAILABLE"


def test_filters_pass_through(kb, ctx: ToolContext) -> None:
    result = load_all().invoke(
        "heritage_lookup", {"question": "history", "craft": "bidriware"}, ctx)
    assert {c.doc_id for c in result.citations} <= {"cluster-bidriware"}


@pytest.mark.parametrize("args", [{}, {"question": ""}, {"question": "x" * 600}])
def test_bad_question_names_the_field(kb, ctx: ToolContext, args: dict) -> None:
    with pytest.raises(ToolError) as info:
        load_all().invoke("heritage_lookup", args, ctx)
    assert info.value.code == "VALIDATION_ERROR" and info.value.details["field"] == "question"


def test_every_marketplace_role_may_ask(kb, ctx: ToolContext) -> None:
    for role in ("buyer", "creator", "admin", "evaluator"):
        ctx.role = role
        assert load_all().invoke("heritage_lookup", {"question": "what is ikat"}, ctx).citations


def test_planner_routes_heritage_questions() -> None:
    from agents.planners.embedded import EmbeddedPlanner

    planner = EmbeddedPlanner()
    for text in ("what is madhubani", "how do i know if a pashmina is real",
                 "tell me about blue pottery", "tel me about blew pottery"):
        prediction, _ = planner.understand(text)
        assert prediction.intent == "heritage_lookup" and prediction.confidence >= 0.45, text
    for text, intent in (("show me madhubani paintings", "search_products"),
                         ("show my pending orders", "list_orders")):
        assert planner.understand(text)[0].intent == intent


def test_chat_turn_carries_citations(kb, kb_config, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from gateway import settings as settings_module
    from gateway.wiring import open_assistant

    monkeypatch.setenv("QALAKAR_DATA_DIR", str(kb_config.data_dir))
    settings_module.get_settings.cache_clear()
    try:
        settings = settings_module.Settings(
            data_dir=kb_config.data_dir, database_url=f"sqlite:///{tmp_path}/chat.db",
            _env_file=None)

        async def chat() -> object:
            async with open_assistant(settings) as assistant:
                return await assistant.turn(user_id="b-0001", role="buyer", session_id="s-1",
                                            text="what is madhubani")

        turn = asyncio.run(chat())
    finally:
        settings_module.get_settings.cache_clear()
    assert [c["name"] for c in turn.tool_calls] == ["heritage_lookup"]
    assert any(c["doc_id"] == "cluster-madhubani-painting" for c in turn.citations)
    assert "Sources:" in turn.reply and "Madhubani" in turn.reply
