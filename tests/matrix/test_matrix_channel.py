"""The Matrix channel against a real Synapse: joining, answering, encryption, restarts, limits.

The core is replaced by a recording echo handler here (channel mechanics only); conversations
through the real Rasa stack are in test_matrix_conversation.py.
"""

from __future__ import annotations

import asyncio
import io
import logging
from pathlib import Path

import pytest
from nio import Api, RoomGetStateEventResponse, RoomSendResponse, UploadResponse

from bot.channels.matrix import build
from bot.core.messages import Delivered, OutgoingMessage, Recipient, RecipientGone
from tests.matrix.conftest import EchoHandler, RegisterUser, StartBot, StartPerson
from tests.matrix.person import eventually
from tests.matrix.synapse import Synapse, free_port


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
    assert content["body"] == "Möchten Sie das?\n\n1. Ja\n2. Nein <nicht>"
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
    room = await person.invite_to_new_room(bot_user.user_id, encrypted=True)
    await person.say(room, "alte Nachricht")
    await asyncio.sleep(0.1)

    handler = EchoHandler()
    bot = await start_bot(bot_user, handler, store)
    await person.wait_for_member(room, bot_user.user_id)
    assert await person.ask(room, "erste Frage") == "Echo: erste Frage"
    device = bot.client.device_id
    await bot.stop()

    # sent while the bot is down, encrypted with the room key the bot's device already holds
    await person.say(room, "Frage während des Neustarts")
    handler2 = EchoHandler()
    bot2 = await start_bot(bot_user, handler2, store)
    bodies = await person.answers(room, 2)
    assert bot2.client.device_id == device  # same device, same keys: the citizen sees no change
    assert bodies[-1] == "Echo: Frage während des Neustarts"
    assert await person.quiet_for(room, 3) == []
    assert [m.text for m in handler.messages] == ["erste Frage"]
    assert [m.text for m in handler2.messages] == ["Frage während des Neustarts"]
    assert person.undecryptable == 0


async def test_bot_logs_in_with_an_access_token_and_device_id(
    register: RegisterUser, start_bot: StartBot, start_person: StartPerson
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    bot = await start_bot(
        bot_user,
        EchoHandler(),
        MATRIX_PASSWORD="",
        MATRIX_ACCESS_TOKEN=bot_user.access_token,
        MATRIX_DEVICE_ID=bot_user.device_id,
    )
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=True)
    assert await person.ask(room, "Token?") == "Echo: Token?"
    assert bot.client.device_id == bot_user.device_id


async def test_bot_reconnects_after_the_homeserver_restarts(
    synapse: Synapse, register: RegisterUser, start_bot: StartBot, start_person: StartPerson
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    handler = EchoHandler()
    await start_bot(bot_user, handler)
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=True)
    assert await person.ask(room, "vor dem Neustart") == "Echo: vor dem Neustart"

    await synapse.restart()

    assert await person.ask(room, "nach dem Neustart", within=120) == "Echo: nach dem Neustart"
    assert [m.text for m in handler.messages] == ["vor dem Neustart", "nach dem Neustart"]


async def test_rate_limited_answers_are_retried_not_dropped(
    synapse: Synapse,
    register: RegisterUser,
    start_bot: StartBot,
    start_person: StartPerson,
    caplog: pytest.LogCaptureFixture,
) -> None:
    admin = await register("admin", admin=True)
    bot_user, citizen = await register("bot"), await register("citizen")
    await start_bot(bot_user, EchoHandler())
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=False)
    # from now on the bot may send one message per second (burst 1): Synapse answers 429 otherwise
    await synapse.admin_call(
        admin,
        "POST",
        f"/_synapse/admin/v1/users/{bot_user.user_id}/override_ratelimit",
        {"messages_per_second": 1, "burst_count": 1},
    )
    caplog.set_level(logging.WARNING, logger="nio")
    for number in range(4):
        await person.say(room, f"Frage {number}")
    bodies = await person.answers(room, 4, within=120)
    assert sorted(bodies) == [f"Echo: Frage {n}" for n in range(4)]
    assert any("429" in r.getMessage() for r in caplog.records)


