"""The web chat's outbound port: what the city writes first waits in the outbox for the
person's next visit, and is pushed at once over an open event stream (GET /api/chat/events).

The inbound port is the route POST /api/chat (`routes.py`), which calls the core's `handle`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.channels.web.convert import message_json
from bot.core.messages import (
    ChannelName,
    Delivered,
    DeliveryResult,
    OutgoingMessage,
    Recipient,
    RecipientGone,
    RetryAfter,
)
from bot.store.identity import PeopleIds
from bot.store.people import SqlPersonStore
from bot.store.web_outbox import WebOutbox

log = logging.getLogger(__name__)

# The gateway's database did not answer: try the same message again after this long.
DATABASE_RETRY_S = 10.0


class WebChannel:
    """The web chat as an outbound channel; the event-stream route listens through `listen`."""

    name: ChannelName = "web"

    def __init__(
        self, people: SqlPersonStore, outbox: WebOutbox, ids: PeopleIds | None = None
    ) -> None:
        self._people = people
        self._ids = ids
        self.outbox = outbox
        # Per address: one wake-up event per open event stream.
        self._listeners: defaultdict[str, set[asyncio.Event]] = defaultdict(set)
        self._stopping = False

    async def start(self) -> None:
        """Nothing to connect: the web chat is served by the gateway itself."""
        self._stopping = False

    async def stop(self) -> None:
        """End every open event stream (what is still waiting stays for the next visit)."""
        self._stopping = True
        for events in self._listeners.values():
            for event in events:
                event.set()

    def address_of(self, sender: str) -> str:
        """The stored address of a web chat sender id (its keyed hash, as people are kept)."""
        return self._ids.address("web", sender) if self._ids is not None else sender

    @property
    def stopping(self) -> bool:
        """Whether open event streams should end now."""
        return self._stopping

    async def send(self, recipient: Recipient, message: OutgoingMessage) -> DeliveryResult:
        """Keep the message for the person (persist first), then wake their open streams."""
        try:
            person = await self._people.get(recipient.person_id)
            if person is None or person.channel != "web":
                return RecipientGone("not_found")
            waiting_id = await self.outbox.put(person.id, recipient.address, message_json(message))
        except (SQLAlchemyError, OSError) as exc:
            log.warning("web chat outbox unavailable: %s", type(exc).__name__)
            return RetryAfter(DATABASE_RETRY_S, "database_unavailable")
        for event in self._listeners.get(recipient.address, ()):
            event.set()
        return Delivered(str(waiting_id))

    @asynccontextmanager
    async def listen(self, address: str) -> AsyncIterator[asyncio.Event]:
        """An event set whenever a message for `address` is waiting (or the channel stops)."""
        event = asyncio.Event()
        event.set()  # what waited before the stream opened goes out at once
        self._listeners[address].add(event)
        try:
            yield event
        finally:
            self._listeners[address].discard(event)
            if not self._listeners[address]:
                del self._listeners[address]

    @asynccontextmanager
    async def waiting(self, address: str) -> AsyncIterator[list[dict[str, Any]]]:
        """The messages waiting for `address` (web chat JSON); removed once the block succeeds,
        so a message is lost neither when the connection drops nor when the gateway stops."""
        found = await self.outbox.waiting(address)
        yield [message for _, message in found]
        await self.outbox.remove([waiting_id for waiting_id, _ in found])
