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
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import SimpleNamespace
from typing import Final

import aiohttp

from requestlog import REQUEST_ID_HEADER, LogFormat, handler, request_id

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

# The request id of the message being handled (None outside one, e.g. in a background job).
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
__all__ = [
    "REQUEST_ID",
    "REQUEST_ID_HEADER",
    "LogFormat",
    "configure",
    "message_request_id",
    "outgoing_request_ids",
    "request_id",
]


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


def configure(level: str, log_format: LogFormat = "text") -> None:
    """Log to stderr at `level` as text or JSON lines; libraries that log personal data at their
    own levels."""
    logging.basicConfig(level=level.upper(), handlers=[handler(REQUEST_ID, log_format)])
    for name, floor in LIBRARY_LEVELS.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLogger().level))
