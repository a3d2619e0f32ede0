"""The reply language the user picks in the page wins over the message's own (issue 17)."""

from __future__ import annotations

import asyncio
import re

from langgraph.checkpoint.memory import InMemorySaver

from agents.assistant import Assistant
from agents.planners.embedded import EmbeddedPlanner
from tools import load_all
from tools.registry import Registry

DEVANAGARI = re.compile("[\u0900-\u097f]")


def test_an_english_message_is_answered_in_the_picked_hindi(seeded_store) -> None:
    assistant = Assistant(EmbeddedPlanner(), Registry(load_all()), seeded_store, InMemorySaver())
    who = {"user_id": "b-0001", "role": "buyer", "session_id": "s-lang"}
    hindi = asyncio.run(assistant.turn(**who, text="blue pottery near Jaipur",
                                       reply_language="hi"))
    assert hindi.language == "hi" and DEVANAGARI.search(hindi.reply), hindi.reply
    english = asyncio.run(assistant.turn(**who, text="blue pottery near Jaipur",
                                         reply_language="en"))
    assert english.language == "en" and not DEVANAGARI.search(english.reply), english.reply
