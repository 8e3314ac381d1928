"""Ortsbeirat meetings announced to their districts' participation subscribers.

A background job asks the city data API for the upcoming meetings of the Ortsbeiräte
(`GET /councils?kind=ortsbeirat` for their Stadtbereiche, `GET /meetings` page by page) and
stores an announcement, already approved (its source is the city's council information system,
not a staff member), for each public meeting not announced yet, and again once when its agenda
first appears, when it is moved or when it is cancelled. The announcement and the row that
remembers the meeting (`council_notices`) are written in one transaction: a crash before the
commit leaves neither, after it both, so a meeting is never announced twice. The sender then
delivers it like any other announcement.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal, cast

import aiohttp
from pydantic import Field
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.broadcast.store import insert_announcement
from bot.broadcast.validate import CITY_TIME, MAX_TEXT_CHARS, AnnouncementDraft
from bot.core import texts
from bot.core.messages import Language
from bot.settings import EnvSettings
from bot.store.models import CouncilNoticeRow

logger = logging.getLogger(__name__)

AUTHOR: Final = "council-information-system"
TOPIC: Final = "participation"
PAGE: Final = 100  # the city data API's largest page
SHOWN_ITEMS: Final = 5  # agenda titles in a notice; the rest are counted
MAX_TITLE_CHARS: Final = 120
KEEP_PAST: Final = timedelta(days=30)  # rows of past meetings are forgotten after this
QUESTION_TIME_WORDS: Final = ("einwohnerfragestunde", "einwohnerfrage", "bürgerfragestunde")
_WEEKDAYS: Final[dict[Language, tuple[str, ...]]] = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS: Final[dict[Language, tuple[str, ...]]] = {
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}  # fmt: skip
_notices = cast(Table, CouncilNoticeRow.__table__)

Kind = Literal["new", "moved", "agenda", "cancelled"]


class CouncilNoticeSettings(EnvSettings):
    """How often and how far ahead the council information system's meetings are announced."""

    what = "council notice"

    interval_s: float = Field(300.0, alias="COUNCIL_NOTICES_INTERVAL", gt=0, le=86400)
    days_ahead: int = Field(28, alias="COUNCIL_NOTICES_DAYS_AHEAD", ge=1, le=366)
    timeout_s: float = Field(10.0, alias="COUNCIL_NOTICES_TIMEOUT_S", gt=0, le=120)


