"""The core's turn: remember the person, pick their language, ask Rasa, shape the answers."""

from __future__ import annotations

import asyncio
import json
import logging
import unicodedata
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from bot.core import report_updates, slash_payloads, subscriptions, texts
from bot.core.announcing import AnnouncementDesk
from bot.core.choices import choose
from bot.core.commands import (
    DELETE_CANCELLED,
    DELETE_CONFIRMED,
    apply_voice_command,
    parse_privacy_command,
    parse_voice_command,
)
from bot.core.language import LanguageGuesser
from bot.core.messages import Button, IncomingMessage, Language, OutgoingMessage, Refusal, Turn
from bot.core.people import Person
from bot.core.ports import (
    Assistant,
    AssistantUnavailable,
    PersonalData,
    PersonStore,
    PhotoRefused,
    PhotoStore,
    PhotoUnavailable,
    SpeechText,
    VoiceError,
    VoiceService,
)
from bot.core.privacy import PrivacyPolicy, export_document, notice
from bot.core.subscriptions import (
    SubscriptionCommand,
    SubscriptionDesk,
    parse_subscription_command,
)

logger = logging.getLogger(__name__)
# Which refusal a failed voice stage gets; any other stage failure is "not understood".
VOICE_REFUSALS: Final[dict[str, Refusal]] = {
    "too-long": "voice_too_long",
    "stt-unavailable": "voice_unavailable",
}

# The longest text passed on to the assistant, on every channel.
MAX_MESSAGE_CHARS: Final = 4000
_SYNCED_MAX: Final = 50_000
# The assistant's initial language for a new person (Rasa's `language` slot, CONTRACTS.md).
ASSISTANT_INITIAL_LANGUAGE: Final[Language] = "de"

__all__ = ["MAX_MESSAGE_CHARS", "Conversation", "Turn", "input_problem"]


