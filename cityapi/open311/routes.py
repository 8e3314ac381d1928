"""Open311 GeoReport v2 under /open311/v2/, and the staff endpoints that move a report on.

The Open311 part answers as the specification says (top-level arrays, `[{"code", "description"}]`
errors, JSON or XML by the path's extension); it is a sub-application with its own error handling.
The staff endpoints belong to the city data API proper and answer in its error format.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import hmac
import json
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import MultiMapping

from cityapi.errors import DB_ERRORS, UNAVAILABLE_HEADERS, ApiError, invalid
from cityapi.keys import DATABASE, DISTRICTS, FORWARDER, SETTINGS
from cityapi.open311 import store
from cityapi.open311.catalogue import BY_CODE, SERVICES, Service
from cityapi.open311.formats import FORMATS, error_body, local_time, respond
from cityapi.open311.media import NAME_PATTERN, PhotoRefused, clean_photo, store_photo
from cityapi.params import ASCII_INTEGER, MAX_ID, Param, Query, path_id

MAX_FORM_BYTES = 64 * 1024  # a form without a photo: 4,000 characters of text are far below
MAX_DESCRIPTION = 4000
MAX_IDS = 100
MAX_PHOTOS = 3
DEFAULT_WINDOW = timedelta(days=90)
AGENCY = "Hanse- und Universitätsstadt Rostock"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-03T00:00:00+01:00"
_FMT = "{fmt:(json|xml)}"
_EMAIL = re.compile(r"[^@\s<>]{1,64}@[^@\s<>]{1,190}\.[^@\s<>]{2,63}")
_PHONE = re.compile(r"\+?[0-9 ()/-]{4,40}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _fmt(request: web.Request) -> str:
    fmt = request.match_info.get("fmt")
    if fmt in FORMATS:
        return fmt
    return "xml" if request.path.endswith(".xml") else "json"


@web.middleware
async def open311_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure as the specification's error list, in the format the path asked for."""
    fmt = _fmt(request)
    try:
        return await handler(request)
    except ApiError as exc:
        return error_body(fmt, exc.status, exc.message)
    except web.HTTPNotFound:
        return error_body(fmt, 404, f"There is no resource at {request.path}.")
    except web.HTTPMethodNotAllowed as exc:
        allowed = ", ".join(sorted(exc.allowed_methods))
        response = error_body(fmt, 405, f"{request.method} is not allowed here; use {allowed}.")
        response.headers["Allow"] = allowed
        return response
    except web.HTTPRequestEntityTooLarge:
        return error_body(fmt, 413, "The request is too large.")
    except web.HTTPException as exc:
        if exc.status >= 400:
            return error_body(fmt, exc.status, exc.reason)
        raise
    except DB_ERRORS as exc:
        request.app.logger.warning("open311: database unavailable (%s)", type(exc).__name__)
        response = error_body(fmt, 503, "The database is not reachable; try again soon.")
        response.headers.update(UNAVAILABLE_HEADERS)
        return response


def _base_url(request: web.Request) -> str:
    configured = request.config_dict[SETTINGS].public_url.rstrip("/")
    return configured or f"{request.scheme}://{request.host}"


# ---------------------------------------------------------------- discovery and services


async def discovery(request: web.Request) -> web.Response:
    """GET discovery.json: where this endpoint is and what it speaks."""
    Query.of(request, ())
    base = _base_url(request)
    return respond(
        _fmt(request),
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": "Smile City Rostock, Hanse- und Universitätsstadt Rostock",
            "key_service": "Ask the city data API's operators for an api_key.",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": f"{base}/open311/v2",
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
    )


SERVICES_PARAMS = (Param("jurisdiction_id", "Ignored: this endpoint serves Rostock only."),)


async def list_services(request: web.Request) -> web.Response:
    """GET services.json: every category, grouped as Klarschiff.HRO groups them."""
    Query.of(request, SERVICES_PARAMS)
    return respond(_fmt(request), "services", [s.as_dict() for s in SERVICES])


def _service(code: str) -> Service:
    service = BY_CODE.get(code)
    if service is None:
        raise ApiError(404, "not_found", f"There is no service with service_code '{code[:64]}'.")
    return service


