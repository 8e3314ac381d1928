"""The Matrix channel against a real Synapse: joining, answering, encryption, restarts, limits.

The core is replaced by a recording echo handler here (channel mechanics only); conversations
through the real Rasa stack are in test_matrix_conversation.py.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.matrix.conftest import EchoHandler, RegisterUser, StartBot, StartPerson


async def test_bot_joins_on_invite_and_answers_in_plain_room(
    register: RegisterUser, start_bot: StartBot, start_person: StartPerson
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    handler = EchoHandler()
    await start_bot(bot_user, handler)
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=False)

    assert await person.ask(room, "Hallo Bot") == "Echo: Hallo Bot"
    assert handler.messages[0].sender_id == citizen.user_id
    assert handler.messages[0].chat_id == room

    await person.ask(room, "Auswahl bitte")
    content = person.received[room][-1]
    assert content["body"] == "Möchtest du das?\n\n1. Ja\n2. Nein <nicht>"
    assert content["format"] == "org.matrix.custom.html"
    assert "<ol><li>Ja</li><li>Nein &lt;nicht&gt;</li></ol>" in content["formatted_body"]


async def test_encrypted_direct_chat_round_trip(
    register: RegisterUser, start_bot: StartBot, start_person: StartPerson
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    handler = EchoHandler()
    await start_bot(bot_user, handler)
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=True)

    assert await person.ask(room, "Geheime Frage") == "Echo: Geheime Frage"
    # the answer arrived encrypted and the citizen's client could decrypt it
    assert person.client.rooms[room].encrypted
    assert person.undecryptable == 0


async def test_location_reaches_the_core_as_coordinates(
    register: RegisterUser, start_bot: StartBot, start_person: StartPerson
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    handler = EchoHandler()
    await start_bot(bot_user, handler)
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=True)

    await person.send(
        room, {"msgtype": "m.location", "body": "Mein Standort", "geo_uri": "geo:54.0887,12.1405"}
    )
    assert (await person.answers(room))[-1] == "Ort: 54.0887,12.1405"
    location = handler.messages[-1].location
    assert location is not None
    assert (location.latitude, location.longitude) == (54.0887, 12.1405)


async def test_group_room_answers_only_when_mentioned_or_replied_to(
    register: RegisterUser, start_bot: StartBot, start_person: StartPerson
) -> None:
    bot_user, alice_user, bob_user = await register("bot"), await register("a"), await register("b")
    handler = EchoHandler()
    await start_bot(bot_user, handler)
    alice, bob = await start_person(alice_user), await start_person(bob_user)
    room = await alice.open_chat(bot_user.user_id, encrypted=False, direct=False)
    await alice.client.room_invite(room, bob_user.user_id)
    await bob.client.join(room)
    await alice.wait_for_member(room, bob_user.user_id)

    await alice.say(room, "Bob, kommst du heute?")
    assert await alice.quiet_for(room, 3) == []

    localpart = bot_user.user_id[1:].split(":")[0]
    mention = {"m.mentions": {"user_ids": [bot_user.user_id]}}
    answer = await alice.ask(room, f"{localpart}: Wann öffnet das Rathaus?", **mention)
    assert answer == "Echo: Wann öffnet das Rathaus?"

    bot_event_id = alice.received_ids[room][-1]
    before = len(alice.received[room])
    reply = {"m.relates_to": {"m.in_reply_to": {"event_id": bot_event_id}}}
    await bob.say(room, "Und am Samstag?", **reply)
    bodies = await alice.answers(room, before + 1)
    assert bodies[-1] == "Echo: Und am Samstag?"
    assert [m.sender_id for m in handler.messages] == [alice_user.user_id, bob_user.user_id]


async def test_restart_answers_what_came_meanwhile_once_and_never_history(
    register: RegisterUser, start_bot: StartBot, start_person: StartPerson, tmp_path: Path
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    person = await start_person(citizen)
    store = tmp_path / "bot-store"
    # history: the citizen wrote before the bot ever started
    room = await person.invite_to_new_room(bot_user.user_id)
    await person.say(room, "alte Nachricht")
    await asyncio.sleep(0.1)

    handler = EchoHandler()
    bot = await start_bot(bot_user, handler, store)
    await person.wait_for_member(room, bot_user.user_id)
    assert await person.ask(room, "erste Frage") == "Echo: erste Frage"
    await bot.stop()

    await person.say(room, "Frage während des Neustarts")
    handler2 = EchoHandler()
    await start_bot(bot_user, handler2, store)
    bodies = await person.answers(room, 2)
    assert bodies[-1] == "Echo: Frage während des Neustarts"
    assert await person.quiet_for(room, 3) == []
    assert [m.text for m in handler.messages] == ["erste Frage"]
    assert [m.text for m in handler2.messages] == ["Frage während des Neustarts"]
