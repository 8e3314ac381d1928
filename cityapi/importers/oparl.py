"""OParl 1.1 (council information systems such as ALLRIS): walk System → Body → lists.

The walk is a thin shell around the pure parsing in `oparl_records`. Real servers omit fields,
break single pages and repeat items between pages; the walk reports such problems and carries on.
A list that lost a page is marked incomplete, so a full import does not remove what that page
would have held.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import aiohttp

from cityapi.hours import BERLIN
from cityapi.importers.council_areas import CouncilAreas
from cityapi.importers.oparl_records import (
    Harvest,
    moment,
    parse_meeting,
    parse_organization,
)
from cityapi.importers.records import ImportFileError, ImportReport, RowError

log = logging.getLogger(__name__)

MAX_PAGES = 2000  # a guard against servers whose `next` links go round in circles


class FetchError(Exception):
    """One OParl URL did not give a JSON object (HTTP error, timeout, not JSON)."""


class OParlSource(Protocol):
    """Where OParl objects come from: a server over HTTP, or the shipped sample."""

    async def get(self, url: str, params: Mapping[str, str] | None = None) -> Any:
        """The JSON of one URL; raises FetchError."""


class HttpSource:
    """OParl over HTTP through one shared aiohttp session."""

    def __init__(self, session: aiohttp.ClientSession):
        self._session = session

    async def get(self, url: str, params: Mapping[str, str] | None = None) -> Any:
        """GET a URL as JSON."""
        try:
            async with self._session.get(url, params=params) as resp:
                if resp.status != 200:
                    raise FetchError(f"HTTP {resp.status}")
                try:
                    return await resp.json(content_type=None)
                except ValueError as exc:
                    raise FetchError("the answer is not JSON") from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise FetchError(f"{type(exc).__name__} {exc}".strip()) from exc


def _following_page(url: str, total_pages: int | None) -> str | None:
    """The next page's URL guessed from a `page` parameter, when the page count is known."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    pages = [value for key, value in query if key == "page"]
    if total_pages is None or len(pages) != 1 or not pages[0].isdigit():
        return None
    number = int(pages[0])
    if number >= total_pages:
        return None
    query = [(key, str(number + 1) if key == "page" else value) for key, value in query]
    return urlunsplit(parts._replace(query=urlencode(query)))


