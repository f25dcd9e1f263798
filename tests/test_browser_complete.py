"""Headless Chromium types part of an Arabic word, picks a completion by keyboard or by mouse, lands on results."""
from __future__ import annotations

import pytest

from test_browser import base_url, browser  # noqa: F401 - fixtures shared with the page test

pytestmark = pytest.mark.browser
PARTIAL = "مدر"  # the start of مدرسة, "school"


def _page_with_completions(browser, base_url):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type in ("error", "warning") and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(base_url + "/")
    page.locator("#q").press_sequentially(PARTIAL, delay=40)
    page.wait_for_selector("#q-completions [role=option]")
    assert page.get_attribute("#q", "aria-expanded") == "true"
    return context, page, problems


def test_completion_picked_with_the_keyboard_searches_it(browser, base_url):  # noqa: F811
    context, page, problems = _page_with_completions(browser, base_url)
    try:
        first = page.locator("#q-completions [role=option]").first.text_content()
        assert first.startswith("مدرس") or first.startswith("المدرس")
        page.keyboard.press("ArrowDown")
        assert page.get_attribute("#q-completion-0", "aria-selected") == "true"
        page.keyboard.press("Enter")
        page.wait_for_selector(".hit mark")
        assert page.input_value("#q") == first
        assert not problems, problems  # a CSP violation would show here
    finally:
        context.close()


def test_completion_picked_with_the_mouse_searches_it(browser, base_url):  # noqa: F811
    context, page, problems = _page_with_completions(browser, base_url)
    try:
        option = page.locator("#q-completions [role=option]").first
        chosen = option.text_content()
        option.click()
        page.wait_for_selector(".hit")
        assert page.input_value("#q") == chosen
        assert not problems, problems
    finally:
        context.close()


def test_escape_closes_the_completions(browser, base_url):  # noqa: F811
    context, page, _ = _page_with_completions(browser, base_url)
    try:
        page.keyboard.press("Escape")
        assert page.locator("#q-completions").is_hidden()
        assert page.get_attribute("#q", "aria-expanded") == "false"
    finally:
        context.close()
