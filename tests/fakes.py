"""Stand-ins for the core's ports, shaped exactly like what the real parts return.

`turn(...)` builds the `Turn` a channel gets from the core's `handle` (channel-mechanics tests
use it in their echo handlers); `MemoryPersonStore` and `ScriptedAssistant` implement the
`PersonStore` and `Assistant` ports for `Conversation` unit tests without I/O.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from bot.core.messages import ChannelName, Language, OutgoingMessage, Refusal, Turn
from bot.core.people import Person
from bot.core.ports import AssistantReply, AssistantUnavailable, Erased


def turn(
    *messages: OutgoingMessage,
    language: Language = "de",
    refusal: Refusal | None = None,
    person_id: str = "person-1",
) -> Turn:
    """The turn the core answers with: these messages, this language, maybe a refusal."""
    return Turn(messages=messages, language=language, person_id=person_id, refusal=refusal)


class MemoryPersonStore:
    """The `PersonStore` port in memory (what `SqlPersonStore` does, without a database)."""

    def __init__(self) -> None:
        self.people: dict[tuple[ChannelName, str], Person] = {}
        self.saves = 0

    async def find(self, channel: ChannelName, platform_id: str) -> Person | None:
        """The person with this platform id on this channel, if any."""
        return self.people.get((channel, platform_id))

    async def touch(
        self, channel: ChannelName, platform_id: str, chat_id: str, language: Language
    ) -> Person:
        """Find the person, or create them with this language (`is_new` only then)."""
        now = datetime.now(UTC)
        found = self.people.get((channel, platform_id))
        if found is not None:
            found = replace(found, chat_id=chat_id, last_seen_at=now, is_new=False)
            self.people[(channel, platform_id)] = found
            return found
        person = Person(
            id=str(uuid.uuid4()),
            channel=channel,
            platform_id=platform_id,
            chat_id=chat_id,
            language=language,
            voice_replies=None,
            speech_rate=0,
            consent=None,
            last_buttons=(),
            created_at=now,
            last_seen_at=now,
        )
        self.people[(channel, platform_id)] = replace(person, is_new=False)
        return replace(person, is_new=True)

    async def save(self, person: Person) -> None:
        """Write the person's changeable fields."""
        self.saves += 1
        self.people[(person.channel, person.platform_id)] = replace(person, is_new=False)


@dataclass
class ScriptedAssistant:
    """The `Assistant` port answering from a script: text sent → reply; records every call.

    `down=True` makes every call raise `AssistantUnavailable`, as the Rasa client does when
    Rasa does not answer.
    """

    script: dict[str, AssistantReply] = field(default_factory=dict)
    down: bool = False
    asked: list[tuple[str, str, dict[str, object]]] = field(default_factory=list)
    languages: list[tuple[str, Language]] = field(default_factory=list)

    async def ask(
        self, person_id: str, text: str, metadata: Mapping[str, object]
    ) -> AssistantReply:
        """The scripted reply to `text` (no messages when unscripted, like an empty Rasa)."""
        if self.down:
            raise AssistantUnavailable("connection refused")
        self.asked.append((person_id, text, dict(metadata)))
        return self.script.get(text, AssistantReply(()))

    async def set_language(self, person_id: str, language: Language) -> None:
        """Record the language the core told the assistant."""
        if self.down:
            raise AssistantUnavailable("connection refused")
        self.languages.append((person_id, language))


@dataclass
class MemoryPersonalData:
    """The `PersonalData` port over a `MemoryPersonStore` (what `StoredPersonalData` does)."""

    store: MemoryPersonStore
    conversation_events: dict[str, int] = field(default_factory=dict)  # person id → events
    reports: dict[str, int] = field(default_factory=dict)  # person id → their reports
    reports_away: bool = False  # the city data API cannot be reached to unlink them
    erased: list[str] = field(default_factory=list)

    async def erase(self, person_id: str) -> Erased:
        """Forget the person and their conversation; what was removed."""
        self.erased.append(person_id)
        keys = [k for k, p in self.store.people.items() if p.id == person_id]
        for key in keys:
            del self.store.people[key]
        events = self.conversation_events.pop(person_id, 0)
        reports = 0 if self.reports_away else self.reports.pop(person_id, 0)
        return Erased(
            conversation_events=events,
            settings=bool(keys),
            waiting_messages=0,
            reports=reports,
            reports_unreachable=self.reports_away,
        )

    async def export(self, person_id: str) -> dict[str, object]:
        """The person's record and counts, as `StoredPersonalData.export` shapes them."""
        person = next((p for p in self.store.people.values() if p.id == person_id), None)
        record = {"id": person.id, "language": person.language} if person else None
        return {
            "person": record,
            "conversation": [{"from": "you", "text": "hallo"}]
            * self.conversation_events.get(person_id, 0),
            "reports": None if self.reports_away else [{}] * self.reports.get(person_id, 0),
        }
