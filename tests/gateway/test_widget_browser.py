"""The web pages in a real browser: Debian's headless Chromium driven by Playwright.

The gateway runs under uvicorn over the seeded marketplace (the ``live`` fixture); the buyer
widget and the creator console are used the way a person would: type, send, read the reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from tests.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
REPLY_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser: Browser, live: LiveServer) -> Iterator[Page]:
    """A fresh context (own sessionStorage) whose script errors fail the test."""
    assert httpx.get(f"{live.http}/healthz").json() == {"status": "ok"}
    context = browser.new_context(base_url=live.http, viewport={"width": 1000, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def console(msg: ConsoleMessage) -> None:
        # the browser's own favicon probe is no error of the page
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{msg.text} at {msg.location.get('url')}")

    page.on("console", console)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield page
    context.close()
    assert not errors, f"the page logged errors: {errors}"


def test_buyer_widget_finds_blue_pottery_near_jaipur(page: Page, tmp_path: Path) -> None:
    page.goto("/")
    expect(page).to_have_title(re.compile("Qalakar"))
    box = page.get_by_label("message")
    box.fill("blue pottery near Jaipur within 50 km")
    box.press("Enter")

    reply = page.locator("[data-role=reply]").filter(has_text=re.compile(r"Jaipur|found"))
    expect(reply).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    expect(page.locator(".msg.user")).to_have_text("blue pottery near Jaipur within 50 km")
    # buyers read what is happening, not the tool call (issue 17)
    expect(page.locator(".msg.activity")).to_have_text(["Searching the marketplace…"])
    expect(page.locator(".msg.error")).to_have_count(0)
    expect(box).to_have_value("")
    page.screenshot(path=str(tmp_path / "widget.png"), full_page=True)


def test_creator_console_signs_in_and_chats(page: Page, tmp_path: Path) -> None:
    page.goto("/creator")
    expect(page).to_have_title("Qalakar — creator console")
    expect(page.get_by_role("heading", level=1)).to_have_text("Qalakar for creators")

    page.get_by_role("button", name="Sign in (dev)").click()
    expect(page.get_by_role("button", name="Signed in as c-0001")).to_be_visible()
    box = page.get_by_label("message")
    box.fill("show my pending orders")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/creator$"))  # the message form did not navigate away
    reply = page.locator("[data-role=reply]")
    expect(reply).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    expect(reply).to_contain_text("pending")
    expect(page.locator(".msg.activity").first).to_have_text("Looking at your orders…")
    expect(page.locator(".msg.user:not(.past)")).to_have_text(["show my pending orders"])
    page.screenshot(path=str(tmp_path / "creator.png"), full_page=True)
