"""Debian's chromium, headless, driven by playwright with the system browser: nothing is
downloaded at run time (never `playwright install`). CI installs `chromium` with apt."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
#: Where the pages' screenshots for the docs go.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"
PHONE = {"width": 390, "height": 700}


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
