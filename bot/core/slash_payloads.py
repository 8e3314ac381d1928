"""Which slash payloads from a person may reach the assistant.

Rasa reads a message that starts with "/" as an intent with entities and skips its NLU:
`/attach_photo{"media_id": "…"}` would attach somebody else's uploaded photo to one's report,
`/share_location{…}` would place the person anywhere, `/deny{"report_part": …}` would steer the
report form. The core builds such payloads itself (a shared location, a photo) and the assistant
offers them on buttons; from the person, a slash text goes on only when it is the payload of a
button just offered (`Person.last_buttons`) or one of the plain commands below, which carry no
entities and only start small talk. The core's own commands (`/delete`, `/subscribe …`,
`/voice …`, the report news answers) are handled before and never get here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from bot.core.messages import Button, IncomingMessage

# Intents without entities a person may type as commands on any channel (README, "Web chat").
PLAIN_COMMANDS: Final = frozenset(
    {"/greet", "/goodbye", "/thank", "/help", "/bot_challenge", "/contact_human"}
)
# Payloads a channel offers on its own buttons, the same for everyone (Telegram's /language
# choice): switching the language is always the person's to ask for.
CHANNEL_PAYLOADS: Final = frozenset(
    {'/change_language{"language": "de"}', '/change_language{"language": "en"}'}
)


def stale_tap(msg: IncomingMessage, offered: Sequence[Button]) -> bool:
    """Whether a tapped button is no longer offered but its title came along to be read instead.

    A button of an older answer (Telegram keeps them tappable) then counts as its title typed.
    """
    return msg.text is not None and for_assistant(msg.payload or "", offered) is None


def for_assistant(text: str, offered: Sequence[Button]) -> str | None:
    """The text to send the assistant for this text from a person; None when it may not go."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return text
    if text in CHANNEL_PAYLOADS or any(button.payload == text for button in offered):
        return text
    command = stripped.casefold()
    return command if command in PLAIN_COMMANDS else None