async def test_bad_input_gets_polite_answers_and_no_crash(
    register: RegisterUser, start_bot: StartBot, start_person: StartPerson
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    handler = EchoHandler()
    await start_bot(bot_user, handler)
    person = await start_person(citizen)
    # encrypted, so Synapse cannot check the content: whatever a client puts in reaches the bot
    room = await person.open_chat(bot_user.user_id, encrypted=True)

    # what the channel cannot pass on goes to the core as unusable; the core refuses it
    await person.send(room, {"msgtype": "org.example.hologram", "body": "?"})
    assert (await person.answers(room, 1))[-1] == "Abgelehnt: unsupported"
    await person.send(room, {"msgtype": "m.text", "body": 42})
    assert (await person.answers(room, 2))[-1] == "Abgelehnt: unreadable"
    await person.send(room, {"msgtype": "m.location", "body": "x", "geo:": "geo:999,999"})
    assert (await person.answers(room, 3))[-1] == "Abgelehnt: bad_location"
    # a long text is the core's to refuse (the same limit on every channel): it arrives whole
    await person.say(room, "Wo? " * 5000)
    assert (await person.answers(room, 4))[-1] == "Echo: " + ("Wo? " * 5000).strip()
    # a message encrypted with a key the bot never got
    fake = {
        "algorithm": "m.megolm.v1.aes-sha2",
        "sender_key": "x" * 43,
        "session_id": "y" * 43,
        "ciphertext": "AwgAEnAGarbage",
        "device_id": "NOPE",
    }
    method, path, data = Api.room_send(
        person.client.access_token, room, "m.room.encrypted", fake, "fake-txn"
    )
    await person.client._send(RoomSendResponse, method, path, data, (room,))
    assert "nicht entschlüsseln" in (await person.answers(room, 5))[-1]
    # still answering normally; the undecryptable one never reached the core
    assert await person.ask(room, "Geht es noch?") == "Echo: Geht es noch?"
    assert [m.unusable for m in handler.messages] == [
        "unsupported",
        "unreadable",
        "bad_location",
        None,
        None,
    ]


async def test_voice_note_and_photo_reach_the_core_decrypted(
    register: RegisterUser, start_bot: StartBot, start_person: StartPerson
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    handler = EchoHandler()
    await start_bot(bot_user, handler)
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=True)
    voice = bytes(range(256)) * 40
    photo = b"\x89PNG\r\n\x1a\n" + bytes(5000)

    for data, mime, content in (
        (voice, "audio/ogg", {"msgtype": "m.audio", "org.matrix.msc3245.voice": {}}),
        (photo, "image/png", {"msgtype": "m.image"}),
    ):
        upload, keys = await person.client.upload(
            io.BytesIO(data), content_type=mime, encrypt=True, filesize=len(data)
        )
        assert isinstance(upload, UploadResponse)
        assert keys is not None
        info = {"mimetype": mime, "size": len(data), "duration": 2500}
        await person.send(
            room,
            {**content, "body": "file", "info": info, "file": {**keys, "url": upload.content_uri}},
        )
    bodies = await person.answers(room, 2)
    assert bodies == [f"Audio: {len(voice)} Bytes", f"Bild: {len(photo)} Bytes"]
    audio, image = handler.messages[0].audio, handler.messages[1].image
    assert audio is not None
    assert (audio.data, audio.mime_type, audio.duration_s) == (voice, "audio/ogg", 2.5)
    assert image is not None
    assert image.data == photo


async def test_an_attachment_larger_than_its_sender_declared_is_not_read_past_the_limit(
    register: RegisterUser,
    start_bot: StartBot,
    start_person: StartPerson,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("bot.channels.matrix.send.MAX_MEDIA_BYTES", 4096, raising=False)
    bot_user, citizen = await register("bot"), await register("citizen")
    handler = EchoHandler()
    await start_bot(bot_user, handler)
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=True)
    for size in (5000, 4000):  # the first is over the limit, though it says 100 bytes
        photo = b"\x89PNG\r\n\x1a\n" + bytes(size - 8)
        upload, keys = await person.client.upload(
            io.BytesIO(photo), content_type="image/png", encrypt=True, filesize=len(photo)
        )
        assert isinstance(upload, UploadResponse)
        assert keys is not None
        info = {"mimetype": "image/png", "size": 100}
        await person.send(
            room,
            {"msgtype": "m.image", "body": "photo", "info": info,
             "file": {**keys, "url": upload.content_uri}},
        )  # fmt: skip
    assert await person.answers(room, 2) == ["Abgelehnt: too_large", "Bild: 4000 Bytes"]
    assert handler.messages[0].image is None


async def test_invites_from_other_servers_are_declined(
    register: RegisterUser, start_bot: StartBot, start_person: StartPerson
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    await start_bot(bot_user, EchoHandler(), MATRIX_ALLOWED_SERVERS="rostock.de, example.org")
    person = await start_person(citizen)
    room = await person.invite_to_new_room(bot_user.user_id)
    # the invite is rejected: the bot's membership turns from "invite" to "leave"
    async with asyncio.timeout(60):
        while True:
            resp = await person.client.room_get_state_event(room, "m.room.member", bot_user.user_id)
            assert isinstance(resp, RoomGetStateEventResponse), resp
            if resp.content.get("membership") == "leave":
                break
            assert resp.content.get("membership") == "invite"  # never "join"
            await asyncio.sleep(0.2)


async def test_bot_leaves_a_room_once_everyone_else_left(
    register: RegisterUser, start_bot: StartBot, start_person: StartPerson
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    bot = await start_bot(bot_user, EchoHandler())
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=False)
    await eventually(lambda: room in bot.client.rooms)  # the bot's own sync saw its join
    await person.client.room_leave(room)
    await eventually(lambda: room not in bot.client.rooms)


async def test_unreachable_homeserver_does_not_block_the_gateway(tmp_path: Path) -> None:
    env = {
        "MATRIX_HOMESERVER": f"http://127.0.0.1:{free_port()}",
        "MATRIX_USER_ID": "@bot:localhost",
        "MATRIX_PASSWORD": "pw",
        "MATRIX_STORE_DIR": str(tmp_path / "store"),
    }
    channel = build(env, EchoHandler(), None)
    assert channel is not None
    async with asyncio.timeout(5):  # the other channels start right after this one
        await channel.start()
        await asyncio.sleep(0.5)
        await channel.stop()


async def test_send_delivers_until_the_person_leaves_the_room(
    register: RegisterUser, start_bot: StartBot, start_person: StartPerson
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    bot = await start_bot(bot_user, EchoHandler())
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=True)
    await eventually(lambda: room in bot.client.rooms and bot.client.rooms[room].joined_count == 2)
    recipient = Recipient("person-1", "matrix", room)
    news = OutgoingMessage("Die Stadtbibliothek ist am Montag geschlossen.")
    assert isinstance(await bot.send(recipient, news), Delivered)
    assert (await person.answers(room, 1)) == [news.text]
    assert person.undecryptable == 0

    await person.client.room_leave(room)
    # As soon as the bot's sync saw the person go, nobody is there to read it ...
    rooms = bot.client.rooms
    await eventually(lambda: room not in rooms or rooms[room].joined_count < 2)
    assert await bot.send(recipient, news) == RecipientGone("left")
    # ... and once the bot left the empty room too, the room is gone for it.
    await eventually(lambda: room not in bot.client.rooms)
    assert await bot.send(recipient, news) == RecipientGone("left")
