"""HTTP handlers of the web chat: POST /api/chat, GET /healthz, GET /metrics and the chat page."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.web.adapter import WebChannel
from bot.channels.web.convert import (
    REFUSAL_ERRORS,
    SENDER_PATTERN,
    ChatRequestError,
    messages_json,
    parse_chat_request,
)
from bot.channels.web.limits import MAX_TEXT_BODY_BYTES, WebLimits
from bot.core import texts
from bot.core.conversation import Conversation
from bot.core.messages import IncomingMessage
from bot.core.ports import MessageHandler
from bot.logs import REQUEST_ID, REQUEST_ID_HEADER, request_id
from bot.metrics import metrics_handler

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
CONVERSATION = web.AppKey("conversation", Conversation)
ENGINE = web.AppKey("engine", AsyncEngine)
WEB_CHANNEL = web.AppKey("web_channel", WebChannel)
WEB_LIMITS = web.AppKey("web_limits", WebLimits)
# The core's handler as the channels use it (measured: bot/metrics.py).
TURNS: web.AppKey[MessageHandler] = web.AppKey("turns")
# Whether the assistant behind the gateway can answer now (Rasa up, model loaded).
AssistantReady = Callable[[], Awaitable[bool]]
ASSISTANT_READY: web.AppKey[AssistantReady] = web.AppKey("assistant_ready")
# An open event stream sends a comment this often, so proxies keep the connection open.
HEARTBEAT_S = 25.0

# The page loads nothing from elsewhere; audio answers arrive as data: URLs, recordings as blobs.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "media-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "microphone=(self), geolocation=(self), camera=()",
}


def add_routes(app: web.Application) -> None:
    """Register the web chat's routes and its error middleware on the app."""
    app.middlewares.append(request_ids)
    app.middlewares.append(json_errors)
    app.on_response_prepare.append(_security_headers)
    app.router.add_get("/", index)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_handler(ENGINE))
    app.router.add_post("/api/chat", chat)
    app.router.add_get("/api/chat/messages", waiting_messages)
    app.router.add_post("/api/chat/messages/received", received_messages)
    app.router.add_get("/api/chat/events", message_events)
    app.router.add_static("/static", STATIC, append_version=False)


def error_json(
    status: int, code: str, message: str, messages: list[dict[str, Any]] | None = None
) -> web.Response:
    """A JSON error answer: {"error": {"code", "message"}} plus citizen messages if given."""
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if messages:
        body["messages"] = messages
    return web.json_response(body, status=status)


_HTTP_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


