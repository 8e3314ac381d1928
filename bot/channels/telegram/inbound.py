"""Fairness and back-pressure for incoming updates: one queue and one task per chat.

Each chat's updates wait in their own bounded queue, drained in order by the chat's own task, so
waiting for one's turn in a chat holds nothing shared: a chat that floods only delays itself.
Only a turn being handled takes one of the shared slots (`TELEGRAM_CONCURRENT_UPDATES`).

A chat that writes faster than `per_minute` messages a minute (a leaky bucket: that many at once,
then one every 60/per_minute seconds), or whose backlog is full, is declined: the update is not
queued, and the chat is told once until it is accepted again.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from aiolimiter import AsyncLimiter

log = logging.getLogger(__name__)
T = TypeVar("T")
# Idle chats' limiters are forgotten once this many have piled up.
_MAX_IDLE_CHATS = 1024


class Admission(enum.Enum):
    """What became of an offered update."""

    QUEUED = "queued"
    DECLINED_TELL = "declined_tell"  # declined; the chat is to be told (the first since accepted)
    DECLINED = "declined"  # declined; the chat was told already


@dataclass
class _Chat(Generic[T]):
    limiter: AsyncLimiter
    queue: deque[T] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None
    told: bool = False


class ChatQueues(Generic[T]):
    """Per-chat queues drained by per-chat tasks with `handle`, at most `slots` at once."""

    def __init__(
        self,
        handle: Callable[[T], Awaitable[None]],
        *,
        per_minute: int,
        backlog: int,
        slots: int,
    ) -> None:
        self._handle = handle
        self._per_minute = per_minute
        self._backlog = backlog
        self._slots = asyncio.Semaphore(slots)
        self._chats: dict[int | None, _Chat[T]] = {}
        self._stopping = False

    async def offer(self, chat_id: int | None, item: T, *, limited: bool = True) -> Admission:
        """Queue the update for its chat, or decline it (over the rate, or the backlog full).

        `limited=False` for updates admitted before (taken up again from the inbox).
        """
        chat = self._chat(chat_id)
        if limited:
            full = len(chat.queue) >= self._backlog
            if full or not chat.limiter.has_capacity():
                if chat.told:
                    return Admission.DECLINED
                chat.told = True
                return Admission.DECLINED_TELL
            await chat.limiter.acquire()  # has capacity: returns at once
        chat.told = False
        chat.queue.append(item)
        if chat.task is None and not self._stopping:
            chat.task = asyncio.create_task(self._drain(chat_id, chat), name="telegram-chat")
        return Admission.QUEUED

    def backlog(self, chat_id: int | None) -> int:
        """How many updates of the chat wait (not counting the one being handled)."""
        chat = self._chats.get(chat_id)
        return len(chat.queue) if chat else 0

    def _chat(self, chat_id: int | None) -> _Chat[T]:
        chat = self._chats.get(chat_id)
        if chat is not None:
            return chat
        if len(self._chats) > _MAX_IDLE_CHATS:
            for key, other in list(self._chats.items()):
                if other.task is None and other.limiter.has_capacity(other.limiter.max_rate):
                    del self._chats[key]
        chat = self._chats[chat_id] = _Chat(AsyncLimiter(self._per_minute, 60.0))
        return chat

    async def _drain(self, chat_id: int | None, chat: _Chat[T]) -> None:
        try:
            while chat.queue and not self._stopping:
                async with self._slots:
                    # taken only with a slot: waiting for one is not a turn in flight at stop
                    if self._stopping or not chat.queue:
                        break
                    item = chat.queue.popleft()
                    try:
                        await self._handle(item)
                    except Exception:
                        log.exception("a telegram update could not be handled")
        finally:
            chat.task = None

    async def stop(self, grace_s: float) -> int:
        """Take no more turns; wait up to `grace_s` for those in flight; how many were cut off.

        What still waits stays where it came from (the inbox) for the next start.
        """
        self._stopping = True
        tasks = [c.task for c in self._chats.values() if c.task is not None]
        if not tasks:
            return 0
        _, late = await asyncio.wait(tasks, timeout=grace_s)
        for task in late:
            task.cancel()
        for task in late:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        return len(late)
