"""The core's turn: remember the person, pick their language, ask Rasa, shape the answers."""

from __future__ import annotations

import asyncio
import json
import logging
import unicodedata
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Final

from bot.core import texts
from bot.core.choices import choose
from bot.core.commands import apply_voice_command, parse_voice_command
from bot.core.language import LanguageGuesser
from bot.core.messages import IncomingMessage, Language, OutgoingMessage
from bot.core.ports import VoiceError, VoiceService
from bot.core.rasa import RasaClient, RasaUnavailable, replies_from_rasa
from bot.store.people import Person, PersonStore

logger = logging.getLogger(__name__)
# Which answer a failed voice stage gets; any other stage failure is "not understood".
VOICE_ERROR_TEXTS = {"too-long": "voice_too_long", "stt-unavailable": "voice_unavailable"}

MAX_MESSAGE_CHARS: Final = 4000
# OutgoingMessage.custom["error"] when the assistant behind the gateway could not answer; the web
# API turns it into HTTP 503, chat platforms just send the text.
ASSISTANT_UNAVAILABLE: Final = "assistant_unavailable"
_SYNCED_MAX: Final = 50_000
# The initial value of Rasa's `language` slot (docs/CONTRACTS.md, NLU additions).
RASA_INITIAL_LANGUAGE: Final[Language] = "de"

SpeechText = Callable[[OutgoingMessage, Language], str]


@dataclass(frozen=True, slots=True)
class Turn:
    """The answers to one message and the language the person is answered in from now on."""

    messages: list[OutgoingMessage]
    language: Language
    person_id: str


def input_problem(text: str | None) -> str | None:
    """The text key explaining why this text cannot be sent on (empty, too long, unreadable)."""
    if text is None or not text.strip():
        return "empty"
    if len(text) > MAX_MESSAGE_CHARS:
        return "too_long"
    for char in text:
        if char in "\t\n\r":
            continue
        if unicodedata.category(char) in ("Cc", "Cs"):
            return "unreadable"
    return None


