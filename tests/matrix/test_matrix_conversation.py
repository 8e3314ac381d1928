"""Citizens on Matrix talking to the whole assistant: a real gateway process (with the Matrix
channel switched on by its MATRIX_* environment), real Rasa, actions, city data API and Synapse."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.channels.matrix import texts as matrix_texts
from bot.channels.matrix.convert import to_content
from bot.core import texts
from bot.core.messages import Button, OutgoingMessage
from tests.e2e.helpers import language_of_answer
from tests.matrix.conftest import RegisterUser, StartPerson
from tests.matrix.person import Person, downloaded, eventually
from tests.matrix.synapse import RegisteredUser, Synapse
from tests.stack import Service, Stack, http_json

NEAR = "54.0887,12.1405"  # Neuer Markt
GEO_URI = f"geo:{NEAR}"
StartGateway = Callable[[RegisteredUser, Path], Awaitable[Service]]


@pytest.fixture
async def start_gateway(stack: Stack, synapse: Synapse) -> AsyncIterator[StartGateway]:
    """Gateway processes with the Matrix channel on, as an operator would configure them."""
    started: list[Service] = []

    async def _start(bot: RegisteredUser, store: Path) -> Service:
        env = {
            "MATRIX_HOMESERVER": synapse.url,
            "MATRIX_USER_ID": bot.user_id,
            "MATRIX_PASSWORD": bot.password,
            "MATRIX_STORE_DIR": str(store),
            "MATRIX_SYNC_TIMEOUT_MS": "5000",
        }
        # one gateway database per bot: a restarted gateway knows its people (and their context)
        database = f"sqlite:///{store.parent}/gateway-{bot.user_id[1:].split(':')[0]}.sqlite3"
        service = await asyncio.to_thread(stack.start_gateway, env, database_url=database)
        started.append(service)
        return service

    yield _start
    for service in started:
        await asyncio.to_thread(service.stop)


def places(stack: Stack, **query: Any) -> list[dict[str, Any]]:
    """What the city data API knows (the source of the assistant's answers)."""
    status, body = http_json("GET", f"{stack.cityapi_url}/places?{urlencode(query)}")
    assert status == 200, body
    items: list[dict[str, Any]] = body["items"]
    assert items, query
    return items


def web_turn(stack: Stack, sender: str, text: str) -> list[str]:
    """The same question on the web chat of the same stack, as the bodies Matrix should show."""
    status, body = stack.chat(sender, text)
    assert status == 200, body
    messages = body["messages"]
    assert messages, body
    return [
        to_content(
            OutgoingMessage(
                m["text"], tuple(Button(b["title"], b["payload"]) for b in m.get("buttons", ()))
            )
        )["body"]
        for m in messages
    ]


async def turn(person: Person, room: str, text: str, count: int) -> list[str]:
    """Say something and collect the bot's next `count` messages."""
    before = len(person.received[room])
    await person.say(room, text)
    return (await person.answers(room, before + count, within=120))[before:]


async def settled(person: Person, room: str, quiet_s: float = 4) -> list[str]:
    """Everything the bot said in the room, once it has been quiet for `quiet_s`."""
    while True:
        count = len(person.received[room])
        await asyncio.sleep(quiet_s)
        if len(person.received[room]) == count:
            return [str(c.get("body", "")) for c in person.received[room]]


async def test_choices_are_a_numbered_list_answered_by_number(
    stack: Stack,
    register: RegisterUser,
    start_gateway: StartGateway,
    start_person: StartPerson,
    tmp_path: Path,
) -> None:
    bot, citizen = await register("bot"), await register("citizen")
    await start_gateway(bot, tmp_path / "store")
    person = await start_person(citizen)
    room = await person.open_chat(bot.user_id, encrypted=False)

    web_sender = "web-" + citizen.user_id[1:].split(":")[0]
    expected = await asyncio.to_thread(web_turn, stack, web_sender, "Ich suche einen Ort")
    assert any("\n1. " in body for body in expected), expected  # the assistant offers choices
    assert await turn(person, room, "Ich suche einen Ort", len(expected)) == expected
    last = person.received[room][-1]
    assert "<ol><li>" in last["formatted_body"]

    # "1" picks the first choice, on Matrix exactly as on the web chat
    expected = await asyncio.to_thread(web_turn, stack, web_sender, "1")
    assert await turn(person, room, "1", len(expected)) == expected


async def test_encrypted_direct_chat_with_location_lists_places_nearby(
    stack: Stack,
    register: RegisterUser,
    start_gateway: StartGateway,
    start_person: StartPerson,
    tmp_path: Path,
) -> None:
    bot, citizen = await register("bot"), await register("citizen")
    await start_gateway(bot, tmp_path / "store")
    person = await start_person(citizen)
    room = await person.open_chat(bot.user_id, encrypted=True)

    await person.ask(room, "Wo ist die nächste öffentliche Toilette?")
    await settled(person, room)
    await person.send(room, {"msgtype": "m.location", "body": "Mein Standort", "geo_uri": GEO_URI})
    nearest = places(stack, type="toilet", near=NEAR)[0]["name"]
    await eventually(lambda: any(nearest in str(c.get("body")) for c in person.received[room]), 120)
    assert person.undecryptable == 0


async def test_gateway_restart_answers_once_and_synapse_restart_is_survived(
    stack: Stack,
    synapse: Synapse,
    register: RegisterUser,
    start_gateway: StartGateway,
    start_person: StartPerson,
    tmp_path: Path,
) -> None:
    bot, citizen = await register("bot"), await register("citizen")
    store = tmp_path / "store"
    gateway = await start_gateway(bot, store)
    person = await start_person(citizen)
    room = await person.open_chat(bot.user_id, encrypted=True)
    await person.ask(room, "Wo ist die nächste öffentliche Toilette?")
    await settled(person, room)

    await asyncio.to_thread(gateway.stop)
    await person.send(room, {"msgtype": "m.location", "body": "Hier", "geo_uri": GEO_URI})
    await start_gateway(bot, store)
    nearest = places(stack, type="toilet", near=NEAR)[0]["name"]
    await eventually(lambda: any(nearest in str(c.get("body")) for c in person.received[room]), 120)
    bodies = await settled(person, room)
    assert len(bodies) == len(set(bodies)), bodies  # nothing answered twice after the restart

    await synapse.restart()
    answer = await person.ask(room, "Danke", within=120)
    assert answer
    assert person.undecryptable == 0


async def test_a_language_switch_is_followed_by_the_channels_own_texts_and_refusals(
    stack: Stack,
    register: RegisterUser,
    start_gateway: StartGateway,
    start_person: StartPerson,
    tmp_path: Path,
) -> None:
    bot, citizen = await register("bot"), await register("citizen")
    await start_gateway(bot, tmp_path / "store")
    person = await start_person(citizen)
    room = await person.open_chat(bot.user_id, encrypted=False)

    switched = await person.ask(room, "can you speak english")
    await settled(person, room)
    assert language_of_answer(switched) == "en", switched
    # The core's refusal, in the language the core decided.
    assert await person.ask(room, "Rampe " * 700) == texts.text("too_long", "en")
    # The channel's own text (an attachment the homeserver does not have) follows it too.
    missing = {
        "msgtype": "m.audio",
        "body": "voice.ogg",
        "url": "mxc://localhost/never-uploaded",
        "info": {"mimetype": "audio/ogg", "size": 2048},
    }
    before = len(person.received[room])
    await person.send(room, missing)
    (failed,) = (await person.answers(room, before + 1, within=90))[before:]
    assert failed == matrix_texts.text("media_failed", "en")


async def test_a_barrier_report_is_corrected_by_location_and_filed_in_an_encrypted_chat(
    stack: Stack,
    register: RegisterUser,
    start_gateway: StartGateway,
    start_person: StartPerson,
    tmp_path: Path,
) -> None:
    bot, citizen = await register("bot"), await register("citizen")
    await start_gateway(bot, tmp_path / "store")
    person = await start_person(citizen)
    room = await person.open_chat(bot.user_id, encrypted=True)

    def said(part: str) -> bool:
        return any(part in str(c.get("body")) for c in person.received[room])

    await person.ask(room, "Das Blindenleitsystem am Steintor ist zugestellt")
    await eventually(lambda: said("Soll ich das so an die Stadt schicken?"), 120)
    assert said("Steintor")
    await person.ask(room, "nein, der Ort stimmt nicht")
    await eventually(lambda: said("Wo ist das?"), 120)
    await person.send(room, {"msgtype": "m.location", "body": "Hier", "geo_uri": GEO_URI})
    await eventually(lambda: said("Ihr geteilter Standort im Stadtteil"), 120)
    await person.ask(room, "ja")
    await eventually(lambda: said("Ihre Nummer ist"), 120)
    body = next(
        str(c["body"]) for c in person.received[room] if "Ihre Nummer ist" in str(c["body"])
    )
    number = body.split("Ihre Nummer ist ", 1)[1].split(".", 1)[0]
    status, found = http_json(
        "GET", f"{stack.cityapi_url}/open311/v2/requests/{number}.json?extensions=true"
    )
    assert status == 200, found
    assert found[0]["service_code"] == "barrier-tactile"
    assert abs(found[0]["lat"] - float(NEAR.split(",")[0])) < 1e-4  # the corrected place
    assert person.undecryptable == 0


async def test_news_from_a_district_asked_for_in_an_encrypted_chat_is_subscribed_on_the_yes(
    stack: Stack,
    register: RegisterUser,
    start_gateway: StartGateway,
    start_person: StartPerson,
    tmp_path: Path,
) -> None:
    bot, citizen = await register("bot"), await register("citizen")
    await start_gateway(bot, tmp_path / "store")
    person = await start_person(citizen)
    room = await person.open_chat(bot.user_id, encrypted=True)

    (asked,) = await turn(person, room, "Nachrichten aus Lütten Klein, bitte", 1)
    assert asked.startswith("Möchten Sie Nachrichten der Stadt bekommen: alle Themen aus Lütten"), (
        asked
    )
    assert "\n1. Ja" in asked, asked  # the choices as a numbered list
    (done,) = await turn(person, room, "1", 1)
    assert done.startswith("Erledigt. Sie bekommen jetzt Nachrichten: alle Themen aus Lütten"), done
    (listed,) = await turn(person, room, "Welche Abos habe ich?", 1)
    assert "Sie haben abonniert: alle Themen aus Lütten Klein" in listed, listed


async def test_a_wish_for_news_without_a_district_is_completed_by_the_next_answer(
    stack: Stack,
    register: RegisterUser,
    start_gateway: StartGateway,
    start_person: StartPerson,
    tmp_path: Path,
) -> None:
    bot, citizen = await register("bot"), await register("citizen")
    await start_gateway(bot, tmp_path / "store")
    person = await start_person(citizen)
    room = await person.open_chat(bot.user_id, encrypted=True)

    (which,) = await turn(person, room, "Nachrichten über Baustellen, bitte", 1)
    assert which.startswith("Gern: Baustellen und Verkehr. Für welchen Stadtteil?"), which
    assert "\n1. Ganz Rostock" in which, which
    (asked,) = await turn(person, room, "in Dierkow", 1)
    assert asked.startswith(
        "Möchten Sie Nachrichten der Stadt bekommen: Baustellen und Verkehr aus Dierkow?"
    ), asked
    (done,) = await turn(person, room, "1", 1)
    assert done.startswith(
        "Erledigt. Sie bekommen jetzt Nachrichten: Baustellen und Verkehr aus"
    ), done
    assert person.undecryptable == 0


async def test_privacy_notice_and_the_data_export_as_an_encrypted_file(
    stack: Stack,
    register: RegisterUser,
    start_gateway: StartGateway,
    start_person: StartPerson,
    tmp_path: Path,
) -> None:
    bot, citizen = await register("bot"), await register("citizen")
    await start_gateway(bot, tmp_path / "store")
    person = await start_person(citizen)
    room = await person.open_chat(bot.user_id, encrypted=True)
    await person.ask(room, "Wo ist die nächste öffentliche Toilette?")
    await settled(person, room)

    told = await person.ask(room, "/datenschutz")
    assert told.startswith("Datenschutz: Das speichere ich über Sie"), told
    assert "30 Tage nach Ihrer letzten Nachricht" in told
    await settled(person, room)
    before = len(person.received[room])
    await person.say(room, "1")  # the first offered choice: my data as a file
    await eventually(lambda: any(c.get("msgtype") == "m.file"
                                 for c in person.received[room][before:]), 60)  # fmt: skip
    (sent,) = [c for c in person.received[room][before:] if c.get("msgtype") == "m.file"]
    assert "file" in sent  # encrypted in an encrypted room
    assert "url" not in sent
    assert sent["body"].startswith("smile-city-rostock-meine-daten-")
    data = json.loads(await downloaded(person, sent))
    said = [e["text"] for e in data["conversation"] if e["from"] == "you"]
    assert said == ["Wo ist die nächste öffentliche Toilette?"], data["conversation"]
    assert data["person"]["channel"] == "matrix"
    assert person.undecryptable == 0


async def test_a_place_search_continues_after_rasa_restarts_mid_conversation(
    stack: Stack,
    register: RegisterUser,
    start_gateway: StartGateway,
    start_person: StartPerson,
    tmp_path: Path,
) -> None:
    bot, citizen = await register("bot"), await register("citizen")
    await start_gateway(bot, tmp_path / "store")
    person = await start_person(citizen)
    room = await person.open_chat(bot.user_id, encrypted=True)
    await person.ask(room, "Welche Spielplätze gibt es in Warnemünde?")
    await settled(person, room)
    await asyncio.to_thread(stack.restart_rasa)
    # the follow-up names only a district: Rasa read the conversation back from its tracker store
    before = len(person.received[room])
    await person.say(room, "und in der Südstadt?")
    names = {p["name"] for p in places(stack, type="playground", district="Südstadt", limit=100)}
    await eventually(
        lambda: any(n in str(c.get("body")) for n in names for c in person.received[room][before:]),
        120,
    )
    assert person.undecryptable == 0
