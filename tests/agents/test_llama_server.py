"""The LLM planner against a real llama.cpp ``llama-server`` (opt-in: ``make test-llama``).

The scripted server (llm_support.py) plays back the ways small models are known to misbehave;
this test lets a real one misbehave in its own ways. It starts ``llama-server --jinja -c 4096``
on a free loopback port with the GGUF model it is given (Gemma 3 270M, a base model: it does
not call tools, it rambles) and drives a multi-turn conversation through the real assistant
with the LLM planner pointed at it. Whatever the model writes, the user must never see
template tokens or tool JSON, every turn must end in time with an answer (the embedded
planner's, in offline mode, when the model's is unusable), later turns must still reach the
model (the history stays within its context), and no tool call runs unvalidated.

Runs only with ``-m llama_server`` and both ``QALAKAR_TEST_LLAMA_SERVER`` (the binary) and
``QALAKAR_TEST_GGUF`` (the model file) set; it skips with the reason otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shlex
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from agents.planners.guard import looks_like_garbage
from agents.planners.llm import OFFLINE_NOTE, UNAVAILABLE
from domain.store import Store
from gateway.settings import Settings
from gateway.wiring import make_planner, open_assistant
from tests.live import free_port, wait_until_ok
from tools import load_all

SERVER = os.environ.get("QALAKAR_TEST_LLAMA_SERVER", "")
GGUF = os.environ.get("QALAKAR_TEST_GGUF", "")
# more llama-server options, e.g. "-t 1": on a busy 2-core machine one thread generates ~10x
# faster than two that keep waiting for each other
EXTRA_ARGS = shlex.split(os.environ.get("QALAKAR_TEST_LLAMA_ARGS", ""))
CONTEXT = 4096
TIMEOUT_S = 60.0  # one completion on a loaded 2-core machine; the turn bound allows a few
TURN_LIMIT_S = 6 * TIMEOUT_S  # a call and its answer, each with the corrections allowed

pytestmark = [
    pytest.mark.llama_server,
    pytest.mark.skipif(
        not (SERVER and GGUF),
        reason="set QALAKAR_TEST_LLAMA_SERVER=path/to/llama-server and "
        "QALAKAR_TEST_GGUF=path/to/model.gguf (see README, 'LLM planner against llama.cpp')",
    ),
]

# What must never reach the user: chat-template tokens of any common template, and tool
# calls or tool payloads written out as JSON.
TEMPLATE = re.compile(r"<\|[a-z_]+\|>|<(?:start|end)_of_turn>|<eos>|<bos>|</?tool_call>|\[/?INST\]")
TOOL_JSON = re.compile(r'\{\s*"(?:name|tool_call|arguments|response|total|orders)"\s*:')
# llama-server's per-request timing lines (tools/server: ``print_timings``)
TIMING = re.compile(
    r"(prompt eval|\beval) time =\s*[\d.]+ ms /\s*(\d+) tokens \(.*?,\s*([\d.]+) tokens per second")

log = logging.getLogger(__name__)

CONVERSATION = [
    ("creator", "c-0001", "namaste"),
    ("creator", "c-0001", "show my pending orders"),
    ("creator", "c-0001", "what should I charge for a handwoven silk saree, 0.6 kg, 40 hours"),
    ("creator", "c-0001", "tell me about the history of Madhubani painting"),
    ("creator", "c-0001", "and which of my orders have shipped?"),
    ("creator", "c-0001", "thank you"),
]


@dataclass
class Turn:
    """What one turn sent to the user, and how the planner got there."""

    text: str
    events: list[dict[str, Any]]
    seconds: float
    fallbacks: list[str] = field(default_factory=list)

    @property
    def streamed(self) -> str:
        return "".join(e["text"] for e in self.events if e["type"] == "assistant_delta")

    @property
    def calls(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == "tool_call"]


@pytest.fixture(scope="module")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A running ``llama-server``: its ``/v1`` URL and the file its log goes to."""
    for path in (SERVER, GGUF):
        assert Path(path).is_file(), f"{path} does not exist"
    port = free_port()
    logfile = tmp_path_factory.mktemp("llama") / "server.log"
    with logfile.open("wb") as out:
        proc = subprocess.Popen(
            [SERVER, "-m", GGUF, "--jinja", "-c", str(CONTEXT), "--host", "127.0.0.1",
             "--port", str(port), *EXTRA_ARGS],
            stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        wait_until_ok(f"http://127.0.0.1:{port}/health", 180, process=proc,
                      what=f"llama-server (log: {logfile})")
        yield f"http://127.0.0.1:{port}/v1", logfile
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def converse(settings: Settings, store: Store, caplog: pytest.LogCaptureFixture,
             ) -> tuple[list[Turn], list[Any]]:
    """Run ``CONVERSATION`` in one session; the turns and the session's stored history."""
    async def scenario() -> tuple[list[Turn], list[Any]]:
        async with open_assistant(settings, store=store, planner=make_planner(settings)) as bot:
            session = bot.new_session_id()
            turns = []
            for role, user, text in CONVERSATION:
                caplog.clear()
                started = time.monotonic()
                events = [e async for e in bot.stream(user_id=user, role=role,
                                                      session_id=session, text=text)]
                seconds = time.monotonic() - started
                final = next(e for e in events if e["type"] == "assistant_message")["text"]
                fallbacks = [r.getMessage() for r in caplog.records
                             if r.name == "agents.planners.llm" and "falls back" in r.getMessage()]
                turns.append(Turn(final, events, seconds, fallbacks))
            return turns, await bot.history("c-0001", session)

    return asyncio.run(scenario())


def server_speeds(logfile: Path) -> dict[str, float]:
    """Median prompt and generation tokens/s that llama-server logged, and token totals."""
    prompt, gen = [], []
    tokens = {"prompt": 0, "eval": 0}
    for kind, count, rate in TIMING.findall(logfile.read_text(errors="replace")):
        key = "prompt" if kind.startswith("prompt") else "eval"
        (prompt if key == "prompt" else gen).append(float(rate))
        tokens[key] += int(count)

    def median(xs: list[float]) -> float:
        return sorted(xs)[len(xs) // 2] if xs else 0.0

    return {"prompt_tok_s": median(prompt), "gen_tok_s": median(gen),
            "prompt_tokens": tokens["prompt"], "generated_tokens": tokens["eval"],
            "completions": len(gen)}


def test_a_real_llama_server_conversation_never_shows_the_user_template_or_tool_json(
    llama: tuple[str, Path], settings: Settings, seeded_store: Store,
    caplog: pytest.LogCaptureFixture,
) -> None:
    base_url, logfile = llama
    real = settings.model_copy(update={
        "llm_base_url": base_url, "llm_model": Path(GGUF).stem, "llm_context_tokens": CONTEXT,
        "llm_max_tokens": 256, "llm_timeout_s": TIMEOUT_S,
        # every turn asks the model (the breaker would rightly stop asking one that keeps
        # failing): the point is what the real server does with the growing history
        "llm_breaker_failures": 1000,
    })
    caplog.set_level(logging.INFO)
    turns, history = converse(real, seeded_store, caplog)

    registry = load_all()
    for (role, _, asked), turn in zip(CONVERSATION, turns, strict=True):
        log.info("%r -> %.1f s, calls %s, fallbacks %s: %r", asked, turn.seconds,
                 [(c["name"], c["args"]) for c in turn.calls], turn.fallbacks, turn.text[:160])
        shown = turn.streamed + "\n" + turn.text
        assert not TEMPLATE.search(shown), f"template tokens reached the user: {shown!r}"
        assert not TOOL_JSON.search(shown), f"tool JSON reached the user: {shown!r}"
        assert turn.text and turn.text != UNAVAILABLE
        assert turn.text.startswith(OFFLINE_NOTE) or not looks_like_garbage(turn.text)
        assert turn.seconds < TURN_LIMIT_S, f"{asked!r} took {turn.seconds:.0f} s"
        assert kinds_end(turn.events)
        for call in turn.calls:
            registry.validate(call["name"], call["args"], role)  # raises if it was not valid
        for result in (e for e in turn.events if e["type"] == "tool_result"):
            assert result["ok"] or result["result"]["error"]["code"] != "VALIDATION_ERROR"
        for reason in turn.fallbacks:  # the model may babble; the prompt must always fit
            assert "context" not in reason and "BadRequest" not in reason, reason

    replies = [turn.text for turn in turns]
    assert len(set(replies)) == len(replies), "a turn repeated an earlier answer"
    for message in history:
        if message.type == "ai":
            assert not TEMPLATE.search(str(message.content)), "template tokens were stored"
    speeds = server_speeds(logfile)
    log.info("llama-server: %s", speeds)
    assert speeds["completions"] >= len(CONVERSATION), "the model was asked on every turn"


def kinds_end(events: list[dict[str, Any]]) -> bool:
    """The turn's events end with the final message and ``turn_end``."""
    names = [e["type"] for e in events if not e["type"].startswith("_")]
    return names[-2:] == ["assistant_message", "turn_end"]