async def service_definition(request: web.Request) -> web.Response:
    """GET services/{code}.json: the attributes a category asks for."""
    Query.of(request, SERVICES_PARAMS)
    service = _service(request.match_info["code"])
    body = {
        "service_code": service.code,
        "attributes": [a.as_dict(order) for order, a in enumerate(service.attributes, 1)],
    }
    return respond(_fmt(request), "service_definition", body)


# ---------------------------------------------------------------- reading requests


def _render(request: web.Request, row: dict[str, Any], extensions: bool) -> dict[str, Any]:
    base = _base_url(request)
    service = BY_CODE.get(row["service_code"])
    media_urls = [f"{base}/open311/v2/media/{name}" for name in row.get("media", [])]
    attributes = json.loads(row["attributes"] or "{}")
    external = attributes.pop("media_url", None)
    if external and not media_urls:
        media_urls = [external]
    body: dict[str, Any] = {
        "service_request_id": str(row["id"]),
        "status": store.open_or_closed(row["detailed_status"]),
        "status_notes": row["status_notes"],
        "service_name": service.name if service else row["service_code"],
        "service_code": row["service_code"],
        "description": row["description"],
        "agency_responsible": AGENCY,
        "service_notice": None,
        "requested_datetime": local_time(row["requested_at"]),
        "updated_datetime": local_time(row["updated_at"]),
        "expected_datetime": None,
        "address": row["address"],
        "address_id": None,
        "zipcode": None,
        "lat": row["lat"],
        "long": row["lon"],
        "media_url": media_urls[0] if media_urls else None,
    }
    if extensions:
        extended: dict[str, Any] = {
            "detailed_status": row["detailed_status"],
            "detailed_status_datetime": local_time(row["updated_at"]),
            "reason": row["reason"],
            "votes": row["votes"],
            "media_urls": media_urls,
            "district": row["district"],
            "ortsteil": row["ortsteil"],
            "council": row["council"],
            "attributes": attributes,
        }
        if "distance_m" in row:
            extended["distance_m"] = round(row["distance_m"])
        body["extended_attributes"] = extended
    return body


REQUESTS_PARAMS = (
    Param("service_request_id", "Comma list of ids; overrides every other filter."),
    Param("service_code", "Comma list of service codes."),
    Param("status", "open or closed (comma list)."),
    Param("start_date", "Requested at or after this time (ISO 8601).", {"type": "string"}),
    Param("end_date", "Requested at or before this time (ISO 8601).", {"type": "string"}),
    Param("jurisdiction_id", "Ignored: this endpoint serves Rostock only."),
    Param("extensions", "true: detailed status, votes, media URLs, district."),
    Param("detailed_status", "Comma list of RECEIVED, IN_PROCESS, PROCESSED, REJECTED."),
    Param("updated_after", "Changed after this time (ISO 8601)."),
    Param("lat", "With long: only requests within radius metres of this point."),
    Param("long", "With lat."),
    Param("radius", "Metres around lat/long, 1 to 5000 (default 100)."),
    Param("keyword", "problem or idea."),
    Param("max_requests", "At most this many, 1 to 1000 (default 1000)."),
    Param("api_key", "Needed with account_id."),
    Param("account_id", "The reporting client's account: its reporter's requests (api_key)."),
)


def _check_key(request: web.Request, key: str | None) -> str:
    keys = request.config_dict[SETTINGS].api_keys
    if not key or not any(hmac.compare_digest(key.encode(), k.encode()) for k in keys):
        raise ApiError(403, "forbidden", "The api_key is missing or not valid.")
    return key


def _ids(raw: str) -> tuple[int, ...]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not parts or len(parts) > MAX_IDS:
        raise invalid("service_request_id", f"Give 1 to {MAX_IDS} comma-separated ids.")
    if not all(ASCII_INTEGER.fullmatch(p) and int(p) <= MAX_ID for p in parts):
        raise invalid("service_request_id", "Service request ids are whole numbers.")
    return tuple(int(p) for p in parts)


