"""Tables of the gateway's database; Alembic migrations under migrations/ create them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, UniqueConstraint
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
