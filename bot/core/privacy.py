"""The privacy notice and the data export: what is kept, why, how long, and the person's copy."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from bot.core import texts
from bot.core.messages import Button, Document, Language, OutgoingMessage

EXPORT = "/export"
DELETE = "/delete"
# Questions about one's data that get the notice (they never reach the assistant).
_QUESTIONS: Final = re.compile(
    r"\b("
    r"was (wisst|wissen|weißt|weisst|speichert|speichern|speicherst) (ihr|sie|du)( alles)? "
    r"(über mich|ueber mich|von mir)"
    r"|welche daten (habt|haben|hast|speichert|speichern|speicherst) (ihr|sie|du)"
    r"|what do you (know|keep|store) about me"
    r"|what (data|information) do you (have|keep|store)"
    r")\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PrivacyPolicy:
    """The periods the notice states: the retention job's and the city data API's settings."""

    contact: str = "datenschutz@rostock.de"
    conversation_days: int = 30
    web_person_hours: int = 24
    report_contact_days: int = 90
    url: str | None = None  # the city's full privacy notice, if published


def asks_about_own_data(text: str) -> bool:
    """Whether the text asks what the assistant knows about the person ("Was wisst ihr …")."""
    return bool(_QUESTIONS.search(text))


def notice(policy: PrivacyPolicy, language: Language) -> OutgoingMessage:
    """The short notice in plain words, offering the export and the deletion."""
    said = texts.text(
        "privacy_notice",
        language,
        contact=policy.contact,
        conversation_days=str(policy.conversation_days),
        web_hours=str(policy.web_person_hours),
        report_days=str(policy.report_contact_days),
    )
    if policy.url:
        said += "\n" + texts.text("privacy_more", language, url=policy.url)
    buttons = (
        Button(texts.text("privacy_export", language), EXPORT),
        Button(texts.text("privacy_delete", language), DELETE),
    )
    return OutgoingMessage(text=said, buttons=buttons)


def export_document(data: dict[str, object], language: Language) -> Document:
    """The person's data as a readable JSON file named for the day it was made."""
    day = datetime.now(UTC).date().isoformat()
    name = "meine-daten" if language == "de" else "my-data"
    body = {"about": texts.text("export_ready", language), **data}
    encoded = json.dumps(body, ensure_ascii=False, indent=2).encode()
    return Document(encoded, f"smile-city-rostock-{name}-{day}.json", "application/json")