async def list_requests(request: web.Request) -> web.Response:
    """GET requests.json with the specification's filters and Klarschiff's extensions."""
    query = Query.of(request, REQUESTS_PARAMS)
    if query.has("lat") != query.has("long"):
        raise invalid("lat", "Give both lat and long, or neither.")
    near = (
        (query.number("lat", -90, 90), query.number("long", -180, 180))
        if query.has("lat")
        else None
    )
    account_id = query.text("account_id", 128)
    if account_id is not None:
        _check_key(request, query.text("api_key", 200))
    raw_ids = query.text("service_request_id", 1200)
    keyword = query.choice("keyword", ("problem", "idea"))
    codes = query.text("service_code", 600)
    f = store.RequestFilter(
        ids=_ids(raw_ids) if raw_ids else None,
        service_codes=tuple(c.strip() for c in codes.split(",")) if codes else None,
        statuses=query.choices("status", ("open", "closed")),
        detailed_statuses=query.choices("detailed_status", store.DETAILED_STATUSES),
        start=query.moment("start_date"),
        end=query.moment("end_date"),
        updated_after=query.moment("updated_after"),
        near=near,
        radius_m=query.integer("radius", 100, 1, 5000),
        account_id=account_id,
        keyword_codes=(
            tuple(s.code for s in SERVICES if s.keyword == keyword) if keyword else None
        ),
        limit=query.integer("max_requests", 1000, 1, 1000),
    )
    if f.start and f.end and f.end < f.start:
        raise invalid("end_date", "end_date must not be before start_date.")
    if f.ids is None and f.start is None and f.end is None and f.near is None and not account_id:
        # the specification's default window: the last 90 days
        f = dataclasses.replace(f, start=store.utcnow() - DEFAULT_WINDOW)
    rows = await request.config_dict[DATABASE].read(lambda conn: store.find_requests(conn, f))
    extensions = query.flag("extensions")
    body = [_render(request, row, extensions) for row in rows]
    return respond(_fmt(request), "service_requests", body)


def _request_id(request: web.Request) -> int:
    raw = request.match_info["id"]
    if not ASCII_INTEGER.fullmatch(raw) or not 1 <= int(raw) <= MAX_ID:
        raise ApiError(404, "not_found", f"There is no service request with id '{raw[:20]}'.")
    return int(raw)


ONE_PARAMS = (
    Param("jurisdiction_id", "Ignored: this endpoint serves Rostock only."),
    Param("extensions", "true: detailed status, votes, media URLs, district."),
)


async def get_request(request: web.Request) -> web.Response:
    """GET requests/{id}.json: a one-element array, as the specification says."""
    query = Query.of(request, ONE_PARAMS)
    request_id = _request_id(request)
    f = store.RequestFilter(ids=(request_id,))
    rows = await request.config_dict[DATABASE].read(lambda conn: store.find_requests(conn, f))
    if not rows:
        raise ApiError(404, "not_found", f"There is no service request with id {request_id}.")
    body = [_render(request, rows[0], query.flag("extensions"))]
    return respond(_fmt(request), "service_requests", body)


async def get_token(request: web.Request) -> web.Response:
    """GET tokens/{token}.json: the id a token stands for."""
    Query.of(request, SERVICES_PARAMS)
    token = request.match_info["token"]
    found = None
    if re.fullmatch(r"[0-9a-f-]{36}", token):
        found = await request.config_dict[DATABASE].read(
            lambda conn: store.request_by_token(conn, token)
        )
    if found is None:
        raise ApiError(404, "not_found", "There is no service request with this token.")
    body = [{"service_request_id": str(found), "token": token}]
    return respond(_fmt(request), "service_requests", body)


# ---------------------------------------------------------------- filing requests


def _clean(value: str) -> str:
    return _CONTROL.sub("", value).strip()


