"""Conversations on Telegram through a real gateway process and the real stack (Rasa, actions,
city data API), with the Bot API stand-in in place of Telegram."""

from __future__ import annotations

import asyncio
import io
import json
import re
import urllib.error
import urllib.request
from collections.abc import AsyncIterator

import pytest
from PIL import Image as PillowImage

from bot.core import texts
from tests.e2e.helpers import city, language_of_answer
from tests.stack import Service, Stack
from tests.telegram.botapi_standin import BotApiStandIn
from tests.telegram.helpers import (
    BOT_ID,
    BOT_USERNAME,
    TOKEN,
    callback_update,
    location_update,
    photo_update,
    text_update,
    user,
)

SECRET = "webhook-secret-for-the-e2e-test"
NEUER_MARKT = (54.0887, 12.1405)


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[BotApiStandIn]:
    """One Bot API stand-in for the gateways of this module."""
    standin = BotApiStandIn(TOKEN, bot_id=BOT_ID, username=BOT_USERNAME)
    await standin.start()
    yield standin
    await standin.stop()


async def start_gateway(stack: Stack, env: dict[str, str]) -> Service:
    """A gateway process with Telegram on; in a thread, so the stand-in keeps answering it."""
    return await asyncio.to_thread(stack.start_gateway, env)


@pytest.fixture(scope="module")
async def polling_gateway(stack: Stack, api: BotApiStandIn) -> AsyncIterator[Service]:
    """The gateway with the Telegram channel polling the stand-in (only TELEGRAM_* set)."""
    env = {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.url}
    gateway = await start_gateway(stack, env)
    yield gateway
    await asyncio.to_thread(gateway.stop)


async def answers_after(api: BotApiStandIn, chat_id: int, count: int, check: str) -> str:
    """Wait for answers beyond the first `count` in the chat until one contains `check`."""
    await api.wait_for(lambda: any(check in t for t in api.texts(chat_id)[count:]), within_s=90)
    return "\n".join(api.texts(chat_id)[count:])


async def test_shared_location_and_a_tapped_button_find_the_nearest_toilet(
    stack: Stack, api: BotApiStandIn, polling_gateway: Service
) -> None:
    person = user(910_001, "de")
    api.push(location_update(*NEUER_MARKT, sender=person))
    # No place type yet: the assistant asks, offering the common ones as buttons.
    await api.wait_for(lambda: any("reply_markup" in c.params for c in api.sent(910_001)), 90)
    question = next(c for c in api.sent(910_001) if "reply_markup" in c.params)
    buttons = [row[0] for row in question.params["reply_markup"]["inline_keyboard"]]
    toilet = next(b for b in buttons if '"toilet"' in b["callback_data"])
    assert toilet["text"].startswith("Toilette") or "Toilette" in toilet["text"]

    seen = len(api.texts(910_001))
    api.push(callback_update(toilet["callback_data"], question.result, person))
    near = f"{NEUER_MARKT[0]},{NEUER_MARKT[1]}"
    nearest = city(stack, "/places", type="toilet", near=near, limit=1)["items"][0]
    answer = await answers_after(api, 910_001, seen, nearest["name"])
    assert language_of_answer(answer) == "de", answer
    assert "parse_mode" not in question.params


async def test_english_speaker_is_answered_in_english_from_the_city_data(
    stack: Stack, api: BotApiStandIn, polling_gateway: Service
) -> None:
    question = "where is a wheelchair accessible toilet in Südstadt"
    api.push(text_update(question, sender=user(910_002, "en")))
    toilets = city(
        stack, "/places", type="toilet", district="Südstadt", wheelchair="yes,limited", limit=100
    )["items"]
    assert toilets
    await api.wait_for(
        lambda: any(t["name"] in m for t in toilets for m in api.texts(910_002)), within_s=90
    )
    answer = "\n".join(api.texts(910_002))
    assert language_of_answer(answer) == "en", answer
    # The answer was typed for: "typing…" came before the first answer.
    assert api.sent(910_002, "sendChatAction")[0].at <= api.sent(910_002)[0].at


