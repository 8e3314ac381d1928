"""Staff announce from a chat with the bot: `/announce` (also `/ankuendigen`) drafts step by step.

Text → English version (optional) → plain-language version (optional) → districts → topics →
send time → a preview with the recipients per channel, then "send" or "cancel". Only the
confirmation stores the announcement, through the same store and outbox as the staff HTTP API.
With `STAFF_REQUIRE_APPROVAL` the confirmation puts it in waiting for approval and tells the
approvers; another staff person with the approver role approves it (`/approve <no>` or the
button), or rejects it (`/reject <no> <reason>`, or the button, which asks for the reason): a
rejected announcement is never sent, and its author is told why. `/cancel` (also `/abbrechen`)
ends a draft at any step. Each step is stored before it
is answered, so a draft survives a restart. Anyone who is not staff is told they may not, and
nothing else happens. Staff accounts are named as author or approver by `staff_name` (the gateway
gives the keyed hash of the platform id, so the announcements never hold it in clear).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from bot.core import texts
from bot.core.announce_words import (
    APPROVE,
    CANCEL,
    CONFIRM,
    MAX_REASON_CHARS,
    NOW,
    REJECT,
    REJECT_KEEP,
    REJECT_NOW,
    SKIP,
    TOPIC,
    WHOLE_CITY,
    StaffCommand,
    parse_staff_command,
    read_districts,
    read_topics,
    say_topics,
    say_when,
    say_where,
)
from bot.core.choices import choose
from bot.core.districts import DistrictDirectory
from bot.core.messages import (
    Button,
    ChannelName,
    Delivered,
    Language,
    OutgoingMessage,
    Recipient,
)
from bot.core.people import Person
from bot.core.ports import (
    AnnouncementOffice,
    DraftStep,
    OutboundChannel,
    PersonStore,
    StaffDraft,
)
from bot.core.sendtime import SendTimeError, now_utc, parse_send_time
from bot.core.staff import StaffDirectory, staff_key
from bot.core.subscriptions import TOPICS

logger = logging.getLogger(__name__)

_NEXT: Final[dict[DraftStep, DraftStep]] = {
    "text": "text_en",
    "text_en": "text_plain",
    "text_plain": "districts",
    "districts": "topics",
    "topics": "send_at",
    "send_at": "preview",
}


@dataclass(frozen=True, slots=True)
class StaffAnswer:
    """The staff person after the step (offered buttons), and what to answer."""

    person: Person
    messages: tuple[OutgoingMessage, ...]


class AnnouncementDesk:
    """The drafting dialogue for staff, over the announcement office (store and outbox)."""

    def __init__(
        self,
        office: AnnouncementOffice,
        staff: StaffDirectory,
        districts: DistrictDirectory,
        people: PersonStore,
        outbound: Mapping[ChannelName, OutboundChannel],
        *,
        require_approval: bool,
        clock: Callable[[], datetime] = now_utc,
        staff_name: Callable[[ChannelName, str], str] = staff_key,
    ) -> None:
        self._office = office
        self._staff = staff
        self._districts = districts
        self._people = people
        self._outbound = outbound  # filled as the channels start
        self._require_approval = require_approval
        self._clock = clock
        self._staff_name = staff_name  # how author and approver are stored

    async def handle(self, person: Person, said: str) -> StaffAnswer | None:
        """Answer a staff command or a draft's next step; None when the text is not for us."""
        command = parse_staff_command(said)
        role = self._staff.role(person.channel, person.platform_id)
        if role is None:
            if command is None:
                return None  # no staff: no draft either, and no database look-up
            if command.kind == "cancel" and not said.startswith(CANCEL):
                return self._say(person, "announce_nothing_to_cancel")
            logger.info("announcement command refused for person %s: not staff", person.id)
            return self._say(person, "announce_not_allowed")
        if command is not None and command.kind == "approve":
            return await self._approve(person, role == "approver", command.argument)
        if command is None and not said.startswith("/"):
            waiting = _reason_asked(person)
            if waiting is not None and choose(said, person.last_buttons) is None:
                # the reason asked for after "Ablehnen"
                command = StaffCommand("reject", f"{waiting} {said.strip()}")
        if command is None:
            chosen = choose(said, person.last_buttons)
            if chosen is not None and chosen.payload.startswith(REJECT):
                command = parse_staff_command(chosen.payload)
        if command is not None and command.kind in ("reject", "reject_now", "reject_keep"):
            return await self._reject(person, role == "approver", command)
        draft = await self._office.draft(person.id)
        if command is None:
            if draft is None:
                return None
            chosen = choose(said, person.last_buttons)
            if chosen is not None:
                command = parse_staff_command(chosen.payload)
        if command is not None and command.kind == "start":
            if draft is not None:
                return await self._ask(person, draft, lead="announce_continue")
            draft = StaffDraft(person.id, "text")
            await self._office.save_draft(draft)
            logger.info("announcement draft started by person %s", person.id)
            return await self._ask(person, draft)
        if command is not None and command.kind == "cancel":
            if not await self._office.drop_draft(person.id):
                return self._say(replace(person, last_buttons=()), "announce_nothing_to_cancel")
            logger.info("announcement draft of person %s cancelled", person.id)
            return self._say(replace(person, last_buttons=()), "announce_cancelled")
        if draft is None:
            return self._say(replace(person, last_buttons=()), "announce_no_draft")
        return await self._step(person, draft, said, command)

    async def _step(
        self, person: Person, draft: StaffDraft, said: str, command: StaffCommand | None
    ) -> StaffAnswer:
        """One answer to the draft's current question: keep it and ask the next one."""
        lang = person.language
        kind = command.kind if command else None
        step = draft.step
        if step == "preview":
            if kind == "confirm":
                return await self._submit(person, draft)
            return await self._ask(person, draft, lead="announce_preview_choose")
        if command is None and said.startswith("/"):
            return await self._ask(person, draft, lead="announce_no_command")
        if step == "text":
            if command is not None:
                return await self._ask(person, draft)
            changed = replace(draft, text=said.strip())
        elif step in ("text_en", "text_plain"):
            value = None if kind == "skip" else said.strip()
            if command is not None and kind != "skip":
                return await self._ask(person, draft)
            if step == "text_en":
                changed = replace(draft, text_en=value)
            else:
                changed = replace(draft, text_plain=value)
        elif step == "districts":
            found = () if kind == "whole_city" else read_districts(said, self._districts)
            if isinstance(found, str) or (command is not None and kind != "whole_city"):
                problem = texts.text("announce_unknown_district", lang, name=str(found))
                return await self._ask(person, draft, problem=problem)
            changed = replace(draft, districts=found)
        elif step == "topics":
            words = command.argument if kind == "topic" and command else said
            topics = read_topics(words) if kind in (None, "topic") else None
            if topics is None or isinstance(topics, str):
                name = topics if isinstance(topics, str) else said
                problem = texts.text("announce_unknown_topic", lang, name=name)
                return await self._ask(person, draft, problem=problem)
            changed = replace(draft, topics=topics)
        else:  # send_at
            if kind == "now":
                changed = replace(draft, send_at=None)
            else:
                try:
                    at = parse_send_time(said, self._clock()).at
                except SendTimeError as exc:
                    problem = texts.text(f"announce_time_{exc.code}", lang)
                    return await self._ask(person, draft, problem=problem)
                changed = replace(draft, send_at=at)
        changed = replace(changed, step=_NEXT[step])
        await self._office.save_draft(changed)  # persist first, acknowledge second
        logger.info("announcement draft of person %s: now at %s", person.id, changed.step)
        return await self._ask(person, changed)

    async def _ask(
        self, person: Person, draft: StaffDraft, *, lead: str | None = None, problem: str = ""
    ) -> StaffAnswer:
        """The question of the draft's step (after a note or a problem), with its buttons."""
        lang = person.language
        said = [texts.text(lead, lang)] if lead else []
        if problem:
            said.append(problem)
        if draft.step == "preview":
            preview, buttons = await self._preview(lang, draft)
            said.append(preview)
        else:
            said.append(texts.text(f"announce_ask_{draft.step}", lang))
            buttons = self._buttons(lang, draft.step)
        message = OutgoingMessage("\n\n".join(said), buttons=buttons)
        return StaffAnswer(replace(person, last_buttons=buttons), (message,))

    def _buttons(self, lang: Language, step: DraftStep) -> tuple[Button, ...]:
        def button(key: str, payload: str) -> Button:
            return Button(texts.text(key, lang), payload)

        if step in ("text_en", "text_plain"):
            return (button("announce_skip", SKIP),)
        if step == "districts":
            return (button("announce_whole_city", WHOLE_CITY),)
        if step == "topics":
            topics = tuple(button(f"topic_{t}", f"{TOPIC} {t}") for t in TOPICS)
            return (*topics, button("announce_no_topic", f"{TOPIC} none"))
        if step == "send_at":
            return (button("announce_now", NOW),)
        return ()

    async def _preview(self, lang: Language, draft: StaffDraft) -> tuple[str, tuple[Button, ...]]:
        reach = await self._office.audience(draft.districts, draft.topics)
        parts = [(k, v) for k, v in (("de", draft.text), ("en", draft.text_en)) if v]
        if draft.text_plain:
            parts.append(("plain", draft.text_plain))
        shown = "\n\n".join(f"{texts.text(f'announce_label_{k}', lang)}: {v}" for k, v in parts)
        counts = {channel: str(reach.get(channel, 0)) for channel in ("telegram", "matrix", "web")}
        preview = texts.text(
            "announce_preview",
            lang,
            texts=shown,
            where=say_where(lang, draft.districts, self._districts),
            topics=say_topics(lang, draft.topics),
            when=say_when(lang, draft.send_at),
            total=str(sum(reach.values())),
            **counts,
        )
        send = "announce_to_approval" if self._require_approval else "announce_send"
        buttons = (
            Button(texts.text(send, lang), CONFIRM),
            Button(texts.text("announce_cancel", lang), CANCEL),
        )
        return preview, buttons

    async def _submit(self, person: Person, draft: StaffDraft) -> StaffAnswer:
        """Store the confirmed draft as an announcement: it goes out, or waits for approval."""
        person = replace(person, last_buttons=())
        approved = not self._require_approval
        author = self._staff_name(person.channel, person.platform_id)
        announcement_id = await self._office.submit(draft, author, approved=approved)
        if announcement_id is None:
            return self._say(person, "announce_no_draft")
        logger.info(
            "announcement %s submitted from a chat (%s)",
            announcement_id,
            "approved" if approved else "waiting for approval",
        )
        lang, number = person.language, str(announcement_id)
        if approved:
            if draft.send_at is None:
                return self._say(person, "announce_sent_now", id=number)
            when = say_when(lang, draft.send_at)
            return self._say(person, "announce_scheduled", id=number, when=when)
        told = 0
        for channel, platform_id in self._staff.approvers():
            if (channel, platform_id) == (person.channel, person.platform_id):
                continue  # the author cannot approve their own
            told += await self._tell(
                channel,
                platform_id,
                lambda lg: self._approval_request(lg, announcement_id, draft),
            )
        said = [texts.text("announce_waiting", lang, id=number)]
        if told:
            said.append(texts.text("announce_approvers_told", lang, count=str(told)))
        else:
            said.append(texts.text("announce_approvers_unreached", lang, id=number))
        return StaffAnswer(person, (OutgoingMessage(" ".join(said)),))

    def _approval_request(
        self, lang: Language, announcement_id: int, draft: StaffDraft
    ) -> OutgoingMessage:
        number = str(announcement_id)
        request = texts.text(
            "announce_approval_request",
            lang,
            id=number,
            text=draft.text or "",
            where=say_where(lang, draft.districts, self._districts),
            when=say_when(lang, draft.send_at),
        )
        buttons = (
            Button(texts.text("announce_approve", lang), f"{APPROVE} {number}"),
            Button(texts.text("announce_reject", lang), f"{REJECT} {number}"),
        )
        return OutgoingMessage(request, buttons=buttons)

    async def _approve(self, person: Person, may_approve: bool, number: str) -> StaffAnswer:
        """A second staff person with the approver role approves a waiting announcement."""
        person = replace(person, last_buttons=())
        if not may_approve:
            return self._say(person, "announce_approve_not_allowed")
        if not number.isdigit() or len(number) > 18:
            return self._say(person, "announce_approve_usage")
        found = await self._office.announcement(int(number))
        if found is None:
            return self._say(person, "announce_not_found", id=number)
        me = self._staff_name(person.channel, person.platform_id)
        if found.author == me:
            return self._say(person, "announce_own")
        if found.status != "draft" or not await self._office.approve(found.id, me):
            return self._say(person, "announce_not_waiting", id=number)
        logger.info("announcement %s approved from a chat by person %s", found.id, person.id)
        await self.tell_author_decision(found.id, found.author, found.send_at, approved=True)
        when = say_when(person.language, found.send_at)
        return self._say(person, "announce_approved", id=number, when=when)

    async def _reject(self, person: Person, may_reject: bool, command: StaffCommand) -> StaffAnswer:
        """A second staff person with the approver role rejects a waiting announcement; a typed
        `/reject <no>` or the button asks for the reason first."""
        person = replace(person, last_buttons=())
        if not may_reject:
            return self._say(person, "announce_reject_not_allowed")
        number, _, reason = command.argument.strip().partition(" ")
        reason = " ".join(reason.split())  # one line: it is quoted in a sentence
        if not number.isdigit() or len(number) > 18:
            return self._say(person, "announce_reject_usage")
        found = await self._office.announcement(int(number))
        if found is None:
            return self._say(person, "announce_not_found", id=number)
        me = self._staff_name(person.channel, person.platform_id)
        if found.author == me:
            return self._say(person, "announce_own_reject")
        if found.status != "draft":
            return self._say(person, "announce_not_waiting", id=number)
        if command.kind == "reject_keep":
            return self._say(person, "announce_reject_kept", id=number)
        if command.kind == "reject" and not reason:
            return self._ask_reason(person, number)
        if len(reason) > MAX_REASON_CHARS:
            problem = texts.text(
                "announce_reason_too_long", person.language, max=str(MAX_REASON_CHARS)
            )
            answer = self._ask_reason(person, number)
            lead = OutgoingMessage(problem)
            return StaffAnswer(answer.person, (lead, *answer.messages))
        if not await self._office.reject(found.id, me, reason or None):
            return self._say(person, "announce_not_waiting", id=number)
        logger.info("announcement %s rejected from a chat by person %s", found.id, person.id)
        await self.tell_author_decision(
            found.id, found.author, found.send_at, approved=False, reason=reason or None
        )
        return self._say(person, "announce_rejected", id=number)

    def _ask_reason(self, person: Person, number: str) -> StaffAnswer:
        lang = person.language
        buttons = (
            Button(texts.text("announce_reject_without_reason", lang), f"{REJECT_NOW} {number}"),
            Button(texts.text("announce_reject_keep", lang), f"{REJECT_KEEP} {number}"),
        )
        question = OutgoingMessage(
            texts.text("announce_reject_ask", lang, id=number), buttons=buttons
        )
        return StaffAnswer(replace(person, last_buttons=buttons), (question,))

    async def tell_author_decision(
        self,
        announcement_id: int,
        author: str,
        send_at: datetime | None,
        *,
        approved: bool,
        reason: str | None = None,
    ) -> int:
        """Tell a chat author that their announcement was approved or rejected (in a chat or
        through the staff API); 1 when told (0 for the API's own authors, who read its answer)."""
        number = str(announcement_id)

        def told(lang: Language) -> OutgoingMessage:
            if approved:
                when = say_when(lang, send_at)
                return OutgoingMessage(
                    texts.text("announce_approved_author", lang, id=number, when=when)
                )
            if reason:
                key = "announce_rejected_author"
                return OutgoingMessage(texts.text(key, lang, id=number, reason=reason))
            return OutgoingMessage(
                texts.text("announce_rejected_author_no_reason", lang, id=number)
            )

        return await self._tell_author(author, told)

    async def _tell_author(
        self, author: str, message: Callable[[Language], OutgoingMessage]
    ) -> int:
        """Write to the staff account that authored an announcement in a chat, if it still is
        one (the staff API's authors are names, not accounts)."""
        for channel, accounts in self._staff.accounts.items():
            for platform_id in accounts:
                if self._staff_name(channel, platform_id) == author:
                    return await self._tell(channel, platform_id, message)
        return 0

    async def _tell(
        self,
        channel: ChannelName,
        platform_id: str,
        message: Callable[[Language], OutgoingMessage],
    ) -> int:
        """Write to a staff account through its channel's outbound port; 1 when delivered."""
        someone = await self._people.find(channel, platform_id)
        port = self._outbound.get(channel)
        if someone is None or port is None:
            return 0  # never wrote to the bot (no chat to write to), or the channel is off
        recipient = Recipient(someone.id, channel, someone.chat_id, someone.language, False)
        try:
            result = await port.send(recipient, message(someone.language))
        except Exception:
            logger.exception("telling staff person %s failed", someone.id)
            return 0
        return 1 if isinstance(result, Delivered) else 0

    @staticmethod
    def _say(person: Person, key: str, **values: str) -> StaffAnswer:
        return StaffAnswer(person, (OutgoingMessage(texts.text(key, person.language, **values)),))


def _reason_asked(person: Person) -> str | None:
    """The number of the announcement whose rejection reason was just asked for, if any."""
    for button in person.last_buttons:
        command = parse_staff_command(button.payload)
        if command is not None and command.kind == "reject_now" and command.argument:
            return command.argument
    return None