class Conversation:
    """Handles one incoming message at a time per person and returns the answers to send."""

    def __init__(
        self,
        store: PersonStore,
        rasa: RasaClient,
        guesser: LanguageGuesser,
        *,
        voice: VoiceService | None = None,
        speech_text: SpeechText | None = None,
    ) -> None:
        self._store = store
        self._rasa = rasa
        self._guesser = guesser
        self._voice = voice
        self._speech_text = speech_text
        # One turn at a time per person, so language and offered buttons stay consistent.
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        # The language slot we last set in Rasa per person id; forgotten when Rasa was unreachable,
        # since a restarted Rasa with an in-memory tracker store has lost it.
        self._synced: OrderedDict[str, Language] = OrderedDict()

    async def handle(self, msg: IncomingMessage) -> list[OutgoingMessage]:
        """Answer one message: the messages to send back, in order."""
        return (await self.handle_turn(msg)).messages

    async def handle_turn(self, msg: IncomingMessage) -> Turn:
        """Answer one message, and say in which language the person is answered from now on."""
        key = (msg.channel, msg.sender_id)
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        async with lock:
            return await self._turn(msg)

    async def language_of(self, msg: IncomingMessage) -> Language:
        """The language to answer this sender in without a turn (e.g. for a rejected request)."""
        if msg.language_choice:
            return msg.language_choice
        person = await self._store.find(msg.channel, msg.sender_id)
        if person is not None:
            return person.language
        return msg.language_hint or "de"

    async def _turn(self, msg: IncomingMessage) -> Turn:
        first_language: Language = msg.language_choice or msg.language_hint or "de"
        person = await self._store.touch(msg.channel, msg.sender_id, msg.chat_id, first_language)
        stored = person
        if msg.language_choice and msg.language_choice != person.language:
            person = replace(person, language=msg.language_choice)

        heard = False
        before: list[OutgoingMessage] = []
        text = msg.text
        if msg.audio is not None:
            if self._voice is None:
                answer = [self._say("voice_unavailable", person)]
                return await self._finish(msg, stored, person, answer)
            try:
                transcript = await self._voice.transcribe(msg.audio, person.language)
            except VoiceError as exc:
                logger.info("voice turn failed for person %s: %s", person.id, exc.code)
                key = VOICE_ERROR_TEXTS.get(exc.code, "voice_failed")
                answer = [self._say(key, person)]
                return await self._finish(msg, stored, person, answer, heard=True)
            text = transcript.text.strip()
            if not text:
                answer = [self._say("voice_failed", person)]
                return await self._finish(msg, stored, person, answer, heard=True)
            heard = True
            before.append(self._say("understood", person, text=text))
        elif msg.image is not None and not msg.text:
            answer = [self._say("image_unsupported", person)]
            return await self._finish(msg, stored, person, answer)

        if msg.location is not None:
            position = {"latitude": msg.location.latitude, "longitude": msg.location.longitude}
            rasa_text = "/share_location" + json.dumps(position)
        elif msg.payload:
            rasa_text = msg.payload
        else:
            problem = input_problem(text)
            if problem is not None or text is None:
                answer = [self._say(problem or "empty", person)]
                return await self._finish(msg, stored, person, answer, heard=heard)
            command = parse_voice_command(text)
            if command is not None:
                result = apply_voice_command(person, command)
                answer = [*before, OutgoingMessage(text=result.answer)]
                return await self._finish(msg, stored, result.person, answer, heard=heard)
            chosen = choose(text, person.last_buttons)
            if chosen is not None:
                rasa_text = chosen.payload
            else:
                rasa_text = text
                detected = None if msg.language_choice else self._guesser.detect(text)
                if detected is not None and detected != person.language:
                    person = replace(person, language=detected)

        if person != stored:
            # Persist first: the language choice survives even when Rasa is down.
            await self._store.save(person)
            stored = person
        try:
            replies, switched = await self._ask_rasa(person, rasa_text, msg)
        except RasaUnavailable:
            self._synced.clear()
            logger.warning("no answer from Rasa for person %s", person.id)
            unavailable = OutgoingMessage(
                text=texts.text("unavailable", person.language),
                custom={"error": ASSISTANT_UNAVAILABLE},
            )
            return await self._finish(msg, stored, person, [*before, unavailable], heard=heard)
        if switched is not None:
            person = replace(person, language=switched)
        buttons = next((m.buttons for m in reversed(replies) if m.buttons), ())
        person = replace(person, last_buttons=buttons)
        return await self._finish(msg, stored, person, [*before, *replies], heard=heard)

    async def _ask_rasa(
        self, person: Person, rasa_text: str, msg: IncomingMessage
    ) -> tuple[list[OutgoingMessage], Language | None]:
        if person.is_new and person.language == RASA_INITIAL_LANGUAGE:
            # A new person id is a new tracker at Rasa, whose slot already holds this language.
            self._remember_synced(person.id, person.language)
        if self._synced.get(person.id) != person.language:
            await self._rasa.set_slot(person.id, "language", person.language)
            self._remember_synced(person.id, person.language)
        metadata = {"channel": msg.channel, "language": person.language}
        raw = await self._rasa.send(person.id, rasa_text, metadata)
        replies, switched = replies_from_rasa(raw)
        if switched is not None:
            # An action changed the language slot itself (e.g. "can you speak English?").
            self._remember_synced(person.id, switched)
        if not replies:
            replies = [OutgoingMessage(text=texts.text("no_answer", switched or person.language))]
        return replies, switched

    async def _finish(
        self,
        msg: IncomingMessage,
        stored: Person,
        person: Person,
        messages: list[OutgoingMessage],
        *,
        heard: bool = False,
    ) -> Turn:
        if person != stored:
            await self._store.save(person)
        if msg.voice_reply is not None:
            spoken = msg.voice_reply
        elif person.voice_replies is not None:
            spoken = person.voice_replies
        else:
            spoken = heard  # who speaks to us hears the answer, unless they said otherwise
        if spoken and self._voice is not None:
            messages = list(await asyncio.gather(*(self._spoken(m, person) for m in messages)))
        return Turn(messages=messages, language=person.language, person_id=person.id)

    async def _spoken(self, message: OutgoingMessage, person: Person) -> OutgoingMessage:
        if not message.text.strip():
            return message
        assert self._voice is not None
        words = self._speech_text(message, person.language) if self._speech_text else message.text
        try:
            audio = await self._voice.synthesize(words, person.language, person.speech_rate)
        except VoiceError as exc:
            logger.warning("text-to-speech failed for person %s: %s", person.id, exc.code)
            return message
        return replace(message, audio=audio)

    def _remember_synced(self, person_id: str, language: Language) -> None:
        self._synced[person_id] = language
        self._synced.move_to_end(person_id)
        while len(self._synced) > _SYNCED_MAX:
            self._synced.popitem(last=False)

    def _say(self, key: str, person: Person, **values: str) -> OutgoingMessage:
        return OutgoingMessage(text=texts.text(key, person.language, **values))
