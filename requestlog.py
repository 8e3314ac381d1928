"""Log lines the gateway and the city data API share: text or one JSON object per line, and the
request id that follows a message from service to service (`X-Request-Id`).

Each service keeps the id of the request it is answering in a ContextVar of its own and stamps
it on every record with `RequestIdFilter`.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar
from typing import Final, Literal

from pythonjsonlogger.json import JsonFormatter

LogFormat = Literal["text", "json"]
REQUEST_ID_HEADER: Final = "X-Request-Id"
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# What an incoming id may look like: a caller's id is kept only when it cannot carry text.
_REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def request_id(given: str | None = None) -> str:
    """`given` when it is a plausible request id (8-64 letters, digits, `._:-`), else a new one."""
    if given and _REQUEST_ID_PATTERN.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (`record.request_id`, None outside one)."""

    def __init__(self, current: ContextVar[str | None]) -> None:
        super().__init__()
        self._current = current

    def filter(self, record: logging.LogRecord) -> bool:
        """Stamp the record; never drops one."""
        record.request_id = self._current.get()
        return True


def json_formatter() -> logging.Formatter:
    """One JSON object per line: time, level, logger, message, request_id (and exc_info)."""
    return JsonFormatter(
        "{asctime}{levelname}{name}{message}{request_id}",
        style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        json_ensure_ascii=False,
    )


def handler(current: ContextVar[str | None], log_format: LogFormat) -> logging.Handler:
    """A stderr handler writing text or JSON lines, each with the request id of `current`."""
    stream = logging.StreamHandler()
    stream.addFilter(RequestIdFilter(current))
    stream.setFormatter(
        json_formatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    return stream
