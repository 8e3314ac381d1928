"""The gateway's logging: our own records at the configured level, libraries' chatter kept out.

Below WARNING some libraries log whole payloads: python-telegram-bot every update and API call
(names, chat ids, message texts), httpx every URL (the bot token is part of Telegram's), aiosqlite
every statement with its parameters, matrix-nio room events. Those stay at the level given here
whatever GATEWAY_LOG_LEVEL says, so personal data and tokens never reach a log.

With LOG_FORMAT=json every record is one JSON object per line (`time`, `level`, `logger`,
`message`, `request_id`): the request id of the message being answered, made when it arrives (or
taken from its `X-Request-Id`) and sent along to Rasa and the city data API, so one message can be
followed through every service's log.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import SimpleNamespace
from typing import Final, Literal

import aiohttp
from pythonjsonlogger.json import JsonFormatter

LogFormat = Literal["text", "json"]

LIBRARY_LEVELS: Final[dict[str, int]] = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiosqlite": logging.INFO,
    "sqlalchemy": logging.WARNING,
    "nio": logging.WARNING,
    "peewee": logging.WARNING,
    "asyncio": logging.INFO,
}

REQUEST_ID_HEADER: Final = "X-Request-Id"
# The request id of the message being handled (None outside one, e.g. in a background job).
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
# What an incoming id may look like: a caller's id is kept only when it cannot carry text.
_REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{8,64}")
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def request_id(given: str | None = None) -> str:
    """`given` when it is a plausible request id (8-64 letters, digits, `._:-`), else a new one."""
    if given and _REQUEST_ID_PATTERN.fullmatch(given):
        return given
    return uuid.uuid4().hex


@contextmanager
def message_request_id() -> Iterator[str]:
    """The request id for one incoming message: the current one (a web request's), else new."""
    current = REQUEST_ID.get()
    if current is not None:
        yield current
        return
    rid = request_id()
    token = REQUEST_ID.set(rid)
    try:
        yield rid
    finally:
        REQUEST_ID.reset(token)


def outgoing_request_ids() -> aiohttp.TraceConfig:
    """A client session's trace hook that sends the current request id as X-Request-Id."""

    async def on_request_start(
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        rid = REQUEST_ID.get()
        if rid is not None and REQUEST_ID_HEADER not in params.headers:
            params.headers[REQUEST_ID_HEADER] = rid

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_request_start)
    return trace


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (`record.request_id`, None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Stamp the record; never drops one."""
        record.request_id = REQUEST_ID.get()
        return True


def json_formatter() -> logging.Formatter:
    """One JSON object per line: time, level, logger, message, request_id (and exc_info)."""
    return JsonFormatter(
        "{asctime}{levelname}{name}{message}{request_id}",
        style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        json_ensure_ascii=False,
    )


def configure(level: str, log_format: LogFormat = "text") -> None:
    """Log to stderr at `level` as text or JSON lines; libraries that log personal data at their
    own levels."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    text = logging.Formatter(TEXT_FORMAT)
    handler.setFormatter(json_formatter() if log_format == "json" else text)
    logging.basicConfig(level=level.upper(), handlers=[handler])
    for name, floor in LIBRARY_LEVELS.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLogger().level))
