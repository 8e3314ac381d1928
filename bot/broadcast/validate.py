"""Reading a staff request for an announcement (pure): every field checked, errors by field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from bot.core.districts import ALL, DistrictDirectory
from bot.core.subscriptions import TOPICS

MAX_TEXT_CHARS: Final = 4000  # what every channel delivers in one message
MAX_NAME_CHARS: Final = 100
CITY_TIME: Final = ZoneInfo("Europe/Berlin")
FIELDS: Final = frozenset(
    {"text", "text_en", "text_plain", "districts", "topics", "send_at", "author"}
)


class FieldError(ValueError):
    """A request field that cannot be used; `field` names it for the 400 answer."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class AnnouncementDraft:
    """A staff request, validated: texts, Stadtbereiche (empty: whole city), topics, time."""

    text: str
    text_en: str | None
    text_plain: str | None
    districts: tuple[str, ...]
    topics: tuple[str, ...]
    send_at: datetime | None
    author: str


def _text(body: Mapping[str, Any], field: str, *, required: bool = False) -> str | None:
    value = body.get(field)
    if value is None:
        if required:
            raise FieldError(field, f"{field} is required")
        return None
    if not isinstance(value, str):
        raise FieldError(field, f"{field} must be a string")
    value = value.strip()
    if not value:
        raise FieldError(field, f"{field} must not be empty")
    if len(value) > MAX_TEXT_CHARS:
        raise FieldError(field, f"{field} is longer than {MAX_TEXT_CHARS} characters")
    return value


def _names(body: Mapping[str, Any], field: str) -> list[str]:
    value = body.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FieldError(field, f"{field} must be a list of strings")
    return [str(v) for v in value]


def _districts(body: Mapping[str, Any], directory: DistrictDirectory) -> tuple[str, ...]:
    found: list[str] = []
    for name in _names(body, "districts"):
        resolved = directory.resolve(name)
        if resolved is None:
            raise FieldError("districts", f"unknown district: {name}")
        if ALL in resolved:
            return ()  # the whole city
        found.extend(d for d in resolved if d not in found)
    return tuple(found)


def _topics(body: Mapping[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    for name in _names(body, "topics"):
        if name not in TOPICS:
            raise FieldError("topics", f"unknown topic: {name} (known: {', '.join(TOPICS)})")
        if name not in found:
            found.append(name)
    return tuple(found)


def _send_at(body: Mapping[str, Any]) -> datetime | None:
    value = body.get("send_at")
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError("send_at", "send_at must be an ISO 8601 date and time")
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise FieldError("send_at", "send_at must be an ISO 8601 date and time") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=CITY_TIME)  # Rostock's time, as the city data API reads it
    return when.astimezone(UTC)


def parse_announcement(body: object, directory: DistrictDirectory) -> AnnouncementDraft:
    """The draft in a staff request's JSON body; raises FieldError naming the first bad field."""
    if not isinstance(body, dict):
        raise FieldError("body", "the body must be a JSON object")
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise FieldError(unknown[0], f"unknown field: {unknown[0]}")
    text = _text(body, "text", required=True)
    assert text is not None  # required
    author = _text(body, "author") or "staff-api"
    if len(author) > MAX_NAME_CHARS:
        raise FieldError("author", f"author is longer than {MAX_NAME_CHARS} characters")
    return AnnouncementDraft(
        text=text,
        text_en=_text(body, "text_en"),
        text_plain=_text(body, "text_plain"),
        districts=_districts(body, directory),
        topics=_topics(body),
        send_at=_send_at(body),
        author=author,
    )
