"""The Open311 and staff paths of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from cityapi.open311 import routes

_FMT = {
    "name": "fmt",
    "in": "path",
    "required": True,
    "description": "json or xml",
    "schema": {"type": "string", "enum": ["json", "xml"]},
}
_PATH_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
_OPEN311_ERROR = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}
_ERROR = {"$ref": "#/components/schemas/Error"}
_STAFF: list[dict[str, list[str]]] = [{"staffToken": []}]


def _query(params: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [
        {"name": p.name, "in": "query", "required": p.required, "description": p.description,
         "schema": p.schema}
        for p in params
    ]  # fmt: skip


def _answers(description: str, *errors: int) -> dict[str, Any]:
    """The answer and the errors, in the format the path asks for (`.json` or `.xml`).

    Every Open311 path can answer 400 (an unknown or bad parameter) and 404 (an unknown format,
    or nothing under that id).
    """
    content = {
        "application/json": {"schema": {"type": ["array", "object"]}},
        "text/xml": {"schema": {"type": "string"}},
    }
    body: dict[str, Any] = {"200": {"description": description, "content": content}}
    for status in sorted({400, 404, *errors}):
        body[str(status)] = {
            "description": "Open311 error list",
            "content": {
                "application/json": {"schema": _OPEN311_ERROR},
                "text/xml": {"schema": {"type": "string"}},
            },
        }
    return body


def _staff_answers(*errors: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": {}}}}
    }
    for status in errors:
        body[str(status)] = {
            "description": "Error",
            "content": {"application/json": {"schema": _ERROR}},
        }
    return body


_VOTE_FORM = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "required": ["api_key", "account_id"],
                "properties": {
                    "api_key": {"type": "string", "maxLength": 200},
                    "account_id": {"type": "string", "minLength": 1, "maxLength": 128},
                },
            }
        }
    },
}
_MEDIA_FORM = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["api_key", "media"],
                "properties": {
                    "api_key": {"type": "string", "maxLength": 200},
                    "media": {
                        "type": "string",
                        "contentMediaType": "image/*",
                        "description": "A JPEG, PNG or WebP photo; refused (400) when it does "
                        "not decode as one.",
                    },
                },
            }
        }
    },
}
_FORM = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "required": ["api_key", "service_code"],
                "properties": {
                    name: {"type": "string"} for name in sorted(routes.KNOWN_FIELDS - {"media"})
                },
                "additionalProperties": {"type": "string"},  # attribute[code]=value
            }
        }
    },
}


def open311_paths() -> dict[str, Any]:
    """Paths of Open311 GeoReport v2 (under /open311/v2) and of the staff endpoints."""
    v2 = "/open311/v2"
    return {
        f"{v2}/discovery.{{fmt}}": {
            "get": {
                "summary": "Open311 discovery",
                "parameters": [_FMT],
                "responses": _answers("Discovery document"),
            }
        },
        f"{v2}/services.{{fmt}}": {
            "get": {
                "summary": "Open311 service list (Klarschiff.HRO's groups and keywords)",
                "parameters": [_FMT, *_query(routes.SERVICES_PARAMS)],
                "responses": _answers("Services"),
            }
        },
        f"{v2}/services/{{code}}.{{fmt}}": {
            "get": {
                "summary": "Open311 service definition",
                "parameters": [
                    {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
                    _FMT,
                    *_query(routes.SERVICES_PARAMS),
                ],
                "responses": _answers("Service definition", 404),
            }
        },
        f"{v2}/requests.{{fmt}}": {
            "get": {
                "summary": "Open311 service requests (reports and ideas)",
                "parameters": [_FMT, *_query(routes.REQUESTS_PARAMS)],
                "responses": _answers("Service requests", 400, 403),
            },
            "post": {
                "summary": "File a report or an idea (form-encoded; Idempotency-Key header)",
                "parameters": [_FMT],
                "requestBody": _FORM,
                "responses": {
                    **_answers("Filed", 400, 403, 413),
                    "201": {"description": "Filed"},
                },
            },
        },
        f"{v2}/requests/{{id}}.{{fmt}}": {
            "get": {
                "summary": "One service request (an array of one)",
                "parameters": [_PATH_ID, _FMT, *_query(routes.ONE_PARAMS)],
                "responses": _answers("Service request", 404),
            }
        },
        f"{v2}/requests/{{id}}/votes.{{fmt}}": {
            "post": {
                "summary": "Support an open report (api_key, account_id; one vote per account)",
                "parameters": [_PATH_ID, _FMT],
                "requestBody": _VOTE_FORM,
                "responses": {**_answers("Counted", 400, 403, 404), "201": {"description": "New"}},
            }
        },
        f"{v2}/tokens/{{token}}.{{fmt}}": {
            "get": {
                "summary": "The service request id a token stands for",
                "parameters": [
                    {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}},
                    _FMT,
                    *_query(routes.SERVICES_PARAMS),
                ],
                "responses": _answers("Token", 404),
            }
        },
        f"{v2}/media.{{fmt}}": {
            "post": {
                "summary": "Upload a photo (multipart `media`, `api_key`); attach it with media_id",
                "parameters": [_FMT],
                "requestBody": _MEDIA_FORM,
                "responses": {**_answers("Stored", 400, 403, 413), "201": {"description": "New"}},
            }
        },
        f"{v2}/media/{{name}}": {
            "get": {
                "summary": "A photo of a filed report (metadata stripped)",
                "parameters": [
                    {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {"description": "The photo", "content": {"image/*": {}}},
                    "404": {"description": "No such photo"},
                },
            }
        },
        "/staff/reports": {
            "get": {
                "summary": "Staff: reports with contact data",
                "security": _STAFF,
                "parameters": _query(routes.STAFF_LIST_PARAMS),
                "responses": _staff_answers(400, 401, 404),
            }
        },
        "/staff/reports/{id}": {
            "get": {
                "summary": "Staff: one report with its status history",
                "security": _STAFF,
                "parameters": [_PATH_ID],
                "responses": _staff_answers(400, 401, 404),
            }
        },
        "/staff/reports/{id}/status": {
            "post": {
                "summary": "Staff: change a report's status with a public note",
                "security": _STAFF,
                "parameters": [_PATH_ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["status"],
                                "properties": {
                                    "status": {"enum": list(routes.store.DETAILED_STATUSES)},
                                    "note": {"type": "string", "maxLength": 2000},
                                    "reason": {"enum": list(routes.store.REJECT_REASONS)},
                                    "by": {"type": "string", "maxLength": 100},
                                },
                            }
                        }
                    },
                },
                "responses": _staff_answers(400, 401, 404, 409, 413),
            }
        },
        "/staff/accounts/{account_id}/forget": {
            "post": {
                "summary": "Staff: unlink a person from their reports and votes (erasure request)",
                "security": _STAFF,
                "parameters": [
                    {
                        "name": "account_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 128},
                    }
                ],
                "responses": _staff_answers(400, 401, 404),
            }
        },
        "/staff/accounts/{account_id}/reports": {
            "get": {
                "summary": "Staff: a person's reports with their contact data (data export)",
                "security": _STAFF,
                "parameters": [
                    {
                        "name": "account_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 128},
                    }
                ],
                "responses": _staff_answers(400, 401, 404),
            }
        },
        "/staff/report-changes": {
            "get": {
                "summary": "Staff: status changes in order, the feed that tells reporters",
                "security": _STAFF,
                "parameters": _query(routes.CHANGES_PARAMS),
                "responses": _staff_answers(400, 401, 404),
            }
        },
    }


SECURITY_SCHEMES = {"staffToken": {"type": "http", "scheme": "bearer"}}
