"""The web chat page in a real headless Chromium: keyboard only, labelled, announced, reflowing."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.helpers import AMBIGUOUS, city
from tests.stack import Stack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ANSWER_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(stack.gateway_url + "/")
    try:
        yield page
    finally:
        context.close()


def _focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.outerHTML"))


def _tab_to(page: Page, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"keyboard focus never reached {selector}; last: {_focused(page)}")


def _focus_is_visible(page: Page) -> bool:
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return {w: parseFloat(s.outlineWidth), o: s.outlineStyle, b: s.boxShadow}; }"""
    )
    return (style["w"] >= 2 and style["o"] != "none") or style["b"] not in ("", "none")


def test_every_control_has_an_accessible_name_and_the_log_is_live(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("textbox", name="Ihre Nachricht")).to_be_visible()
    expect(page.get_by_role("button", name="Senden")).to_be_visible()
    expect(page.get_by_role("combobox", name="Sprache")).to_be_visible()
    log = page.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.locator("form #voice-controls")).to_have_count(1)
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('a[href], button, input, select, textarea')]
              .filter(el => {
                const labelled = el.labels && el.labels.length > 0;
                const named = (el.getAttribute('aria-label') || el.textContent || '').trim();
                return !labelled && !named && !el.getAttribute('aria-labelledby');
              }).map(el => el.outerHTML)"""
    )
    assert unnamed == []


def test_a_question_typed_with_the_keyboard_is_answered_in_the_live_log(
    page: Page, stack: Stack
) -> None:
    page.keyboard.press("Tab")
    assert "skip-link" in _focused(page)
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")  # the skip link puts the focus into the message field
    expect(page.locator("#message")).to_be_focused()
    assert _focus_is_visible(page)
    page.keyboard.type("wo ist eine rollstuhlgerechte toilette in der südstadt")
    page.keyboard.press("Enter")
    toilets = city(
        stack, "/places", type="toilet", district="Südstadt", wheelchair="yes,limited", limit=100
    )["items"]
    log = page.get_by_role("log")
    expect(log.locator(".msg.person")).to_contain_text("rollstuhlgerechte toilette")
    expect(log.locator(".msg.bot").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#busy")).to_be_hidden(timeout=ANSWER_TIMEOUT_MS)
    answer = log.locator(".msg.bot").all_inner_texts()
    assert any(t["name"] in "\n".join(answer) for t in toilets), answer
    expect(page.locator("#message")).to_be_focused()  # ready for the next question


def test_a_choice_button_is_reached_and_pressed_with_the_keyboard(page: Page) -> None:
    page.locator("#message").focus()
    page.keyboard.type(AMBIGUOUS)
    page.keyboard.press("Enter")
    choices = page.locator("#log .choices button")
    expect(choices.first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#busy")).to_be_hidden(timeout=ANSWER_TIMEOUT_MS)
    bot_answers = page.locator("#log .msg.bot").count()
    page.locator("body").focus()
    page.evaluate("window.scrollTo(0, 0)")
    page.keyboard.press("Escape")
    page.locator(".skip-link").focus()
    _tab_to(page, "#log .choices button")
    assert _focus_is_visible(page)
    title = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    expect(page.locator("#log .msg.person").last).to_contain_text(title)
    # the chosen answer arrives (one bubble or more, as the choice's answer has)
    expect(page.locator("#log .msg.bot").nth(bot_answers)).to_be_visible(timeout=ANSWER_TIMEOUT_MS)


def test_language_switch_relabels_the_page(page: Page) -> None:
    page.locator(".skip-link").focus()
    _tab_to(page, "#language")
    page.keyboard.press("ArrowDown")  # a focused <select> changes with the arrow keys
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    expect(page.get_by_role("textbox", name="Your message")).to_be_visible()
    page.locator("#message").focus()
    page.keyboard.press("Enter")  # empty: a friendly hint, no request
    expect(page.locator("#log .msg.bot.error")).to_contain_text("Please type your question")


def test_at_200_percent_zoom_the_page_reflows_without_horizontal_scrolling(
    browser: Browser, stack: Stack
) -> None:
    # 1280 CSS px at 200 % zoom leave 640 CSS px: the same layout as a 640 px wide viewport.
    context = browser.new_context(viewport={"width": 640, "height": 720}, locale="de-DE")
    page = context.new_page()
    try:
        page.goto(stack.gateway_url + "/")
        page.locator("#message").fill("https://example.org/" + "sehr-langes-wort-" * 20)
        page.keyboard.press("Enter")
        expect(page.locator("#log .msg.bot").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], widths
    finally:
        context.close()


def test_the_privacy_link_shows_the_notice_and_the_export_downloads_the_persons_data(
    page: Page,
) -> None:
    page.get_by_role("textbox", name="Ihre Nachricht").fill("Wo ist ein Spielplatz in Warnemünde?")
    page.keyboard.press("Enter")
    log = page.get_by_role("log")
    expect(log.locator(".bot").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#busy")).to_be_hidden(timeout=ANSWER_TIMEOUT_MS)

    _tab_to(page, "#privacy")
    page.keyboard.press("Enter")
    expect(log).to_contain_text(
        "Datenschutz: Das speichere ich über Sie", timeout=ANSWER_TIMEOUT_MS
    )
    expect(log).to_contain_text("30 Tage nach Ihrer letzten Nachricht")
    log.get_by_role("button", name="Meine Daten als Datei").click()
    link = log.get_by_role("link", name="Datei herunterladen:")
    expect(link).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith("smile-city-rostock-meine-daten-")
    path = download.path()
    data = json.loads(path.read_text(encoding="utf-8"))
    said = [e["text"] for e in data["conversation"] if e["from"] == "you"]
    assert said == ["Wo ist ein Spielplatz in Warnemünde?"], data["conversation"]
    assert data["person"]["channel"] == "web"
