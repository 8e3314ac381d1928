"""The one HTTP client of the city data API (`cityapi/`), as the actions use it.

Every failure to get an answer in time (connection refused, timeout, 5xx, a body that is not JSON)
becomes `CityApiUnavailable`, so an action can apologise and the conversation goes on.
"""

import asyncio
import logging
import os
import re
import weakref
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Union

import aiohttp

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT_S = 3.0

Json = Dict[str, Any]
QueryValue = Union[str, int, float, bool, None]

# The gateway's id of the message being answered (REST metadata `request_id`), sent to the city
# data API as X-Request-Id so one message can be followed through every service's log.
REQUEST_ID: "ContextVar[Optional[str]]" = ContextVar("request_id", default=None)
REQUEST_ID_HEADER = "X-Request-Id"
_REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def follow_request(tracker: Any) -> None:
    """Take the request id of the tracker's latest message for this action's calls.

    Every action that calls the API sets it first (to None when the message has none), so an id
    never carries over to another message's action on the same connection.
    """
    metadata = (getattr(tracker, "latest_message", None) or {}).get("metadata") or {}
    rid = metadata.get("request_id") if isinstance(metadata, dict) else None
    valid = isinstance(rid, str) and _REQUEST_ID_PATTERN.fullmatch(rid)
    REQUEST_ID.set(rid if valid else None)