async def test_a_language_switch_by_the_assistant_is_followed_by_the_channels_own_texts(
    stack: Stack, api: BotApiStandIn, polling_gateway: Service
) -> None:
    person = user(910_004, "de")
    api.push(text_update("can you speak english", sender=person))
    await api.wait_for(lambda: bool(api.texts(910_004)), within_s=90)
    await asyncio.sleep(1)  # the rule's confirmation may follow the action's answer
    seen = len(api.texts(910_004))
    assert language_of_answer("\n".join(api.texts(910_004))) == "en", api.texts(910_004)
    # /privacy is the core's notice, in the language the core decided.
    api.push(text_update("/privacy", sender=person))
    answer = await answers_after(api, 910_004, seen, "Privacy: this is what I keep")
    assert answer.startswith("Privacy: this is what I keep"), answer
    assert "30 days after your last message" in answer


async def test_a_refusal_by_the_core_is_rendered_in_the_persons_language(
    stack: Stack, api: BotApiStandIn, polling_gateway: Service
) -> None:
    # Over the core's 4,000 characters, within what Telegram lets a person send (4,096).
    api.push(text_update("Rampe " * 670, sender=user(910_005, "en")))
    answer = await answers_after(api, 910_005, 0, texts.text("too_long", "en"))
    assert answer == texts.text("too_long", "en")


async def test_a_barrier_is_reported_on_telegram_with_a_photo_and_filed(
    stack: Stack, api: BotApiStandIn, polling_gateway: Service
) -> None:
    chat = 910_006
    person = user(chat, "de")
    photo = io.BytesIO()
    PillowImage.new("RGB", (800, 600), (90, 90, 90)).save(photo, "JPEG")
    api.add_file(photo.getvalue(), "photo-report", "photos/report.jpg")
    api.push(photo_update("photo-report", size=len(photo.getvalue()), sender=person))
    await answers_after(api, chat, 0, "Was genau ist das Problem?")
    question = next(c for c in reversed(api.sent(chat)) if "reply_markup" in c.params)
    buttons = [b for row in question.params["reply_markup"]["inline_keyboard"] for b in row]
    step = next(b for b in buttons if '"step"' in b["callback_data"])
    seen = len(api.texts(chat))
    api.push(callback_update(step["callback_data"], question.result, person))
    await answers_after(api, chat, seen, "Wo ist das?")
    seen = len(api.texts(chat))
    api.push(text_update("Doberaner Platz", sender=person))
    readback = await answers_after(api, chat, seen, "Soll ich das so an die Stadt schicken?")
    assert "Fotos dazu: 1." in readback, readback
    assert "Stufe ohne Rampe" in readback, readback
    seen = len(api.texts(chat))
    api.push(text_update("ja", sender=person))
    filed = await answers_after(api, chat, seen, "Ihre Nummer ist")
    number = re.search(r"Ihre Nummer ist (\d+)", filed).group(1)  # type: ignore[union-attr]
    report = city(stack, f"/open311/v2/requests/{number}.json", extensions="true")[0]
    assert report["service_code"] == "barrier-step"
    assert len(report["extended_attributes"]["media_urls"]) == 1


