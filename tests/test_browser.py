"""Headless Chromium (Debian's, driven by Playwright) types a diacritized query and sees highlighted results.

Screenshots land in tests/artifacts/ (gitignored) at desktop and phone widths for a human to look at.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from search_app import create_app
from test_app_corpus import build_sample_index

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DIACRITIZED_QUERY = "المَدْرَسَةُ"  # "the school", fully voweled

pytestmark = pytest.mark.browser


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing on CI: `make test` installs Debian's chromium (make browser-deps)")
    pytest.skip(f"{CHROMIUM} is not installed (run `make browser-deps`); the browser test needs Debian's chromium")


@contextmanager
def serving(root: Path) -> Iterator[str]:
    """The app over the index at `root`, on a loopback port for the browser; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, create_app({"INDEX": str(root)}), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    with serving(build_sample_index(tmp_path_factory.mktemp("browser") / "index")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("width, height, name", [(1280, 900, "desktop"), (390, 844, "phone")])
def test_diacritized_query_typed_into_the_page_shows_highlighted_results(browser, base_url, width, height, name):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ar")
    page = context.new_page()
    console_problems: list[str] = []
    page.on("console", lambda message: message.type in ("error", "warning") and console_problems.append(message.text))
    page.on("pageerror", lambda error: console_problems.append(str(error)))
    try:
        page.goto(base_url + "/")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        page.get_by_label("ابحث في الأخبار").fill(DIACRITIZED_QUERY)  # the label: "search the news"
        page.keyboard.press("Enter")
        page.wait_for_selector(".hit mark")
        assert page.input_value("#q") == DIACRITIZED_QUERY
        assert page.locator(".hit").count() >= 2
        assert page.locator(".hit mark").count() >= 2
        # Nothing may run from the hostile document: no alert dialog, no injected element.
        assert page.locator(".hit script, .hit img").count() == 0
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= width, f"page scrolls sideways at {width}px ({page_width}px wide)"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"search-{name}.png"), full_page=True)
        assert not console_problems, console_problems  # includes CSP violations
    finally:
        context.close()


def test_keyboard_reaches_search_box_then_results_in_order(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(base_url + "/?q=" + "مدرسة")
        order = []
        for _ in range(4):
            page.keyboard.press("Tab")
            order.append(page.evaluate("document.activeElement.className || document.activeElement.id"))
        assert order[:4] == ["skip-link", "brand", "q", ""]  # skip link, home, search box, search button
    finally:
        context.close()
