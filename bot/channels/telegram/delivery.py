"""How a failed Bot API send reads as a `DeliveryResult` (pure; the outbound port's mapping).

The Bot API answers `{"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked
by the user"}` and python-telegram-bot raises its own error types from that.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.core.messages import DeliveryResult, RecipientGone, Rejected
from bot.core.messages import RetryAfter as RetryLater

log = logging.getLogger(__name__)

# A network failure or a Telegram outage: try again after this long.
RETRY_ON_NETWORK_S = 30.0


def delivery_failure(error: TelegramError) -> DeliveryResult:
    """The result a delivery worker acts on for a send that raised `error`."""
    if isinstance(error, Forbidden):
        # "bot was blocked by the user", "user is deactivated", "bot was kicked from the group…"
        text = error.message.lower()
        if "deactivated" in text:
            return RecipientGone("deactivated")
        if "kicked" in text or "not a member" in text:
            return RecipientGone("left")
        return RecipientGone("blocked")
    if isinstance(error, ChatMigrated):
        # A group became a supergroup under a new id: the old address is gone for good.
        return RecipientGone("not_found")
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        return RetryLater(seconds, "rate_limited")
    if isinstance(error, BadRequest):
        if "chat not found" in error.message.lower():
            return RecipientGone("not_found")
        return Rejected(error.message)
    if isinstance(error, InvalidToken):
        return RetryLater(RETRY_ON_NETWORK_S, "unauthorized")
    if isinstance(error, NetworkError):  # includes TimedOut
        return RetryLater(RETRY_ON_NETWORK_S, "network")
    return RetryLater(RETRY_ON_NETWORK_S, type(error).__name__)
