"""A local stand-in for the Telegram Bot API (aiohttp), implementing the methods the channel uses.

Requests and responses follow https://core.telegram.org/bots/api: methods at `/bot<token>/<method>`
(form, multipart or JSON parameters), answers `{"ok": true, "result": …}` or
`{"ok": false, "error_code": …, "description": …, "parameters": {"retry_after": N}}`, files at
`/file/bot<token>/<file_path>`. Tests push updates, read what was sent, and can make sends
answer 429 (`fail_next`) or 403 as for a person who blocked the bot (`block`).

`enforce_limits()` makes it hold the bot to Telegram's documented pace
(https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this): about 30
messages per second overall and one per second in a chat. Both are token buckets (short bursts
pass, as they do at Telegram); a message over either answers 429 with `parameters.retry_after`,
the whole seconds until it would pass.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

# Parameters the Bot API takes as JSON-serialised objects when sent as form fields.
_JSON_FIELDS = {
    "reply_markup",
    "commands",
    "scope",
    "reply_parameters",
    "allowed_updates",
    "entities",
    "link_preview_options",
}
_INT_FIELDS = {"chat_id", "offset", "timeout", "limit", "message_id", "duration", "max_connections"}
# The Bot API's description of its 403 to a bot that a person blocked.
BLOCKED = "Forbidden: bot was blocked by the user"
_SENDING = {"sendmessage", "sendvoice", "sendphoto", "senddocument", "sendchataction"}
# Methods that send a message and count against Telegram's limits (a chat action does not).
_MESSAGES = {"sendmessage", "sendvoice", "sendphoto", "senddocument"}


class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up; a message takes one."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._at = time.monotonic()

    def _fill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now

    def wait_s(self, now: float) -> float:
        """0 when a token is there now, else the seconds until one is."""
        self._fill(now)
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate

    def take(self) -> None:
        """Use one token (after `wait_s` answered 0)."""
        self._tokens -= 1


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    status: int = 200
    result: Any = None


class BotApiStandIn:
    """The Bot API for one bot: a long-polling update queue, sent messages, files, webhook."""

    def __init__(self, token: str, *, bot_id: int = 5_550_001, username: str = "rostock_test_bot"):
        self.token = token
        self.bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Rostock Assistent",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.pending: list[dict[str, Any]] = []  # updates not yet confirmed by an offset
        self.confirmed_offset = 0
        self.webhook: dict[str, Any] | None = None
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        self.documents: list[tuple[int, bytes]] = []  # (chat id, file) sent with sendDocument
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._chats: dict[int, dict[str, Any]] = {}
        self._failures: dict[str, list[int]] = {}  # method -> retry_after of the next 429s
        self._blocked: dict[int, str] = {}  # chat id -> the Bot API's 403 description
        self._overall: TokenBucket | None = None  # enforce_limits(): the bot's overall pace
        self._chat_rate: tuple[float, float] | None = None
        self._chat_buckets: dict[int, TokenBucket] = {}
        self.limited: Counter[str] = Counter()  # 429s of enforce_limits: "overall", "chat"
        self.by_chat: dict[int, list[Call]] = {}  # messages sent successfully, per chat, in order
        self._changed = asyncio.Condition()
        # called with the updates a getUpdates hands over, before the bot receives them
        self.on_updates: Callable[[list[dict[str, Any]]], None] | None = None
        self._runner: web.AppRunner | None = None
        self.url = ""

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> str:
        """Serve on a free port of 127.0.0.1; returns the base URL (like https://api.telegram.org)."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self.url

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what tests do -----------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (its update_id is assigned here) and wake long polls; returns the id."""
        update = {**update, "update_id": next(self._update_ids)}
        self.learn_chats(update)
        self.pending.append(update)
        asyncio.get_running_loop().create_task(self._notify())
        return int(update["update_id"])

    def learn_chats(self, update: dict[str, Any]) -> None:
        """Know the chats in an update (Telegram knows every chat; here they must be seen first)."""
        for kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
            if kind in update:
                chat = update[kind]["chat"]
                self._chats[chat["id"]] = chat
        if "callback_query" in update and "message" in update["callback_query"]:
            chat = update["callback_query"]["message"]["chat"]
            self._chats[chat["id"]] = chat

    def add_file(self, data: bytes, file_id: str, path: str) -> None:
        """Make a file downloadable through getFile and the file URL."""
        self.files[file_id] = (path, data)

    def fail_next(self, method: str, times: int, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with 429 Too Many Requests."""
        self._failures.setdefault(method.lower(), []).extend([retry_after] * times)

    def enforce_limits(
        self,
        per_second: float = 30.0,
        per_chat_per_second: float = 1.0,
        *,
        burst: float = 30.0,
        chat_burst: float = 5.0,
    ) -> None:
        """Refuse messages over Telegram's pace with 429 and `retry_after` (see the module)."""
        self._overall = TokenBucket(per_second, burst)
        self._chat_rate = (per_chat_per_second, chat_burst)
        self._chat_buckets.clear()

    def lift_limits(self) -> None:
        """Accept messages at any pace again."""
        self._overall = None
        self._chat_rate = None
        self._chat_buckets.clear()

    def _over_limit(self, method: str, params: dict[str, Any]) -> int | None:
        """The retry_after for a message over the limits, None when it may pass (and counts)."""
        chat_id = params.get("chat_id")
        if self._overall is None or self._chat_rate is None or method not in _MESSAGES:
            return None
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            return None  # answered 400 by the method
        now = time.monotonic()
        chat = self._chat_buckets.get(chat_id)
        if chat is None:
            chat = self._chat_buckets[chat_id] = TokenBucket(*self._chat_rate)
        overall, in_chat = self._overall.wait_s(now), chat.wait_s(now)
        if overall > 0 or in_chat > 0:
            self.limited["overall" if overall >= in_chat else "chat"] += 1
            return max(1, math.ceil(max(overall, in_chat)))
        self._overall.take()
        chat.take()
        return None

    def block(self, chat_id: int, description: str = BLOCKED) -> None:
        """The person blocked the bot (or deleted their account): sends to them answer 403."""
        self._blocked[chat_id] = description

    def refused(self, chat_id: int, method: str = "sendMessage") -> list[Call]:
        """Calls of a method to one chat that the Bot API refused, in order."""
        return [
            c
            for c in self.calls
            if c.method == method.lower() and c.status != 200 and c.params.get("chat_id") == chat_id
        ]

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[Call]:
        """Successful calls of a sending method, optionally to one chat, in order."""
        return [
            c
            for c in self.calls
            if c.method == method.lower()
            and c.status == 200
            and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """The texts of the messages successfully sent, optionally to one chat."""
        return [str(c.params["text"]) for c in self.sent(chat_id)]

    async def wait_for(self, check: Callable[[], bool], within_s: float = 20.0) -> None:
        """Wait until `check()` holds after some request (fails the test after `within_s`)."""
        async with asyncio.timeout(within_s), self._changed:
            await self._changed.wait_for(check)

    # --- the API -----------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            body = await request.json()
            return dict(body) if isinstance(body, dict) else {}
        params: dict[str, Any] = {}
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                params[key] = value.file.read()
            elif key in _JSON_FIELDS:
                params[key] = json.loads(value)
            elif key in _INT_FIELDS:
                params[key] = int(value)
            else:
                params[key] = value
        return params

    async def _method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"].lower()
        params = await self._params(request)
        call = Call(method, params)
        self.calls.append(call)
        failures = self._failures.get(method)
        if failures:
            retry_after = failures.pop(0)
            call.status = 429
            await self._notify()
            return _error(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        limited = self._over_limit(method, params)
        if limited is not None:
            call.status = 429
            await self._notify()
            return _error(429, f"Too Many Requests: retry after {limited}", limited)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            call.status = 404
            return _error(404, "Not Found")
        try:
            result = await handler(params)
        except _ApiError as exc:
            call.status = exc.code
            await self._notify()
            return _error(exc.code, exc.description)
        call.result = result
        if method in _MESSAGES and isinstance(params.get("chat_id"), int):
            self.by_chat.setdefault(params["chat_id"], []).append(call)
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        for path, data in self.files.values():
            if path == request.match_info["path"]:
                return web.Response(body=data, content_type="application/octet-stream")
        return web.Response(status=404)

    async def _api_getme(self, params: dict[str, Any]) -> object:
        return self.bot_user

    def heal(self) -> None:
        """Answer every method normally again (undo `fail_next`)."""
        self._failures.clear()

    async def _api_getupdates(self, params: dict[str, Any]) -> object:
        if self.webhook is not None:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        if offset < 0:
            # -N: the last N updates of the queue; all before them are forgotten (confirmed).
            keep = self.pending[offset:]
            offset = keep[0]["update_id"] if keep else 0
        if offset > 0:
            # Telegram forgets every update below the offset: it counts as confirmed.
            self.confirmed_offset = max(self.confirmed_offset, offset)
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        allowed = params.get("allowed_updates")

        def ready() -> list[dict[str, Any]]:
            found = [u for u in self.pending if u["update_id"] >= offset]
            if allowed:
                found = [u for u in found if any(kind in u for kind in allowed)]
            return found[:limit]

        if not ready() and timeout > 0:
            async with self._changed:
                try:
                    async with asyncio.timeout(timeout):
                        await self._changed.wait_for(lambda: bool(ready()))
                except TimeoutError:
                    pass
        found = ready()
        if found and self.on_updates is not None:
            self.on_updates(found)
        return found

    async def _api_deletewebhook(self, params: dict[str, Any]) -> object:
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self.pending.clear()
        self.webhook = None
        return True

    async def _api_setwebhook(self, params: dict[str, Any]) -> object:
        self.webhook = params
        return True

    async def _api_setmycommands(self, params: dict[str, Any]) -> object:
        scope = (params.get("scope") or {"type": "default"})["type"]
        self.commands[(scope, params.get("language_code") or "")] = params["commands"]
        return True

    async def _api_sendchataction(self, params: dict[str, Any]) -> object:
        self._chat(params)
        return True

    async def _api_answercallbackquery(self, params: dict[str, Any]) -> object:
        return True

    async def _api_getfile(self, params: dict[str, Any]) -> object:
        file_id = str(params.get("file_id"))
        if file_id not in self.files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        path, data = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(data),
            "file_path": path,
        }

    async def _api_sendmessage(self, params: dict[str, Any]) -> object:
        chat = self._chat(params)
        text = str(params.get("text", ""))
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        message = self._message(chat, text=text)
        if markup:
            message["reply_markup"] = markup
        return message

    async def _api_sendvoice(self, params: dict[str, Any]) -> object:
        chat = self._chat(params)
        voice = params.get("voice")
        if not isinstance(voice, bytes | str) or not voice:
            raise _ApiError(400, "Bad Request: there is no voice in the request")
        size = len(voice) if isinstance(voice, bytes) else 0
        voice_info = {"file_id": "sent-voice", "file_unique_id": "sv", "duration": 1}
        return self._message(chat, voice={**voice_info, "file_size": size})

    async def _api_senddocument(self, params: dict[str, Any]) -> object:
        chat = self._chat(params)
        document = params.get("document")
        if not isinstance(document, bytes) or not document:
            raise _ApiError(400, "Bad Request: there is no document in the request")
        self.documents.append((int(params["chat_id"]), document))
        info = {"file_id": "sent-document", "file_unique_id": "sd", "file_size": len(document)}
        return self._message(chat, document=info)

    def _chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise _ApiError(400, "Bad Request: chat not found")
        if chat_id in self._blocked:
            raise _ApiError(403, self._blocked[chat_id])
        return self._chats[chat_id]

    def _message(self, chat: dict[str, Any], **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot_user,
            **content,
        }


class _ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _error(code: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=code)
