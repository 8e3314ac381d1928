"""The Telegram channel: python-telegram-bot in polling or webhook mode, adapting to the core."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hmac
import json
import logging
import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import BotCommand, BotCommandScopeDefault, InputFile, ReplyParameters, Update
from telegram.constants import ChatAction
from telegram.error import Conflict, InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.telegram.convert import (
    BotIdentity,
    Ignore,
    Local,
    ToCore,
    convert_callback,
    convert_update,
    language_from_code,
)
from bot.channels.telegram.delivery import delivery_failure
from bot.channels.telegram.format import PayloadStore, keyboard, split_text
from bot.channels.telegram.inbound import Admission, ChatQueues
from bot.channels.telegram.limits import TelegramRateLimiter, bulk_sending, default_inner
from bot.channels.telegram.settings import TelegramSettings
from bot.channels.telegram.texts import COMMAND_MENU, LANGUAGE_CHOICES, text
from bot.core.messages import (
    Audio,
    Button,
    ChannelName,
    Delivered,
    DeliveryResult,
    Image,
    Language,
    OutgoingMessage,
    Recipient,
    RecipientGone,
    RetryAfter,
)
from bot.core.ports import MessageHandler as CoreHandler
from bot.settings import SettingsError
from bot.store.database import create_engine
from bot.store.telegram_inbox import Arrival, Kept, TelegramInbox

log = logging.getLogger(__name__)

# Telegram shows "typing…" for about 5 seconds; renew it a little before that.
TYPING_RENEW_S = 4.0
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Edits and channel posts are not asked for: they get no answer (the converter ignores them too).
ALLOWED_UPDATES = ["message", "callback_query"]
# An outbound send while the channel is stopped (starting up, shutting down): try again later.
NOT_RUNNING_RETRY_S = 10.0
# How long this process holds the updates it took from the inbox; renewed while it runs, so
# another gateway takes over the updates of one that died (webhook mode behind a balancer).
INBOX_LEASE = timedelta(seconds=60)
INBOX_RENEW_S = 20.0
# An update whose handling was cut off this many times (each start takes it up again) is
# given up, so that one update that crashes the gateway cannot keep it from starting.
MAX_ATTEMPTS = 3
# On stop: how long turns in flight may take to finish (within the gateway's 5 s shutdown).
STOP_GRACE_S = 3.0
# After a failed getUpdates or a failed write to the inbox: wait, then try again.
POLL_RETRY_S = 2.0

Context = ContextTypes.DEFAULT_TYPE


def build(
    env: Mapping[str, str], handler: CoreHandler, web_app: web.Application | None
) -> TelegramChannel | None:
    """The Telegram channel when TELEGRAM_TOKEN is set, else None; webhook routes go on web_app."""
    if not env.get("TELEGRAM_TOKEN", "").strip():
        return None
    settings = TelegramSettings.from_env(env)
    channel = TelegramChannel(settings, handler)
    if settings.mode == "webhook":
        if web_app is None:
            raise SettingsError("TELEGRAM_MODE=webhook needs the gateway's web server")
        channel.add_routes(web_app)
    return channel


class TelegramChannel:
    """Receives Telegram updates, passes them to the core, sends its answers, and sends first."""

    name: ChannelName = "telegram"

    def __init__(self, settings: TelegramSettings, handler: CoreHandler) -> None:
        self._settings = settings
        self._handler = handler
        # httpx logs every request URL at INFO, and Bot API URLs contain the token.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        self._payloads = PayloadStore()
        # Languages chosen in this chat (from /language taps or the core's answers).
        self._languages: dict[int, Language] = {}
        # Per chat: its lock and how many handlers hold or wait for it (to forget idle chats).
        self._chat_locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._identity: BotIdentity | None = None
        self._running = False
        self._engine: AsyncEngine | None = None
        self._inbox: TelegramInbox | None = None
        self._queues: ChatQueues[tuple[int, Update]] = ChatQueues(
            self._answer,
            per_minute=settings.inbound_per_minute,
            backlog=settings.chat_backlog,
            slots=settings.concurrent_updates,
        )
        self._tasks: set[asyncio.Task[None]] = set()  # polling, lease renewal, notices
        base = settings.api_base
        limiter = TelegramRateLimiter(default_inner(), paced=settings.rate_limit)
        builder = (
            ApplicationBuilder()
            .token(settings.token)
            .base_url(f"{base}/bot")
            .base_file_url(f"{base}/file/bot")
            .rate_limiter(limiter)
            .get_updates_read_timeout(settings.poll_timeout_s + 10)
            # getUpdates is driven here (_poll), so that updates are stored before confirmed
            .updater(None)
        )
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self.application.add_handler(CallbackQueryHandler(self._on_button))
        self.application.add_handler(MessageHandler(filters.ALL, self._on_message))
        self.application.add_error_handler(self._on_error)

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect, publish the command menu, answer what the inbox still holds, then receive."""
        app = self.application
        try:
            await app.initialize()
        except InvalidToken:
            with contextlib.suppress(Exception):
                await app.bot.shutdown()
            # PTB's message contains the token; say what is wrong without it.
            raise SettingsError(
                "Telegram rejected TELEGRAM_TOKEN; check it with @BotFather"
            ) from None
        me = app.bot.bot
        self._identity = BotIdentity(me.id, me.username or "")
        await self._set_commands()
        await app.start()
        self._engine = create_engine(self._settings.database_url)
        self._inbox = TelegramInbox(self._engine, uuid.uuid4().hex, INBOX_LEASE)
        self._running = True
        polling = self._settings.mode == "polling"
        # Updates stored by an earlier run but not answered go first, in order per chat. Only
        # one process polls (Telegram refuses a second), so at its start all are its own.
        await self._take_up(await self._inbox.take_over(all_pending=polling))
        self._spawn(self._keep_holding(), "telegram-inbox-lease")
        if self._settings.mode == "webhook":
            await app.bot.set_webhook(
                url=self._settings.webhook_url or "",
                secret_token=self._settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            await app.bot.delete_webhook(drop_pending_updates=False)
            self._spawn(self._poll(), "telegram-polling")
        log.info("telegram channel started (%s mode, bot id %s)", self._settings.mode, me.id)

    async def stop(self) -> None:
        """Stop receiving, let turns in flight finish (briefly), leave the rest in the inbox."""
        if not self._running:
            return
        self._running = False
        for task in list(self._tasks):
            task.cancel()
        # A poll cut off here confirms nothing: its updates come again on the next start.
        await asyncio.gather(*self._tasks, return_exceptions=True)
        cut_off = await self._queues.stop(STOP_GRACE_S)
        if cut_off:
            log.warning("telegram: %d turns cut off at stop; answered after the restart", cut_off)
        app = self.application
        if app.running:
            await app.stop()
        await app.shutdown()
        if self._engine is not None:
            await self._engine.dispose()
        log.info("telegram channel stopped")

    def _spawn(self, work: Any, name: str) -> None:
        task: asyncio.Task[None] = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- receiving: inbox first, then the chat's queue -------------------------------------

    async def _poll(self) -> None:
        """Long-poll getUpdates; store each batch before the next call confirms it."""
        assert self._inbox is not None
        bot = self.application.bot
        offset: int | None = None  # none at first: every update Telegram has not had confirmed
        while True:
            try:
                updates = await bot.get_updates(
                    offset=offset,
                    timeout=self._settings.poll_timeout_s,
                    allowed_updates=ALLOWED_UPDATES,
                )
            except Conflict:
                log.warning("telegram: another process polls this bot; trying again")
                await asyncio.sleep(POLL_RETRY_S)
                continue
            except TelegramError as exc:
                log.warning("telegram getUpdates failed (%s); trying again", type(exc).__name__)
                await asyncio.sleep(POLL_RETRY_S)
                continue
            if not updates:
                continue
            try:
                fresh = await self._inbox.put([_arrival(u) for u in updates])
            except Exception:
                # Not confirmed either: Telegram hands the same updates over again.
                log.exception("telegram: the inbox could not store updates; fetching again")
                await asyncio.sleep(POLL_RETRY_S)
                continue
            # Stored: the next getUpdates (with this offset) tells Telegram they arrived.
            offset = updates[-1].update_id + 1
            known = {u.update_id: u for u in updates}
            repeats = len(updates) - len(fresh)
            if repeats:
                log.info("telegram: %d updates came again; answered once", repeats)
            declined = [
                arrival.update_id
                for arrival in fresh
                if not await self._dispatch(
                    arrival.update_id, arrival.chat_id, known[arrival.update_id]
                )
            ]
            await self._decline(declined)

    async def _keep_holding(self) -> None:
        """Renew this process's hold on its updates; take up those of a gateway that died."""
        assert self._inbox is not None
        while True:
            await asyncio.sleep(INBOX_RENEW_S)
            try:
                await self._inbox.renew()
                if self._settings.mode == "webhook":
                    await self._take_up(await self._inbox.take_over())
            except Exception:
                log.exception("telegram: the inbox's hold could not be renewed")

    async def _take_up(self, kept: list[Kept]) -> None:
        """Queue updates taken from the inbox (admitted before), giving up the hopeless ones."""
        assert self._inbox is not None
        hopeless: list[int] = []
        declined: list[int] = []
        for item in kept:
            if item.attempts > MAX_ATTEMPTS:
                hopeless.append(item.update_id)
                continue
            try:
                update = Update.de_json(item.payload, self.application.bot)
            except (TypeError, KeyError, ValueError, AttributeError):
                update = None
            if update is None:
                hopeless.append(item.update_id)
                continue
            if not await self._dispatch(item.update_id, item.chat_id, update, limited=False):
                declined.append(item.update_id)
        await self._decline(declined)
        if hopeless:
            log.error("telegram: %d stored updates given up after failing", len(hopeless))
            await self._inbox.done(hopeless)
        if kept:
            log.info("telegram: %d stored updates taken up again", len(kept) - len(hopeless))

    async def _dispatch(
        self, update_id: int, chat_id: int | None, update: Update, *, limited: bool = True
    ) -> bool:
        """Queue a stored update for its chat; False when declined (the chat is told once)."""
        admission = await self._queues.offer(chat_id, (update_id, update), limited=limited)
        if admission is Admission.DECLINED_TELL and chat_id is not None:
            self._spawn(self._tell_too_fast(chat_id, update), "telegram-too-fast")
        return admission is Admission.QUEUED

    async def _decline(self, update_ids: list[int]) -> None:
        """Mark declined updates done (in one write, so a flood costs the poll one write)."""
        assert self._inbox is not None
        try:
            await self._inbox.done(update_ids)
        except Exception:
            log.exception("telegram: %d declined updates not marked", len(update_ids))

    async def _answer(self, item: tuple[int, Update]) -> None:
        """Handle one update in its chat's turn, then mark it done in the inbox."""
        assert self._inbox is not None
        update_id, update = item
        await self.application.process_update(update)
        try:
            await self._inbox.done([update_id])
        except Exception:
            # stays pending: answered again after a restart rather than lost
            log.exception("telegram update %s: answered but not marked", update_id)

    async def _tell_too_fast(self, chat_id: int, update: Update) -> None:
        """Tell a chat over the inbound limit, once, that its messages are declined for now."""
        user = update.effective_user
        language = language_from_code(
            user.language_code if user else None, self._languages.get(chat_id)
        )
        log.info("telegram: a chat writes faster than the limit; declined and told")
        with contextlib.suppress(TelegramError):
            await self._send_text(chat_id, text("too_fast", language), (), None)

    async def _set_commands(self) -> None:
        """Publish the command menu in German (also the default) and English."""
        bot = self.application.bot
        menus: tuple[tuple[Language, str | None], ...] = (("de", None), ("de", "de"), ("en", "en"))
        for language, lang_code in menus:
            commands = [BotCommand(c, d) for c, d in COMMAND_MENU[language]]
            await bot.set_my_commands(
                commands, scope=BotCommandScopeDefault(), language_code=lang_code
            )

    # --- outbound port ---------------------------------------------------------------------

    async def send(self, recipient: Recipient, message: OutgoingMessage) -> DeliveryResult:
        """Send one message to a chat the person opened with the bot (the outbound port)."""
        if not self._running:
            return RetryAfter(NOT_RUNNING_RETRY_S, "not_started")
        try:
            chat_id = int(recipient.address)
        except ValueError:
            return RecipientGone("not_found")
        try:
            async with self._chat_lock(chat_id):
                with bulk_sending():  # answers to people chatting now go first
                    sent = await self._send(chat_id, message, None, recipient.language)
        except TelegramError as exc:
            result = delivery_failure(exc)
            log.info("telegram send to person %s: %s", recipient.person_id, result)
            return result
        return Delivered(sent)

    # --- webhook ---------------------------------------------------------------------------

    def add_routes(self, web_app: web.Application) -> None:
        """Register the webhook route on the gateway's web app."""
        web_app.router.add_post(self._settings.webhook_path, self._webhook)

    async def _webhook(self, request: web.Request) -> web.Response:
        """Check the secret token, store the update, acknowledge it; it is answered in turn."""
        secret = request.headers.get(SECRET_HEADER, "")
        expected = self._settings.webhook_secret or ""
        if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
            return _json_error(403, "forbidden", "Missing or wrong secret token.")
        if not self._running:
            return _json_error(503, "not_ready", "The Telegram channel is not running.")
        invalid = _json_error(400, "invalid_update", "The body is not a Telegram update.")
        try:
            data = await request.json()
        except json.JSONDecodeError:
            return invalid
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return invalid
        try:
            update = Update.de_json(data, self.application.bot)
        except (TypeError, KeyError, ValueError, AttributeError):
            # PTB's parsers fail in several ways on malformed objects.
            return invalid
        # Persist first, acknowledge second: once stored, a crash loses nothing; a repeat
        # (our 200 came after Telegram's timeout, or went to another gateway) is dropped here.
        assert self._inbox is not None
        arrival = _arrival(update)
        try:
            fresh = await self._inbox.put([arrival])
        except Exception:
            log.exception("telegram: the inbox could not store a webhook update")
            return _json_error(503, "not_stored", "The update could not be stored; send again.")
        if fresh:
            if not await self._dispatch(arrival.update_id, arrival.chat_id, update):
                await self._decline([arrival.update_id])
        else:
            log.info("telegram update %s came again; answered once", update.update_id)
        return web.json_response({"ok": True})

    # --- handlers --------------------------------------------------------------------------

    async def _on_message(self, update: Update, context: Context) -> None:
        """Handle any message update: edits and channel posts are ignored by the converter."""
        chat = update.effective_chat
        remembered = self._languages.get(chat.id) if chat else None
        assert self._identity is not None  # set in start() before updates flow
        await self._act(convert_update(update, self._identity, remembered), update)

    async def _on_button(self, update: Update, context: Context) -> None:
        """Acknowledge a tapped inline button and pass its payload to the core."""
        query = update.callback_query
        assert query is not None  # CallbackQueryHandler only passes callback queries
        with contextlib.suppress(TelegramError):
            # Stops the button's spinner; a late or failed answer must not stop the reply.
            await query.answer()
        chat = update.effective_chat
        remembered = self._languages.get(chat.id) if chat else None
        await self._act(convert_callback(query, self._payloads.resolve, remembered), update)

    async def _on_error(self, update: object, context: Context) -> None:
        """Log an error without message contents."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("telegram update %s failed", update_id, exc_info=context.error)

    async def _act(self, action: Ignore | Local | ToCore, update: Update) -> None:
        """Carry out what the converter decided, one update at a time per chat."""
        if isinstance(action, Ignore):
            log.debug("telegram update %s ignored: %s", update.update_id, action.reason)
            return
        async with self._chat_lock(action.chat_id):
            if isinstance(action, Local):
                await self._send_local(action)
            else:
                await self._to_core(action, update.update_id)

    async def _to_core(self, action: ToCore, update_id: int) -> None:
        """Download media if any, ask the core while showing "typing…", and send the answers."""
        message = action.message
        for language, _, choice in LANGUAGE_CHOICES:
            if message.payload == choice:
                # The core stores the choice at once, before the assistant answers.
                message = dataclasses.replace(message, language_choice=language)
        try:
            async with self._typing(action.chat_id):
                if action.media is not None:
                    file = await self.application.bot.get_file(action.media.file_id)
                    data = bytes(await file.download_as_bytearray())
                    if action.media.kind == "audio":
                        audio = Audio(data, action.media.mime_type, action.media.duration_s)
                        message = dataclasses.replace(message, audio=audio)
                    else:
                        image = Image(data, action.media.mime_type)
                        message = dataclasses.replace(message, image=image)
                turn = await self._handler(message)
        except Exception:
            log.exception("telegram update %s: the core could not answer", update_id)
            language = self._languages.get(action.chat_id, action.language)
            await self._send_text(action.chat_id, text("error", language), (), action.reply_to)
            return
        # The core decided the person's language; the channel's own texts follow it from now on.
        self._languages[action.chat_id] = turn.language
        for answer in turn.messages:
            await self._send(action.chat_id, answer, action.reply_to, turn.language)

    async def _send_local(self, action: Local) -> None:
        """Send one of the channel's own texts (with the language choice for /language)."""
        language = action.language
        body = text(action.key, language)
        buttons: tuple[Button, ...] = ()
        if action.key == "start":
            link = self._settings.privacy_link
            tail = text("privacy_link", language).format(url=link) if link else ""
            body = f"{body}\n{tail}" if tail else f"{body}\n{text('privacy', language)}"
        elif action.key == "language":
            buttons = tuple(Button(title, payload) for _, title, payload in LANGUAGE_CHOICES)
        await self._send_text(action.chat_id, body, buttons, action.reply_to)

    async def _send(
        self, chat_id: int, answer: OutgoingMessage, reply_to: int | None, language: Language
    ) -> str | None:
        """Send one answer: its text (split if long, buttons on the last part), then audio.

        Returns the id of the last message sent.
        """
        body = answer.text
        sent: str | None = None
        if not body.strip() and answer.buttons:
            # Telegram needs text to carry a keyboard.
            body = text("choose", language)
        if body.strip():
            sent = await self._send_text(chat_id, body, answer.buttons, reply_to)
        if answer.audio is not None:
            voice = await self.application.bot.send_voice(
                chat_id, answer.audio.data, duration=_seconds(answer.audio.duration_s)
            )
            sent = str(voice.message_id)
        if answer.document is not None:
            document = await self.application.bot.send_document(
                chat_id,
                InputFile(answer.document.data, filename=answer.document.filename),
            )
            sent = str(document.message_id)
        return sent

    async def _send_text(
        self, chat_id: int, body: str, buttons: tuple[Button, ...], reply_to: int | None
    ) -> str | None:
        """Send plain text (no parse mode, so `A_B*C` arrives intact) in 4,096-character parts.

        Returns the id of the last part sent.
        """
        parts = split_text(body)
        sent: str | None = None
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            message = await self.application.bot.send_message(
                chat_id,
                part,
                reply_markup=keyboard(buttons, self._payloads) if last else None,
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to is not None and index == 0
                    else None
                ),
            )
            sent = str(message.message_id)
        return sent

    @contextlib.asynccontextmanager
    async def _typing(self, chat_id: int) -> AsyncIterator[None]:
        """Show "typing…" in the chat until the block ends."""

        async def show() -> None:
            with contextlib.suppress(TelegramError):
                await self.application.bot.send_chat_action(chat_id, ChatAction.TYPING)

        async def renew() -> None:
            while True:
                await asyncio.sleep(TYPING_RENEW_S)
                await show()

        # Shown before the work starts, so the person sees at once that the message arrived.
        await show()
        task = asyncio.create_task(renew())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @contextlib.asynccontextmanager
    async def _chat_lock(self, chat_id: int) -> AsyncIterator[None]:
        """Serialise handling per chat (answers stay in order) while chats run concurrently."""
        lock, users = self._chat_locks.get(chat_id, (asyncio.Lock(), 0))
        self._chat_locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._chat_locks[chat_id]
            if users <= 1:
                del self._chat_locks[chat_id]
            else:
                self._chat_locks[chat_id] = (lock, users - 1)


def _arrival(update: Update) -> Arrival:
    """An update as the inbox keeps it."""
    chat = update.effective_chat
    return Arrival(update.update_id, chat.id if chat else None, update.to_dict())


def _seconds(duration: float | None) -> int | None:
    """Telegram wants whole seconds for a voice message's duration."""
    return None if duration is None else max(1, round(duration))


def _json_error(status: int, code: str, message: str) -> web.Response:
    """A JSON error body in the project's format."""
    return web.json_response(
        {"error": {"code": code, "message": message, "parameter": None}}, status=status
    )
