"""Report status news: changes the city's staff make are pushed to reporters who asked for them.

The city data API keeps every status change in order (`GET /staff/report-changes?after=`). This
reads them from where it stopped, finds the reporter by the report's `account_id` (the person's
opaque id, which the action server files with), and sends a short message through the outbound
port of the person's channel, in their language, when they said yes to news after their first
report. Each channel this gateway runs has its own cursor in `report_feed` (another gateway may
run the other channels); on PostgreSQL an advisory lock per channel lets only one of several
gateways read it at a time. The cursor moves on after each change is handled; a channel that
asks to wait ends the round, so the change is sent at the next one.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import quote

import aiohttp
from sqlalchemy import Table, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core import texts as core_texts
from bot.core.messages import ChannelName, Image, OutgoingMessage, Recipient, RetryAfter
from bot.core.ports import OutboundChannel, PhotoRefused, PhotoUnavailable, ReportsUnavailable
from bot.store.models import ReportFeedRow
from bot.store.people import SqlPersonStore

logger = logging.getLogger(__name__)

_feed = cast(Table, ReportFeedRow.__table__)
STATUSES = ("RECEIVED", "IN_PROCESS", "PROCESSED", "REJECTED")
LOCK_BASE = 31_108_000  # advisory lock keys of the report news, one per channel
_ROUNDS: dict[str, asyncio.Lock] = {}  # one round per channel at a time in this process


class ReportUpdates:
    """Polls the feed of status changes and tells the reporters who opted in."""

    def __init__(
        self,
        engine: AsyncEngine,
        people: SqlPersonStore,
        outbound: Mapping[ChannelName, OutboundChannel],
        session: aiohttp.ClientSession,
        cityapi_url: str,
        token: str,
        interval_s: float,
    ) -> None:
        self._engine = engine
        self._people = people
        self._outbound = outbound
        self._session = session
        self._url = cityapi_url.rstrip("/") + "/staff/report-changes"
        self._token = token
        self._interval_s = interval_s

    async def run(self) -> None:
        """Poll until cancelled; an unreachable city data API only delays the news."""
        while True:
            try:
                await self.poll_once()
            except asyncio.CancelledError:
                raise
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                logger.warning("report news: city data API unavailable (%s)", type(exc).__name__)
            except Exception:
                logger.exception("report news: round failed")
            await asyncio.sleep(self._interval_s)

    async def poll_once(self) -> int:
        """One round over each channel: every change after its cursor; the messages sent."""
        sent = 0
        for name, channel in list(self._outbound.items()):
            local = _ROUNDS.setdefault(name, asyncio.Lock())
            if local.locked():
                continue  # a round of this process is on it
            async with local, self._engine.connect() as lock:
                if not await self._lock(lock, name, True):
                    continue  # another gateway is on it
                try:
                    sent += await self._channel_round(name, channel)
                finally:
                    await self._lock(lock, name, False)
        return sent

    async def _lock(self, conn: AsyncConnection, channel: str, take: bool) -> bool:
        if conn.dialect.name != "postgresql":
            return True  # SQLite: one gateway process
        key = LOCK_BASE + sum(channel.encode())
        function = "pg_try_advisory_lock" if take else "pg_advisory_unlock"
        result = await conn.execute(text(f"SELECT {function}(:key)"), {"key": key})
        await conn.commit()
        return bool(result.scalar())

    async def _channel_round(self, name: ChannelName, channel: OutboundChannel) -> int:
        after = await self._cursor(name)
        sent = 0
        while True:
            items = await self._changes(after)
            if not items:
                return sent
            for item in items:
                outcome = await self._tell(item, name, channel)
                if outcome == "wait":
                    return sent
                sent += outcome == "sent"
                after = int(item["change_id"])
                await self._save_cursor(name, after)

    async def _changes(self, after: int) -> list[dict[str, Any]]:
        async with self._session.get(
            self._url,
            params={"after": str(after), "limit": "100"},
            headers={"Authorization": f"Bearer {self._token}"},
            timeout=aiohttp.ClientTimeout(total=10),
        ) as response:
            if response.status != 200:
                raise aiohttp.ClientResponseError(response.request_info, (), status=response.status)
            body = await response.json()
        items = body.get("items") if isinstance(body, dict) else None
        return [i for i in items or [] if isinstance(i, dict) and "change_id" in i]

    async def _tell(self, item: dict[str, Any], name: ChannelName, channel: OutboundChannel) -> str:
        person_id = item.get("account_id")
        status = item.get("detailed_status")
        if not isinstance(person_id, str) or status not in STATUSES:
            return "skipped"
        person = await self._people.get(person_id)
        if person is None or not person.report_updates or person.channel != name:
            return "skipped"
        lang = person.language
        lines = [
            core_texts.text(
                "report_update",
                lang,
                id=str(item.get("service_request_id")),
                status=core_texts.text(f"report_status_{status}", lang),
            )
        ]
        if item.get("note"):
            lines.append(core_texts.text("report_update_note", lang, note=str(item["note"])))
        recipient = Recipient(
            person_id=person.id,
            channel=person.channel,
            address=person.chat_id,
            language=lang,
            voice_replies=person.voice_replies,
        )
        # the same change told again (after a crash) carries the same key: posted once on Matrix
        key = f"report-change:{item.get('service_request_id')}:{item.get('change_id')}:{status}"
        result = await channel.send(
            recipient, OutgoingMessage(text=" ".join(lines), delivery_key=key)
        )
        if isinstance(result, RetryAfter):
            return "wait"
        return "sent"

    async def _cursor(self, channel: str) -> int:
        async with self._engine.connect() as conn:
            value = (
                await conn.execute(select(_feed.c.after).where(_feed.c.channel == channel))
            ).scalar()
        return int(value or 0)

    async def _save_cursor(self, channel: str, after: int) -> None:
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(_feed).where(_feed.c.channel == channel).values(after=after)
            )
            if not result.rowcount:
                await conn.execute(insert(_feed).values(channel=channel, after=after))


class CityPhotoStore:
    """Uploads report photos to the city data API's Open311 (`POST media.json`)."""

    def __init__(self, session: aiohttp.ClientSession, cityapi_url: str, api_key: str) -> None:
        self._session = session
        self._url = cityapi_url.rstrip("/") + "/open311/v2/media.json"
        self._api_key = api_key

    async def upload(self, image: Image) -> str:
        """The media id of the stored photo; PhotoRefused or PhotoUnavailable otherwise."""
        form = aiohttp.FormData()
        form.add_field("api_key", self._api_key)
        extension = image.mime_type.rsplit("/", 1)[-1][:8] or "jpg"
        form.add_field(
            "media", io.BytesIO(image.data), filename=f"photo.{extension}",
            content_type=image.mime_type,
        )  # fmt: skip
        try:
            async with self._session.post(
                self._url, data=form, timeout=aiohttp.ClientTimeout(total=20)
            ) as response:
                body = await response.json(content_type=None)
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise PhotoUnavailable(type(exc).__name__) from exc
        if status in (400, 413):
            raise PhotoRefused(str(status))
        if status != 201 or not isinstance(body, list) or not body:
            raise PhotoUnavailable(f"HTTP {status}")
        return str(body[0]["media_id"])


