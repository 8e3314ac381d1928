"""API errors and the middleware that turns every failure into the contract's JSON error body."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from cityapi.db import end_budget, request_budget

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 4096
MAX_BODY_BYTES = 16 * 1024
OPEN311_PATH = "/open311/v2/"
RETRY_AFTER_S = 1  # a lock or an outage: worth trying again soon
UNAVAILABLE_HEADERS = {"Retry-After": str(RETRY_AFTER_S)}


class ApiError(Exception):
    """A failure the client should hear about, with its HTTP status, code and parameter."""

    def __init__(self, status: int, code: str, message: str, parameter: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.parameter = parameter


def invalid(parameter: str, message: str) -> ApiError:
    """A 400 for a parameter whose value is not acceptable."""
    return ApiError(400, "invalid_parameter", message, parameter)


def error_response(
    status: int,
    code: str,
    message: str,
    parameter: str | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    """The contract's error body."""
    body = {"error": {"code": code, "message": message, "parameter": parameter}}
    return web.json_response(body, status=status, headers=headers)


DB_ERRORS = (
    DBAPIError,
    DisconnectionError,
    PoolTimeoutError,
    sqlite3.Error,
    OSError,
    asyncio.TimeoutError,
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer every error as JSON: 4xx for the client's mistakes, 503 when the database is down.

    All database work of a request shares one budget (CITYAPI_DB_TIMEOUT, from its first query).
    """
    token = request_budget()
    try:
        return await _answer(request, handler)
    finally:
        end_budget(token)


async def _answer(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith(OPEN311_PATH):
        return await handler(request)  # Open311 answers errors the way its specification says
    if len(request.query_string) > MAX_QUERY_CHARS:
        return error_response(
            413,
            "payload_too_large",
            f"The query string is longer than {MAX_QUERY_CHARS} characters.",
        )
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return error_response(
            413, "payload_too_large", f"The request body is larger than {MAX_BODY_BYTES} bytes."
        )
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.code, exc.message, exc.parameter)
    except web.HTTPNotFound:
        return error_response(404, "not_found", f"There is no resource at {request.path}.")
    except web.HTTPMethodNotAllowed as exc:
        allowed = ", ".join(sorted(exc.allowed_methods))
        return error_response(
            405,
            "method_not_allowed",
            f"{request.method} is not allowed here; use {allowed}.",
            headers={"Allow": allowed},  # RFC 9110 requires it on every 405
        )
    except web.HTTPRequestEntityTooLarge:
        return error_response(413, "payload_too_large", "The request body is too large.")
    except web.HTTPException as exc:
        if exc.status >= 400:
            return error_response(exc.status, "invalid_request", exc.reason)
        raise
    except DB_ERRORS as exc:
        log.warning(
            "database unavailable for %s %s: %s", request.method, request.path, type(exc).__name__
        )
        return error_response(
            503,
            "database_unavailable",
            "The database is not reachable; try again soon.",
            headers=UNAVAILABLE_HEADERS,
        )
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("unexpected error for %s %s", request.method, request.path)
        return error_response(500, "internal_error", "Something went wrong on our side.")
