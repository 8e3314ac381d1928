"""The Matrix channel's limits: attachment size, how long it backs off from the homeserver, and
how fast one person may write."""

from __future__ import annotations

from collections import OrderedDict

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

# Attachments over this size are not downloaded (a usual homeserver upload limit).
MAX_MEDIA_BYTES = 20 * 1024 * 1024
# How long an attachment's download may take.
DOWNLOAD_TIMEOUT_S = 60.0
# The longest wait between retries of a sync, a login or a failed send.
MAX_BACKOFF_S = 30.0
# How long an outbound send keeps retrying 5xx answers before it reports RetryAfter.
OUTBOUND_RETRY_S = 30.0
# Senders remembered as told that they write too fast (a flood of new senders cannot grow it).
_MAX_TOLD = 10_000


class SenderLimit:
    """How fast one person may write to the bot, in moving windows (in this process's memory).

    `allow` counts a message and says whether it may go to the core; `first_refusal` says whether
    a refused one is the first since the person was last let through (only that one is answered).
    """

    def __init__(self, per_sender: str) -> None:
        self._items: list[RateLimitItem] = parse_many(per_sender)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._told: OrderedDict[str, None] = OrderedDict()

    async def allow(self, sender: str) -> bool:
        """Count one message of `sender`; False when it is over a limit (then it is not counted)."""
        for item in self._items:
            if not await self._limiter.test(item, "matrix-sender", sender):
                return False
        for item in self._items:
            await self._limiter.hit(item, "matrix-sender", sender)
        self._told.pop(sender, None)
        return True

    def first_refusal(self, sender: str) -> bool:
        """Whether `sender` has not been told yet that they write too fast (and note it now)."""
        if sender in self._told:
            return False
        self._told[sender] = None
        while len(self._told) > _MAX_TOLD:
            self._told.popitem(last=False)
        return True
