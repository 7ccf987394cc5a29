"""Browser tests' harness: Debian's Chromium driven by Playwright, a screenshot of every step kept in
`WEB_SCREENSHOTS_DIR` (default `.artifacts/screenshots/`), axe-core on every page, console errors caught."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect, sync_playwright

from audisi.services import ROOT

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Waits for what the page does by itself (an autosave, a redirect), never a measure of speed: generous, since
# the whole stack shares two cores with the browser (Playwright's defaults are 5 s per expect, 30 s per action).
# A test that promises a time (the live board's two seconds) says so with its own `timeout=`.
expect.set_options(timeout=15_000)
ACTION_TIMEOUT_MS = 45_000
SCREENSHOTS = Path(os.environ.get("WEB_SCREENSHOTS_DIR") or ROOT / ".artifacts" / "screenshots")
TABLET = ViewportSize(width=1024, height=768)
PHONE = ViewportSize(width=390, height=844)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium from the Debian package (Playwright never downloads a browser here)."""
    if not Path(CHROMIUM).exists():
        # A machine with only Python has no browser: say how to get one. CI installs it and must run these.
        message = f"browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Visitor:
    """One person's browser: their pages, the console errors they saw, the screenshots of each step."""

    context: BrowserContext
    page: Page
    name: str
    console_errors: list[str] = field(default_factory=list)
    steps: int = 0
    #: Console errors a test causes on purpose (its own network outage), not counted while set.
    tolerated: tuple[str, ...] = ()

    def console_error(self, text: str) -> None:
        """Remember a console error, unless the test caused it on purpose."""
        if not any(part in text for part in self.tolerated):
            self.console_errors.append(text)

    def check(self, step: str) -> None:
        """Screenshot this step, then assert axe finds no serious or critical violation and the console no error."""
        self.steps += 1
        folder = SCREENSHOTS / self.name
        folder.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        self.page.screenshot(path=str(folder / f"{self.steps:02d}-{slug}.png"), full_page=True)
        results: Any = Axe().run(self.page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v.get("impact") in ("serious", "critical")
        ]
        assert serious == [], f"{step}: accessibility violations on {self.page.url}"
        assert self.console_errors == [], f"{step}: console errors on {self.page.url}"


def visitor(browser: Browser, base_url: str, name: str, viewport: ViewportSize | None = None) -> Visitor:
    """A fresh browser context (its own cookies) at `base_url`."""
    context = browser.new_context(base_url=base_url, viewport=viewport or TABLET, locale="id-ID")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    seen = Visitor(context=context, page=page, name=name)
    page.on("console", lambda message: seen.console_error(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen.console_error(str(error)))
    return seen
