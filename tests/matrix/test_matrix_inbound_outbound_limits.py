"""Sending once and reading at a human pace, against a real Synapse: a delivery sent again (as
after a crash) appears once in the room; a person who writes faster than the limit is told once and
the rest of their flood never reaches the core, while others are answered as usual."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.channels.matrix import MatrixChannel
from bot.core.messages import Delivered, DeliveryResult, OutgoingMessage, Recipient, RetryAfter
from tests.matrix.conftest import EchoHandler, RegisterUser, StartBot, StartPerson
from tests.matrix.person import eventually

NEWS = "Die Warnowfähre fährt am Sonntag nicht."
TOO_FAST = "Sie schreiben gerade sehr schnell."


async def test_the_same_delivery_sent_again_after_a_restart_appears_once(
    register: RegisterUser, start_bot: StartBot, start_person: StartPerson, tmp_path: Path
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    store = tmp_path / "bot-store"
    bot = await start_bot(bot_user, EchoHandler(), store)
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=True)
    await eventually(lambda: room in bot.client.rooms and bot.client.rooms[room].joined_count == 2)
    recipient = Recipient("person-1", "matrix", room)
    news = OutgoingMessage(NEWS, delivery_key="announcement:7:1764850000000000:delivery:42")

    first = await bot.send(recipient, news)
    assert isinstance(first, Delivered)
    # the gateway crashed before it marked the delivery sent: a new process sends it again
    await bot.stop()
    bot = await start_bot(bot_user, EchoHandler(), store)
    again = await eventually_delivered(bot, recipient, news)
    assert again == first  # Synapse answered with the event it already has
    other = OutgoingMessage(NEWS, delivery_key="announcement:7:1764850000000000:delivery:43")
    assert isinstance(await eventually_delivered(bot, recipient, other), Delivered)

    await person.answers(room, 2)
    assert await person.quiet_for(room, 2) == []
    assert isinstance(first, Delivered)
    assert person.received_ids[room].count(str(first.message_id)) == 1
    assert [str(c["body"]) for c in person.received[room]] == [NEWS, NEWS]


async def eventually_delivered(
    bot: MatrixChannel, recipient: Recipient, message: OutgoingMessage
) -> DeliveryResult:
    """Send until the channel has caught up after its start (it answers RetryAfter until then)."""
    async with asyncio.timeout(60):
        while not isinstance(result := await bot.send(recipient, message), Delivered):
            assert isinstance(result, RetryAfter), result
            await asyncio.sleep(0.2)
    return result


async def test_a_person_writing_too_fast_is_told_once_and_others_are_served(
    register: RegisterUser, start_bot: StartBot, start_person: StartPerson
) -> None:
    bot_user = await register("bot")
    fast_user, calm_user = await register("schnell"), await register("ruhig")
    handler = EchoHandler()
    await start_bot(bot_user, handler, MATRIX_RATE_PER_SENDER="3/minute")
    fast, calm = await start_person(fast_user), await start_person(calm_user)
    fast_room = await fast.open_chat(bot_user.user_id, encrypted=True)
    calm_room = await calm.open_chat(bot_user.user_id, encrypted=True)

    for number in range(8):
        await fast.say(fast_room, f"Frage {number}")
    bodies = await fast.answers(fast_room, 4)
    assert await calm.ask(calm_room, "Wann ist Markt?") == "Echo: Wann ist Markt?"
    bodies += await fast.quiet_for(fast_room, 3)

    assert bodies[:3] == ["Echo: Frage 0", "Echo: Frage 1", "Echo: Frage 2"]
    assert len(bodies) == 4
    assert bodies[3].startswith(TOO_FAST)
    from_fast = [m.text for m in handler.messages if m.sender_id == fast_user.user_id]
    assert from_fast == ["Frage 0", "Frage 1", "Frage 2"]
    assert fast.undecryptable == 0