@web.middleware
async def request_ids(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Every request gets a request id (the caller's X-Request-Id when plausible), logged with
    each record and sent along to Rasa and the city data API; the answer carries it back."""
    rid = request_id(request.headers.get(REQUEST_ID_HEADER))
    token = REQUEST_ID.set(rid)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers[REQUEST_ID_HEADER] = rid
        raise
    finally:
        REQUEST_ID.reset(token)
    if not response.prepared:  # an event stream has sent its headers already
        response.headers[REQUEST_ID_HEADER] = rid
    return response


@web.middleware
async def json_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Errors under /api/ and /healthz become JSON bodies; nothing escapes as a bare 500."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or not request.path.startswith(("/api/", "/healthz", "/readyz")):
            raise
        code = _HTTP_CODES.get(exc.status, "http_error")
        return error_json(exc.status, code, exc.reason)
    except Exception:
        logger.exception("unexpected error on %s %s", request.method, request.path)
        if request.path.startswith("/api/"):
            return error_json(500, "internal_error", "The gateway failed; please try again.")
        raise


async def _security_headers(_request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


async def index(_request: web.Request) -> web.FileResponse:
    """The accessible chat page."""
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def healthz(request: web.Request) -> web.Response:
    """Liveness and readiness of the gateway itself (its database answers)."""
    try:
        async with request.app[ENGINE].connect() as conn:
            await conn.execute(sql("SELECT 1"))
    except Exception:
        logger.exception("gateway database check failed")
        return error_json(503, "database_unavailable", "The gateway's database does not answer.")
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Readiness: the gateway can answer citizens (its people table and Rasa with its model)."""
    checks = {"database": True, "assistant": await request.app[ASSISTANT_READY]()}
    try:
        async with request.app[ENGINE].connect() as conn:
            # what every turn reads first: a database without the schema answers SELECT 1 too
            await conn.execute(sql("SELECT id FROM people LIMIT 1"))
    except Exception:
        logger.warning("readiness: the gateway database does not answer or lacks its tables")
        checks["database"] = False
    failing = [name for name, ok in checks.items() if not ok]
    if failing:
        return web.json_response(
            {"status": "unavailable", "checks": checks,
             "error": {"code": "not_ready", "message": f"not ready: {', '.join(failing)}"}},
            status=503,
        )  # fmt: skip
    return web.json_response({"status": "ok", "checks": checks})


async def chat(request: web.Request) -> web.Response:
    """POST /api/chat: one message from the web chat, answered with the assistant's messages."""
    conversation = request.app[CONVERSATION]
    refused = _refuse_cross_site(request)
    if refused is not None:
        return refused
    raw = await request.read()
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return error_json(
            400,
            "invalid_json",
            "The body must be a UTF-8 JSON object.",
            [{"text": texts.text("unreadable", "de")}],
        )
    if len(raw) > MAX_TEXT_BODY_BYTES and not (isinstance(body, dict) and body.get("audio")):
        return error_json(
            413,
            "payload_too_large",
            f"A request without audio may have at most {MAX_TEXT_BODY_BYTES} bytes.",
            [{"text": texts.text("too_long", "de")}],
        )
    sender = body.get("sender") if isinstance(body, dict) else None
    limits = request.app[WEB_LIMITS]
    limited = await limits.check(
        limits.client_address(request), sender if isinstance(sender, str) else None
    )
    if limited is not None:
        language = await _language_of(conversation, body)
        response = error_json(
            429,
            "rate_limited",
            f"Too many requests; try again in {limited.retry_after_s} s.",
            [{"text": texts.text("rate_limited", language)}],
        )
        response.headers["Retry-After"] = str(limited.retry_after_s)
        return response
    try:
        msg = parse_chat_request(body)
    except ChatRequestError as exc:
        language = exc.language or await _language_of(conversation, body)
        return error_json(
            exc.status,
            exc.code,
            exc.message,
            [{"text": texts.text(exc.text_key, language)}],
        )
    turn = await request.app[TURNS](msg)
    messages = messages_json(turn.messages)
    error = REFUSAL_ERRORS.get(turn.refusal) if turn.refusal else None
    if error is not None:
        status, code, message = error
        response = error_json(status, code, message, messages)
        if status == 503:
            response.headers["Retry-After"] = "10"
        return response
    return web.json_response({"messages": messages, "language": turn.language})


def _refuse_cross_site(request: web.Request) -> web.Response | None:
    # A form or a fetch from another site may post text/plain without asking first (no CORS
    # preflight); only JSON from this page's own origin is taken.
    if request.content_type != "application/json":
        return error_json(
            415,
            "unsupported_media_type",
            "POST /api/chat takes Content-Type: application/json.",
        )
    if not request.app[WEB_LIMITS].same_site(request):
        return error_json(403, "cross_site", "Requests from other sites are not accepted.")
    return None


async def _language_of(conversation: Conversation, body: object) -> Any:
    # A rejected message is still answered in the language we know for this sender.
    sender = body.get("sender") if isinstance(body, dict) else None
    if not isinstance(sender, str) or not 0 < len(sender) <= 128:
        return "de"
    probe = IncomingMessage(channel="web", sender_id=sender, chat_id=sender)
    return await conversation.language_of(probe)


def _invalid_sender() -> web.Response:
    return error_json(
        400,
        "invalid_sender",
        "'sender' must be 1 to 128 characters: letters, digits, '_', '.', ':' or '-'.",
    )


async def waiting_messages(request: web.Request) -> web.Response:
    """GET /api/chat/messages?sender=…: what the city wrote while the person was away."""
    sender = request.query.get("sender", "")
    if not SENDER_PATTERN.fullmatch(sender):
        return _invalid_sender()
    channel = request.app[WEB_CHANNEL]
    async with channel.waiting(channel.address_of(sender)) as messages:
        return web.json_response({"messages": messages})


async def message_events(request: web.Request) -> web.StreamResponse:
    """GET /api/chat/events?sender=…: an event stream pushing what the city writes, as it does."""
    sender = request.query.get("sender", "")
    if not SENDER_PATTERN.fullmatch(sender):
        return _invalid_sender()
    channel = request.app[WEB_CHANNEL]
    address = channel.address_of(sender)
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    outbox = channel.outbox
    # Pushed messages stay kept until the page confirms it showed them (POST …/received, or the
    # Last-Event-ID an EventSource sends when it reconnects): a dropped connection loses none.
    sent_upto = _event_id(request.headers.get("Last-Event-ID"))
    if sent_upto:
        await outbox.received(address, sent_upto)
    await response.prepare(request)
    async with channel.listen(address) as wake:
        while not channel.stopping:
            try:
                await asyncio.wait_for(wake.wait(), HEARTBEAT_S)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            wake.clear()
            if channel.stopping:
                break
            found = await outbox.waiting(address, after=sent_upto)
            if found:
                sent_upto = found[-1][0]
                data = json.dumps({"messages": [m for _, m in found]}, ensure_ascii=False)
                event = f"id: {sent_upto}\nevent: messages\ndata: {data}\n\n"
                await response.write(event.encode())
    return response


def _event_id(raw: str | None) -> int:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 19 else 0


async def received_messages(request: web.Request) -> web.Response:
    """POST /api/chat/messages/received {"sender", "upto"}: the page showed the pushed messages."""
    try:
        body = json.loads(await request.read())
    except (UnicodeDecodeError, ValueError):
        body = None
    sender = body.get("sender") if isinstance(body, dict) else None
    upto = body.get("upto") if isinstance(body, dict) else None
    if not isinstance(sender, str) or not SENDER_PATTERN.fullmatch(sender):
        return _invalid_sender()
    if not isinstance(upto, int) or isinstance(upto, bool) or upto < 1:
        return error_json(400, "invalid_upto", "'upto' must be the id of the last event shown.")
    channel = request.app[WEB_CHANNEL]
    await channel.outbox.received(channel.address_of(sender), upto)
    return web.json_response({"status": "ok"})
