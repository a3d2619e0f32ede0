"""The voice console in a real browser: headless Chromium with a fake microphone.

Chromium plays a WAV file (Piper speech between silences) as its microphone; the page captures
it with getUserMedia and the AudioWorklet, streams 16 kHz PCM16 to the gateway under uvicorn,
and the real faster-whisper and Piper models answer. Hands-free: no button ends the utterance,
the server's VAD does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.live import LiveServer

pytest.importorskip("faster_whisper")
pytest.importorskip("piper")

from voice.audio import Audio
from voice.tts import shared_tts

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CHROMIUM = "/usr/bin/chromium"
TURN_TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def microphone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A WAV the fake microphone loops: silence, a spoken request, a long silence (so the
    loop does not speak again, and barge in, before the test is done)."""
    speech = shared_tts(steady=True).synthesize("Show my pending orders.").resampled(16_000)
    silence = np.zeros(16_000, dtype=np.float32)
    samples = np.concatenate([silence, silence, speech.samples, *[silence] * 40])
    path = tmp_path_factory.mktemp("mic") / "request.wav"
    path.write_bytes(Audio(samples, 16_000).to_wav())
    return path


@pytest.fixture(scope="module")
def browser(microphone: Path) -> Iterator[Browser]:
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-audio-capture={microphone}",
            "--autoplay-policy=no-user-gesture-required"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser: Browser, live: LiveServer) -> Iterator[Page]:
    context = browser.new_context(base_url=live.http, permissions=["microphone"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"the page raised: {errors}"


def stats(page: Page) -> dict:
    return page.evaluate("() => window.qalakarVoice && window.qalakarVoice.stats")


def test_dev_link_signs_in_and_a_spoken_request_is_heard_run_and_answered_aloud(
        page: Page) -> None:
    page.goto("/creator?as=c-0001")
    expect(page.get_by_role("button", name=re.compile("Signed in as c-0001"))).to_be_visible(
        timeout=30_000)
    page.get_by_label("Hands-free").check()
    page.wait_for_function(
        "() => { const s = window.qalakarVoice.stats;"
        " return s.transcripts.length > 0 && s.tools.length > 0 && s.audioBytes > 8000; }",
        timeout=TURN_TIMEOUT_MS)
    got = stats(page)
    assert got["sentBytes"] > 16_000 * 2  # more than a second of 16 kHz PCM16 went up
    assert "pending" in got["transcripts"][0].lower()  # "show" may come back as "tell"
    assert got["tools"][0] == "list_orders"
    expect(page.locator("[data-log] .activity").first).to_contain_text("orders")
    expect(page.locator("[data-live]")).to_contain_text(re.compile("pending", re.I))
    # The stop button cuts the reply and tells the server (barge-in by button).
    page.get_by_role("button", name="■ Stop").click()
    assert stats(page)["interrupts"] >= 1
    assert page.locator("section.voice").get_attribute("data-playing") is None
    page.get_by_label("Hands-free").uncheck()
