"""Headless Chromium for the browser tests, driven by Playwright.

Playwright's Python wheel carries its own driver; the browser is the system's Chromium
(Debian's ``chromium``, which ``.ci/install-chromium`` installs), started through
``executable_path``, so ``playwright install`` is never needed. ``$CHRONICLE_CHROMIUM``
names another binary. Without Playwright or a browser the tests are skipped with the
reason, unless ``$CHRONICLE_REQUIRE_BROWSER`` is set (CI sets it): then they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Dialog,
        Page,
        Route,
    )

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_MS = 20_000


def find_browser() -> str | None:
    override = os.environ.get("CHRONICLE_CHROMIUM")
    if override:
        return shutil.which(override)
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def unavailable(reason: str) -> None:
    """Skip the calling test with ``reason``, or fail it where a browser is required."""
    if os.environ.get("CHRONICLE_REQUIRE_BROWSER"):
        pytest.fail(f"{reason}, and $CHRONICLE_REQUIRE_BROWSER is set", pytrace=False)
    pytest.skip(reason)


@contextmanager
def chromium() -> Iterator[Browser]:
    """The system's Chromium, headless, for the length of the block."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[test]' installs it)")
    binary = find_browser()
    if binary is None:
        unavailable(
            f"no chromium binary at {os.environ['CHRONICLE_CHROMIUM']!r} ($CHRONICLE_CHROMIUM)"
            if os.environ.get("CHRONICLE_CHROMIUM")
            else "no chromium binary found (.ci/install-chromium installs Debian's)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=binary,
            args=["--disable-gpu", "--hide-scrollbars", "--disable-component-update"],
            timeout=TIMEOUT_MS,
        )
        try:
            yield browser
        finally:
            browser.close()


class Tab:
    """One page shown at a time, with what it reported since it was opened.

    ``errors`` holds uncaught exceptions and console errors, ``requests`` every URL the
    page asked for, ``dialogs`` the text of every alert, confirm or prompt it opened.
    A page is made once for each kind of device (starting a page costs a renderer
    process) and reused: every ``open`` loads afresh through about:blank. ``offline``
    refuses every request beyond local files (they are still listed in ``requests``).
    """

    def __init__(self, browser: Browser, *, offline: bool = False) -> None:
        self.browser = browser
        self.offline = offline
        self._contexts: dict[tuple[bool, str | None], tuple[BrowserContext, Page]] = {}
        self._page: Page | None = None
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []

    @property
    def page(self) -> Page:
        assert self._page is not None, "open() a page first"
        return self._page

    def open(
        self,
        url: str,
        *,
        width: int,
        height: int,
        mobile: bool = False,
        ready: str | None = "document.documentElement.dataset.ready === 'true'",
        timezone: str | None = None,
    ) -> Page:
        """Load ``url`` at that size; wait until the expression ``ready`` is true."""
        page = self._page = self._page_for(mobile, timezone)
        page.set_viewport_size({"width": width, "height": height})
        # Through a blank page, so that every test starts from a fresh load (a change of
        # the #fragment alone would not reload).
        page.goto("about:blank")
        self.errors, self.requests, self.dialogs = [], [], []
        page.goto(url)
        if ready:
            self.wait_for(ready)
        return page

    def _page_for(self, mobile: bool, timezone: str | None) -> Page:
        key = (mobile, timezone)
        if key not in self._contexts:
            context = self.browser.new_context(
                device_scale_factor=1, is_mobile=mobile, timezone_id=timezone
            )
            context.set_default_timeout(TIMEOUT_MS)
            if self.offline:
                context.route("**/*", _local_only)
            page = context.new_page()
            page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
            page.on("console", self._on_console)
            page.on("request", lambda request: self.requests.append(request.url))
            page.on("dialog", self._on_dialog)
            self._contexts[key] = (context, page)
        return self._contexts[key][1]

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def evaluate(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def wait_for(self, expression: str) -> Any:
        """The first truthy value of ``expression``, polled until the timeout."""
        # A page half-way through loading may have no document yet: keep asking. Given as
        # a function, the check is polled without eval(), which a page's CSP may forbid.
        guarded = f"() => {{ try {{ return ({expression}); }} catch (e) {{ return null; }} }}"
        return self.page.wait_for_function(guarded).json_value()

    def type_text(self, selector: str, text: str) -> None:
        self.page.focus(selector)
        self.page.keyboard.insert_text(text)

    def clear_input(self, selector: str) -> None:
        self.page.fill(selector, "")

    def screenshot(self, path: Path, *, full_page: bool = False) -> Path:
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self) -> None:
        for context, _ in self._contexts.values():
            context.close()
        self._contexts.clear()
        self._page = None


def _local_only(route: Route) -> None:
    if route.request.url.startswith(("file:", "data:", "about:", "blob:")):
        route.continue_()
    else:
        route.abort()