class Form:
    """The POST's fields, each taken once, checked for length."""

    def __init__(self, fields: MultiMapping[Any]):
        self._fields = fields

    def text(self, name: str, max_len: int) -> str | None:
        """A text field without control characters; empty counts as absent."""
        values = self._fields.getall(name, [])
        if not values:
            return None
        if len(values) > 1:
            raise invalid(name, f"{name} is given more than once.")
        if not isinstance(values[0], str):
            raise invalid(name, f"{name} must be text.")
        value = _clean(values[0])
        if len(value) > max_len:
            raise invalid(name, f"{name} is longer than {max_len} characters.")
        return value or None

    def number(self, name: str, lo: float, hi: float) -> float | None:
        """A number field within [lo, hi]."""
        raw = self.text(name, 40)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            raise invalid(name, f"{name} must be a number.") from None
        if not lo <= value <= hi:
            raise invalid(name, f"{name} must be between {lo:g} and {hi:g}.")
        return value

    def attributes(self, service: Service) -> dict[str, Any]:
        """The `attribute[code]` fields, checked against the service's definition."""
        allowed = {a.code: a for a in service.attributes}
        given: dict[str, Any] = {}
        for key in self._fields:
            match = re.fullmatch(r"attribute\[([^\]]{1,64})\](\[\])?", key)
            if match is None:
                continue
            code = match.group(1)
            attribute = allowed.get(code)
            if attribute is None:
                raise invalid(key, f"Service '{service.code}' has no attribute '{code}'.")
            values = [_clean(str(v)) for v in self._fields.getall(key)]
            keys = {v.key for v in attribute.values}
            if keys and any(v not in keys for v in values):
                raise invalid(key, f"attribute[{code}] must be one of: {', '.join(sorted(keys))}.")
            if attribute.datatype == "multivaluelist":
                given[code] = values
            elif len(values) != 1:
                raise invalid(key, f"attribute[{code}] takes one value.")
            else:
                given[code] = values[0][:200]
        for attribute in service.attributes:
            if attribute.required and attribute.code not in given:
                raise invalid(
                    f"attribute[{attribute.code}]", f"attribute[{attribute.code}] is required."
                )
        return given


KNOWN_FIELDS = frozenset(
    {
        "api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string",
        "address_id", "email", "first_name", "last_name", "phone", "description", "media_url",
        "device_id", "account_id", "media", "media_id",
    }
)  # fmt: skip


def _idempotency_key(request: web.Request, api_key: str) -> str | None:
    raw = request.headers.get("Idempotency-Key")
    if raw is None:
        return None
    raw = raw.strip().strip('"')
    if not 1 <= len(raw) <= 100 or not raw.isprintable():
        raise invalid("Idempotency-Key", "The Idempotency-Key header must be 1 to 100 characters.")
    # scoped to the client: two clients may choose the same key
    client = hashlib.sha256(api_key.encode()).hexdigest()[:16]
    return f"{client}:{raw}"


def _body_limit(request: web.Request) -> int:
    if request.content_type == "multipart/form-data":  # photos ride along
        return MAX_PHOTOS * request.config_dict[SETTINGS].max_photo_bytes + MAX_FORM_BYTES
    return MAX_FORM_BYTES


async def _read_form(request: web.Request) -> MultiMapping[Any]:
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise invalid("Content-Type", "Send the request form-encoded, as Open311 says.")
    limit = _body_limit(request)
    if (request.content_length or 0) > limit:
        raise ApiError(413, "payload_too_large", "The request is too large.")
    return await _parse_form(request, limit)


async def _parse_form(request: web.Request, limit: int) -> MultiMapping[Any]:
    """The posted fields; a body that does not parse as its Content-Type says is a 400."""
    try:
        return await request.clone(client_max_size=limit).post()
    except web.HTTPException:
        raise
    except (ValueError, HttpProcessingError):  # no multipart boundary, broken part headers
        raise invalid("Content-Type", "The body cannot be read as its Content-Type says.") from None


async def _photos(request: web.Request, fields: MultiMapping[Any]) -> list[tuple[str, str, int]]:
    """Uploaded photo files, checked and stored; (name, content type, size) of each."""
    files = [f for f in fields.getall("media", []) if isinstance(f, web.FileField)]
    if len(files) > MAX_PHOTOS:
        raise invalid("media", f"At most {MAX_PHOTOS} photos per report.")
    settings = request.config_dict[SETTINGS]
    stored = []
    for upload in files:
        raw = await asyncio.to_thread(upload.file.read, settings.max_photo_bytes + 1)
        try:
            photo = await asyncio.to_thread(clean_photo, raw, settings.max_photo_bytes)
        except PhotoRefused as exc:
            raise invalid("media", str(exc)) from None
        name = await asyncio.to_thread(store_photo, settings.media_dir, photo)
        stored.append((name, photo.content_type, len(photo.data)))
    return stored


