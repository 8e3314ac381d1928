"""Tables of the gateway's database; Alembic migrations under migrations/ create them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the gateway's tables."""


class PersonRow(Base):
    """One person on one channel: what the gateway remembers to answer them well."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("channel", "platform_id", name="uq_people_channel_platform"),
    )

    # Opaque id; it is also the person's sender id at Rasa, so every store is reachable by it.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    # The platform's user id is needed to answer later (status pushes); it is never logged.
    platform_id: Mapped[str] = mapped_column(String(255))
    chat_id: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(2), default="de")
    voice_replies: Mapped[bool | None] = mapped_column(Boolean, nullable=True, default=None)
    speech_rate: Mapped[int] = mapped_column(Integer, default=0)
    consent: Mapped[bool | None] = mapped_column(Boolean, nullable=True, default=None)
    # their last message was a voice note: announcements come as a voice note too
    spoke_by_voice: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # whether they want to hear when one of their reports changes status (None: not asked yet)
    report_updates: Mapped[bool | None] = mapped_column(Boolean, nullable=True, default=None)
    # The buttons of the last answer, so that "2" or "die erste" can pick one.
    last_buttons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebOutboxRow(Base):
    """A message the city wrote to a web chat user, waiting for their next visit (or push)."""

    __tablename__ = "web_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The person's opaque id (their data is deleted with them) and their web chat sender id.
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    address: Mapped[str] = mapped_column(String(255), index=True)
    # The message as the web chat's JSON ({"text", "buttons"?, "audio"?, "audio_mime"?}).
    message: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SubscriptionRow(Base):
    """A person asked (and confirmed) to hear about a topic in a district ("all": any)."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("person_id", "district", "topic", name="uq_subscriptions_person"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    district: Mapped[str] = mapped_column(String(64))  # a Stadtbereich or "all"
    topic: Mapped[str] = mapped_column(String(32))  # a topic or "all"
    language: Mapped[str] = mapped_column(String(2))  # the language they subscribed in
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AnnouncementRow(Base):
    """What city staff want to tell the subscribers of some districts and topics."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    text_plain: Mapped[str | None] = mapped_column(Text, nullable=True)
    districts: Mapped[list[str]] = mapped_column(JSON)  # Stadtbereiche; empty: the whole city
    topics: Mapped[list[str]] = mapped_column(JSON)  # empty: for all-topics subscribers only
    send_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # draft → approved → sending (deliveries written) → sent; or draft → rejected (never sent)
    status: Mapped[str] = mapped_column(String(16), index=True)
    # A chat's staff are "<channel>:" + the keyed hash of their platform id (bot/store/identity.py);
    # the staff API's are the names its callers give.
    author: Mapped[str] = mapped_column(String(100))
    # the second person who approved or rejected it
    approver: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # why it was rejected, as the second person wrote it (None: approved, waiting, or no reason)
    rejection_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DeliveryRow(Base):
    """One announcement to one person: written before anything is sent, marked once sent."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("announcement_id", "person_id", name="uq_deliveries_person"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"), index=True)
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # pending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Why the last attempt failed: rate_limited, network, blocked, left, not_found, rejected…
    last_error_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # A worker sending it now holds it until then; a crashed worker's hold runs out.
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ReportFeedRow(Base):
    """How far the gateway has read the city data API's feed of report status changes."""

    __tablename__ = "report_feed"

    # one cursor per channel: a gateway runs some channels, another gateway the others
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    after: Mapped[int] = mapped_column(Integer, default=0)  # the last change id handled


class AnnouncementDraftRow(Base):
    """An announcement a staff person is writing in a chat, step by step (one per person)."""

    __tablename__ = "announcement_drafts"

    person_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # text → text_en → text_plain → districts → topics → send_at → preview
    step: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    text_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    text_plain: Mapped[str | None] = mapped_column(Text, nullable=True)
    districts: Mapped[list[str]] = mapped_column(JSON)  # Stadtbereiche; empty: the whole city
    topics: Mapped[list[str]] = mapped_column(JSON)
    send_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TelegramInboxRow(Base):
    """A Telegram update as it arrived: stored before Telegram is told it was received.

    `payload` (the update's JSON, with the message text) and `chat_id` are kept only until the
    update is answered (status `pending` → `done`); a done row keeps the update id alone, so a
    repeat of it is recognised, and goes after a day.
    """

    __tablename__ = "telegram_inbox"
    __table_args__ = (Index("ix_telegram_inbox_status", "status", "claimed_until"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    payload: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(8))  # pending, done
    # the process answering it holds it until then (renewed while it runs); a dead one's runs out
    owner: Mapped[str | None] = mapped_column(String(32), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CouncilNoticeRow(Base):
    """An Ortsbeirat meeting the gateway announced, with what the last announcement said.

    Written in the transaction that stores the announcement: a meeting is announced once, and
    again only when it is cancelled, moved, or its agenda first appears.
    """

    __tablename__ = "council_notices"

    meeting_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    council_id: Mapped[int] = mapped_column(Integer)
    start_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    agenda_items: Mapped[int] = mapped_column(Integer, default=0)  # public items announced
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    announcement_id: Mapped[int] = mapped_column(Integer)  # the last one about this meeting
    notices: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
