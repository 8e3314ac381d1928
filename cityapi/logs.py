"""The city data API's logging: text lines, or one JSON object per line with the request id.

LOG_FORMAT=json writes `time`, `level`, `logger`, `message` and `request_id`: the caller's
`X-Request-Id` (the gateway's id of the message the question came from, passed on by the action
server) or one made here, also returned in the answer's `X-Request-Id` header. With
CITYAPI_ACCESS_LOG=true each request is one line: method, route template, status and time — no
query string (it may hold a person's position or words) and no path values.
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
# The id of the request being answered (None outside one, e.g. in the forwarding job).
REQUEST_ID: ContextVar[str | None] = ContextVar("cityapi_request_id", default=None)
_REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{8,64}")
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def request_id(given: str | None = None) -> str:
    """`given` when it is a plausible request id (8-64 letters, digits, `._:-`), else a new one."""
    if given and _REQUEST_ID_PATTERN.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (`record.request_id`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Stamp the record; never drops one."""
        record.request_id = REQUEST_ID.get()
        return True


def configure(log_format: LogFormat = "text") -> None:
    """Log INFO and above to stderr as text or JSON lines (Alembic only from WARNING)."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "{asctime}{levelname}{name}{message}{request_id}",
                style="{",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                json_ensure_ascii=False,
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    logging.getLogger("alembic").setLevel(logging.WARNING)