class Walker:
    """Walks one OParl system, reporting problems into the two reports."""

    def __init__(
        self,
        source: OParlSource,
        areas: CouncilAreas,
        councils_report: ImportReport,
        meetings_report: ImportReport,
    ):
        self._source = source
        self._areas = areas
        self._councils_report = councils_report
        self._meetings_report = meetings_report

    async def _page(self, url: str, params: Mapping[str, str] | None) -> Mapping[str, Any]:
        page = await self._source.get(url, params)
        if not isinstance(page, Mapping) or not isinstance(page.get("data"), list):
            raise FetchError("the page has no 'data' list")
        return page

    async def _list(
        self, url: str, params: Mapping[str, str] | None, report: ImportReport
    ) -> tuple[list[Any], bool]:
        """Every item of a paged list and whether no page was lost."""
        items: list[Any] = []
        complete = True
        seen: set[str] = set()
        total_pages: int | None = None
        next_url: str | None = url
        while next_url and next_url not in seen and len(seen) < MAX_PAGES:
            seen.add(next_url)
            try:
                page = await self._page(next_url, params)
            except FetchError as exc:
                report.note(f"page {next_url}", f"{exc}; the page was skipped")
                log.warning("OParl page skipped: %s (%s)", next_url, exc)
                complete = False
                next_url = _following_page(next_url, total_pages)
                params = None
                continue
            items.extend(page["data"])
            pagination = page.get("pagination")
            if isinstance(pagination, Mapping) and isinstance(pagination.get("totalPages"), int):
                total_pages = pagination["totalPages"]
            links = page.get("links")
            following = links.get("next") if isinstance(links, Mapping) else None
            next_url = following if isinstance(following, str) else None
            params = None  # the `next` link carries the filter itself
        return items, complete

    async def _object(self, raw: Any, what: str, report: ImportReport) -> Mapping[str, Any] | None:
        """An embedded object as it is, a linked one fetched; None (reported) if unavailable."""
        if isinstance(raw, Mapping):
            return raw
        if not isinstance(raw, str):
            return None
        try:
            obj = await self._source.get(raw)
        except FetchError as exc:
            report.note(f"{what} {raw}", str(exc))
            return None
        return obj if isinstance(obj, Mapping) else None

    async def walk(self, system_url: str, since: datetime | None) -> Harvest:
        """Read the councils and meetings of every Body (only changes since `since`, if given)."""
        try:
            system = await self._source.get(system_url)
        except FetchError as exc:
            raise ImportFileError(f"the OParl system {system_url} did not answer: {exc}") from exc
        if not isinstance(system, Mapping) or not isinstance(system.get("body"), str):
            raise ImportFileError(f"{system_url} is not an OParl System (no 'body' list)")
        params = {"modified_since": since.isoformat(timespec="seconds")} if since else None
        harvest = Harvest()
        bodies, complete = await self._list(system["body"], None, self._councils_report)
        harvest.councils_complete = harvest.meetings_complete = complete
        for raw_body in bodies:
            body = await self._object(raw_body, "body", self._councils_report)
            if body is None:
                harvest.councils_complete = harvest.meetings_complete = False
                continue
            await self._councils(body, params, harvest)
            await self._meetings(body, params, harvest)
        return harvest

    async def _councils(
        self, body: Mapping[str, Any], params: Mapping[str, str] | None, harvest: Harvest
    ) -> None:
        report = self._councils_report
        if not isinstance(body.get("organization"), str):
            report.note(f"body {body.get('id')}", "it lists no organizations")
            harvest.councils_complete = False
            return
        items, complete = await self._list(body["organization"], params, report)
        harvest.councils_complete &= complete
        for index, raw in enumerate(items):
            where = f"organization {raw.get('id') if isinstance(raw, Mapping) else index}"
            obj = await self._object(raw, "organization", report)
            if obj is None:
                harvest.councils_complete = False
                continue
            if isinstance(obj.get("id"), str):
                (harvest.deleted if obj.get("deleted") is True else harvest.listed).add(obj["id"])
            if obj.get("deleted") is True:
                continue
            try:
                record = parse_organization(obj, self._areas)
            except RowError as exc:
                report.read += 1
                report.skip(where, str(exc))
                continue
            if record is None:
                continue
            report.read += 1
            if record.kind == "ortsbeirat" and not record.ortsteile:
                report.note(where, f"no Ortsbeirat area is known for '{record.name}'")
            harvest.councils.append(record)

    async def _meetings(
        self, body: Mapping[str, Any], params: Mapping[str, str] | None, harvest: Harvest
    ) -> None:
        report = self._meetings_report
        if not isinstance(body.get("meeting"), str):
            report.note(f"body {body.get('id')}", "it lists no meetings")
            harvest.meetings_complete = False
            return
        items, complete = await self._list(body["meeting"], params, report)
        harvest.meetings_complete &= complete
        for index, raw in enumerate(items):
            where = f"meeting {raw.get('id') if isinstance(raw, Mapping) else index}"
            obj = await self._object(raw, "meeting", report)
            if obj is None:
                harvest.meetings_complete = False
                continue
            if isinstance(obj.get("id"), str):
                (harvest.deleted if obj.get("deleted") is True else harvest.listed).add(obj["id"])
            if obj.get("deleted") is True:
                continue
            report.read += 1
            location = await self._object(obj.get("location"), "location", report)
            raw_agenda = obj.get("agendaItem")
            agenda = []
            for raw_item in raw_agenda if isinstance(raw_agenda, list) else []:
                item = await self._object(raw_item, "agenda item", report)
                if item is not None:
                    agenda.append(item)
            try:
                harvest.meetings.append(parse_meeting(obj, location, agenda))
            except RowError as exc:
                report.skip(where, str(exc))


def shift_moment(raw: str, days: int) -> str:
    """An ISO date-time moved by whole days, keeping its wall-clock time in Rostock."""
    value = moment(raw)
    if value is None or not days:
        return raw
    local = value.astimezone(BERLIN)
    moved = datetime.combine(date.fromordinal(local.date().toordinal() + days), local.time())
    return moved.replace(tzinfo=BERLIN).isoformat()
