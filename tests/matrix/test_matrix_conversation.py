"""Citizens on Matrix talking to the whole assistant: a real gateway process (with the Matrix
channel switched on by its MATRIX_* environment), real Rasa, actions, city data API and Synapse."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.matrix.conftest import RegisterUser, StartPerson
from tests.matrix.synapse import RegisteredUser, Synapse
from tests.stack import Service, Stack, http_json

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
        service = await asyncio.to_thread(stack.start_gateway, env)
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


async def test_question_in_a_room_gets_the_assistants_answer(
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

    answer = await person.ask(room, "Wo gibt es öffentliche Toiletten in Warnemünde?")
    names = [p["name"] for p in places(stack, type="toilet", district="Warnemünde")]
    assert any(name in answer for name in names), answer


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
    before = len(person.received[room])
    await person.send(
        room, {"msgtype": "m.location", "body": "Mein Standort", "geo_uri": "geo:54.0887,12.1405"}
    )
    answer = " ".join((await person.answers(room, before + 1))[before:])
    nearest = places(stack, type="toilet", near="54.0887,12.1405")[0]["name"]
    assert nearest in answer
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
    first = await person.ask(room, "Hallo")
    assert first

    await asyncio.to_thread(gateway.stop)
    await person.say(room, "Wo gibt es öffentliche Toiletten in Warnemünde?")
    await start_gateway(bot, store)
    answers = await person.answers(room, 2, within=120)
    names = [p["name"] for p in places(stack, type="toilet", district="Warnemünde")]
    assert any(name in answers[1] for name in names), answers
    assert await person.quiet_for(room, 4) == []  # nothing answered twice after the restart

    await synapse.restart()
    answer = await person.ask(room, "Danke", within=120)
    assert answer
    assert answer not in answers  # a fresh answer to the new message
