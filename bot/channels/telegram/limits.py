"""Telegram's limits: file downloads, and sending (overall and per-chat pacing, answers first).

Telegram lets a bot send about 30 messages a second overall and about one a second in a chat
(https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this). Answers to
people who are chatting now go before bulk sends (announcements, report news): bulk sends wait
for the overall pace one at a time and only while no answer waits, so an answer queues behind at
most one bulk message, and a broadcast uses whatever of the 30/s the answers leave.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter, BaseRateLimiter

# The cloud Bot API lets bots download files up to 20 MB; a bigger one is refused by the core.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
# Telegram's overall limit for a bot: messages per second. Sent evenly (at most OVERALL_BURST
# at once), so that requests bunched on the way still arrive within Telegram's allowance.
OVERALL_PER_S = 30
OVERALL_BURST = 3
# Telegram asks for about one message per second in a chat; short bursts (a heading and three
# places) are fine, so a chat may send BURST at once and then one per second.
PER_CHAT_BURST = 4
PER_CHAT_PERIOD_S = 4.0
# Endpoints that are not messages and do not count against a chat's rate.
_NOT_MESSAGES = frozenset({"sendChatAction", "answerCallbackQuery", "getFile"})
_MAX_IDLE_LIMITERS = 512
# Retries on 429 before a send fails; with retry_after waits this is many minutes: never drop.
MAX_RETRIES_ON_429 = 50
# How often a waiting bulk send looks again whether answers are still waiting.
_BULK_YIELD_S = 0.005

Result = bool | dict[str, Any] | list[dict[str, Any]]

_bulk: contextvars.ContextVar[bool] = contextvars.ContextVar("telegram_bulk_send", default=False)


@contextlib.contextmanager
def bulk_sending() -> Iterator[None]:
    """Mark the Bot API requests made inside as bulk: they give way to answers."""
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)


def default_inner() -> AIORateLimiter:
    """PTB's limiter for what this one leaves to it: group pacing and retrying 429s."""
    return AIORateLimiter(overall_max_rate=0, max_retries=MAX_RETRIES_ON_429)


class TelegramRateLimiter(BaseRateLimiter[int]):
    """Overall pace with answers first, per-chat pacing, then AIORateLimiter (groups, 429s)."""

    def __init__(
        self,
        inner: AIORateLimiter,
        burst: int = PER_CHAT_BURST,
        period_s: float = PER_CHAT_PERIOD_S,
        overall_per_s: float = OVERALL_PER_S,
        *,
        paced: bool = True,
    ) -> None:
        self._inner = inner
        self._paced = paced  # False: no pacing here (TELEGRAM_RATE_LIMIT=false), 429s retried
        self._burst = burst
        self._period_s = period_s
        self._chats: dict[int, AsyncLimiter] = {}
        self._overall = AsyncLimiter(OVERALL_BURST, OVERALL_BURST / overall_per_s)
        self._answers_waiting = 0
        self._bulk_turn = asyncio.Lock()

    async def initialize(self) -> None:
        """Initialise the inner limiter."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Shut the inner limiter down."""
        await self._inner.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Wait for the chat's turn (private chats), then the overall one, then send."""
        chat_id = data.get("chat_id")
        message = self._paced and chat_id is not None and endpoint not in _NOT_MESSAGES
        if isinstance(chat_id, int) and chat_id > 0 and message:
            async with self._limiter(chat_id):
                await self._overall_turn()
                return await self._inner.process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
        if message:
            await self._overall_turn()
        return await self._inner.process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )

    async def _overall_turn(self) -> None:
        """Take one of the bot's overall messages; bulk sends only when no answer waits."""
        if not _bulk.get():
            self._answers_waiting += 1
            try:
                await self._overall.acquire()
            finally:
                self._answers_waiting -= 1
            return
        async with self._bulk_turn:
            # aiolimiter has no "wait for capacity" without taking it: look again shortly.
            while self._answers_waiting or not self._overall.has_capacity():  # noqa: ASYNC110
                await asyncio.sleep(_BULK_YIELD_S)
            await self._overall.acquire()

    def _limiter(self, chat_id: int) -> AsyncLimiter:
        """The chat's limiter, forgetting idle ones when many have piled up."""
        if len(self._chats) > _MAX_IDLE_LIMITERS:
            for key, limiter in list(self._chats.items()):
                if key != chat_id and limiter.has_capacity(limiter.max_rate):
                    del self._chats[key]
        if chat_id not in self._chats:
            self._chats[chat_id] = AsyncLimiter(self._burst, self._period_s)
        return self._chats[chat_id]
