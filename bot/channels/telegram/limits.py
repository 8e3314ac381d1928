"""Telegram's limits: file downloads, and sending (PTB's AIORateLimiter plus per-chat pacing)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter, BaseRateLimiter

# The cloud Bot API lets bots download files up to 20 MB; a bigger one is refused by the core.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
# Telegram asks for about one message per second in a chat; short bursts (a heading and three
# places) are fine, so a chat may send BURST at once and then one per second.
PER_CHAT_BURST = 5
PER_CHAT_PERIOD_S = 5.0
# Endpoints that are not messages and do not count against a chat's rate.
_NOT_MESSAGES = frozenset({"sendChatAction", "answerCallbackQuery", "getFile"})
_MAX_IDLE_LIMITERS = 512

Result = bool | dict[str, Any] | list[dict[str, Any]]


class TelegramRateLimiter(BaseRateLimiter[int]):
    """Per-chat pacing in front of AIORateLimiter (30/s overall, 20/min per group, 429 retries)."""

    def __init__(
        self,
        inner: AIORateLimiter,
        burst: int = PER_CHAT_BURST,
        period_s: float = PER_CHAT_PERIOD_S,
    ) -> None:
        self._inner = inner
        self._burst = burst
        self._period_s = period_s
        self._chats: dict[int, AsyncLimiter] = {}

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
        """Wait for the chat's turn (private chats; groups are paced by the inner limiter)."""
        chat_id = data.get("chat_id")
        if isinstance(chat_id, int) and chat_id > 0 and endpoint not in _NOT_MESSAGES:
            async with self._limiter(chat_id):
                return await self._inner.process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
        return await self._inner.process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )

    def _limiter(self, chat_id: int) -> AsyncLimiter:
        """The chat's limiter, forgetting idle ones when many have piled up."""
        if len(self._chats) > _MAX_IDLE_LIMITERS:
            for key, limiter in list(self._chats.items()):
                if key != chat_id and limiter.has_capacity(limiter.max_rate):
                    del self._chats[key]
        if chat_id not in self._chats:
            self._chats[chat_id] = AsyncLimiter(self._burst, self._period_s)
        return self._chats[chat_id]