async def test_an_english_speaker_subscribes_in_plain_words_and_taps_yes(
    stack: Stack, api: BotApiStandIn, polling_gateway: Service
) -> None:
    chat = 910_007
    person = user(chat, "en")
    api.push(text_update("Keep me posted about events in Warnemünde, please", sender=person))
    asked = await answers_after(api, chat, 0, "Would you like to get news from the city")
    assert "events for Warnemünde" in asked, asked
    question = next(c for c in reversed(api.sent(chat)) if "reply_markup" in c.params)
    buttons = [b for row in question.params["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == ["Yes", "No"]
    seen = len(api.texts(chat))
    api.push(callback_update(buttons[0]["callback_data"], question.result, person))
    done = await answers_after(api, chat, seen, "Done. You will now get news")
    assert "events for Warnemünde" in done, done
    seen = len(api.texts(chat))
    api.push(text_update("What am I subscribed to?", sender=person))
    listed = await answers_after(api, chat, seen, "Your subscriptions:")
    assert "events for Warnemünde" in listed, listed


async def test_an_english_wish_without_a_district_is_completed_by_the_next_answer(
    stack: Stack, api: BotApiStandIn, polling_gateway: Service
) -> None:
    chat = 910_008
    person = user(chat, "en")
    api.push(text_update("Please keep me posted about events.", sender=person))
    which = await answers_after(api, chat, 0, "For which district?")
    assert texts.text("subscribe_which_topic", "en", topic="events") in which, which
    seen = len(api.texts(chat))
    api.push(text_update("Atlantis", sender=person))
    again = await answers_after(api, chat, seen, "as a district of Rostock")
    assert "Warnemünde, Rostock-Heide, Lichtenhagen" in again, again
    seen = len(api.texts(chat))
    api.push(text_update("KTV", sender=person))
    asked = await answers_after(api, chat, seen, "Would you like to get news from the city")
    assert "events for Kröpeliner-Tor-Vorstadt" in asked, asked
    question = next(c for c in reversed(api.sent(chat)) if "reply_markup" in c.params)
    buttons = [b for row in question.params["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == ["Yes", "No"]
    seen = len(api.texts(chat))
    api.push(callback_update(buttons[0]["callback_data"], question.result, person))
    done = await answers_after(api, chat, seen, "Done. You will now get news")
    assert "events for Kröpeliner-Tor-Vorstadt" in done, done


async def test_a_place_search_continues_after_rasa_restarts_mid_conversation(
    stack: Stack, api: BotApiStandIn, polling_gateway: Service
) -> None:
    person = user(910_009, "de")
    api.push(text_update("Welche Spielplätze gibt es in Warnemünde?", sender=person))
    warnemuende = city(stack, "/places", type="playground", district="Warnemünde", limit=100)
    await answers_after(api, 910_009, 0, warnemuende["items"][0]["name"][:12])
    await asyncio.to_thread(stack.restart_rasa)
    # the follow-up names only a district: Rasa read the conversation back from its tracker store
    seen = len(api.texts(910_009))
    api.push(text_update("und in der Südstadt?", sender=person))
    suedstadt = city(stack, "/places", type="playground", district="Südstadt", limit=100)["items"]
    await api.wait_for(
        lambda: any(p["name"] in t for p in suedstadt for t in api.texts(910_009)[seen:]), 120
    )


# Last in this module: it stops the polling gateway the tests above share.
async def test_webhook_mode_in_the_gateway_checks_the_secret(
    stack: Stack, api: BotApiStandIn, polling_gateway: Service
) -> None:
    # One bot cannot poll and have a webhook at the same time.
    await asyncio.to_thread(polling_gateway.stop)
    env = {
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.url,
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_URL": "https://assistent.rostock.example/telegram/webhook",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
    }
    gateway = await start_gateway(stack, env)
    try:
        assert api.webhook is not None
        assert api.webhook["secret_token"] == SECRET
        update = text_update("hallo", sender=user(910_003, "de"))
        api.learn_chats(update)
        url = gateway.url + "/telegram/webhook"
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "falsch"}):
            status, body = await asyncio.to_thread(post_json, url, update, headers)
            assert status == 403, body
        assert api.texts(910_003) == []
        status, body = await asyncio.to_thread(
            post_json, url, update, {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
        assert status == 200, body  # acknowledged once stored in the inbox, then answered
        await api.wait_for(lambda: bool(api.texts(910_003)), within_s=30)
    finally:
        await asyncio.to_thread(gateway.stop)


def post_json(url: str, body: object, headers: dict[str, str]) -> tuple[int, object]:
    """POST JSON with extra headers (blocking; run in a thread)."""
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    for key, value in headers.items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")