class CityReportAccounts:
    """Unlinks a person from their reports at the city data API (staff token)."""

    def __init__(self, session: aiohttp.ClientSession, cityapi_url: str, token: str) -> None:
        self._session = session
        self._base = cityapi_url.rstrip("/")
        self._token = token

    async def forget(self, person_id: str) -> int:
        """How many reports were unlinked; ReportsUnavailable when it could not be done."""
        body = await self._account("POST", person_id, "forget")
        return int(body.get("reports") or 0)

    async def reports(self, person_id: str) -> list[dict[str, object]]:
        """The person's reports as the city keeps them; ReportsUnavailable when unreachable."""
        body = await self._account("GET", person_id, "reports")
        if not isinstance(body.get("items"), list):
            raise ReportsUnavailable("HTTP 200 without items")
        return [item for item in body["items"] if isinstance(item, dict)]

    async def _account(self, method: str, person_id: str, what: str) -> dict[str, Any]:
        """One staff call about a person's account: its JSON object, or ReportsUnavailable."""
        url = f"{self._base}/staff/accounts/{quote(person_id, safe='')}/{what}"
        try:
            async with self._session.request(
                method,
                url,
                headers={"Authorization": f"Bearer {self._token}"},
                timeout=aiohttp.ClientTimeout(total=10),
            ) as response:
                body = await response.json(content_type=None)
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise ReportsUnavailable(type(exc).__name__) from exc
        if status != 200 or not isinstance(body, dict):
            raise ReportsUnavailable(f"HTTP {status}")
        return body
