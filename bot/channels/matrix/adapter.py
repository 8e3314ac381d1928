"""The Matrix channel: a matrix-nio client (end-to-end encryption on) in front of the core.

One sync loop: sync → keep the encryption keys current → hand each new message to the core →
send the answers → persist the sync token. Rooms of one sync are handled concurrently, the messages
of one room in order. Conversions live in `convert` (pure), persistence in `state`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import vodozemac
from aiohttp import web
from nio import (
    Api,
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    JoinResponse,
    LoginResponse,
    MatrixRoom,
    MegolmEvent,
    ProfileGetDisplayNameResponse,
    RoomLeaveResponse,
    SyncResponse,
    WhoamiResponse,
)
from nio.exceptions import LocalProtocolError

from bot.channels.matrix.convert import Accepted, to_incoming
from bot.channels.matrix.keys import (
    device_keys_on_server,
    forget_store,
    reseal_store,
    store_passphrase,
)
from bot.channels.matrix.limits import MAX_BACKOFF_S, SenderLimit
from bot.channels.matrix.rooms import history_boundary, is_direct
from bot.channels.matrix.send import NOT_STARTED, MatrixMessenger
from bot.channels.matrix.settings import MatrixError, MatrixSettings
from bot.channels.matrix.state import ChannelState, StateFile
from bot.channels.matrix.texts import MatrixTextKey, text
from bot.core import texts as core_texts
from bot.core.messages import ChannelName, DeliveryResult, Language, OutgoingMessage, Recipient
from bot.core.ports import MessageHandler

log = logging.getLogger(__name__)

_STATE_FILE = "channel-state.json"
_NIO_STORE = "nio"
# Rooms whose language the channel remembers from their last turn (for its own texts).
_MAX_ROOM_LANGUAGES = 10_000


def build(
    env: Mapping[str, str], handler: MessageHandler, web_app: web.Application | None = None
) -> MatrixChannel | None:
    """Create the Matrix channel from the environment; None when MATRIX_HOMESERVER is unset."""
    del web_app  # Matrix needs no inbound HTTP: the bot syncs from the homeserver
    settings = MatrixSettings.configured(env)
    if settings is None:
        return None
    return MatrixChannel(settings, handler)


@contextlib.contextmanager
def _store_must_open() -> Iterator[None]:
    """nio opens the device's key store with the login: a store that does not open with the
    passphrase is the operator's to fix, so the login fails with a code and is retried, and the
    sync task never dies of it."""
    try:
        yield
    except (vodozemac.PickleException, vodozemac.LibolmPickleException) as exc:
        raise MatrixError(
            "store-passphrase-wrong", "nio could not open the device's key store"
        ) from exc


class MatrixChannel:
    """The Matrix chat adapter: logs in, syncs, answers through the core, sends first."""

    name: ChannelName = "matrix"

    def __init__(self, settings: MatrixSettings, handler: MessageHandler) -> None:
        self.settings = settings
        self._handler = handler
        self._state_file = StateFile(settings.store_dir / _STATE_FILE)
        self._state = ChannelState()
        self._state_lock = asyncio.Lock()
        self._client: AsyncClient | None = None
        self._messenger: MatrixMessenger | None = None
        self._passphrase: str | None = None
        self._full_state = True  # a new client knows no rooms: its first sync fetches them whole
        self._limit = SenderLimit(settings.rate_per_sender)
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._handling = False  # stop() lets a batch of answers finish; anything else is cancelled
        self._names: tuple[str, ...] = ()
        self._warned_undecryptable: set[tuple[str, str]] = set()
        # The language of each room's last turn: the channel's own texts follow the core.
        self._languages: OrderedDict[str, Language] = OrderedDict()

    @property
    def messenger(self) -> MatrixMessenger:
        """Sends answers and fetches attachments through the logged-in client."""
        if self._messenger is None:
            raise MatrixError("not-started", "the Matrix channel has not been started")
        return self._messenger

    @property
    def client(self) -> AsyncClient:
        """The logged-in nio client."""
        if self._client is None:
            raise MatrixError("not-started", "the Matrix channel has not been started")
        return self._client

    async def start(self) -> None:
        """Prepare the client and run login and the sync loop in the background.

        Returns at once: a homeserver that is down (or refuses the login) must not keep the
        gateway's other channels from starting; the bot logs in as soon as it can.
        """
        store = self._nio_dir
        await asyncio.to_thread(store.mkdir, parents=True, exist_ok=True)
        self._passphrase = await asyncio.to_thread(
            store_passphrase, self.settings.store_passphrase, self.settings.store_dir
        )
        self._state = await asyncio.to_thread(self._state_file.load)
        if self._state.first_start_ms is None:
            self._state.first_start_ms = int(time.time() * 1000)
        self._new_client()
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="matrix-sync")

    async def stop(self) -> None:
        """Finish the messages in hand (up to 15 s), stop syncing, close the connection."""
        self._stopping = True
        task, self._task = self._task, None
        if task is not None:
            if not self._handling:
                task.cancel()
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout=15)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._client is not None:
            await self._client.close()
            self._client = None

    @property
    def _nio_dir(self) -> Path:
        return self.settings.store_dir / _NIO_STORE

    def _new_client(self) -> None:
        """A nio client that has not logged in (its key store opens with the login)."""
        assert self._passphrase is not None  # made by start()
        config = AsyncClientConfig(
            encryption_enabled=True,
            store_sync_tokens=False,  # our own token, saved only after the events are handled
            max_limit_exceeded=None,  # 429: wait retry_after_ms and retry, never drop
            max_timeouts=None,  # connection lost: back off and retry
            max_timeout_retry_wait_time=MAX_BACKOFF_S,
            request_timeout=60,
            pickle_key=self._passphrase,
        )
        self._client = AsyncClient(
            self.settings.homeserver,
            self.settings.user_id,
            store_path=str(self._nio_dir),
            config=config,
        )
        self._messenger = MatrixMessenger(self._client, self._state)
        self._full_state = True

    # --- outbound port ---

    async def send(self, recipient: Recipient, message: OutgoingMessage) -> DeliveryResult:
        """Send one message to the person's room with the bot (the outbound port)."""
        if self._messenger is None:
            return NOT_STARTED
        return await self._messenger.deliver_to(recipient.address, message)

    # --- login ---

    async def _login(self) -> None:
        """Log in (same device, same keys), and as a new device if the homeserver lost it."""
        await self._log_in_device()
        if not await self._device_keys_on_server():
            await self._replace_lost_device()
        client = self.client
        settings = self.settings
        name = await client.get_displayname()
        localpart = settings.user_id[1:].split(":", 1)[0]
        display = name.displayname if isinstance(name, ProfileGetDisplayNameResponse) else None
        self._names = tuple(n for n in (display, localpart) if n)
        log.info("matrix logged in, the device's keys on the homeserver")

    async def _log_in_device(self) -> None:
        """Log in with the stored device (or a new one), open its key store, upload its keys."""
        client = self.client
        settings = self.settings
        if settings.access_token:
            device_id = settings.device_id or self._state.device_id
            if not device_id:
                client.access_token = settings.access_token
                who = await client.whoami()
                if not isinstance(who, WhoamiResponse) or not who.device_id:
                    raise MatrixError("login-failed", f"access token not accepted: {who}")
                device_id = who.device_id
            await self._reseal(device_id)
            with _store_must_open():
                client.restore_login(settings.user_id, device_id, settings.access_token)
        else:
            assert settings.password is not None  # validated by MatrixSettings
            if self._state.device_id:
                await self._reseal(self._state.device_id)
                client.device_id = self._state.device_id  # same device, same keys
            with _store_must_open():
                resp = await client.login(settings.password, device_name=settings.device_name)
            if not isinstance(resp, LoginResponse):
                raise MatrixError("login-failed", f"{getattr(resp, 'status_code', '')}")
        if self._state.device_id != client.device_id:
            self._state.device_id = client.device_id
            await self._save_state()
        if client.should_upload_keys:
            await self._check(await client.keys_upload(), "keys-upload-failed")

    async def _reseal(self, device_id: str) -> None:
        assert self._passphrase is not None  # made by start()
        # In the event loop's thread, never a worker thread: nio's stores bind peewee's global
        # model classes to their database for each call (bind_ctx), so a store used from another
        # thread at the same time as the client's own can write one store's rows into the other.
        resealed = reseal_store(self._nio_dir, self.settings.user_id, device_id, self._passphrase)
        if resealed:
            log.info("matrix: key store re-sealed with its own passphrase (was nio's default)")

    async def _device_keys_on_server(self) -> bool:
        """Whether the homeserver holds this device's keys (it lost them with a lost device)."""
        client = self.client
        assert client.olm is not None  # the key store opened with the login
        method, path, body = Api.keys_query(client.access_token, {self.settings.user_id})
        response = await client.send(method, path, body)
        try:
            if response.status == 401:
                raise MatrixError("login-failed", "the homeserver refused the access token")
            if response.status != 200:
                raise MatrixError("keys-query-failed", str(response.status))
            answer = await response.json()
        finally:
            response.release()
        own = client.olm.account.identity_keys
        return device_keys_on_server(answer, self.settings.user_id, client.device_id, own)

    async def _replace_lost_device(self) -> None:
        """The homeserver lost this device (removed by an admin, a reset): log in as a new one.

        Its olm account is useless now: no one can encrypt to it. The new device gets a fresh
        account and key store and uploads its keys; people's apps share their room keys with it.
        """
        settings = self.settings
        if not settings.password:
            # an access token belongs to one device: only the operator can make a new one
            log.error(
                "matrix: the homeserver no longer has the bot's device keys; give the bot "
                "MATRIX_PASSWORD or the access token of a new device"
            )
            raise MatrixError("device-lost", "the homeserver lost the bot's device")
        log.warning(
            "matrix: the homeserver lost the bot's device (removed or reset); "
            "logging in as a new device with new keys"
        )
        old = self.client
        lost_device = old.device_id
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            await old.logout()  # drops the keyless device the login has just re-made
        await old.close()
        self._new_client()  # knows no device: whatever fails from here, the next login is new
        self._state.device_id = None  # never the lost device again, even after a crash here
        await self._save_state()
        await asyncio.to_thread(forget_store, self._nio_dir, settings.user_id, lost_device)
        await self._log_in_device()
        if not await self._device_keys_on_server():
            raise MatrixError("keys-upload-failed", "the new device's keys are not on the server")
        log.info("matrix: new device set up, its keys uploaded")

    @staticmethod
    async def _check(resp: Any, code: str) -> None:
        if isinstance(resp, ErrorResponse):
            raise MatrixError(code, str(resp.status_code))

    # --- sync loop ---

    async def _login_until_done(self) -> None:
        backoff = 1.0
        while True:
            try:
                await self._login()
            except MatrixError as exc:
                # the code says it all; a traceback would add nothing for the operator
                log.error("matrix login failed (%s); retry in %.0f s", exc.code, backoff)  # noqa: TRY400
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                log.warning("matrix login: %s; retry in %.0f s", type(exc).__name__, backoff)
            else:
                return
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_S)

    async def _run(self) -> None:
        await self._login_until_done()
        backoff = 1.0
        while not self._stopping:
            client = self.client
            # first start: the history is skipped anyway, so fetch only the newest event per room
            limit = 1 if self._state.next_batch is None else 50
            try:
                resp = await client.sync(
                    timeout=self.settings.sync_timeout_ms,
                    sync_filter={"room": {"timeline": {"limit": limit}}},
                    since=self._state.next_batch,
                    full_state=self._full_state,  # nio keeps room state in memory only
                )
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                log.warning("matrix sync failed (%s); retry in %.0f s", type(exc).__name__, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            if not isinstance(resp, SyncResponse):
                log.warning("matrix sync refused (%s); retry in %.0f s", resp.status_code, backoff)
                if resp.status_code == "M_UNKNOWN_TOKEN":
                    # logged out: the device may be gone with the token (the login finds out)
                    try:
                        await self._login()
                    except MatrixError as exc:
                        log.warning("matrix login after a refused token failed (%s)", exc.code)
                    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                        log.warning("matrix login after a refused token: %s", type(exc).__name__)
                    else:
                        continue
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            backoff = 1.0
            self._full_state = False
            self._handling = True
            try:
                await self._handle_sync(resp)
            except Exception:
                # one bad sync must not stop the bot; the token was not saved, so it comes again
                log.exception("matrix sync handling failed")
                await asyncio.sleep(1)
            finally:
                self._handling = False

    async def _maintain_keys(self) -> None:
        """Upload, query and claim keys as nio asks, so encrypted rooms keep working."""
        client = self.client
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())

    async def _handle_sync(self, resp: SyncResponse) -> None:
        initial = self._state.next_batch is None
        await self._maintain_keys()
        for room_id, invite in resp.rooms.invite.items():
            await self._on_invite(room_id, invite.invite_state)
        if initial:
            log.info("matrix first start: skipping the history of %d rooms", len(resp.rooms.join))
        else:
            await asyncio.gather(
                *(
                    self._handle_room(room_id, info.timeline.events)
                    for room_id, info in resp.rooms.join.items()
                )
            )
        self._state.next_batch = resp.next_batch
        await self._save_state()
        await self.client.send_to_device_messages()
        for room_id in resp.rooms.join:
            await self._leave_if_empty(room_id)

    async def _save_state(self) -> None:
        async with self._state_lock:
            await asyncio.to_thread(self._state_file.save, self._state)

    # --- rooms: invites, leaving ---

    async def _on_invite(self, room_id: str, invite_state: Sequence[Any]) -> None:
        inviter = None
        for event in invite_state:
            source = getattr(event, "source", None)
            if isinstance(source, Mapping) and source.get("type") == "m.room.member":
                if source.get("state_key") == self.settings.user_id:
                    inviter = source.get("sender")
        server = inviter.split(":", 1)[1] if isinstance(inviter, str) and ":" in inviter else ""
        client = self.client
        if not server or not self.settings.allows_server(server):
            log.info("matrix: rejecting invite to %s from server %s", room_id, server or "?")
            await client.room_leave(room_id)
            return
        resp = await client.join(room_id)
        if not isinstance(resp, JoinResponse):
            log.warning("matrix: joining %s failed: %s", room_id, resp)
            return
        log.info("matrix: joined %s", room_id)

    async def _leave_if_empty(self, room_id: str) -> None:
        room = self.client.rooms.get(room_id)
        if room is None or room.joined_count > 1 or room.invited_count > 0:
            return
        resp = await self.client.room_leave(room_id)
        if isinstance(resp, RoomLeaveResponse):
            await self.client.room_forget(room_id)
            log.info("matrix: left empty room %s", room_id)

    # --- messages ---

    async def _handle_room(self, room_id: str, events: Sequence[Any]) -> None:
        room = self.client.rooms.get(room_id)
        if room is None:
            return
        start = history_boundary(events, self.settings.user_id) + 1
        for event in events[start:]:
            event_id = getattr(event, "event_id", None)
            if not isinstance(event_id, str) or self._state.seen(event_id):
                continue
            sent_ms = getattr(event, "server_timestamp", 0)
            if isinstance(sent_ms, int) and sent_ms < (self._state.first_start_ms or 0):
                continue  # from before the bot's first start
            try:
                await self._handle_event(room, event)
            except Exception:
                log.exception("matrix: handling event %s in %s failed", event_id, room_id)
                with contextlib.suppress(Exception):
                    await self._say(room, "error", f"{event_id}:error")
            self._state.mark(event_id)
            await self._save_state()

    async def _handle_event(self, room: MatrixRoom, event: Any) -> None:
        own = self.settings.user_id
        if isinstance(event, MegolmEvent):
            if event.sender != own:
                await self._on_undecryptable(room, event)
            return
        source = getattr(event, "source", None)
        if not isinstance(source, Mapping):
            return
        conversion = to_incoming(source, room.room_id, own, self._names)
        direct = is_direct(room)
        event_id = str(source.get("event_id"))
        if not isinstance(conversion, Accepted):
            return
        addressing = conversion.addressing
        replied_to_bot = addressing.reply_to is not None and addressing.reply_to in self._state.sent
        if not (direct or addressing.mentioned or replied_to_bot):
            return
        message = conversion.message
        if not await self._limit.allow(message.sender_id):
            # over the limit: not for the core; told once, politely, until let through again
            if self._limit.first_refusal(message.sender_id):
                log.info("matrix: a sender writes faster than MATRIX_RATE_PER_SENDER")
                language = self._languages.get(room.room_id, "de")
                limited = OutgoingMessage(core_texts.text("rate_limited", language))
                await self.messenger.send(room, [limited], event_id)
            return
        if conversion.media is not None and message.unusable is None:
            try:
                message = await self.messenger.with_media(message, conversion.media)
            except MatrixError as exc:
                log.warning("matrix: media of %s not loaded (%s)", event_id, exc.code)
                if exc.code != "media-too-large":
                    await self._say(room, "media_failed", event_id)
                    return
                # larger than its sender said: the core refuses it like a declared large one
                message = replace(message, unusable="too_large")
        await self._typing(room.room_id, True)
        try:
            turn = await self._handler(message)
        finally:
            await self._typing(room.room_id, False)
        self._remember_language(room.room_id, turn.language)
        await self.messenger.send(room, turn.messages, event_id)

    def _remember_language(self, room_id: str, language: Language) -> None:
        self._languages[room_id] = language
        self._languages.move_to_end(room_id)
        while len(self._languages) > _MAX_ROOM_LANGUAGES:
            self._languages.popitem(last=False)

    async def _say(self, room: MatrixRoom, key: MatrixTextKey, send_key: str) -> None:
        """Send one of the channel's own short texts, in the language of the room's last turn."""
        language = self._languages.get(room.room_id, "de")
        await self.messenger.send(room, [OutgoingMessage(text(key, language))], send_key)

    async def _typing(self, room_id: str, on: bool) -> None:
        with contextlib.suppress(Exception):  # a typing notice is a courtesy, never an error
            await self.client.room_typing(room_id, on, timeout=20_000)

    async def _on_undecryptable(self, room: MatrixRoom, event: MegolmEvent) -> None:
        log.info("matrix: cannot decrypt %s (session %s)", event.event_id, event.session_id)
        with contextlib.suppress(LocalProtocolError):  # already requested
            await self.client.request_room_key(event)
        key = (room.room_id, event.session_id)
        if not is_direct(room) or key in self._warned_undecryptable:
            return  # once per session is enough; in groups we cannot tell whom it was meant for
        self._warned_undecryptable.add(key)
        await self._say(room, "undecryptable", event.event_id)
