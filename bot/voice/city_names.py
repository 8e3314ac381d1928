"""Fetches the city's names (districts, Ortsteile, streets, places) from the city data API."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import aiohttp

from bot.voice.vocabulary import Vocabulary, street_of

logger = logging.getLogger(__name__)

PAGE = 100  # the city data API's largest page
MAX_PLACES = 5000
RETRY_S = 30.0


async def fetch_city_names(session: aiohttp.ClientSession, base_url: str) -> list[str]:
    """District, Ortsteil, street and place names, as the city data API writes them."""
    base = base_url.rstrip("/")
    names: list[str] = []
    async with session.get(f"{base}/districts") as resp:
        resp.raise_for_status()
        body = await resp.json()
    for item in body.get("items", []):
        names.append(str(item.get("name", "")))
        names.extend(str(o) for o in item.get("ortsteile", []) or [])
    offset = 0
    while offset < MAX_PLACES:
        params = {"limit": str(PAGE), "offset": str(offset)}
        async with session.get(f"{base}/places", params=params) as resp:
            resp.raise_for_status()
            body = await resp.json()
        items = body.get("items", [])
        for place in items:
            names.append(str(place.get("name") or ""))
            street = street_of(str(place.get("address") or ""))
            if street:
                names.append(street)
        offset += len(items)
        if not items or offset >= int(body.get("total", 0)):
            break
    return [n for n in names if n.strip()]


class CityVocabulary:
    """Keeps the city's names fresh: fetched at start, refreshed periodically, kept on failure."""

    def __init__(
        self,
        base_url: str | None,
        refresh_s: float,
        on_change: Callable[[Vocabulary], None],
        timeout_s: float = 20.0,
    ) -> None:
        self._base_url = base_url
        self._refresh_s = refresh_s
        self._on_change = on_change
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._task: asyncio.Task[None] | None = None

    async def refresh(self) -> Vocabulary | None:
        """Fetch the names once; None (and a log line) when the city data API is unreachable."""
        if not self._base_url:
            return None
        try:
            async with aiohttp.ClientSession(timeout=self._timeout) as session:
                names = await fetch_city_names(session, self._base_url)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            logger.warning(
                "city vocabulary not fetched (%s); recognition stays unbiased", type(exc).__name__
            )
            return None
        vocabulary = Vocabulary.of(names)
        logger.info("city vocabulary: %d names", len(vocabulary))
        self._on_change(vocabulary)
        return vocabulary

    async def start(self) -> None:
        """Fetch in the background now and then periodically (start-up never waits for it)."""
        if not self._base_url or self._task is not None:
            return
        self._task = asyncio.create_task(self._loop(), name="city-vocabulary")

    async def stop(self) -> None:
        """Stop refreshing."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            fetched = await self.refresh()
            # The city data API may start after the gateway (make run): retry soon after a miss.
            await asyncio.sleep(self._refresh_s if fetched else min(RETRY_S, self._refresh_s))
