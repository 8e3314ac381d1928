"""Inbound limits of the web chat: per client address and per sender, in moving windows.

One client sending fast (or inventing a new sender id for every request) is told to wait, while
everybody else is answered as usual. The windows live in this process (`limits`' memory storage);
several gateways behind a balancer each count their own share.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from aiohttp import web
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

# Bodies without audio are small: a message is at most 4,000 characters.
MAX_TEXT_BODY_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Limited:
    """A request over a limit, and how many seconds until it would be allowed."""

    retry_after_s: int


class WebLimits:
    """Moving-window limits per client address and per sender id."""

    def __init__(self, per_sender: str, per_address: str, *, trust_forwarded_for: bool) -> None:
        self._per_sender: list[RateLimitItem] = parse_many(per_sender)
        self._per_address: list[RateLimitItem] = parse_many(per_address)
        self._trust_forwarded_for = trust_forwarded_for
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def client_address(self, request: web.Request) -> str:
        """The client's address (the balancer's last X-Forwarded-For entry when trusted)."""
        forwarded = request.headers.get("X-Forwarded-For", "")
        if self._trust_forwarded_for and forwarded.strip():
            return forwarded.split(",")[-1].strip()
        return request.remote or "unknown"

    def same_site(self, request: web.Request) -> bool:
        """Whether a request with an Origin header comes from the chat page's own site."""
        origin = request.headers.get("Origin")
        if origin is None:  # not sent by a browser's cross-site fetch
            return True
        host = origin.split("://", 1)[-1]
        hosts = {request.host}
        if self._trust_forwarded_for and request.headers.get("X-Forwarded-Host"):
            hosts.add(request.headers["X-Forwarded-Host"].split(",")[-1].strip())
        return host in hosts

    async def check(self, address: str, sender: str | None) -> Limited | None:
        """Count one request; a `Limited` when it is over a limit (then nothing is counted)."""
        checks = [(item, ("address", address)) for item in self._per_address]
        if sender is not None:
            checks += [(item, ("sender", sender)) for item in self._per_sender]
        for item, ids in checks:
            if not await self._limiter.test(item, *ids):
                stats = await self._limiter.get_window_stats(item, *ids)
                return Limited(max(1, math.ceil(stats.reset_time - time.time())))
        for item, ids in checks:
            await self._limiter.hit(item, *ids)
        return None
