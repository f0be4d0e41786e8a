"""Browser tests: Playwright driving the system's Chromium against Django's live server.

Chromium comes from the system (``make browser`` installs Debian's package; ``CHROMIUM_PATH``
points elsewhere). Without it these tests skip, saying why, unless ``JUMELAGE_REQUIRE_BROWSER``
is set (CI sets it), in which case a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside
# one unless told that this is deliberate (the test, not the server, touches the database).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium() -> str | None:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if os.path.exists(path) else None


@pytest.fixture(scope="session")
def _browser() -> Iterator[Any]:
    path = _chromium()
    if path is None:
        message = "Chromium is not installed (run `make browser`, or set CHROMIUM_PATH)"
        if os.environ.get("JUMELAGE_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_browser: Any, live_server: Any) -> Iterator[Any]:
    context = _browser.new_context(base_url=live_server.url, locale="en-CA")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Any, email: str, password: str, language: str = "en") -> None:
    """Sign in through the real allauth form."""
    page.goto(f"/{language}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state()
