"""Fixtures for the Matrix channel: one real Synapse per session, bots and citizens on it."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.channels.matrix import MatrixChannel, build
from bot.core.messages import Button, IncomingMessage, OutgoingMessage, Turn
from bot.core.ports import MessageHandler
from tests.fakes import turn
from tests.matrix.person import Person
from tests.matrix.synapse import RegisteredUser, Synapse

_ids = itertools.count()


class EchoHandler:
    """Test-only stand-in for the core, for channel mechanics: records what arrives, echoes it.

    Conversation behaviour is tested through the real stack (test_matrix_conversation.py).
    """

    def __init__(self) -> None:
        self.messages: list[IncomingMessage] = []

    async def __call__(self, message: IncomingMessage) -> Turn:
        self.messages.append(message)
        if message.unusable is not None:
            return turn(OutgoingMessage(f"Abgelehnt: {message.unusable}"), refusal=message.unusable)
        if message.location is not None:
            loc = message.location
            return turn(OutgoingMessage(f"Ort: {loc.latitude},{loc.longitude}"))
        if message.audio is not None:
            return turn(OutgoingMessage(f"Audio: {len(message.audio.data)} Bytes"))
        if message.image is not None:
            return turn(OutgoingMessage(f"Bild: {len(message.image.data)} Bytes"))
        if message.text == "Auswahl bitte":
            buttons = (Button("Ja", "/affirm"), Button("Nein <nicht>", "/deny"))
            return turn(OutgoingMessage("Möchten Sie das?", buttons=buttons))
        return turn(OutgoingMessage(f"Echo: {message.text}"))


@pytest.fixture(scope="session")
async def synapse(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Synapse]:
    """A real Synapse homeserver (SQLite, 127.0.0.1, no federation) for the whole session."""
    server = Synapse(tmp_path_factory.mktemp("synapse"))
    await server.start()
    yield server
    await server.stop()


RegisterUser = Callable[..., Awaitable[RegisteredUser]]


@pytest.fixture
def register(synapse: Synapse) -> RegisterUser:
    """Register a fresh user with a unique name."""

    async def _register(prefix: str = "user", *, admin: bool = False) -> RegisteredUser:
        return await synapse.register(f"{prefix}{next(_ids)}", admin=admin)

    return _register


StartBot = Callable[..., Awaitable[MatrixChannel]]


@pytest.fixture
async def start_bot(synapse: Synapse, tmp_path: Path) -> AsyncIterator[StartBot]:
    """Start real MatrixChannels through `build`, as the gateway does; stopped at the end."""
    started: list[MatrixChannel] = []

    async def _start(
        user: RegisteredUser, handler: MessageHandler, store: Path | None = None, **env: str
    ) -> MatrixChannel:
        full_env = {
            "MATRIX_HOMESERVER": synapse.url,
            "MATRIX_USER_ID": user.user_id,
            "MATRIX_PASSWORD": user.password,
            "MATRIX_STORE_DIR": str(store or tmp_path / f"store-{user.user_id}"),
            "MATRIX_SYNC_TIMEOUT_MS": "5000",
            **env,
        }
        channel = build(full_env, handler, None)
        assert isinstance(channel, MatrixChannel)
        await channel.start()
        started.append(channel)
        return channel

    yield _start
    for channel in reversed(started):
        await channel.stop()


StartPerson = Callable[[RegisteredUser], Awaitable[Person]]


@pytest.fixture
async def start_person(synapse: Synapse, tmp_path: Path) -> AsyncIterator[StartPerson]:
    """Citizens with their own E2E-capable Matrix client."""
    people: list[Person] = []

    async def _start(user: RegisteredUser) -> Person:
        person = Person(synapse.url, user, tmp_path / f"person-{user.user_id}")
        await person.start()
        people.append(person)
        return person

    yield _start
    for person in people:
        await person.stop()