def _request_headers(extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    headers = dict(extra or {})
    rid = REQUEST_ID.get()
    if rid is not None:
        headers[REQUEST_ID_HEADER] = rid
    return headers


class CityApiError(Exception):
    """The city data API did not give the answer asked for."""

    code = "cityapi_error"


class CityApiUnavailable(CityApiError):
    """The city data API is down, too slow or failing (connection error, timeout, 5xx)."""

    code = "cityapi_unavailable"


class CityApiRejected(CityApiError):
    """The city data API refused the request (4xx), e.g. an unknown district name."""

    code = "cityapi_rejected"

    def __init__(self, status: int, error_code: str, parameter: Optional[str]) -> None:
        super().__init__(f"HTTP {status}: {error_code} (parameter {parameter})")
        self.status = status
        self.error_code = error_code
        self.parameter = parameter


class CityApiNotFound(CityApiRejected):
    """The thing asked for does not exist (404)."""

    code = "cityapi_not_found"


@dataclass(frozen=True)
class CityApiSettings:
    """Where the city data API is and how long to wait for it."""

    base_url: str = DEFAULT_BASE_URL
    timeout_s: float = DEFAULT_TIMEOUT_S
    # the Open311 key the city data API gave this assistant for filing reports
    open311_api_key: str = field(default="", repr=False)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "CityApiSettings":
        """Settings from CITYAPI_URL (else CITYAPI_HOST/PORT) and CITYAPI_TIMEOUT_S (≤ 3 s)."""
        env = os.environ if environ is None else environ
        base_url = env.get("CITYAPI_URL", "").strip()
        if not base_url and (env.get("CITYAPI_HOST") or env.get("CITYAPI_PORT")):
            # `make run` starts the city API from these; the actions then find it without more
            host = env.get("CITYAPI_HOST", "").strip() or "127.0.0.1"
            if host in ("0.0.0.0", "::"):
                host = "127.0.0.1"
            base_url = f"http://{host}:{env.get('CITYAPI_PORT', '').strip() or 8000}"
        base_url = base_url or DEFAULT_BASE_URL
        try:
            timeout_s = float(env.get("CITYAPI_TIMEOUT_S", DEFAULT_TIMEOUT_S))
        except ValueError:
            timeout_s = DEFAULT_TIMEOUT_S
        # A citizen waits for the answer: never longer than three seconds for the city's data.
        timeout_s = min(max(timeout_s, 0.1), DEFAULT_TIMEOUT_S)
        return cls(
            base_url=base_url.rstrip("/"),
            timeout_s=timeout_s,
            open311_api_key=env.get("CITYAPI_OPEN311_API_KEY", "").strip(),
        )


def _query(params: Mapping[str, QueryValue]) -> Dict[str, str]:
    out: Dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


class CityApiClient:
    """Reads places, events, districts and councils from the city data API."""

    def __init__(self, session: aiohttp.ClientSession, settings: CityApiSettings) -> None:
        self._session = session
        self._settings = settings
        self._timeout = aiohttp.ClientTimeout(total=settings.timeout_s)

    @classmethod
    def create(cls, settings: CityApiSettings) -> "CityApiClient":
        """A client with its own session (call inside the event loop that will use it)."""
        session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=settings.timeout_s),
            headers={"User-Agent": "smilecity-rostock-actions"},
        )
        return cls(session, settings)

    @property
    def closed(self) -> bool:
        """Whether the underlying session was closed."""
        return self._session.closed

    async def close(self) -> None:
        """Close the HTTP session."""
        await self._session.close()

    async def _get(self, path: str, params: Optional[Mapping[str, QueryValue]] = None) -> Json:
        url = self._settings.base_url + path
        try:
            async with self._session.get(
                url, params=_query(params or {}), headers=_request_headers(), timeout=self._timeout
            ) as response:
                if response.status >= 500:
                    raise CityApiUnavailable(f"HTTP {response.status} from {path}")
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise CityApiUnavailable(f"{type(exc).__name__} on {path}") from exc
        if not isinstance(body, dict):
            raise CityApiUnavailable(f"unexpected body from {path}")
        if response.status >= 400:
            error = body.get("error") or {}
            error_type = CityApiNotFound if response.status == 404 else CityApiRejected
            raise error_type(response.status, str(error.get("code")), error.get("parameter"))
        return body

    async def places(self, **params: QueryValue) -> Json:
        """`GET /places` with the contract's query parameters; the list page as JSON."""
        return await self._get("/places", params)

    async def place(self, place_id: int) -> Json:
        """`GET /places/{id}`: one place with its `hours`."""
        return await self._get(f"/places/{int(place_id)}")

    async def events(self, **params: QueryValue) -> Json:
        """`GET /events`; `from` and `to` are passed as `from_` and `to`."""
        if "from_" in params:
            params["from"] = params.pop("from_")
        return await self._get("/events", params)

    async def councils(self, **params: QueryValue) -> Json:
        """`GET /councils` (`kind`, `district` or `lat`/`lon`); items with their next meeting."""
        return await self._get("/councils", params)

    async def council(self, council_id: int) -> Json:
        """`GET /councils/{id}`: one council with its `next_meetings` and their agendas."""
        return await self._get(f"/councils/{int(council_id)}")

    async def meetings(self, **params: QueryValue) -> Json:
        """`GET /meetings` with agendas; `from` is passed as `from_`."""
        if "from_" in params:
            params["from"] = params.pop("from_")
        return await self._get("/meetings", params)

    async def addresses(self, **params: QueryValue) -> Json:
        """`GET /addresses` (`q`, `limit`): addresses in Rostock with point and district."""
        return await self._get("/addresses", params)

    async def locate(self, lat: float, lon: float) -> Json:
        """`GET /districts/locate`: the Stadtbereich and Ortsteil of a point (404 outside)."""
        return await self._get("/districts/locate", {"lat": lat, "lon": lon})

    # --- Open311: reports and ideas -------------------------------------------------------
    async def _open311(
        self,
        method: str,
        path: str,
        params: Optional[Mapping[str, QueryValue]] = None,
        form: Optional[Mapping[str, str]] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> List[Json]:
        url = f"{self._settings.base_url}/open311/v2{path}"
        try:
            async with self._session.request(
                method,
                url,
                params=_query(params or {}),
                data=dict(form) if form is not None else None,
                headers=_request_headers(headers),
                timeout=self._timeout,
            ) as response:
                if response.status >= 500:
                    raise CityApiUnavailable(f"HTTP {response.status} from Open311 {path}")
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise CityApiUnavailable(f"{type(exc).__name__} on Open311 {path}") from exc
        if not isinstance(body, list):
            raise CityApiUnavailable(f"unexpected body from Open311 {path}")
        if response.status >= 400:
            # Open311 errors: [{"code": 400, "description": "…"}]; the description may name input
            first = body[0] if body and isinstance(body[0], dict) else {}
            error_type = CityApiNotFound if response.status == 404 else CityApiRejected
            raise error_type(response.status, f"open311_{first.get('code')}", None)
        return [item for item in body if isinstance(item, dict)]

    async def file_report(self, form: Mapping[str, str], idempotency_key: str) -> Json:
        """`POST requests.json`: file a report; a repeated key answers the first filing."""
        filed = await self._open311(
            "POST",
            "/requests.json",
            form={**form, "api_key": self._settings.open311_api_key},
            headers={"Idempotency-Key": idempotency_key},
        )
        if not filed:
            raise CityApiUnavailable("empty answer to a filed report")
        return filed[0]

    async def support_report(self, request_id: str, account_id: str) -> Json:
        """`POST requests/{id}/votes.json`: one more supporter (each account counts once)."""
        answer = await self._open311(
            "POST",
            f"/requests/{int(request_id)}/votes.json",
            form={"api_key": self._settings.open311_api_key, "account_id": account_id},
        )
        return answer[0] if answer else {}

    async def reports(self, **params: QueryValue) -> List[Json]:
        """`GET requests.json` with extensions; with `account_id` the key goes along."""
        query: Dict[str, QueryValue] = {"extensions": True, **params}
        if "account_id" in params:
            query["api_key"] = self._settings.open311_api_key
        return await self._open311("GET", "/requests.json", query)

    async def report(self, request_id: int) -> Optional[Json]:
        """`GET requests/{id}.json` with extensions; None when there is no such report."""
        try:
            found = await self._open311(
                "GET", f"/requests/{int(request_id)}.json", {"extensions": True}
            )
        except CityApiNotFound:
            return None
        return found[0] if found else None

    async def districts(self) -> List[Json]:
        """`GET /districts`: the 21 Stadtbereiche with their centroids."""
        body = await self._get("/districts")
        items = body.get("items")
        return items if isinstance(items, list) else []


# One client per event loop: aiohttp sessions belong to the loop they were made in, and the
# action server (Sanic) builds its actions before its loop runs.
_clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CityApiClient]" = (
    weakref.WeakKeyDictionary()
)


def shared_client() -> CityApiClient:
    """The running loop's client, created on first use from the environment's settings."""
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.closed:
        settings = CityApiSettings.from_env()
        logger.info("city data API client for %s", settings.base_url)
        client = CityApiClient.create(settings)
        _clients[loop] = client
    return client
