"""The web chat's microphone and read-aloud controls in a real Chromium with a fake microphone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bot.core import texts
from tests.stack import Service
from tests.voice.audio_fixtures import KOREAN_WHERE_IS_THE_TOILET, spoken_wav

CHROMIUM = "/usr/bin/chromium"
ANSWER_TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def microphone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the fake microphone hears (looped): the Korean question, then a pause."""
    wav = tmp_path_factory.mktemp("mic") / "question.wav"
    wav.write_bytes(spoken_wav(KOREAN_WHERE_IS_THE_TOILET + ".", "ko"))
    return wav


@pytest.fixture(scope="module")
def browser(microphone: Path) -> Iterator[Browser]:
    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={microphone}",
            "--autoplay-policy=no-user-gesture-required"]  # fmt: skip
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, voice_gateway: Service) -> Iterator[Page]:
    context = browser.new_context(locale="de-DE", permissions=["microphone"])
    page = context.new_page()
    page.goto(voice_gateway.url + "/")
    try:
        yield page
    finally:
        context.close()


def test_controls_are_labelled_buttons_a_keyboard_reaches(page: Page) -> None:
    record = page.get_by_role("button", name="Sprechen")
    expect(record).to_be_visible()
    expect(record).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("checkbox", name="Antworten vorlesen")).not_to_be_checked()
    expect(page.get_by_role("status")).to_be_attached()
    page.locator("#language").select_option("en")
    expect(page.get_by_role("button", name="Speak")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Read answers aloud")).to_be_visible()


def test_a_spoken_question_is_shown_back_answered_and_read_aloud(page: Page) -> None:
    record = page.get_by_role("button", name="Sprechen")
    record.focus()
    page.keyboard.press("Space")
    stop = page.get_by_role("button", name="Aufnahme beenden und senden")
    expect(stop).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(3500)  # the fake microphone says the question once in this time
    page.keyboard.press("Space")
    log = page.get_by_role("log")
    understood = texts.text("understood", "de", text="")
    heard = log.locator(".msg.bot", has_text=understood.strip())
    # The recording reached the recogniser as speech: Korean words come back (the exact words
    # depend on the browser's audio path; the pipeline tests check them on known encodings).
    expect(heard).to_contain_text(re.compile(r"[\uac00-\ud7a3]{2,}"), timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#busy")).to_be_hidden(timeout=ANSWER_TIMEOUT_MS)
    assert log.locator(".msg.bot").count() >= 2  # the answer follows what was heard
    players = log.locator(".msg.bot audio")
    expect(players.first).to_be_attached()
    assert players.count() == log.locator(".msg.bot").count()  # every answer can be heard
    # The first answer is played by itself, for a person who cannot find the player.
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#log audio'))"
        ".some(a => a.currentTime > 0 || a.ended)",
        timeout=30_000,
    )


def test_read_aloud_switch_brings_spoken_answers_to_typed_questions(page: Page) -> None:
    page.get_by_role("checkbox", name="Antworten vorlesen").check()
    page.locator("#message").fill("Hallo")
    page.keyboard.press("Enter")
    log = page.get_by_role("log")
    expect(log.locator(".msg.bot audio").first).to_be_attached(timeout=ANSWER_TIMEOUT_MS)