def _close_files(fields: MultiMapping[Any]) -> None:
    for value in fields.values():
        if isinstance(value, web.FileField):
            value.file.close()


async def post_request(request: web.Request) -> web.Response:
    """POST requests.json: file a report or an idea (form-encoded, as the specification says)."""
    Query.of(request, ())
    fields = await _read_form(request)
    try:
        return await _file_request(request, fields)
    finally:
        _close_files(fields)


async def _file_request(request: web.Request, fields: MultiMapping[Any]) -> web.Response:
    fmt = _fmt(request)
    settings = request.config_dict[SETTINGS]
    form = Form(fields)
    unknown = [k for k in fields if k not in KNOWN_FIELDS and not k.startswith("attribute[")]
    if unknown:
        raise invalid(unknown[0], f"Unknown field '{unknown[0][:40]}'.")
    api_key = _check_key(request, form.text("api_key", 200))
    code = form.text("service_code", 64)
    if code is None:
        raise invalid("service_code", "service_code is required.")
    service = BY_CODE.get(code)
    if service is None:
        raise invalid("service_code", f"There is no service with service_code '{code}'.")
    lat, lon = form.number("lat", -90, 90), form.number("long", -180, 180)
    address = form.text("address_string", 300)
    if (lat is None) != (lon is None):
        raise invalid("lat", "Give both lat and long, or neither.")
    if lat is None and address is None:
        raise invalid("lat", "A location is required: lat and long, or address_string.")
    district = ortsteil = None
    if lat is not None and lon is not None:
        found = request.config_dict[DISTRICTS].locate(lat, lon)
        if found is None:
            raise invalid("lat", "This location is not in Rostock; reports are for Rostock only.")
        district, ortsteil = found.district, found.ortsteil
    elif address is not None:
        # "Südstadt" or "Dierkow" said instead of a point: the district, when it is only one
        covered = request.config_dict[DISTRICTS].resolve(address)
        if covered is not None and len(covered) == 1:
            district = covered[0]
    description = form.text("description", MAX_DESCRIPTION) or ""
    if service.keyword == "idea" and not description:
        raise invalid("description", "An idea needs a description.")
    attributes = form.attributes(service)
    media_url = form.text("media_url", 500)
    if media_url is not None:
        if not re.fullmatch(r"https?://[^\s<>\"]+", media_url):
            raise invalid("media_url", "media_url must be an http or https address.")
        attributes["media_url"] = media_url
    email = form.text("email", 254)
    if email is not None and not _EMAIL.fullmatch(email):
        raise invalid("email", "email is not an e-mail address.")
    phone = form.text("phone", 40)
    if phone is not None and not _PHONE.fullmatch(phone):
        raise invalid("phone", "phone is not a telephone number.")
    account_id = form.text("account_id", 128)
    attach = [m.strip() for m in (form.text("media_id", 200) or "").split(",") if m.strip()]
    if len(attach) > MAX_PHOTOS or not all(re.fullmatch(NAME_PATTERN, m) for m in attach):
        raise invalid("media_id", f"media_id: up to {MAX_PHOTOS} ids from POST media.json.")
    photos = await _photos(request, fields)  # files first, then the rows that point at them
    new = store.NewRequest(
        service_code=service.code,
        description=description,
        attributes=attributes,
        lat=lat,
        lon=lon,
        address=address,
        district=district,
        ortsteil=ortsteil,
        # addressed to the Ortsbeirat of the district (or of the place named, e.g. "Dierkow")
        council=(district or address) if attributes.get("to_council") == "yes" else None,
        email=email,
        first_name=form.text("first_name", 100),
        last_name=form.text("last_name", 100),
        phone=phone,
        account_id=account_id,
        device_id=form.text("device_id", 128),
        idempotency_key=_idempotency_key(request, api_key),
        photos=photos,
        attach=attach,
        forward=bool(settings.forward_url),
    )
    now = store.utcnow()
    try:
        filed = await request.config_dict[DATABASE].transaction(
            lambda conn: store.file_request(conn, new, now)
        )
    except store.UnknownUpload:
        raise invalid("media_id", "A media_id names no uploaded photo.") from None
    forwarder = request.config_dict.get(FORWARDER)
    if forwarder is not None and not filed.repeated:
        forwarder.wake()
    what = "Idee" if service.keyword == "idea" else "Meldung"
    notice = f"Ihre {what} ist eingegangen."
    body = [
        {
            "service_request_id": str(filed.id),
            "token": filed.token,
            "service_notice": notice,
            "account_id": account_id,
        }
    ]
    return respond(fmt, "service_requests", body, status=200 if filed.repeated else 201)


