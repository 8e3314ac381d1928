"""The Telegram channel: python-telegram-bot in polling or webhook mode, adapting to the core."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hmac
import json
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from typing import Any

from aiohttp import web
from telegram import BotCommand, BotCommandScopeDefault, InputFile, ReplyParameters, Update
from telegram.constants import ChatAction
from telegram.error import InvalidToken, TelegramError
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
)
from bot.channels.telegram.delivery import delivery_failure
from bot.channels.telegram.format import PayloadStore, keyboard, split_text
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

log = logging.getLogger(__name__)

# Telegram shows "typing…" for about 5 seconds; renew it a little before that.
TYPING_RENEW_S = 4.0
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Edits and channel posts are not asked for: they get no answer (the converter ignores them too).
ALLOWED_UPDATES = ["message", "callback_query"]
# An outbound send while the channel is stopped (starting up, shutting down): try again later.
NOT_RUNNING_RETRY_S = 10.0
# Webhook update ids remembered to drop Telegram's repeats (ids only grow; repeats come soon).
MAX_REMEMBERED_UPDATES = 10_000

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
        # Webhook updates by id, in flight or handled: Telegram sends an update again when our
        # acknowledgement came later than its timeout, and that repeat must not be answered twice.
        self._webhook_updates: OrderedDict[int, asyncio.Future[None]] = OrderedDict()
        base = settings.api_base
        limiter = TelegramRateLimiter(default_inner(), paced=settings.rate_limit)
        builder = (
            ApplicationBuilder()
            .token(settings.token)
            .base_url(f"{base}/bot")
            .base_file_url(f"{base}/file/bot")
            .rate_limiter(limiter)
            .concurrent_updates(settings.concurrent_updates)
            .get_updates_read_timeout(settings.poll_timeout_s + 10)
        )
        if settings.mode == "webhook":
            builder = builder.updater(None)
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self.application.add_handler(CallbackQueryHandler(self._on_button))
        self.application.add_handler(MessageHandler(filters.ALL, self._on_message))
        self.application.add_error_handler(self._on_error)

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect to the Bot API, publish the command menu, and start polling or the webhook."""
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
        self._running = True
        if self._settings.mode == "webhook":
            await app.bot.set_webhook(
                url=self._settings.webhook_url or "",
                secret_token=self._settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            assert app.updater is not None  # built with an updater in polling mode
            await app.updater.start_polling(
                timeout=self._settings.poll_timeout_s,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
                bootstrap_retries=-1,
            )
        log.info("telegram channel started (%s mode, bot id %s)", self._settings.mode, me.id)

    async def stop(self) -> None:
        """Stop fetching, answer every update already fetched, confirm the offset, disconnect."""
        if not self._running:
            return
        self._running = False
        app = self.application
        # The updater confirms fetched updates to Telegram on stop; the application then
        # handles all of them before it stops, so none is lost or repeated on restart.
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        log.info("telegram channel stopped")

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
        """Check the secret token, then handle the update before acknowledging it."""
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
        # Acknowledge only after handling: if we crash, Telegram delivers the update again.
        await self._process_once(update)
        return web.json_response({"ok": True})

    async def _process_once(self, update: Update) -> None:
        """Handle a webhook update unless the same update id is handled or being handled."""
        earlier = self._webhook_updates.get(update.update_id)
        if earlier is not None:
            # a repeat: acknowledge it once the first delivery is handled, without answering again
            with contextlib.suppress(Exception):
                await asyncio.shield(earlier)
            if not earlier.cancelled() and earlier.exception() is None:
                log.info("telegram update %s came again; answered once", update.update_id)
                return
        handling = asyncio.ensure_future(self.application.process_update(update))
        self._webhook_updates[update.update_id] = handling
        self._webhook_updates.move_to_end(update.update_id)
        while len(self._webhook_updates) > MAX_REMEMBERED_UPDATES:
            self._webhook_updates.popitem(last=False)
        await asyncio.shield(handling)

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


def _seconds(duration: float | None) -> int | None:
    """Telegram wants whole seconds for a voice message's duration."""
    return None if duration is None else max(1, round(duration))


def _json_error(status: int, code: str, message: str) -> web.Response:
    """A JSON error body in the project's format."""
    return web.json_response(
        {"error": {"code": code, "message": message, "parameter": None}}, status=status
    )
