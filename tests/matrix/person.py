"""A citizen on Matrix for the tests: a real matrix-nio client with end-to-end encryption, syncing
in the background and collecting what the bot says in each room."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    DownloadResponse,
    LoginResponse,
    MatrixRoom,
    MegolmEvent,
    RoomCreateResponse,
    RoomMessage,
    RoomSendResponse,
    RoomVisibility,
)
from nio.crypto.attachments import decrypt_attachment

from tests.matrix.synapse import RegisteredUser


class Person:
    """One test user: sends messages, waits for the bot's answers."""

    def __init__(self, homeserver: str, user: RegisteredUser, store: Path) -> None:
        self.user = user
        store.mkdir(parents=True, exist_ok=True)
        self.client = AsyncClient(
            homeserver,
            user.user_id,
            store_path=str(store),
            config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True),
        )
        self.received: dict[str, list[dict[str, Any]]] = defaultdict(list)  # room → contents
        self.received_ids: dict[str, list[str]] = defaultdict(list)  # room → event ids
        self.undecryptable = 0
        self.bots: set[str] = set()  # whose messages count as answers
        self._new = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Log in (new device, keys uploaded) and sync in the background."""
        resp = await self.client.login(self.user.password, device_name="test citizen")
        assert isinstance(resp, LoginResponse), resp
        self.client.add_event_callback(self._on_message, RoomMessage)
        self.client.add_event_callback(self._on_megolm, MegolmEvent)
        await self.client.sync(timeout=0, full_state=True)  # history is not for the test
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        self._task = asyncio.create_task(self.client.sync_forever(timeout=3000))

    async def stop(self) -> None:
        """Stop syncing and close the connection."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self.client.close()

    async def _on_message(self, room: MatrixRoom, event: RoomMessage) -> None:
        if event.sender not in self.bots:
            return
        async with self._new:
            self.received[room.room_id].append(event.source["content"])
            self.received_ids[room.room_id].append(event.event_id)
            self._new.notify_all()

    async def _on_megolm(self, room: MatrixRoom, event: MegolmEvent) -> None:
        self.undecryptable += 1

    async def open_chat(self, bot_id: str, *, encrypted: bool, direct: bool = True) -> str:
        """Create a room (a direct chat by default), invite the bot and wait until it joined."""
        room_id = await self.invite_to_new_room(bot_id, encrypted=encrypted, direct=direct)
        await self.wait_for_member(room_id, bot_id)
        return room_id

    async def invite_to_new_room(
        self, bot_id: str, *, encrypted: bool = False, direct: bool = True
    ) -> str:
        """Create a room and invite the bot, without waiting for it."""
        self.bots.add(bot_id)
        initial_state = []
        if encrypted:
            initial_state.append(
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            )
        resp = await self.client.room_create(
            visibility=RoomVisibility.private,
            is_direct=direct,
            invite=[bot_id],
            initial_state=initial_state,
            name=None if direct else "Nachbarschaft",
        )
        assert isinstance(resp, RoomCreateResponse), resp
        return resp.room_id

    async def wait_for_member(self, room_id: str, user_id: str, within: float = 60) -> None:
        """Wait until `user_id` has joined `room_id`."""
        async with asyncio.timeout(within):
            while True:
                room = self.client.rooms.get(room_id)
                if room is not None and user_id in room.users and not room.users[user_id].invited:
                    break
                await asyncio.sleep(0.1)
        if not self.client.rooms[room_id].encrypted:
            return
        # Like Element: know the newcomer's devices before the next message, and start a new room
        # key, so the newcomer can read on (nio would keep a key only earlier members have).
        async with asyncio.timeout(within):
            while not list(self.client.device_store.active_user_devices(user_id)):
                assert self.client.olm is not None
                self.client.olm.users_for_key_query.add(user_id)
                await self.client.keys_query()
                await asyncio.sleep(0.1)
        self.client.invalidate_outbound_session(room_id)

    async def send(self, room_id: str, content: dict[str, Any]) -> str:
        """Send any m.room.message content; returns the event id."""
        resp = await self.client.room_send(
            room_id, "m.room.message", content, ignore_unverified_devices=True
        )
        assert isinstance(resp, RoomSendResponse), resp
        return resp.event_id

    async def say(self, room_id: str, text: str, **extra: Any) -> str:
        """Send a text message."""
        return await self.send(room_id, {"msgtype": "m.text", "body": text, **extra})

    async def answers(self, room_id: str, count: int = 1, within: float = 60) -> list[str]:
        """Wait until the bot said at least `count` things in the room; returns their bodies."""
        async with asyncio.timeout(within):
            async with self._new:
                await self._new.wait_for(lambda: len(self.received[room_id]) >= count)
        return [str(c.get("body", "")) for c in self.received[room_id]]

    async def ask(self, room_id: str, text: str, within: float = 90, **extra: Any) -> str:
        """Say something and return the bot's next answer (its first message after this one)."""
        before = len(self.received[room_id])
        await self.say(room_id, text, **extra)
        bodies = await self.answers(room_id, before + 1, within)
        return bodies[before]

    async def quiet_for(self, room_id: str, seconds: float) -> list[str]:
        """Whatever the bot says in the room within `seconds` (to check it says nothing)."""
        before = len(self.received[room_id])
        await asyncio.sleep(seconds)
        return [str(c.get("body", "")) for c in self.received[room_id][before:]]


async def eventually(condition: Callable[[], bool], within: float = 60) -> None:
    """Wait until `condition()` holds (polling; state changes arrive through sync)."""
    async with asyncio.timeout(within):
        while True:
            if condition():
                return
            await asyncio.sleep(0.2)


async def downloaded(person: Person, content: dict[str, Any]) -> bytes:
    """The bytes of an attachment (m.audio, m.file) as the citizen sees it (decrypted)."""
    encrypted = content.get("file")
    resp = await person.client.download(mxc=(encrypted or content)["url"])
    assert isinstance(resp, DownloadResponse), resp
    assert isinstance(resp.body, bytes), resp
    if encrypted is None:
        return resp.body
    key, sha256, iv = encrypted["key"]["k"], encrypted["hashes"]["sha256"], encrypted["iv"]
    return bytes(decrypt_attachment(resp.body, key, sha256, iv))
