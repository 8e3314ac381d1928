"""The aiohttp application: routes, handlers and the resources they share."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import aiohttp
import orjson
from aiohttp import web

from cityapi.councils import CouncilStore, MeetingFilter
from cityapi.db import Database
from cityapi.districts import DistrictRegistry
from cityapi.errors import (
    MAX_BODY_BYTES,
    UNAVAILABLE_HEADERS,
    ApiError,
    error_middleware,
    invalid,
)
from cityapi.events import EventFilter, EventStore
from cityapi.geocoder import Geocoder, GeocoderUnavailable
from cityapi.hours import holiday_name
from cityapi.keys import DATABASE, DISTRICTS, FORWARDER, GEOCODER, SETTINGS
from cityapi.metrics import measured
from cityapi.metrics import metrics as metrics_text
from cityapi.open311 import retention
from cityapi.open311.forward import Forwarder
from cityapi.open311.routes import STAFF_ROUTES, open311_app
from cityapi.openapi import openapi_document
from cityapi.params import (
    ADDRESS_PARAMS,
    COUNCILS_PARAMS,
    EVENTS_PARAMS,
    LOCATE_PARAMS,
    MAX_ID,
    MAX_LIMIT,
    MAX_OFFSET,
    MEETINGS_PARAMS,
    NO_PARAMS,
    PLACE_PARAMS,
    PLACES_PARAMS,
    Query,
    path_id,
)
from cityapi.places import PlaceFilter, PlaceStore
from cityapi.schema import COUNCIL_KINDS, EVENT_CATEGORIES, PLACE_TYPES, WHEELCHAIR_VALUES
from cityapi.settings import CityApiSettings

log = logging.getLogger(__name__)

PLACES = web.AppKey("places", PlaceStore)
EVENTS = web.AppKey("events", EventStore)
COUNCILS = web.AppKey("councils", CouncilStore)

MAX_EVENT_WINDOW = timedelta(days=366)
MEETING_WINDOW = timedelta(days=90)


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # orjson: the places answer is ~10 KB of JSON; encoding it is a visible share of a request
    return web.Response(
        body=orjson.dumps(body), status=status, content_type="application/json", headers=headers
    )


class HealthCheck:
    """Answers whether the database answers."""

    def __init__(self, db: Database):
        self._db = db

    async def database_ok(self) -> bool:
        """Run a trivial query; False (not an exception) when the database is away."""
        try:
            await self._db.ping()
        except Exception as exc:  # any failure means "not healthy" here
            log.warning("health check: database unavailable (%s)", type(exc).__name__)
            return False
        return True


HEALTH = web.AppKey("health", HealthCheck)


def _now(query: Query, name: str) -> datetime:
    return query.moment(name) or datetime.now(UTC)


def _paging(query: Query) -> tuple[int, int]:
    return query.integer("limit", 20, 1, MAX_LIMIT), query.integer("offset", 0, 0, MAX_OFFSET)


def _districts(request: web.Request, query: Query) -> tuple[str, ...] | None:
    raw = query.text("district", 80)
    if raw is None:
        return None
    districts = request.app[DISTRICTS].resolve(raw)
    if districts is None:
        raise invalid("district", f"Unknown district '{raw}'; GET /districts lists them.")
    return districts


def _page(
    items: list[dict[str, Any]], total: int, limit: int, offset: int,
    districts: tuple[str, ...] | None,
) -> web.Response:  # fmt: skip
    body: dict[str, Any] = {"items": items, "total": total, "limit": limit, "offset": offset}
    if districts is not None:  # what a district name covered, e.g. all three Dierkows
        body["districts"] = list(districts)
    return _json(body)


async def healthz(request: web.Request) -> web.Response:
    """200 when the service and its database answer, 503 otherwise."""
    Query.of(request, NO_PARAMS)
    if await request.app[HEALTH].database_ok():
        return _json({"status": "ok", "database": "ok"})
    return _json(
        {
            "status": "degraded",
            "database": "unavailable",
            "error": {
                "code": "database_unavailable",
                "message": "The database is not reachable.",
                "parameter": None,
            },
        },
        status=503,
        headers=UNAVAILABLE_HEADERS,
    )


async def openapi(request: web.Request) -> web.Response:
    """The OpenAPI 3.1 document of this service."""
    Query.of(request, NO_PARAMS)
    return _json(openapi_document())


async def metrics(request: web.Request) -> web.Response:
    """GET /metrics: Prometheus metrics of this instance."""
    Query.of(request, NO_PARAMS)
    return await metrics_text(request)


async def list_places(request: web.Request) -> web.Response:
    """GET /places."""
    query = Query.of(request, PLACES_PARAMS)
    near = query.point("near")
    if query.has("radius") and near is None:
        raise invalid("radius", "Parameter 'radius' needs 'near'.")
    if query.has("open_now") and query.has("open_at"):
        raise invalid("open_at", "Give either 'open_now' or 'open_at', not both.")
    now = datetime.now(UTC)
    when = query.moment("open_at") or (now if query.flag("open_now") else None)
    limit, offset = _paging(query)
    districts = _districts(request, query)
    f = PlaceFilter(
        type=query.choice("type", PLACE_TYPES),
        districts=districts,
        near=near,
        radius_m=query.integer("radius", 2000, 1, 50_000),
        wheelchair=query.choices("wheelchair", WHEELCHAIR_VALUES),
        tactile_paving=query.flag("tactile_paving"),
        induction_loop=query.flag("induction_loop"),
        open_at=when,
        q=query.text("q"),
        limit=limit,
        offset=offset,
    )
    items, total = await request.app[PLACES].search(f, now)
    return _page(items, total, limit, offset, districts)


async def get_place(request: web.Request) -> web.Response:
    """GET /places/{id}."""
    place_id = path_id(request)
    query = Query.of(request, PLACE_PARAMS)
    item = await request.app[PLACES].get(place_id, _now(query, "at"))
    if item is None:
        raise ApiError(404, "not_found", f"There is no place with id {place_id}.", "id")
    return _json(item)


async def list_events(request: web.Request) -> web.Response:
    """GET /events."""
    query = Query.of(request, EVENTS_PARAMS)
    start, end = _window(query, timedelta(days=30))
    limit, offset = _paging(query)
    districts = _districts(request, query)
    f = EventFilter(
        start=start,
        end=end,
        districts=districts,
        category=query.choice("category", EVENT_CATEGORIES),
        wheelchair=query.choices("wheelchair", WHEELCHAIR_VALUES),
        free=query.flag("free"),
        q=query.text("q"),
        limit=limit,
        offset=offset,
    )
    items, total = await request.app[EVENTS].search(f)
    return _page(items, total, limit, offset, districts)


async def get_event(request: web.Request) -> web.Response:
    """GET /events/{id}."""
    event_id = path_id(request)
    Query.of(request, NO_PARAMS)
    item = await request.app[EVENTS].get(event_id)
    if item is None:
        raise ApiError(404, "not_found", f"There is no event with id {event_id}.", "id")
    return _json(item)


async def list_districts(request: web.Request) -> web.Response:
    """GET /districts: the 21 Stadtbereiche."""
    Query.of(request, NO_PARAMS)
    items = [
        {
            "code": sb.code,
            "name": sb.name,
            "ortsteile": list(sb.ortsteile),
            "centroid": {"lat": sb.centroid_lat, "lon": sb.centroid_lon},
        }
        for sb in request.app[DISTRICTS].stadtbereiche
    ]
    return _json({"items": items, "total": len(items), "limit": len(items), "offset": 0})


async def locate_district(request: web.Request) -> web.Response:
    """GET /districts/locate?lat=&lon=."""
    query = Query.of(request, LOCATE_PARAMS)
    lat, lon = query.number("lat", -90, 90), query.number("lon", -180, 180)
    found = request.app[DISTRICTS].locate(lat, lon)
    if found is None:
        raise ApiError(404, "not_found", "This point is not in Rostock.", None)
    return _json({"district": found.district, "code": found.code, "ortsteil": found.ortsteil})


async def search_addresses(request: web.Request) -> web.Response:
    """GET /addresses?q=: addresses in Rostock with their point, Stadtbereich and Ortsteil."""
    query = Query.of(request, ADDRESS_PARAMS)
    text = query.text("q", 120)
    if text is None:
        raise invalid("q", "Parameter 'q' is required: an address, such as 'Holbeinplatz 14'.")
    if len(text) < 3:
        raise invalid("q", "Parameter 'q' must have at least 3 characters.")
    limit = query.integer("limit", 5, 1, 10)
    geocoder = request.app.get(GEOCODER)
    if geocoder is None:
        raise ApiError(
            501, "not_configured", "No address search is configured (CITYAPI_GEOCODER_URL)."
        )
    try:
        found = await geocoder.search(text, limit)
    except GeocoderUnavailable as exc:
        log.warning("address search unavailable: %s", exc)  # never the address searched for
        raise ApiError(
            502, "geocoder_unavailable", "The city's address search did not answer; try again."
        ) from exc
    items = []
    for address in found:
        where = request.app[DISTRICTS].locate(address.lat, address.lon)
        if where is None:
            continue  # the search knows the region; this assistant serves Rostock
        items.append(
            {
                "title": address.title,
                "street": address.street,
                "house_number": address.house_number,
                "postcode": address.postcode,
                "lat": address.lat,
                "lon": address.lon,
                "district": where.district,
                "ortsteil": where.ortsteil,
            }
        )
    return _json({"items": items, "total": len(items)})


def _window(query: Query, default: timedelta) -> tuple[datetime, datetime]:
    start = query.moment("from") or datetime.now(UTC)
    end = query.moment("to") or start + default
    if end <= start:
        raise invalid("to", "Parameter 'to' must be after 'from'.")
    if end - start > MAX_EVENT_WINDOW:
        raise invalid("to", "The time window must not be longer than 366 days.")
    return start, end


async def list_councils(request: web.Request) -> web.Response:
    """GET /councils: all councils, those of a district, or the Ortsbeirat of a point."""
    query = Query.of(request, COUNCILS_PARAMS)
    point = query.has("lat") or query.has("lon")
    if point and query.has("district"):
        raise invalid("district", "Give either 'district' or 'lat' and 'lon', not both.")
    kind = query.choice("kind", COUNCIL_KINDS)
    districts = _districts(request, query)
    store = request.app[COUNCILS]
    items = await store.all()
    located: dict[str, str] | None = None
    if point:
        lat, lon = query.number("lat", -90, 90), query.number("lon", -180, 180)
        found = request.app[DISTRICTS].locate(lat, lon)
        if found is None:
            raise ApiError(404, "not_found", "This point is not in Rostock.", None)
        located = {"district": found.district, "ortsteil": found.ortsteil}
        items = [c for c in items if found.ortsteil in c["ortsteile"]]
    if districts is not None:
        items = [c for c in items if set(c["districts"]) & set(districts)]
    if kind is not None:
        items = [c for c in items if c["kind"] == kind]
    following = await store.next_meetings([c["id"] for c in items], datetime.now(UTC))
    for council in items:
        council["next_meeting"] = following.get(council["id"])
    body: dict[str, Any] = {"items": items, "total": len(items), "limit": len(items), "offset": 0}
    if districts is not None:
        body["districts"] = list(districts)
    if located is not None:
        body["location"] = located
    return _json(body)


async def get_council(request: web.Request) -> web.Response:
    """GET /councils/{id}: one council with its next meetings and their agendas."""
    council_id = path_id(request)
    Query.of(request, NO_PARAMS)
    item = await request.app[COUNCILS].get(council_id, datetime.now(UTC))
    if item is None:
        raise ApiError(404, "not_found", f"There is no council with id {council_id}.", "id")
    return _json(item)


async def list_meetings(request: web.Request) -> web.Response:
    """GET /meetings: meetings starting in a time window, with their agendas."""
    query = Query.of(request, MEETINGS_PARAMS)
    start, end = _window(query, MEETING_WINDOW)
    limit, offset = _paging(query)
    districts = _districts(request, query)
    store = request.app[COUNCILS]
    council_ids: tuple[int, ...] | None = None
    if query.has("council") or districts is not None:
        every = await store.all()
        chosen = every
        if query.has("council"):
            wanted = query.integer("council", 0, 1, MAX_ID)
            chosen = [c for c in every if c["id"] == wanted]
            if not chosen:
                raise invalid("council", f"There is no council with id {wanted}; see /councils.")
        if districts is not None:
            chosen = [c for c in chosen if set(c["districts"]) & set(districts)]
        council_ids = tuple(c["id"] for c in chosen)
    f = MeetingFilter(start, end, council_ids, query.text("q"), limit, offset)
    items, total = await store.meetings(f)
    return _page(items, total, limit, offset, districts)


async def _database(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    # The holiday calendar builds each year's dates on first use; do it before the first request.
    this_year = datetime.now(UTC).year
    for year in (this_year, this_year + 1):
        holiday_name(date(year, 1, 1))
    db = Database(settings.database_url, settings.db_timeout_s)
    app[DATABASE] = db
    app[PLACES] = PlaceStore(db)
    app[EVENTS] = EventStore(db)
    app[COUNCILS] = CouncilStore(db)
    app[HEALTH] = HealthCheck(db)
    yield
    await db.dispose()


ROUTES: tuple[tuple[str, str, Any], ...] = (
    ("GET", "/healthz", healthz),
    ("GET", "/openapi.json", openapi),
    ("GET", "/metrics", metrics),
    ("GET", "/places", list_places),
    ("GET", "/places/{id}", get_place),
    ("GET", "/events", list_events),
    ("GET", "/events/{id}", get_event),
    ("GET", "/districts", list_districts),
    ("GET", "/districts/locate", locate_district),
    ("GET", "/addresses", search_addresses),
    *STAFF_ROUTES,
    ("GET", "/councils", list_councils),
    ("GET", "/councils/{id}", get_council),
    ("GET", "/meetings", list_meetings),
)
OPEN311_PREFIX = "/open311/v2"


def create_app(
    settings: CityApiSettings, districts: DistrictRegistry | None = None
) -> web.Application:
    """The city data API as an aiohttp application."""
    app = web.Application(
        middlewares=[measured(settings.access_log), error_middleware],
        client_max_size=MAX_BODY_BYTES,
    )
    app[SETTINGS] = settings
    app[DISTRICTS] = districts or DistrictRegistry.load(settings.data_dir / "districts")
    for method, path, handler in ROUTES:
        app.router.add_route(method, path, handler)
    app.add_subapp(OPEN311_PREFIX, open311_app())
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_forwarding)
    app.cleanup_ctx.append(_geocoding)
    app.cleanup_ctx.append(_retention)
    return app


async def _retention(app: web.Application) -> AsyncIterator[None]:
    """Remove personal data from reports once they no longer need it (in the background)."""
    settings = app[SETTINGS]
    task = asyncio.create_task(
        retention.run_forever(app[DATABASE], settings.media_dir, settings.contact_retention_days),
        name="open311-retention",
    )
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _geocoding(app: web.Application) -> AsyncIterator[None]:
    """The city's address search, when one is configured."""
    settings = app[SETTINGS]
    if not settings.geocoder_url:
        yield
        return
    session = aiohttp.ClientSession(headers={"User-Agent": "smilecity-rostock-cityapi"})
    app[GEOCODER] = Geocoder(
        session,
        settings.geocoder_url,
        key=settings.geocoder_key,
        search_class=settings.geocoder_class,
        timeout_s=settings.geocoder_timeout_s,
    )
    try:
        yield
    finally:
        await session.close()


async def _forwarding(app: web.Application) -> AsyncIterator[None]:
    """Forward new reports upstream, when an upstream is configured."""
    settings = app[SETTINGS]
    if not settings.forward_url:
        yield
        return
    session = aiohttp.ClientSession(headers={"User-Agent": "smilecity-rostock-cityapi"})
    forwarder = Forwarder(
        app[DATABASE],
        session,
        settings.forward_url,
        settings.forward_api_key,
        settings.forward_interval_s,
    )
    app[FORWARDER] = forwarder
    task = asyncio.create_task(forwarder.run(), name="open311-forwarding")
    log.info("forwarding new reports to %s", settings.forward_url.split("?", 1)[0])
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await session.close()
