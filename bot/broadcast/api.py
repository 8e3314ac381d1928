"""The staff HTTP API for the city's own tools (bearer `STAFF_API_TOKEN`; no token: no API).

`POST /api/staff/announcements` creates one (201 with its recipients per channel),
`GET /api/staff/announcements/{id}` reports its deliveries, and
`POST /api/staff/announcements/{id}/approve` lets a second person approve it when
`STAFF_REQUIRE_APPROVAL` is set, and `POST …/{id}/reject` (with an optional `reason`) lets them
reject it: a rejected announcement is never sent. `POST …/{id}/confirm` is the same as approve
for a draft and answers with the report for one that is already approved (without required
approval, creating it confirms it); a rejected one cannot be confirmed (409).
Errors: `{"error": {"code", "message", "field"?}}`.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.broadcast.sender import AnnouncementSender
from bot.broadcast.settings import BroadcastSettings
from bot.broadcast.store import Announcement, AnnouncementStore
from bot.broadcast.validate import MAX_NAME_CHARS, FieldError, parse_announcement
from bot.core.announce_words import MAX_REASON_CHARS
from bot.core.announcing import AnnouncementDesk
from bot.core.districts import DistrictDirectory

logger = logging.getLogger(__name__)

ANNOUNCEMENTS = web.AppKey("announcements", AnnouncementStore)
SENDER = web.AppKey("announcement_sender", AnnouncementSender)
DISTRICTS = web.AppKey("districts", DistrictDirectory)
BROADCAST_SETTINGS = web.AppKey("broadcast_settings", BroadcastSettings)
# The chat dialogue, to tell a chat author what a second person decided here.
DESK = web.AppKey("announcement_desk", AnnouncementDesk)
# A staff request carries at most a few texts of 4,000 characters.
MAX_BODY_BYTES = 64 * 1024

Handler = Callable[[web.Request], Awaitable[web.Response]]


def add_staff_routes(app: web.Application, settings: BroadcastSettings) -> None:
    """Mount the staff API when a token is configured (otherwise its paths answer 404)."""
    app[BROADCAST_SETTINGS] = settings
    if not settings.staff_api_token:
        return
    app.router.add_post("/api/staff/announcements", _staff(create_announcement))
    app.router.add_get("/api/staff/announcements/{id}", _staff(show_announcement))
    app.router.add_post("/api/staff/announcements/{id}/approve", _staff(approve_announcement))
    app.router.add_post("/api/staff/announcements/{id}/confirm", _staff(confirm_announcement))
    app.router.add_post("/api/staff/announcements/{id}/reject", _staff(reject_announcement))


def _error(status: int, code: str, message: str, field: str | None = None) -> web.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    return web.json_response({"error": body}, status=status)


def _authorised(request: web.Request) -> bool:
    token = request.app[BROADCAST_SETTINGS].staff_api_token or ""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        given = ""
    # Constant time, so the answer's timing tells nothing about the token.
    return hmac.compare_digest(given.strip().encode(), token.encode()) and bool(token)


def _staff(handler: Handler) -> Handler:
    async def checked(request: web.Request) -> web.Response:
        if not _authorised(request):
            response = _error(401, "unauthorized", "A valid staff bearer token is required.")
            response.headers["WWW-Authenticate"] = 'Bearer realm="staff"'
            return response
        return await handler(request)

    checked.__doc__ = handler.__doc__
    return checked


async def _json_body(request: web.Request) -> object:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise FieldError("body", f"the body is larger than {MAX_BODY_BYTES} bytes")
    raw = await request.read()
    if len(raw) > MAX_BODY_BYTES:
        raise FieldError("body", f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise FieldError("body", "the body is not valid JSON") from None


def _body_error(exc: FieldError) -> web.Response:
    if exc.field == "body" and "larger" in exc.message:
        return _error(413, "payload_too_large", exc.message, exc.field)
    code = "invalid_json" if exc.field == "body" else "invalid_field"
    return _error(400, code, exc.message, exc.field)


async def _found(request: web.Request) -> Announcement | None:
    raw = request.match_info["id"]
    if not raw.isdigit() or len(raw) > 18:
        return None
    return await request.app[ANNOUNCEMENTS].get(int(raw))


def _described(announcement: Announcement) -> dict[str, Any]:
    return {
        "id": announcement.id,
        "status": announcement.status,
        "text": announcement.text,
        "text_en": announcement.text_en,
        "text_plain": announcement.text_plain,
        "districts": list(announcement.districts),
        "topics": list(announcement.topics),
        "send_at": announcement.send_at.isoformat() if announcement.send_at else None,
        "author": announcement.author,
        "approver": announcement.approver,
        "rejection_reason": announcement.rejection_reason,
        "created_at": announcement.created_at.isoformat(),
    }


async def _report(request: web.Request, announcement: Announcement) -> dict[str, Any]:
    store = request.app[ANNOUNCEMENTS]
    body = _described(announcement)
    if announcement.status in ("draft", "approved"):
        # Not sent yet: whom it would reach now (subscriptions may still change).
        reach = await store.audience(announcement.districts, announcement.topics)
        body["recipients"] = reach.channels
        body["languages"] = reach.languages
    deliveries = await store.report(announcement.id)
    body["deliveries"] = deliveries
    if "recipients" not in body:
        body["recipients"] = {
            channel: sum(counts[s] for s in ("pending", "sent", "failed"))
            for channel, counts in deliveries.items()
        }
    return body


async def create_announcement(request: web.Request) -> web.Response:
    """Create an announcement: 201 with its id and recipients per channel."""
    try:
        draft = parse_announcement(await _json_body(request), request.app[DISTRICTS])
    except FieldError as exc:
        return _body_error(exc)
    settings = request.app[BROADCAST_SETTINGS]
    status = "draft" if settings.require_approval else "approved"
    store = request.app[ANNOUNCEMENTS]
    announcement_id = await store.create(draft, status)
    reach = await store.audience(draft.districts, draft.topics)
    logger.info("announcement %s created (%s)", announcement_id, status)
    if status == "approved":
        request.app[SENDER].wake()
    body = {
        "id": announcement_id,
        "status": status,
        "recipients": reach.channels,
        "languages": reach.languages,
    }
    return web.json_response(body, status=201)


async def show_announcement(request: web.Request) -> web.Response:
    """The announcement with its deliveries per channel: pending, sent, failed and why."""
    announcement = await _found(request)
    if announcement is None:
        return _error(404, "not_found", "No announcement with this id.")
    return web.json_response(await _report(request, announcement))


async def approve_announcement(request: web.Request) -> web.Response:
    """A second person approves a draft (`{"approver": "<name>"}`), then it is sent."""
    return await _approve(request, confirming=False)


async def confirm_announcement(request: web.Request) -> web.Response:
    """Approve a draft like /approve; an announcement already approved stays as it is (200)."""
    return await _approve(request, confirming=True)


async def reject_announcement(request: web.Request) -> web.Response:
    """A second person rejects a draft (`{"approver": "<name>", "reason"?: "…"}`): never sent."""
    announcement = await _found(request)
    if announcement is None:
        return _error(404, "not_found", "No announcement with this id.")
    decision = await _decision(request, announcement, ("approver", "reason"))
    if isinstance(decision, web.Response):
        return decision
    approver, reason = decision
    if not await request.app[ANNOUNCEMENTS].reject(announcement.id, approver, reason):
        return _not_draft(announcement)
    logger.info("announcement %s rejected", announcement.id)
    await _tell_author(request, announcement, approved=False, reason=reason)
    rejected = await request.app[ANNOUNCEMENTS].get(announcement.id)
    assert rejected is not None  # it was there a moment ago and nothing deletes announcements
    return web.json_response(await _report(request, rejected))


async def _tell_author(
    request: web.Request, announcement: Announcement, *, approved: bool, reason: str | None = None
) -> None:
    """An announcement drafted in a chat: its author hears the decision there too."""
    desk = request.app.get(DESK)
    if desk is None:
        return
    await desk.tell_author_decision(
        announcement.id,
        announcement.author,
        announcement.send_at,
        approved=approved,
        reason=reason,
    )


def _not_draft(announcement: Announcement) -> web.Response:
    return _error(409, "not_draft", f"The announcement is {announcement.status}, no draft.")


async def _decision(
    request: web.Request, announcement: Announcement, fields: tuple[str, ...]
) -> tuple[str, str | None] | web.Response:
    """The second person's name and reason from the body, or the error answer."""
    try:
        body = await _json_body(request)
    except FieldError as exc:
        return _body_error(exc)
    if not isinstance(body, dict):
        return _error(400, "invalid_field", "the body must be a JSON object", "body")
    if set(body) - set(fields):
        field = sorted(set(body) - set(fields))[0]
        return _error(400, "invalid_field", f"unknown field: {field}", field)
    approver = body.get("approver")
    if not isinstance(approver, str) or not approver.strip():
        return _error(400, "invalid_field", "approver must be a non-empty string", "approver")
    approver = approver.strip()
    if len(approver) > MAX_NAME_CHARS:
        message = f"approver is longer than {MAX_NAME_CHARS} characters"
        return _error(400, "invalid_field", message, "approver")
    reason = body.get("reason")
    if reason is not None:
        if not isinstance(reason, str) or not reason.strip():
            return _error(400, "invalid_field", "reason must be a non-empty string", "reason")
        reason = reason.strip()
        if len(reason) > MAX_REASON_CHARS:
            message = f"reason is longer than {MAX_REASON_CHARS} characters"
            return _error(400, "invalid_field", message, "reason")
    if approver.casefold() == announcement.author.casefold():
        message = "The approver must be another person than the author."
        return _error(409, "approver_is_author", message, "approver")
    return approver, reason


async def _approve(request: web.Request, *, confirming: bool) -> web.Response:
    announcement = await _found(request)
    if announcement is None:
        return _error(404, "not_found", "No announcement with this id.")
    if confirming and announcement.status == "rejected":
        return _not_draft(announcement)  # rejected is final: never sent
    if confirming and announcement.status != "draft":
        return web.json_response(await _report(request, announcement))
    decision = await _decision(request, announcement, ("approver",))
    if isinstance(decision, web.Response):
        return decision
    approver, _ = decision
    if not await request.app[ANNOUNCEMENTS].approve(announcement.id, approver):
        return _not_draft(announcement)
    logger.info("announcement %s approved", announcement.id)
    request.app[SENDER].wake()
    await _tell_author(request, announcement, approved=True)
    approved = await request.app[ANNOUNCEMENTS].get(announcement.id)
    assert approved is not None  # it was there a moment ago and nothing deletes announcements
    return web.json_response(await _report(request, approved))
