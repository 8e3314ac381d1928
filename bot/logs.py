"""The gateway's logging: our own records at the configured level, libraries' chatter kept out.

Below WARNING some libraries log whole payloads: python-telegram-bot every update and API call
(names, chat ids, message texts), httpx every URL (the bot token is part of Telegram's), aiosqlite
every statement with its parameters, matrix-nio room events. Those stay at the level given here
whatever GATEWAY_LOG_LEVEL says, so personal data and tokens never reach a log.
"""

from __future__ import annotations

import logging
from typing import Final

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


def configure(level: str) -> None:
    """Log to stderr at `level`; the libraries that log personal data at their own levels."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for name, floor in LIBRARY_LEVELS.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLogger().level))
