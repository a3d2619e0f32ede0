"""The Chroma server down: heritage answers say the knowledge base is unavailable (no 500).

No Chroma server runs here for this test: ``QALAKAR_CHROMA_URL`` points at a loopback port
nothing listens on, which is what a stopped server looks like to the HTTP client.
"""

from __future__ import annotations

import asyncio

import pytest

from agents.assistant import Assistant
from agents.planners.embedded import EmbeddedPlanner
from knowledge.config import KnowledgeConfig
from tests.live import free_port
from tools import load_all
from tools.registry import ToolConfig, ToolContext, ToolError


@pytest.fixture()
def down(seeded_store, tmp_path):  # ToolConfig
    knowledge = KnowledgeConfig(data_dir=tmp_path, chroma_url=f"http://127.0.0.1:{free_port()}")
    return ToolConfig(data_dir=tmp_path, knowledge=knowledge)


def test_heritage_lookup_says_the_knowledge_base_is_unavailable(seeded_store, down) -> None:
    ctx = ToolContext("b-0001", "buyer", seeded_store, config=down)
    with pytest.raises(ToolError) as caught:
        load_all().invoke("heritage_lookup", {"question": "what is madhubani painting"}, ctx)
    assert caught.value.code == "UPSTREAM_UNAVAILABLE"
    assert "knowledge base is unavailable" in caught.value.message
    assert caught.value.status == 503


def test_a_heritage_turn_answers_and_says_why(seeded_store, down) -> None:
    from langgraph.checkpoint.memory import InMemorySaver

    assistant = Assistant(EmbeddedPlanner(), load_all(), seeded_store, InMemorySaver(),
                          tool_config=down)
    turn = asyncio.run(assistant.turn(user_id="b-0001", role="buyer", session_id="s-kb-down",
                                      text="tell me the history of madhubani painting"))
    assert turn.error is not None and turn.error["code"] == "UPSTREAM_UNAVAILABLE"
    assert "unavailable" in turn.error["message"]
    assert turn.reply  # the turn still ends with words for the user