@dataclass(frozen=True, slots=True)
class Known:
    """What the last announcement of a meeting said."""

    start_at: datetime
    agenda_items: int
    cancelled: bool


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def public_items(meeting: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The meeting's public agenda items, in order."""
    return [i for i in meeting.get("agenda") or [] if i.get("public") is not False]


def start_of(meeting: Mapping[str, Any]) -> datetime:
    """The meeting's start (UTC)."""
    return datetime.fromisoformat(str(meeting["start"])).astimezone(UTC)


def change(meeting: Mapping[str, Any], known: Known | None) -> Kind | None:
    """What there is to announce about this meeting now (None: nothing new)."""
    cancelled = bool(meeting.get("cancelled"))
    if known is None:
        return None if cancelled or meeting.get("public") is False else "new"
    if cancelled:
        return None if known.cancelled else "cancelled"
    if known.cancelled:
        return "new"  # it takes place after all
    if start_of(meeting) != known.start_at:
        return "moved"
    if known.agenda_items == 0 and public_items(meeting):
        return "agenda"
    return None


def when_words(language: Language, start: datetime) -> str:
    """ "am Donnerstag, 10. Dezember 2026, um 18:30 Uhr" in Rostock's time."""
    local = start.astimezone(CITY_TIME)
    return texts.text(
        "council_notice_when",
        language,
        weekday=_WEEKDAYS[language][local.weekday()],
        day=str(local.day),
        month=_MONTHS[language][local.month - 1],
        year=str(local.year),
        time=local.strftime("%H:%M"),
    )


def _place(meeting: Mapping[str, Any]) -> str:
    location = meeting.get("location") or {}
    return ", ".join(str(p) for p in (location.get("name"), location.get("address")) if p)


def _access(language: Language, meeting: Mapping[str, Any]) -> list[str]:
    location = meeting.get("location") or {}
    said = []
    if location.get("wheelchair") in ("yes", "limited", "no"):
        said.append(texts.text(f"council_notice_room_{location['wheelchair']}", language))
    notes = str(location.get("accessibility_notes") or "").strip().rstrip(".")
    if notes:
        said.append(texts.text("council_notice_room_notes", language, notes=notes))
    return said


def _title(item: Mapping[str, Any]) -> str:
    title = " ".join(str(item.get("title") or "").split())
    return title if len(title) <= MAX_TITLE_CHARS else title[: MAX_TITLE_CHARS - 1] + "…"


def question_time(meeting: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The public agenda item of the residents' question time, if there is one."""
    for item in public_items(meeting):
        if any(word in _title(item).casefold() for word in QUESTION_TIME_WORDS):
            return item
    return None


def notice_text(language: Language, meeting: Mapping[str, Any], kind: Kind) -> str:
    """The announcement of a meeting in German or English."""
    council = str(meeting["council"]["name"])
    when = when_words(language, start_of(meeting))
    lines = [texts.text(f"council_notice_{kind}", language, council=council, when=when)]
    if kind != "cancelled":
        place = _place(meeting)
        if place:
            lines.append(" ".join([texts.text("council_notice_place", language, place=place),
                                   *_access(language, meeting)]))  # fmt: skip
        items = public_items(meeting)
        if items:
            shown = [f"{i.get('number') or '–'}. {_title(i)}" for i in items[:SHOWN_ITEMS]]
            listed = "; ".join(shown)
            if len(items) > SHOWN_ITEMS:
                more = texts.text(
                    "council_notice_agenda_more", language, count=str(len(items) - SHOWN_ITEMS)
                )
                listed += "; " + more
            lines.append(
                texts.text(
                    "council_notice_agenda_items", language, count=str(len(items)), items=listed
                )
            )
        else:
            lines.append(texts.text("council_notice_agenda_later", language))
        asking = question_time(meeting)
        if asking is not None:
            number = str(asking.get("number") or "–")
            lines.append(texts.text("council_notice_question_time", language, number=number))
    if meeting.get("web"):
        lines.append(texts.text("council_notice_web", language, url=str(meeting["web"])))
    return "\n".join(lines)[:MAX_TEXT_CHARS]


def plain_text(meeting: Mapping[str, Any], kind: Kind) -> str:
    """The German plain-language version: short sentences, the essentials only."""
    council = str(meeting["council"]["name"])
    when = when_words("de", start_of(meeting))
    lines = [texts.text(f"council_notice_plain_{kind}", "de", council=council, when=when)]
    if kind != "cancelled":
        place = _place(meeting)
        if place:
            lines.append(texts.text("council_notice_plain_place", "de", place=place))
        titles = [_title(i) for i in public_items(meeting)[:3]]
        if titles:
            items = texts.word_list("de", titles)
            lines.append(texts.text("council_notice_plain_topics", "de", items=items))
        if question_time(meeting) is not None:
            lines.append(texts.text("council_notice_plain_question_time", "de"))
    return "\n".join(lines)[:MAX_TEXT_CHARS]


class CouncilNotices:
    """The job: one round every `interval_s` (`start`/`stop`), or `run_once` on its own."""

    def __init__(
        self,
        engine: AsyncEngine,
        session: aiohttp.ClientSession,
        cityapi_url: str,
        settings: CouncilNoticeSettings,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self._engine = engine
        self._session = session
        self._base = cityapi_url.rstrip("/")
        self._settings = settings
        self._wake = wake
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Begin the rounds in the background."""
        self._task = asyncio.create_task(self._run(), name="council-notices")

    async def stop(self) -> None:
        """End the rounds; a round cut short has committed each announcement or none."""
        if self._task is None:
            return
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.run_once()
            except (aiohttp.ClientError, TimeoutError, ValueError, KeyError) as exc:
                logger.warning("council notices: city data API unusable (%s)", type(exc).__name__)
            except Exception:
                logger.exception("council notices: round failed")
            await asyncio.sleep(self._settings.interval_s)

    async def _get(self, path: str, params: Mapping[str, str]) -> Any:
        timeout = aiohttp.ClientTimeout(total=self._settings.timeout_s)
        async with self._session.get(self._base + path, params=params, timeout=timeout) as resp:
            resp.raise_for_status()
            return await resp.json()

    async def _councils(self) -> dict[int, tuple[str, ...]]:
        body = await self._get("/councils", {"kind": "ortsbeirat"})
        return {int(c["id"]): tuple(c.get("districts") or ()) for c in body["items"]}

    async def _meetings(self, now: datetime) -> list[dict[str, Any]]:
        window = {
            "from": now.isoformat(),
            "to": (now + timedelta(days=self._settings.days_ahead)).isoformat(),
            "limit": str(PAGE),
        }
        found: list[dict[str, Any]] = []
        offset = 0
        while True:
            body = await self._get("/meetings", {**window, "offset": str(offset)})
            found.extend(body["items"])
            offset += len(body["items"])
            if not body["items"] or offset >= int(body["total"]):
                return found

    async def _known(self, ids: list[int]) -> dict[int, Known]:
        if not ids:
            return {}
        n = _notices.c
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(n.meeting_id, n.start_at, n.agenda_items, n.cancelled).where(
                        n.meeting_id.in_(ids)
                    )
                )
            ).all()
        return {
            int(r.meeting_id): Known(_utc(r.start_at), int(r.agenda_items), bool(r.cancelled))
            for r in rows
        }

    async def run_once(self, now: datetime | None = None) -> list[int]:
        """One round: announce what is new about the meetings ahead; the announcements' ids."""
        now = now or datetime.now(UTC)
        councils = await self._councils()
        meetings = [
            m
            for m in await self._meetings(now)
            if int(m["council"]["id"]) in councils and councils[int(m["council"]["id"])]
        ]
        known = await self._known([int(m["id"]) for m in meetings])
        created: list[int] = []
        for meeting in meetings:
            if start_of(meeting) <= now:
                continue
            kind = change(meeting, known.get(int(meeting["id"])))
            if kind is None:
                continue
            districts = councils[int(meeting["council"]["id"])]
            before = known.get(int(meeting["id"]))
            announced = await self._announce(meeting, kind, districts, before)
            if announced is not None:
                logger.info(
                    "council notices: meeting %s (%s) announced as %s",
                    meeting["id"], kind, announced,
                )  # fmt: skip
                created.append(announced)
        await self._forget_past(now)
        if created:
            self._wake()
        return created

    async def _announce(
        self,
        meeting: Mapping[str, Any],
        kind: Kind,
        districts: tuple[str, ...],
        known: Known | None,
    ) -> int | None:
        draft = AnnouncementDraft(
            text=notice_text("de", meeting, kind),
            text_en=notice_text("en", meeting, kind),
            text_plain=plain_text(meeting, kind),
            districts=districts,
            topics=(TOPIC,),
            send_at=None,
            author=AUTHOR,
        )
        n = _notices.c
        row = {
            "council_id": int(meeting["council"]["id"]),
            "start_at": start_of(meeting),
            "agenda_items": len(public_items(meeting)),
            "cancelled": bool(meeting.get("cancelled")),
            "updated_at": datetime.now(UTC),
        }
        try:
            async with self._engine.connect() as conn, conn.begin() as transaction:
                announcement_id = await insert_announcement(conn, draft, "approved")
                if known is None:
                    await conn.execute(
                        insert(_notices).values(
                            meeting_id=int(meeting["id"]), announcement_id=announcement_id, **row
                        )
                    )
                    return announcement_id
                # only while the row still says what this round read: when another gateway's
                # round got there first, this one takes its announcement back
                moved = await conn.execute(
                    update(_notices)
                    .where(
                        n.meeting_id == int(meeting["id"]),
                        n.start_at == known.start_at,
                        n.agenda_items == known.agenda_items,
                        n.cancelled == known.cancelled,
                    )
                    .values(announcement_id=announcement_id, notices=n.notices + 1, **row)
                )
                if moved.rowcount == 1:
                    return announcement_id
                await transaction.rollback()
        except IntegrityError:
            pass  # another gateway's round stored this meeting a moment ago
        logger.info("council notices: meeting %s announced by another round", meeting["id"])
        return None

    async def _forget_past(self, now: datetime) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(delete(_notices).where(_notices.c.start_at < now - KEEP_PAST))
