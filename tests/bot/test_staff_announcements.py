"""Staff announce from a chat with the bot: the core with the real stores on SQLite (people,
subscriptions, drafts, announcements, the outbox and its sender, the web chat's outbound port);
only the assistant is scripted, and it must never be asked while a draft is going on."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from bot.broadcast.districts import load_districts
from bot.broadcast.drafts import SqlAnnouncementOffice
from bot.broadcast.sender import AnnouncementSender
from bot.broadcast.settings import BroadcastSettings
from bot.broadcast.store import AnnouncementStore
from bot.channels.web.adapter import WebChannel
from bot.core import texts
from bot.core.announcing import AnnouncementDesk
from bot.core.conversation import Conversation
from bot.core.districts import DistrictDirectory
from bot.core.language import LanguageGuesser
from bot.core.messages import ChannelName, IncomingMessage, Language
from bot.core.ports import OutboundChannel, Subscription
from bot.core.sendtime import CITY_TIME
from bot.store.database import create_engine, migrate
from bot.store.identity import PeopleIds
from bot.store.people import SqlPersonStore
from bot.store.subscriptions import SqlSubscriptionStore
from bot.store.web_outbox import WebOutbox
from tests.fakes import ScriptedAssistant

TEXT_DE = "Die Eltiner Straße in Lichtenhagen ist ab Montag gesperrt."
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
TEXT_EN = "Eltiner Straße in Lichtenhagen is closed from Monday."
IDS = PeopleIds(b"the key of people's ids in these tests")


@pytest.fixture(scope="module")
def guesser() -> LanguageGuesser:
    return LanguageGuesser()


@pytest.fixture(scope="module")
def districts() -> DistrictDirectory:
    return load_districts()


class Gateway:
    """The core over one database file, built as `bot.app` builds it (one gateway process)."""

    def __init__(
        self, url: str, env: dict[str, str], guesser: LanguageGuesser, places: DistrictDirectory
    ) -> None:
        self.settings = BroadcastSettings.from_env(env)
        self.engine = create_engine(url)
        self.people = SqlPersonStore(self.engine, IDS)
        self.subscriptions = SqlSubscriptionStore(self.engine)
        self.store = AnnouncementStore(self.engine)
        self.outbox = WebOutbox(self.engine)
        self.web = WebChannel(self.people, self.outbox, IDS)
        outbound: dict[ChannelName, OutboundChannel] = {"web": self.web}
        self.sender = AnnouncementSender(self.store, outbound, self.settings)
        self.office = SqlAnnouncementOffice(self.engine, self.store, self.sender.wake)
        self.assistant = ScriptedAssistant()
        desk = AnnouncementDesk(
            self.office,
            self.settings.staff,
            places,
            self.people,
            outbound,
            require_approval=self.settings.require_approval,
            staff_name=IDS.staff,
        )
        self.core = Conversation(self.people, self.assistant, guesser, announcements=desk)

    async def says(
        self,
        channel: ChannelName,
        sender: str,
        text: str | None = None,
        *,
        payload: str | None = None,
        hint: Language | None = None,
    ) -> str:
        msg = IncomingMessage(
            channel=channel,
            sender_id=sender,
            chat_id=sender,
            text=text,
            payload=payload,
            language_hint=hint,
        )
        turn = await self.core.handle(msg)
        return "\n".join(m.text for m in turn.messages)

    async def buttons(self, channel: ChannelName, sender: str) -> list[str]:
        person = await self.people.find(channel, sender)
        assert person is not None
        return [b.title for b in person.last_buttons]

    async def person_id(self, channel: ChannelName, sender: str) -> str:
        person = await self.people.find(channel, sender)
        assert person is not None
        return person.id

    async def subscriber(
        self, channel: ChannelName, sender: str, language: Language, *wanted: tuple[str, str]
    ) -> str:
        person = await self.people.touch(channel, sender, sender, language)
        subs = [Subscription(district, topic) for district, topic in wanted]
        await self.subscriptions.subscribe(person.id, subs, language)
        return person.id

    async def close(self) -> None:
        await self.engine.dispose()


@pytest.fixture
def url(tmp_path: Path) -> str:
    database = f"sqlite:///{tmp_path}/gateway.sqlite3"
    migrate(database)
    return database


STAFF = {"STAFF_TELEGRAM_IDS": "1001, 1002:approver", "STAFF_MATRIX_IDS": "@presse:rostock.de"}


@pytest.fixture
async def gateway(
    url: str, guesser: LanguageGuesser, districts: DistrictDirectory
) -> AsyncIterator[Gateway]:
    gw = Gateway(url, STAFF, guesser, districts)
    yield gw
    await gw.close()


@pytest.fixture
async def approving(
    url: str, guesser: LanguageGuesser, districts: DistrictDirectory
) -> AsyncIterator[Gateway]:
    env = {
        "STAFF_TELEGRAM_IDS": "1001:approver,1002:approver,1004",
        "STAFF_REQUIRE_APPROVAL": "true",
    }
    gw = Gateway(url, env, guesser, districts)
    yield gw
    await gw.close()


async def neighbourhood(gw: Gateway) -> dict[str, str]:
    """Subscribers on every channel; who of them hears about road works in Lichtenhagen."""
    return {
        "tg_lichtenhagen": await gw.subscriber(
            "telegram", "2001", "de", ("Lichtenhagen", "construction")
        ),
        "mx_everything": await gw.subscriber("matrix", "@eva:example.org", "en", ("all", "all")),
        "web_lichtenhagen": await gw.subscriber("web", "web-anna", "de", ("Lichtenhagen", "all")),
        # not reached: another district, another topic
        "tg_suedstadt": await gw.subscriber("telegram", "2002", "de", ("Südstadt", "construction")),
        "web_events": await gw.subscriber("web", "web-ben", "de", ("Lichtenhagen", "events")),
    }


async def test_staff_drafts_in_german_and_it_goes_out_only_after_the_confirmation(
    gateway: Gateway,
) -> None:
    await neighbourhood(gateway)
    started = await gateway.says("telegram", "1001", "/announce", hint="de")
    assert started == texts.text("announce_ask_text", "de")
    assert (await gateway.says("telegram", "1001", TEXT_DE)).startswith("Schritt 2 von 6")
    assert await gateway.buttons("telegram", "1001") == ["Überspringen"]
    # the English version does not switch the German staff person to English
    assert (await gateway.says("telegram", "1001", TEXT_EN)).startswith("Schritt 3 von 6")
    assert (await gateway.says("telegram", "1001", "Überspringen")).startswith("Schritt 4 von 6")
    assert (await gateway.says("telegram", "1001", "Lichtenhagen")).startswith("Schritt 5 von 6")
    assert (await gateway.buttons("telegram", "1001"))[0] == "Baustellen und Verkehr"
    asked_time = await gateway.says("telegram", "1001", payload="/announce_topic construction")
    assert asked_time.startswith("Schritt 6 von 6")
    preview = await gateway.says("telegram", "1001", "Sofort")
    assert f"Deutsch: {TEXT_DE}" in preview
    assert f"Englisch: {TEXT_EN}" in preview
    assert "Leichte Sprache" not in preview
    assert "Stadtteile: Lichtenhagen" in preview
    assert "Thema: Baustellen und Verkehr" in preview
    assert "Empfänger jetzt: Telegram 1, Matrix 1, Web-Chat 1, zusammen 3." in preview
    assert await gateway.buttons("telegram", "1001") == ["Senden", "Abbrechen"]
    # nothing is stored as an announcement before the confirmation, nothing is sent
    assert await gateway.store.get(1) is None
    assert await gateway.sender.run_once() == 0

    done = await gateway.says("telegram", "1001", "Senden")
    assert done == texts.text("announce_sent_now", "de", id="1")
    announcement = await gateway.store.get(1)
    assert announcement is not None
    # the author as the keyed hash of their Telegram id, never the id in clear
    assert (announcement.status, announcement.author) == ("approved", IDS.staff("telegram", "1001"))
    assert "1001" not in announcement.author
    assert (announcement.text, announcement.text_en, announcement.text_plain) == (
        TEXT_DE,
        TEXT_EN,
        None,
    )
    assert (announcement.districts, announcement.topics) == (("Lichtenhagen",), ("construction",))
    assert await gateway.office.draft(await gateway.person_id("telegram", "1001")) is None
    person = await gateway.people.find("telegram", "1001")
    assert person is not None
    assert person.language == "de"
    assert gateway.assistant.asked == []  # the whole dialogue stayed in the gateway

    await gateway.sender.run_once()
    waiting = await gateway.outbox.waiting(IDS.address("web", "web-anna"))
    assert [m["text"].split("\n\n")[0] for _, m in waiting] == [TEXT_DE]
    assert await gateway.outbox.waiting(IDS.address("web", "web-ben")) == []
    # a second tap on "Senden" stores nothing twice
    again = await gateway.says("telegram", "1001", payload="/announce_confirm")
    assert again == texts.text("announce_no_draft", "de")
    assert await gateway.store.get(2) is None


async def test_staff_drafts_in_english_for_the_whole_city_to_be_sent_tomorrow(
    gateway: Gateway,
) -> None:
    await neighbourhood(gateway)
    steps = [
        ("/ankuendigen", "Step 1 of 6"),
        ("Hitzewarnung: Bitte trinken Sie ausreichend Wasser.", "Step 2 of 6"),
        ("Heat warning: please drink enough water.", "Step 3 of 6"),
        ("Hitze! Viel Wasser trinken.", "Step 4 of 6"),
        ("All of Rostock", "Step 5 of 6"),
        ("warnings, events", "Step 6 of 6"),
    ]
    for said, expected in steps:
        answer = await gateway.says("matrix", "@presse:rostock.de", said, hint="en")
        assert answer.startswith(expected), (said, answer)
    preview = await gateway.says("matrix", "@presse:rostock.de", "tomorrow 9am")
    tomorrow = (datetime.now(CITY_TIME) + timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    assert "Districts: all of Rostock" in preview
    assert "Topic: warnings and events" in preview
    assert f"Send: on {tomorrow:%d %B %Y} at 09:00" in preview
    assert "Plain language: Hitze! Viel Wasser trinken." in preview
    # everyone with a warnings, events or all-topics subscription, anywhere
    assert "Recipients now: Telegram 0, Matrix 1, web chat 2, 3 in all." in preview
    reach = await gateway.store.audience((), ("warnings", "events"))
    assert reach.channels == {"telegram": 0, "matrix": 1, "web": 2}
    done = await gateway.says("matrix", "@presse:rostock.de", "1")  # the first button: Send
    assert done.startswith("Done. Announcement no. 1 will be sent on ")
    announcement = await gateway.store.get(1)
    assert announcement is not None
    assert announcement.status == "approved"
    assert announcement.send_at == tomorrow.astimezone(UTC)
    assert announcement.text_plain == "Hitze! Viel Wasser trinken."
    # not yet: its time has not come
    assert await gateway.sender.run_once() == 0
    person = await gateway.people.find("matrix", "@presse:rostock.de")
    assert person is not None
    assert person.language == "en"
    assert gateway.assistant.asked == []


@pytest.mark.parametrize(
    ("channel", "sender", "hint"),
    [("telegram", "555", "de"), ("telegram", "556", "en"), ("web", "web-carla", "de")],
)
async def test_someone_who_is_not_staff_is_told_politely_and_nothing_happens(
    gateway: Gateway, channel: ChannelName, sender: str, hint: Language
) -> None:
    await neighbourhood(gateway)
    for attempt in ("/announce", "/ankündigen"):
        answer = await gateway.says(channel, sender, attempt, hint=hint)
        assert answer == texts.text("announce_not_allowed", hint)
    tapped = await gateway.says(channel, sender, payload="/announce_confirm")
    assert tapped == texts.text("announce_not_allowed", hint)
    assert await gateway.says(channel, sender, "/approve 1") == texts.text(
        "announce_not_allowed", hint
    )
    person_id = await gateway.person_id(channel, sender)
    assert await gateway.office.draft(person_id) is None
    assert await gateway.store.get(1) is None
    assert gateway.assistant.asked == []
    # their next message is an ordinary question for the assistant again
    await gateway.says(channel, sender, "Wo ist die nächste Toilette?")
    assert [text for _, text, _ in gateway.assistant.asked] == ["Wo ist die nächste Toilette?"]


async def test_a_second_staff_person_approves_and_the_author_cannot_approve_their_own(
    approving: Gateway,
) -> None:
    gw = approving
    await neighbourhood(gw)
    for said in ("/announce", TEXT_DE, "Überspringen", "Überspringen", "KTV, Lichtenhagen"):
        await gw.says("telegram", "1001", said, hint="de")
    await gw.says("telegram", "1001", payload="/announce_topic construction")
    preview = await gw.says("telegram", "1001", "jetzt")
    assert "Stadtteile: Kröpeliner-Tor-Vorstadt und Lichtenhagen" in preview
    assert await gw.buttons("telegram", "1001") == ["Zur Freigabe geben", "Abbrechen"]
    submitted = await gw.says("telegram", "1001", "Zur Freigabe geben")
    assert submitted.startswith(texts.text("announce_waiting", "de", id="1"))
    # approver 1002 never wrote to the bot, so nobody could be told; the answer says how
    assert texts.text("announce_approvers_unreached", "de", id="1") in submitted
    announcement = await gw.store.get(1)
    assert announcement is not None
    assert announcement.status == "draft"
    assert await gw.sender.run_once() == 0  # waiting for approval: nothing goes out

    own = await gw.says("telegram", "1001", "/approve 1")
    assert own == texts.text("announce_own", "de")
    author_only = await gw.says("telegram", "1004", "/freigeben 1", hint="de")
    assert author_only == texts.text("announce_approve_not_allowed", "de")
    assert await gw.says("telegram", "999", "/approve 1", hint="de") == texts.text(
        "announce_not_allowed", "de"
    )
    still = await gw.store.get(1)
    assert still is not None
    assert (still.status, still.approver) == ("draft", None)

    approved = await gw.says("telegram", "1002", "/approve 1", hint="en")
    assert approved == texts.text("announce_approved", "en", id="1", when="right away")
    done = await gw.store.get(1)
    assert done is not None
    assert (done.status, done.approver) == ("approved", IDS.staff("telegram", "1002"))
    await gw.sender.run_once()
    assert len(await gw.outbox.waiting(IDS.address("web", "web-anna"))) == 1
    twice = await gw.says("telegram", "1002", "/approve 1")
    assert twice == texts.text("announce_not_waiting", "en", id="1")
    assert await gw.says("telegram", "1002", "/approve 77") == texts.text(
        "announce_not_found", "en", id="77"
    )


@pytest.fixture
def postgres_url() -> Iterator[str]:
    name = f"gateway_drafts_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        migrate(url)
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_a_draft_survives_a_restart_of_the_gateway_and_continues_where_it_stopped(
    url: str, guesser: LanguageGuesser, districts: DistrictDirectory
) -> None:
    await restart_mid_draft(url, guesser, districts)


async def test_a_draft_survives_a_restart_on_postgresql(
    postgres_url: str, guesser: LanguageGuesser, districts: DistrictDirectory
) -> None:
    await restart_mid_draft(postgres_url, guesser, districts)


async def restart_mid_draft(url: str, guesser: LanguageGuesser, places: DistrictDirectory) -> None:
    """Three steps, the gateway stops, a new one over the same database takes the fourth."""
    before = Gateway(url, STAFF, guesser, places)
    await neighbourhood(before)
    for said in ("/announce", TEXT_DE, "Überspringen", "Überspringen"):
        await before.says("telegram", "1001", said, hint="de")
    await before.close()  # the gateway stops (or dies) here

    after = Gateway(url, STAFF, guesser, places)
    try:
        answer = await after.says("telegram", "1001", "Lichtenhagen")
        assert answer.startswith("Schritt 5 von 6")
        # the offered buttons were kept too: "1" is the first topic
        assert (await after.says("telegram", "1001", "1")).startswith("Schritt 6 von 6")
        preview = await after.says("telegram", "1001", "Sofort")
        assert f"Deutsch: {TEXT_DE}" in preview
        assert "Telegram 1, Matrix 1, Web-Chat 1, zusammen 3" in preview
        assert await after.says("telegram", "1001", "Senden") == texts.text(
            "announce_sent_now", "de", id="1"
        )
        assert after.assistant.asked == []
    finally:
        await after.close()


async def test_cancel_ends_a_draft_at_any_step_and_nothing_is_stored(gateway: Gateway) -> None:
    await gateway.says("telegram", "1001", "/announce", hint="de")
    await gateway.says("telegram", "1001", TEXT_DE)
    assert await gateway.says("telegram", "1001", "/abbrechen") == texts.text(
        "announce_cancelled", "de"
    )
    assert await gateway.office.draft(await gateway.person_id("telegram", "1001")) is None
    assert await gateway.says("telegram", "1001", "/cancel") == texts.text(
        "announce_nothing_to_cancel", "de"
    )
    # and at the preview, by its button
    for said in ("/announce", TEXT_DE, "Überspringen", "Überspringen", "Dierkow"):
        await gateway.says("telegram", "1001", said)
    await gateway.says("telegram", "1001", payload="/announce_topic none")
    preview = await gateway.says("telegram", "1001", "Sofort")
    assert "Stadtteile: Dierkow" in preview
    assert "Thema: ohne Thema (nur für Abos aller Themen)" in preview
    assert await gateway.says("telegram", "1001", "Abbrechen") == texts.text(
        "announce_cancelled", "de"
    )
    assert await gateway.store.get(1) is None
    assert gateway.assistant.asked == []


async def test_unknown_districts_topics_and_times_are_asked_again_naming_the_problem(
    gateway: Gateway,
) -> None:
    for said in ("/announce", TEXT_DE, "Überspringen", "Überspringen"):
        await gateway.says("telegram", "1001", said, hint="de")
    unknown = await gateway.says("telegram", "1001", "Lichtenhagen, Atlantis")
    assert unknown.startswith("„Atlantis“ kenne ich nicht als Stadtteil von Rostock.")
    assert "Schritt 4 von 6" in unknown
    await gateway.says("telegram", "1001", "Lichtenhagen")
    topic = await gateway.says("telegram", "1001", "Baustellen, Schwimmen")
    assert topic.startswith("„Schwimmen“ kenne ich nicht als Thema.")
    await gateway.says("telegram", "1001", "Baustellen")
    for said, key in (("irgendwann", "unknown"), ("1.1.2020 10:00", "past")):
        answer = await gateway.says("telegram", "1001", said)
        assert answer.startswith(texts.text(f"announce_time_{key}", "de")), answer
        assert "Schritt 6 von 6" in answer
    command = await gateway.says("telegram", "1001", "/voice on")
    assert command.startswith(texts.text("announce_no_command", "de"))
    assert "Schritt 6 von 6" in command
    draft = await gateway.office.draft(await gateway.person_id("telegram", "1001"))
    assert draft is not None
    assert (draft.step, draft.districts) == ("send_at", ("Lichtenhagen",))


async def test_deleting_the_staff_persons_data_deletes_their_draft(gateway: Gateway) -> None:
    await gateway.says("telegram", "1001", "/announce", hint="de")
    await gateway.says("telegram", "1001", TEXT_DE)
    person_id = await gateway.person_id("telegram", "1001")
    assert await gateway.office.draft(person_id) is not None
    assert await gateway.people.delete(person_id)
    assert await gateway.office.draft(person_id) is None


async def submitted_for_approval(gw: Gateway, author: str) -> None:
    """Announcement no. 1 for the whole city, waiting for approval, drafted by `author`."""
    for said in ("/announce", TEXT_DE, "Überspringen", "Überspringen", "Ganz Rostock"):
        await gw.says("telegram", author, said, hint="de")
    await gw.says("telegram", author, payload="/announce_topic none")
    await gw.says("telegram", author, "Sofort")
    submitted = await gw.says("telegram", author, "Zur Freigabe geben")
    assert submitted.startswith(texts.text("announce_waiting", "de", id="1"))


async def test_an_approver_rejects_with_a_reason_and_the_announcement_is_never_sent(
    approving: Gateway,
) -> None:
    gw = approving
    await neighbourhood(gw)
    await submitted_for_approval(gw, "1001")
    # only approvers, never the author, and nobody who is not staff
    assert await gw.says("telegram", "1001", "/reject 1 passt nicht") == texts.text(
        "announce_own_reject", "de"
    )
    assert await gw.says("telegram", "1004", "/ablehnen 1 passt nicht", hint="de") == texts.text(
        "announce_reject_not_allowed", "de"
    )
    for attempt in ("/reject 1 passt nicht", "/announce_reject 1", "/announce_reject_now 1"):
        answer = await gw.says("web", "web-carla", attempt, hint="de")
        assert answer == texts.text("announce_not_allowed", "de")
    still = await gw.store.get(1)
    assert still is not None
    assert (still.status, still.approver, still.rejection_reason) == ("draft", None, None)

    reason = "Bitte das Datum prüfen,\n die Sperrung beginnt erst am Dienstag."
    rejected = await gw.says("telegram", "1002", f"/reject 1 {reason}", hint="de")
    assert rejected == texts.text("announce_rejected", "de", id="1")
    done = await gw.store.get(1)
    assert done is not None
    assert (done.status, done.approver) == ("rejected", IDS.staff("telegram", "1002"))
    assert done.rejection_reason == "Bitte das Datum prüfen, die Sperrung beginnt erst am Dienstag."
    # a rejected announcement is final: no approval, no second rejection, nothing sent
    assert await gw.says("telegram", "1002", "/approve 1") == texts.text(
        "announce_not_waiting", "de", id="1"
    )
    assert await gw.says("telegram", "1002", "/reject 1 doch") == texts.text(
        "announce_not_waiting", "de", id="1"
    )
    assert await gw.sender.run_once() == 0
    assert await gw.outbox.waiting(IDS.address("web", "web-anna")) == []
    assert (await gw.store.get(1)).status == "rejected"  # type: ignore[union-attr]
    assert gw.assistant.asked == []


async def test_the_reject_button_asks_for_the_reason_and_the_next_message_is_it(
    approving: Gateway,
) -> None:
    gw = approving
    await submitted_for_approval(gw, "1001")
    # the approver taps "Ablehnen" under the approval request (a message sent to them first)
    asked = await gw.says("telegram", "1002", payload="/announce_reject 1", hint="en")
    assert asked == texts.text("announce_reject_ask", "en", id="1")
    assert await gw.buttons("telegram", "1002") == ["Reject, no reason", "Do not reject"]
    # "Do not reject" leaves it waiting
    kept = await gw.says("telegram", "1002", "2")
    assert kept == texts.text("announce_reject_kept", "en", id="1")
    assert (await gw.store.get(1)).status == "draft"  # type: ignore[union-attr]
    # typed without a reason it asks too; the next message is the reason
    assert await gw.says("telegram", "1002", "/reject 1") == asked
    answer = await gw.says("telegram", "1002", "The street is closed from Tuesday, not Monday.")
    assert answer == texts.text("announce_rejected", "en", id="1")
    done = await gw.store.get(1)
    assert done is not None
    assert (done.status, done.rejection_reason) == (
        "rejected",
        "The street is closed from Tuesday, not Monday.",
    )
    assert gw.assistant.asked == []  # the reason never went to the assistant
    # the buttons are gone: the approver's next question is for the assistant again
    await gw.says("telegram", "1002", "Where is the nearest toilet?")
    assert [text for _, text, _ in gw.assistant.asked] == ["Where is the nearest toilet?"]


async def test_reject_without_a_reason_by_its_button(approving: Gateway) -> None:
    gw = approving
    await submitted_for_approval(gw, "1001")
    await gw.says("telegram", "1002", payload="/announce_reject 1", hint="de")
    answer = await gw.says("telegram", "1002", "Ohne Grund ablehnen")
    assert answer == texts.text("announce_rejected", "de", id="1")
    done = await gw.store.get(1)
    assert done is not None
    assert (done.status, done.rejection_reason) == ("rejected", None)


async def test_no_staff_platform_id_is_stored_in_clear(approving: Gateway, url: str) -> None:
    gw = approving
    await submitted_for_approval(gw, "1001")
    await gw.says("telegram", "1002", "/approve 1", hint="de")
    database = url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as conn:
        stored = conn.execute("SELECT author, approver FROM announcements").fetchall()
        people = [r[0] for r in conn.execute("SELECT platform_id FROM people").fetchall()]
    assert stored == [(IDS.staff("telegram", "1001"), IDS.staff("telegram", "1002"))]
    assert all(p.startswith("h1:") for p in people)