async def post_vote(request: web.Request) -> web.Response:
    """POST requests/{id}/votes.json: support an open report (one vote per account)."""
    Query.of(request, ())
    if (request.content_length or 0) > MAX_FORM_BYTES:
        raise ApiError(413, "payload_too_large", "The request is too large.")
    form = Form(await _parse_form(request, MAX_FORM_BYTES))
    _check_key(request, form.text("api_key", 200))
    request_id = _request_id(request)
    account_id = form.text("account_id", 128)
    if account_id is None:
        raise invalid("account_id", "account_id is required: one vote per account.")
    now = store.utcnow()
    try:
        votes, new = await request.config_dict[DATABASE].transaction(
            lambda conn: store.add_vote(conn, request_id, account_id, now)
        )
    except store.VoteError as exc:
        raise ApiError(exc.status, "vote_refused", str(exc)) from None
    body = [{"service_request_id": str(request_id), "votes": votes, "counted": new}]
    return respond(_fmt(request), "service_requests", body, status=201 if new else 200)


async def post_media(request: web.Request) -> web.Response:
    """POST media.json: upload a photo first (multipart `media`), attach it with `media_id`."""
    Query.of(request, ())
    if request.content_type != "multipart/form-data":
        raise invalid("Content-Type", "Send the photo as multipart/form-data, field 'media'.")
    fields = await _read_form(request)
    try:
        _check_key(request, Form(fields).text("api_key", 200))
        photos = await _photos(request, fields)
    finally:
        _close_files(fields)
    if len(photos) != 1:
        raise invalid("media", "Send one photo in the field 'media'.")
    name, content_type, size = photos[0]
    now = store.utcnow()
    await request.config_dict[DATABASE].transaction(
        lambda conn: store.add_upload(conn, name, content_type, size, now)
    )
    body = [{"media_id": name, "media_url": f"{_base_url(request)}/open311/v2/media/{name}"}]
    return respond(_fmt(request), "media", body, status=201)


async def get_media(request: web.Request) -> web.StreamResponse:
    """GET media/{name}: a photo of a filed report."""
    Query.of(request, ())
    name = request.match_info["name"]
    content_type = None
    if re.fullmatch(NAME_PATTERN, name):
        content_type = await request.config_dict[DATABASE].read(
            lambda conn: store.attached_photo(conn, name)
        )
    path = request.config_dict[SETTINGS].media_dir / name
    if content_type is None or not path.is_file():
        raise ApiError(404, "not_found", "There is no such photo.")
    return web.FileResponse(
        path,
        headers={
            "Content-Type": content_type,
            "Cache-Control": "public, max-age=86400",
            "X-Content-Type-Options": "nosniff",
        },
    )


def open311_app() -> web.Application:
    """The Open311 GeoReport v2 sub-application, mounted at /open311/v2."""
    app = web.Application(middlewares=[open311_errors])
    app.router.add_get(f"/discovery.{_FMT}", discovery)
    app.router.add_get(f"/services.{_FMT}", list_services)
    app.router.add_get(f"/services/{{code}}.{_FMT}", service_definition)
    app.router.add_get(f"/requests.{_FMT}", list_requests)
    app.router.add_post(f"/requests.{_FMT}", post_request)
    app.router.add_get(f"/requests/{{id}}.{_FMT}", get_request)
    app.router.add_post(f"/requests/{{id}}/votes.{_FMT}", post_vote)
    app.router.add_get(f"/tokens/{{token}}.{_FMT}", get_token)
    app.router.add_post(f"/media.{_FMT}", post_media)
    app.router.add_get("/media/{name}", get_media)
    return app


