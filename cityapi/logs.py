"""The city data API's logging: text lines, or one JSON object per line with the request id.

LOG_FORMAT=json writes `time`, `level`, `logger`, `message` and `request_id`: the caller's
`X-Request-Id` (the gateway's id of the message the question came from, passed on by the action
server) or one made here, also returned in the answer's `X-Request-Id` header. With
CITYAPI_ACCESS_LOG=true each request is one line: method, route template, status and time — no
query string (it may hold a person's position or words) and no path values.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

from requestlog import REQUEST_ID_HEADER, LogFormat, handler, request_id

# The id of the request being answered (None outside one, e.g. in the forwarding job).
REQUEST_ID: ContextVar[str | None] = ContextVar("cityapi_request_id", default=None)
__all__ = ["REQUEST_ID", "REQUEST_ID_HEADER", "LogFormat", "configure", "request_id"]


def configure(log_format: LogFormat = "text") -> None:
    """Log INFO and above to stderr as text or JSON lines (Alembic only from WARNING)."""
    logging.basicConfig(level=logging.INFO, handlers=[handler(REQUEST_ID, log_format)])
    logging.getLogger("alembic").setLevel(logging.WARNING)
