"""Headless Chromium opens a hit's «ومصدران آخران» and sees the other outlets, with JavaScript turned off."""
from __future__ import annotations

import pytest

from indexer.build.rebuild import rebuild_from_articles
from test_browser import CHROMIUM, CHROMIUM_ARGS, require_chromium, serving
from test_stories import OTHERS, THREE_OUTLETS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-stories") / "index"
    rebuild_from_articles(THREE_OUTLETS + OTHERS, root)
    with serving(root) as url:
        yield url


def test_other_outlets_open_without_javascript(base_url):
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(java_script_enabled=False)
            page.goto(f"{base_url}/?q=البنك+المركزي+الأردني")
            story = page.locator("details.hit-story")
            assert story.count() == 1
            others = story.locator("li")
            assert not others.first.is_visible()  # closed until the reader asks
            story.locator("summary").click()
            assert others.count() == 2 and others.first.is_visible()
            assert {others.nth(i).locator(".hit-source").inner_text() for i in range(2)} <= {
                "سكاي نيوز عربية", "العربية", "بي بي سي"}
            assert story.locator("summary").inner_text() == "ومصدران آخران"
        finally:
            browser.close()