# ---------------------------------------------------------------- staff


def _staff(request: web.Request) -> None:
    token = request.config_dict[SETTINGS].staff_token
    if not token:
        raise ApiError(404, "not_found", f"There is no resource at {request.path}.")
    given = request.headers.get("Authorization", "")
    scheme, _, credentials = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        credentials.strip().encode(), token.encode()
    ):
        raise ApiError(401, "unauthorized", "A valid staff token is required (Bearer).")


def _staff_view(row: dict[str, Any], history: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "service_code": row["service_code"],
        "detailed_status": row["detailed_status"],
        "status": store.open_or_closed(row["detailed_status"]),
        "status_notes": row["status_notes"],
        "reason": row["reason"],
        "description": row["description"],
        "attributes": json.loads(row["attributes"] or "{}"),
        "lat": row["lat"],
        "lon": row["lon"],
        "address": row["address"],
        "district": row["district"],
        "ortsteil": row["ortsteil"],
        "council": row["council"],
        "votes": row["votes"],
        "requested_at": local_time(row["requested_at"]),
        "updated_at": local_time(row["updated_at"]),
        "contact": {
            "email": row["email"],
            "first_name": row["first_name"],
            "last_name": row["last_name"],
            "phone": row["phone"],
        },
        "upstream_id": row["upstream_id"],  # the id the upstream (Klarschiff.HRO) gave it
        "history": [
            {
                "detailed_status": h["detailed_status"],
                "note": h["note"],
                "changed_at": local_time(h["changed_at"]),
            }
            for h in history
        ],
    }


STAFF_LIST_PARAMS = (
    Param("status", "open or closed (comma list)."),
    Param("detailed_status", "Comma list of RECEIVED, IN_PROCESS, PROCESSED, REJECTED."),
    Param("service_code", "Comma list of service codes."),
    Param("limit", "At most this many, 1 to 1000 (default 100).", {"type": "integer"}),
)


async def staff_list(request: web.Request) -> web.Response:
    """GET /staff/reports: reports with their contact data, for the city's staff."""
    _staff(request)
    query = Query.of(request, STAFF_LIST_PARAMS)
    codes = query.text("service_code", 600)
    f = store.RequestFilter(
        statuses=query.choices("status", ("open", "closed")),
        detailed_statuses=query.choices("detailed_status", store.DETAILED_STATUSES),
        service_codes=tuple(c.strip() for c in codes.split(",")) if codes else None,
        limit=query.integer("limit", 100, 1, 1000),
    )
    rows = await request.config_dict[DATABASE].read(lambda conn: store.find_requests(conn, f))
    items = [_staff_view(row, []) for row in rows]
    return web.json_response({"items": items, "total": len(items)})