def input_problem(text: str | None) -> Refusal | None:
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
    """The inbound port: handles one message at a time per person and returns its `Turn`."""

    def __init__(
        self,
        store: PersonStore,
        assistant: Assistant,
        guesser: LanguageGuesser,
        *,
        voice: VoiceService | None = None,
        speech_text: SpeechText | None = None,
        personal_data: PersonalData | None = None,
        subscriptions: SubscriptionDesk | None = None,
        photos: PhotoStore | None = None,
        announcements: AnnouncementDesk | None = None,
        privacy: PrivacyPolicy | None = None,
    ) -> None:
        self._store = store
        self._announcements = announcements
        self._policy = privacy or PrivacyPolicy()
        self._photos = photos
        self._subscriptions = subscriptions
        self._personal_data = personal_data
        self._assistant = assistant
        self._guesser = guesser
        self._voice = voice
        self._speech_text = speech_text
        # One turn at a time per person, so language and offered buttons stay consistent.
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        # The language we last told the assistant per person id; forgotten when it was
        # unreachable, since a restarted Rasa with an in-memory tracker store has lost it.
        self._synced: OrderedDict[str, Language] = OrderedDict()

    async def handle(self, msg: IncomingMessage) -> Turn:
        """Answer one message: the answers in order, the person's language, any refusal."""
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

        if msg.unusable is not None:
            return await self._refuse(msg, stored, person, msg.unusable)
        heard = False
        photo_payload: str | None = None
        built: str | None = None  # a payload the core built itself this turn (location, photo)
        before: list[OutgoingMessage] = []
        text = msg.text
        if msg.audio is not None:
            if self._voice is None:
                return await self._refuse(msg, stored, person, "voice_unavailable")
            try:
                transcript = await self._voice.transcribe(msg.audio, person.language)
            except VoiceError as exc:
                logger.info("voice turn failed for person %s: %s", person.id, exc.code)
                refusal = VOICE_REFUSALS.get(exc.code, "voice_failed")
                return await self._refuse(msg, stored, person, refusal, heard=True)
            text = transcript.text.strip()
            if not text:
                return await self._refuse(msg, stored, person, "voice_failed", heard=True)
            heard = True
            before.append(self._say("understood", person, text=text))
        elif msg.image is not None and self._photos is None and not msg.text:
            return await self._refuse(msg, stored, person, "image_unsupported")
        elif msg.image is not None and self._photos is not None:
            try:
                media_id = await self._photos.upload(msg.image)
            except PhotoRefused:
                return await self._refuse(msg, stored, person, "image_refused")
            except PhotoUnavailable:
                return await self._refuse(msg, stored, person, "image_unsupported")
            # the report dialogue takes it (and starts a report when none is going on); a
            # caption ("Aufzug kaputt am Doberaner Platz") says what the report is about
            entities = {"media_id": media_id}
            caption = (msg.text or "").strip()
            if caption and input_problem(caption) is None:
                entities["caption"] = caption
            photo_payload = "/attach_photo" + json.dumps(entities, ensure_ascii=False)

        if msg.payload and msg.location is None:
            # staff buttons come also from messages sent to them first (an approver's "Freigeben"),
            # never in their last answer; the announcing desk checks who may press them
            staff = await self._announcing(msg, stored, person, msg.payload, before, heard=heard)
            if staff is not None:
                return staff
        if msg.location is not None:
            position = {"latitude": msg.location.latitude, "longitude": msg.location.longitude}
            assistant_text = built = "/share_location" + json.dumps(position)
        elif msg.payload and not slash_payloads.stale_tap(msg, person.last_buttons):
            assistant_text = msg.payload
        elif photo_payload is not None:
            assistant_text = built = photo_payload
        else:
            problem = input_problem(text)
            if problem is not None or text is None:
                return await self._refuse(msg, stored, person, problem or "empty", heard=heard)
            # before language detection: a draft's English text must not switch the staff person
            staff = await self._announcing(msg, stored, person, text, before, heard=heard)
            if staff is not None:
                return staff
            command = parse_voice_command(text)
            if command is not None:
                result = apply_voice_command(person, command)
                answer = [*before, OutgoingMessage(text=result.answer)]
                return await self._finish(msg, stored, result.person, answer, heard=heard)
            chosen = choose(text, person.last_buttons)
            if chosen is not None:
                assistant_text = chosen.payload
            else:
                # the answer to "which district?" just asked (before language detection:
                # "KTV" says nothing of the person's language)
                where = (
                    self._subscriptions.answer_where(person, text) if self._subscriptions else None
                )
                if where is not None:
                    answered = [*before, *where.messages]
                    return await self._finish(msg, stored, where.person, answered, heard=heard)
                assistant_text = text
                # a command or payload says nothing of the person's language
                guess = not msg.language_choice and not text.lstrip().startswith("/")
                detected = self._guesser.detect(text) if guess else None
                if detected is not None and detected != person.language:
                    person = replace(person, language=detected)

        updates = report_updates.answer(person, assistant_text)
        if updates is not None:
            person, reply = updates
            return await self._finish(msg, stored, person, [*before, reply], heard=heard)
        privacy = parse_privacy_command(assistant_text)
        if privacy is not None:
            return await self._privacy(msg, stored, person, privacy, before, heard=heard)
        subscription = parse_subscription_command(assistant_text)
        if subscription is not None:
            return await self._subscription(msg, stored, person, subscription, before, heard=heard)
        if assistant_text != built:
            checked = slash_payloads.for_assistant(assistant_text, person.last_buttons)
            if checked is None:
                return await self._not_offered(msg, stored, person, before, heard=heard)
            assistant_text = checked

        if person != stored:
            # Persist first: the language choice survives even when the assistant is down.
            await self._store.save(person)
            stored = person
        try:
            replies, switched = await self._ask(person, assistant_text, msg)
        except AssistantUnavailable:
            self._synced.clear()
            logger.warning("no answer from the assistant for person %s", person.id)
            return await self._refuse(
                msg, stored, person, "assistant_unavailable", heard=heard, before=before
            )
        if switched is not None:
            person = replace(person, language=switched)
        person, replies = report_updates.after_filing(person, replies)
        request, replies = subscriptions.heard(replies)
        if request is not None:
            person, replies = await self._heard_subscription(person, request, text, replies)
        buttons = next((m.buttons for m in reversed(replies) if m.buttons), ())
        person = replace(person, last_buttons=buttons)
        return await self._finish(msg, stored, person, [*before, *replies], heard=heard)

    async def _privacy(
        self,
        msg: IncomingMessage,
        stored: Person,
        person: Person,
        step: str,
        before: list[OutgoingMessage],
        *,
        heard: bool,
    ) -> Turn:
        """Deleting one's data: ask first; delete only on the confirmation just offered."""
        if step in ("notice", "export"):
            return await self._privacy_info(msg, stored, person, step, before, heard=heard)
        lang = person.language
        offered = any(b.payload == DELETE_CONFIRMED for b in person.last_buttons)
        if step == "confirmed" and offered and self._personal_data is not None:
            erased = await self._personal_data.erase(person.id)
            self._synced.pop(person.id, None)
            parts = [texts.text("deleted_settings", lang)] if erased.settings else []
            if erased.conversation_events:
                parts.append(texts.text("deleted_conversation", lang))
            if erased.waiting_messages:
                parts.append(
                    texts.text("deleted_waiting", lang, count=str(erased.waiting_messages))
                )
            if erased.subscriptions:
                parts.append(texts.text("deleted_subscriptions", lang))
            if erased.reports:
                parts.append(texts.text("deleted_reports", lang, count=str(erased.reports)))
            said = texts.text("deleted", lang, removed=texts.word_list(lang, parts))
            if erased.reports_unreachable:
                said += " " + texts.text("deleted_reports_later", lang)
            answer = OutgoingMessage(text=said)
            # nothing of the person is written again: the turn ends here
            return Turn(messages=(*before, answer), language=lang, person_id=person.id)
        if step == "cancelled" or (step == "confirmed" and not offered):
            person = replace(person, last_buttons=())
            reply = [*before, self._say("delete_cancelled", person)]
            return await self._finish(msg, stored, person, reply, heard=heard)
        if self._personal_data is None:
            reply = [*before, self._say("delete_unavailable", person)]
            return await self._finish(msg, stored, person, reply, heard=heard)
        buttons = (
            Button(texts.text("delete_yes", lang), DELETE_CONFIRMED),
            Button(texts.text("delete_no", lang), DELETE_CANCELLED),
        )
        person = replace(person, last_buttons=buttons)
        question = OutgoingMessage(text=texts.text("delete_ask", lang), buttons=buttons)
        return await self._finish(msg, stored, person, [*before, question], heard=heard)

    async def _privacy_info(
        self,
        msg: IncomingMessage,
        stored: Person,
        person: Person,
        step: str,
        before: list[OutgoingMessage],
        *,
        heard: bool,
    ) -> Turn:
        """The privacy notice (offering export and deletion), or the person's data as a file."""
        lang = person.language
        if step == "notice":
            told = notice(self._policy, lang)
            person = replace(person, last_buttons=told.buttons)
            return await self._finish(msg, stored, person, [*before, told], heard=heard)
        if person != stored:
            await self._store.save(person)  # the export shows the settings as they are now
            stored = person
        if self._personal_data is None:
            reply = [*before, self._say("export_unavailable", person, contact=self._policy.contact)]
            return await self._finish(msg, stored, person, reply, heard=heard)
        data = await self._personal_data.export(person.id)
        said = texts.text("export_ready", lang)
        if data.get("reports") is None:
            said += " " + texts.text("export_reports_later", lang)
        document = export_document(data, lang)
        reply = [*before, OutgoingMessage(text=said, document=document)]
        return await self._finish(msg, stored, person, reply, heard=heard)

    def forget_conversations(self, person_ids: Sequence[str]) -> None:
        """The retention job deleted these trackers: Rasa's slots start afresh for them."""
        for person_id in person_ids:
            self._synced.pop(person_id, None)

    async def _subscription(
        self,
        msg: IncomingMessage,
        stored: Person,
        person: Person,
        command: SubscriptionCommand,
        before: list[OutgoingMessage],
        *,
        heard: bool,
    ) -> Turn:
        """Subscribing to announcements: /subscribe asks, only its "yes" subscribes."""
        if self._subscriptions is None:
            reply = [*before, self._say("subscriptions_unavailable", person)]
            return await self._finish(msg, stored, person, reply, heard=heard)
        answer = await self._subscriptions.handle(person, command)
        reply = [*before, *answer.messages]
        return await self._finish(msg, stored, answer.person, reply, heard=heard)

    async def _heard_subscription(
        self,
        person: Person,
        request: SubscriptionCommand,
        said: str | None,
        replies: list[OutgoingMessage],
    ) -> tuple[Person, list[OutgoingMessage]]:
        """A subscription asked for in plain words: answered like the command would be."""
        if self._subscriptions is None:
            return person, [*replies, self._say("subscriptions_unavailable", person)]
        return await self._subscriptions.in_words(person, request, said or "", replies)

    async def _announcing(
        self,
        msg: IncomingMessage,
        stored: Person,
        person: Person,
        said: str,
        before: list[OutgoingMessage],
        *,
        heard: bool,
    ) -> Turn | None:
        """Staff drafting an announcement (or anyone trying to); None: not about that."""
        if self._announcements is None:
            return None
        answer = await self._announcements.handle(person, said)
        if answer is None:
            return None
        reply = [*before, *answer.messages]
        return await self._finish(msg, stored, answer.person, reply, heard=heard)

    async def _not_offered(
        self,
        msg: IncomingMessage,
        stored: Person,
        person: Person,
        before: list[OutgoingMessage],
        *,
        heard: bool,
    ) -> Turn:
        """A slash payload the person typed or forged: answered here, never sent to Rasa."""
        logger.info("slash payload not offered to person %s, not passed on", person.id)
        answer = [*before, self._say("not_offered", person)]
        return await self._finish(msg, stored, person, answer, heard=heard)

    async def _refuse(
        self,
        msg: IncomingMessage,
        stored: Person,
        person: Person,
        refusal: Refusal,
        *,
        heard: bool = False,
        before: Sequence[OutgoingMessage] = (),
    ) -> Turn:
        """Answer by the core itself: the refusal's text in the person's language."""
        answer = [*before, self._say(refusal, person)]
        return await self._finish(msg, stored, person, answer, heard=heard, refusal=refusal)

    async def _ask(
        self, person: Person, text: str, msg: IncomingMessage
    ) -> tuple[list[OutgoingMessage], Language | None]:
        if person.is_new and person.language == ASSISTANT_INITIAL_LANGUAGE:
            # A new person id is a new tracker at Rasa, whose slot already holds this language.
            self._remember_synced(person.id, person.language)
        if self._synced.get(person.id) != person.language:
            await self._assistant.set_language(person.id, person.language)
            self._remember_synced(person.id, person.language)
        metadata = {"channel": msg.channel, "language": person.language}
        reply = await self._assistant.ask(person.id, text, metadata)
        replies, switched = list(reply.messages), reply.language
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
        refusal: Refusal | None = None,
    ) -> Turn:
        person = replace(person, spoke_by_voice=heard)
        if person != stored:
            await self._store.save(person)
        if msg.voice_reply is not None:
            spoken = msg.voice_reply
        elif person.voice_replies is not None:
            spoken = person.voice_replies
        else:
            spoken = heard  # who speaks to us hears the answer, unless they said otherwise
        speak = spoken and self._voice is not None
        if speak:
            messages = list(await asyncio.gather(*(self._spoken(m, person) for m in messages)))
        return Turn(
            messages=tuple(messages),
            language=person.language,
            person_id=person.id,
            refusal=refusal,
            speak=speak,
        )

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
