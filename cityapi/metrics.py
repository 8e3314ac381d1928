"""The city data API's Prometheus metrics (`GET /metrics`) and the middleware that feeds them.

Requests are counted by method, route template (`/places/{id}`, never the id itself) and status;
requests that matched no route count under `unmatched`. The same middleware gives each request its
id (see cityapi/logs.py) and writes the access log line when CITYAPI_ACCESS_LOG is on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Middleware
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram
from prometheus_client.exposition import generate_latest

from cityapi.logs import REQUEST_ID, REQUEST_ID_HEADER, request_id

access_log = logging.getLogger("cityapi.access")

UNMATCHED: Final = "unmatched"
REQUESTS = Counter(
    "cityapi_requests",
    "Requests answered, by method, route template and status",
    ["method", "route", "status"],
)
REQUEST_SECONDS = Histogram(
    "cityapi_request_seconds",
    "Time to answer a request, by method and route template",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 3.0, 10.0),
)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def route_template(request: web.Request) -> str:
    """The matched route's template (`/open311/v2/requests/{id}.{format}`), or "unmatched"."""
    resource = request.match_info.route.resource
    if resource is None:
        return UNMATCHED
    return resource.canonical


def measured(log_requests: bool) -> Middleware:
    """The outermost middleware: request id in, metrics and the access line out."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        rid = request_id(request.headers.get(REQUEST_ID_HEADER))
        token = REQUEST_ID.set(rid)
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            status = exc.status
            exc.headers[REQUEST_ID_HEADER] = rid
            raise
        else:
            status = response.status
            if not response.prepared:
                response.headers[REQUEST_ID_HEADER] = rid
            return response
        finally:
            elapsed = time.perf_counter() - started
            method = request.method if request.method in _METHODS else "other"
            route = route_template(request)
            REQUESTS.labels(method, route, str(status)).inc()
            REQUEST_SECONDS.labels(method, route).observe(elapsed)
            if log_requests:
                access_log.info("%s %s %s %.1f ms", method, route, status, elapsed * 1000)
            REQUEST_ID.reset(token)

    return middleware


async def metrics(_request: web.Request) -> web.Response:
    """GET /metrics: the Prometheus text exposition format."""
    return web.Response(
        body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
    )