async def staff_get(request: web.Request) -> web.Response:
    """GET /staff/reports/{id}: one report with its history."""
    _staff(request)
    Query.of(request, ())
    request_id = path_id(request)

    def read(conn: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        rows = store.find_requests(conn, store.RequestFilter(ids=(request_id,)))
        return rows, store.history(conn, request_id) if rows else []

    rows, history = await request.config_dict[DATABASE].read(read)
    if not rows:
        raise ApiError(404, "not_found", f"There is no report with id {request_id}.", "id")
    return web.json_response(_staff_view(rows[0], history))


async def staff_change_status(request: web.Request) -> web.Response:
    """POST /staff/reports/{id}/status {"status", "note", "reason", "by"}: move a report on."""
    _staff(request)
    Query.of(request, ())
    request_id = path_id(request)
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise invalid("body", "The body must be a JSON object.") from None
    if not isinstance(body, dict):
        raise invalid("body", "The body must be a JSON object.")
    unknown = set(body) - {"status", "note", "reason", "by"}
    if unknown:
        raise invalid(sorted(unknown)[0], f"Unknown field '{sorted(unknown)[0]}'.")
    status = body.get("status")
    if status not in store.DETAILED_STATUSES:
        raise invalid("status", f"status must be one of: {', '.join(store.DETAILED_STATUSES)}.")
    note, reason, by = body.get("note"), body.get("reason"), body.get("by")
    for name, value, limit in (("note", note, 2000), ("by", by, 100)):
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise invalid(name, f"{name} must be a text of at most {limit} characters.")
    if status == store.REJECTED and reason not in store.REJECT_REASONS:
        raise invalid("reason", f"A rejection needs a reason: {', '.join(store.REJECT_REASONS)}.")
    now = store.utcnow()
    try:
        change_id = await request.config_dict[DATABASE].transaction(
            lambda conn: store.change_status(
                conn, request_id, status, _clean(note) if note else None, reason, by, now
            )
        )
    except store.StatusError as exc:
        raise ApiError(exc.status, "status_refused", str(exc), exc.parameter) from None
    return web.json_response(
        {
            "id": request_id,
            "detailed_status": status,
            "status": store.open_or_closed(status),
            "change_id": change_id,
        }
    )


CHANGES_PARAMS = (
    Param("after", "Changes after this change id (default 0).", {"type": "integer"}),
    Param("limit", "At most this many, 1 to 500 (default 100).", {"type": "integer"}),
)


async def staff_changes(request: web.Request) -> web.Response:
    """GET /staff/report-changes?after=: status changes in order, for pushing them to reporters."""
    _staff(request)
    query = Query.of(request, CHANGES_PARAMS)
    after = query.integer("after", 0, 0, MAX_ID)
    limit = query.integer("limit", 100, 1, 500)
    rows = await request.config_dict[DATABASE].read(
        lambda conn: store.changes_after(conn, after, limit)
    )
    items = [
        {
            "change_id": row["change_id"],
            "service_request_id": str(row["request_id"]),
            "service_code": row["service_code"],
            "detailed_status": row["detailed_status"],
            "status": store.open_or_closed(row["detailed_status"]),
            "note": row["note"],
            "changed_at": local_time(row["changed_at"]),
            "account_id": row["account_id"],
        }
        for row in rows
    ]
    last = items[-1]["change_id"] if items else after
    return web.json_response({"items": items, "next_after": last})


async def staff_forget_account(request: web.Request) -> web.Response:
    """POST /staff/accounts/{account_id}/forget: a person asked to be forgotten (GDPR Art. 17).

    Their reports stay (the city still has to fix the lift) but no longer point at them: the
    account id, contact data and device id are removed, their votes become anonymous.
    """
    _staff(request)
    Query.of(request, ())
    account_id = request.match_info["account_id"]
    if not 1 <= len(account_id) <= 128:
        raise invalid("account_id", "account_id must be 1 to 128 characters.")
    unlinked = await request.config_dict[DATABASE].transaction(
        lambda conn: store.forget_account(conn, account_id)
    )
    return web.json_response({"reports": unlinked})


async def staff_account_reports(request: web.Request) -> web.Response:
    """GET /staff/accounts/{account_id}/reports: a person's reports, for their data export.

    The reports with the contact data the person gave (GDPR Art. 15), newest first.
    """
    _staff(request)
    Query.of(request, ())
    account_id = request.match_info["account_id"]
    if not 1 <= len(account_id) <= 128:
        raise invalid("account_id", "account_id must be 1 to 128 characters.")
    f = store.RequestFilter(account_id=account_id, limit=1000)
    rows = await request.config_dict[DATABASE].read(lambda conn: store.find_requests(conn, f))
    items = [_staff_view(row, []) for row in rows]
    return web.json_response({"items": items, "total": len(items)})


STAFF_ROUTES: tuple[tuple[str, str, Any], ...] = (
    ("GET", "/staff/reports", staff_list),
    ("GET", "/staff/reports/{id}", staff_get),
    ("POST", "/staff/reports/{id}/status", staff_change_status),
    ("GET", "/staff/report-changes", staff_changes),
    ("POST", "/staff/accounts/{account_id}/forget", staff_forget_account),
    ("GET", "/staff/accounts/{account_id}/reports", staff_account_reports),
)
