"""The gateway process killed (SIGKILL) or stopped (SIGTERM) with a backlog of Telegram updates.

Updates are stored in the gateway's database before Telegram is told they arrived (the next
getUpdates), so a backlog that Telegram already forgot survives a kill -9 and is answered after
the restart, in order per chat. The gateway runs as a real process (`python -m bot`) against
the Bot API stand-in with Telegram's limits enforced (30 messages a second), so 160 answers take
several seconds; the channel answers /help and /start itself, so no assistant is needed.

As for broadcasts, the Bot API has no idempotency key: an answer Telegram accepted in the instant
before the killed process marked its update done is sent again after the restart. The test checks
that precisely those (at most one per chat, the one in flight), and no others, arrive twice.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.models import TelegramInboxRow
from tests.telegram.botapi_standin import BotApiStandIn
from tests.telegram.gateway_process import Gateway, gateway_env
from tests.telegram.helpers import BOT_ID, BOT_USERNAME, TOKEN, text_update, user

CHATS = 40
FIRST_CHAT = 820_000_000
# Each chat asks /help, /start, /help, /start: its answers show the order they came in.
ASKED = ("/help", "/start", "/help", "/start")
HELP, WELCOME = "Ich helfe bei Fragen zu Rostock", "Hallo!"
# The gateway's shutdown timeout (bot/__main__.py): a graceful stop ends within it.
SHUTDOWN_TIMEOUT_S = 5.0
_inbox = TelegramInboxRow.__table__


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    standin = BotApiStandIn(TOKEN, bot_id=BOT_ID, username=BOT_USERNAME)
    await standin.start()
    standin.enforce_limits()  # 30/s overall: the 160 answers take over 5 s
    yield standin
    await standin.stop()


def push_backlog(api: BotApiStandIn) -> tuple[list[int], int]:
    """Every chat's four messages, queued at Telegram before the gateway starts."""
    chats = list(range(FIRST_CHAT, FIRST_CHAT + CHATS))
    last = 0
    for asked in ASKED:
        for chat in chats:
            last = api.push(text_update(asked, sender=user(chat, "de")))
    return chats, last


def answers(api: BotApiStandIn, chat: int) -> list[str]:
    """What the chat got, as "help" and "start" in order."""
    said = []
    for text in api.texts(chat):
        if text.startswith(HELP):
            said.append("help")
        elif text.startswith(WELCOME):
            said.append("start")
    return said


def answered(api: BotApiStandIn, chats: list[int]) -> int:
    return sum(len(answers(api, chat)) for chat in chats)


async def waiting(engine: AsyncEngine) -> Counter[int]:
    """Per chat, how many of its updates the inbox holds as not answered."""
    query = (
        select(_inbox.c.chat_id, func.count())
        .where(_inbox.c.status == "pending")
        .group_by(_inbox.c.chat_id)
    )
    async with engine.connect() as conn:
        return Counter({int(chat): int(n) for chat, n in (await conn.execute(query)).all()})


async def backlog_fetched_and_partly_answered(
    api: BotApiStandIn, chats: list[int], last_update: int
) -> None:
    """Telegram has been told every update arrived (it forgot them), a fifth are answered."""
    await api.wait_for(
        lambda: (
            api.confirmed_offset > last_update
            and answered(api, chats) >= len(chats) * len(ASKED) // 5
        ),
        within_s=60,
    )


async def test_kill_9_with_a_backlog_and_restart_answers_every_update_in_order_once(
    api: BotApiStandIn, engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    chats, last_update = push_backlog(api)
    env = gateway_env(api.url, TOKEN, database_url)
    first = Gateway(env, tmp_path / "gateway-1.log")
    second: Gateway | None = None
    try:
        await first.start()
        await backlog_fetched_and_partly_answered(api, chats, last_update)
        first.kill()
        await asyncio.sleep(0.5)  # requests the stand-in was still answering are recorded
        left = await waiting(engine)
        before = {chat: len(answers(api, chat)) for chat in chats}
        assert sum(left.values()) > 0  # a backlog Telegram no longer holds: only the inbox has it
        # Answered but not yet marked (the send on the wire at the kill): at most one a chat.
        window = {chat: before[chat] - (len(ASKED) - left[chat]) for chat in chats}
        assert all(0 <= n <= 1 for n in window.values()), window

        second = Gateway(env, tmp_path / "gateway-2.log")
        await second.start()
        total = len(chats) * len(ASKED) + sum(window.values())
        await api.wait_for(lambda: answered(api, chats) >= total, within_s=60)
        await asyncio.sleep(1.5)  # a further answer would come within this time
    finally:
        for gateway in (first, second):
            if gateway is not None:
                gateway.stop()

    for chat in chats:
        got = answers(api, chat)
        # every update answered; only the one on the wire at the kill twice; in order
        assert len(got) == len(ASKED) + window[chat], (chat, got)
        deduplicated = got[: before[chat] - window[chat]] + got[before[chat] :]
        assert deduplicated == ["help", "start", "help", "start"], (chat, got)
    assert await waiting(engine) == Counter()
    print(
        f"answered before the kill {sum(before.values())}, left in the inbox "
        f"{sum(left.values())}, on the wire (sent twice) {sum(window.values())}"
    )


async def test_a_graceful_stop_with_a_backlog_ends_in_time_and_the_rest_is_answered_after(
    api: BotApiStandIn, engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    chats, last_update = push_backlog(api)
    env = gateway_env(api.url, TOKEN, database_url)
    first = Gateway(env, tmp_path / "gateway-1.log")
    second: Gateway | None = None
    try:
        await first.start()
        await backlog_fetched_and_partly_answered(api, chats, last_update)
        took = await first.terminate()
        print(f"SIGTERM to exit with a backlog: {took:.2f} s")
        assert took < SHUTDOWN_TIMEOUT_S
        left = await waiting(engine)
        before = {chat: len(answers(api, chat)) for chat in chats}
        assert sum(left.values()) > 0  # the rest was left in the inbox
        # in-flight turns finished and were marked: nothing answered is still waiting
        assert all(before[chat] == len(ASKED) - left[chat] for chat in chats)

        second = Gateway(env, tmp_path / "gateway-2.log")
        await second.start()
        await api.wait_for(lambda: answered(api, chats) >= len(chats) * len(ASKED), within_s=60)
        await asyncio.sleep(1.5)  # a further answer would come within this time
    finally:
        for gateway in (first, second):
            if gateway is not None:
                gateway.stop()

    for chat in chats:
        assert answers(api, chat) == ["help", "start", "help", "start"], chat
    assert await waiting(engine) == Counter()
