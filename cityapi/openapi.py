"""The OpenAPI 3.1 document, built from the parameter declarations the handlers validate with."""

from __future__ import annotations

from functools import cache
from typing import Any

from cityapi.open311.openapi import SECURITY_SCHEMES, open311_paths
from cityapi.params import (
    ADDRESS_PARAMS,
    COUNCILS_PARAMS,
    EVENTS_PARAMS,
    LOCATE_PARAMS,
    MEETINGS_PARAMS,
    PLACE_PARAMS,
    PLACES_PARAMS,
    Param,
)
from cityapi.schema import COUNCIL_KINDS, EVENT_CATEGORIES, PLACE_TYPES, WHEELCHAIR_VALUES

_NULL_STR = {"type": ["string", "null"]}
_NULL_BOOL = {"type": ["boolean", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(params: tuple[Param, ...]) -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "in": "query",
            "required": p.required,
            "description": p.description,
            "schema": p.schema,
        }
        for p in params
    ]


_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}


def _errors(*statuses: int) -> dict[str, Any]:
    text = {
        400: "Invalid or unknown parameter.",
        404: "Not found.",
        405: "Method not allowed.",
        413: "Request too large.",
        501: "No address search is configured (CITYAPI_GEOCODER_URL).",
        502: "The city's address search did not answer.",
        503: "The database is unavailable, or did not answer within the budget "
        "(CITYAPI_DB_TIMEOUT); try again after Retry-After seconds.",
    }
    answers: dict[str, Any] = {
        str(s): {"description": text[s], "content": {"application/json": {"schema": _ref("Error")}}}
        for s in statuses
    }
    if "503" in answers:
        answers["503"]["headers"] = {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
        }
    return answers


def _ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {
        "200": {"description": description, "content": {"application/json": {"schema": schema}}}
    }


def _page(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "total", "limit", "offset"],
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "total": {"type": "integer"},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
            "districts": {
                "type": "array",
                "items": {"type": "string"},
                "description": "With `district`: the Stadtbereiche it covered (several for a "
                "group such as Dierkow).",
            },
        },
    }


_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "parameter"],
                "properties": {
                    "code": {
                        "type": "string",
                        "enum": [
                            "invalid_parameter",
                            "unknown_parameter",
                            "not_found",
                            "payload_too_large",
                            "database_unavailable",
                            "method_not_allowed",
                            # the staff endpoints
                            "unauthorized",
                            "status_refused",
                            # /addresses: no address search configured, or it failed
                            "not_configured",
                            "geocoder_unavailable",
                        ],
                    },
                    "message": {"type": "string"},
                    "parameter": _NULL_STR,
                },
            }
        },
    },
    "Accessibility": {
        "type": "object",
        "properties": {
            "wheelchair": {"type": "string", "enum": list(WHEELCHAIR_VALUES)},
            "wheelchair_toilet": _NULL_BOOL,
            "euro_key": _NULL_BOOL,
            "tactile_paving": _NULL_BOOL,
            "induction_loop": _NULL_BOOL,
            "step_free_entrance": _NULL_BOOL,
            "notes": _NULL_STR,
        },
    },
    "Place": {
        "type": "object",
        "required": ["id", "type", "name", "lat", "lon", "accessibility", "open_now"],
        "properties": {
            "id": {"type": "integer"},
            "type": {"type": "string", "enum": list(PLACE_TYPES)},
            "name": {"type": "string"},
            "address": _NULL_STR,
            "district": {**_NULL_STR, "description": "Stadtbereich"},
            "ortsteil": _NULL_STR,
            "lat": {"type": "number"},
            "lon": {"type": "number"},
            "opening_hours": {**_NULL_STR, "description": "OpenStreetMap opening_hours syntax"},
            "contact": {
                "type": "object",
                "properties": {"phone": _NULL_STR, "email": _NULL_STR, "website": _NULL_STR},
            },
            "description": _NULL_STR,
            "source": {"type": "string"},
            "source_id": {"type": "string"},
            "accessibility": _ref("Accessibility"),
            "distance_m": {"type": "number", "description": "Only when `near` was given."},
            "open_now": {**_NULL_BOOL, "description": "null when the hours are unknown"},
        },
    },
    "Hours": {
        "type": "object",
        "properties": {
            "timezone": {"type": "string", "const": "Europe/Berlin"},
            "is_open": _NULL_BOOL,
            "today": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"from": {"type": "string"}, "to": {"type": "string"}},
                },
            },
            "open_until": {**_NULL_STR, "format": "date-time"},
            "next_open": {**_NULL_STR, "format": "date-time"},
            "is_public_holiday": {"type": "boolean"},
            "holiday_name": _NULL_STR,
            "unknown": {"type": "boolean"},
        },
    },
    "PlaceDetail": {
        "allOf": [_ref("Place"), {"type": "object", "properties": {"hours": _ref("Hours")}}]
    },
    "Event": {
        "type": "object",
        "description": "Shaped after schema.org Event.",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "start": {"type": "string", "format": "date-time"},
            "end": {**_NULL_STR, "format": "date-time"},
            "place_id": {"type": ["integer", "null"]},
            "location_name": _NULL_STR,
            "address": _NULL_STR,
            "district": _NULL_STR,
            "category": {"type": "string", "enum": list(EVENT_CATEGORIES)},
            "wheelchair": {"type": "string", "enum": list(WHEELCHAIR_VALUES)},
            "is_free": _NULL_BOOL,
            "description": _NULL_STR,
            "url": _NULL_STR,
            "language": _NULL_STR,
            "source": {"type": "string"},
            "source_id": {"type": "string"},
        },
    },
    "District": {
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "ortsteile": {"type": "array", "items": {"type": "string"}},
            "centroid": {
                "type": "object",
                "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
            },
        },
    },
    "Address": {
        "type": "object",
        "required": ["title", "street", "house_number", "lat", "lon", "district"],
        "properties": {
            "title": {"type": "string"},
            "street": {"type": "string"},
            "house_number": {"type": "string"},
            "postcode": _NULL_STR,
            "lat": {"type": "number"},
            "lon": {"type": "number"},
            "district": {"type": "string"},
            "ortsteil": _NULL_STR,
        },
    },
    "Location": {
        "type": "object",
        "properties": {
            "district": {"type": "string"},
            "code": {"type": "string"},
            "ortsteil": {"type": "string"},
        },
    },
    "AgendaItem": {
        "type": "object",
        "properties": {
            "number": _NULL_STR,
            "title": {"type": "string"},
            "public": {**_NULL_BOOL, "description": "null when the source does not say"},
        },
    },
    "Meeting": {
        "type": "object",
        "description": "A council meeting, read from OParl 1.1 Meeting, Location and AgendaItem.",
        "required": ["id", "council", "name", "start", "cancelled"],
        "properties": {
            "id": {"type": "integer"},
            "council": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "short_name": _NULL_STR,
                },
            },
            "name": {"type": "string"},
            "start": {"type": "string", "format": "date-time"},
            "end": {**_NULL_STR, "format": "date-time"},
            "location": {
                "type": "object",
                "properties": {
                    "name": _NULL_STR,
                    "address": _NULL_STR,
                    "wheelchair": {"type": "string", "enum": list(WHEELCHAIR_VALUES)},
                    "accessibility_notes": _NULL_STR,
                },
            },
            "public": {
                **_NULL_BOOL,
                "description": "true when any agenda item is public; null when unknown",
            },
            "cancelled": {"type": "boolean"},
            "state": _NULL_STR,
            "web": _NULL_STR,
            "oparl_id": {"type": "string"},
            "modified": {**_NULL_STR, "format": "date-time"},
            "agenda": {
                "type": "array",
                "items": _ref("AgendaItem"),
                "description": "Not in a council's `next_meeting`.",
            },
        },
    },
    "Council": {
        "type": "object",
        "description": "An Ortsbeirat, the Bürgerschaft or one of its committees (OParl "
        "Organization), with the area an Ortsbeirat serves and its Ortsamt.",
        "required": ["id", "kind", "name", "districts", "ortsteile", "office"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": list(COUNCIL_KINDS)},
            "name": {"type": "string"},
            "short_name": _NULL_STR,
            "districts": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Stadtbereiche of an Ortsbeirat's area (empty for others)",
            },
            "ortsteile": {"type": "array", "items": {"type": "string"}},
            "office": {
                "type": "object",
                "description": "The Ortsamt that serves the council",
                "properties": {
                    "name": _NULL_STR,
                    "address": _NULL_STR,
                    "phone": _NULL_STR,
                    "email": _NULL_STR,
                    "url": _NULL_STR,
                },
            },
            "web": _NULL_STR,
            "oparl_id": {"type": "string"},
            "next_meeting": {
                "anyOf": [_ref("Meeting"), {"type": "null"}],
                "description": "In lists: the next meeting that is not cancelled.",
            },
        },
    },
    "CouncilDetail": {
        "allOf": [
            _ref("Council"),
            {
                "type": "object",
                "properties": {
                    "next_meetings": {
                        "type": "array",
                        "items": _ref("Meeting"),
                        "description": "The next five meetings (cancelled ones flagged).",
                    }
                },
            },
        ]
    },
}


@cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI document served at /openapi.json."""
    paths: dict[str, Any] = {
        "/healthz": {
            "get": {
                "summary": "Liveness and database health",
                "responses": {**_ok({"type": "object"}), **_errors(503)},
            }
        },
        "/openapi.json": {
            "get": {"summary": "This document", "responses": _ok({"type": "object"})}
        },
        "/metrics": {
            "get": {
                "summary": "Prometheus metrics: requests by method, route template and status",
                "responses": {
                    "200": {
                        "description": "The Prometheus text exposition format",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    },
                    **_errors(400),
                },
            }
        },
        "/places": {
            "get": {
                "summary": "Find places",
                "parameters": _query(PLACES_PARAMS),
                "responses": {**_ok(_page("Place")), **_errors(400, 413, 503)},
            }
        },
        "/places/{id}": {
            "get": {
                "summary": "One place, with today's hours and next opening (MV holidays)",
                "parameters": [_ID, *_query(PLACE_PARAMS)],
                "responses": {**_ok(_ref("PlaceDetail")), **_errors(400, 404, 503)},
            }
        },
        "/events": {
            "get": {
                "summary": "Find events overlapping a time window",
                "parameters": _query(EVENTS_PARAMS),
                "responses": {**_ok(_page("Event")), **_errors(400, 413, 503)},
            }
        },
        "/events/{id}": {
            "get": {
                "summary": "One event",
                "parameters": [_ID],
                "responses": {**_ok(_ref("Event")), **_errors(400, 404, 503)},
            }
        },
        "/districts": {
            "get": {"summary": "The 21 Stadtbereiche", "responses": _ok(_page("District"))},
        },
        "/districts/locate": {
            "get": {
                "summary": "The Stadtbereich and Ortsteil of a point",
                "parameters": _query(LOCATE_PARAMS),
                "responses": {**_ok(_ref("Location")), **_errors(400, 404)},
            }
        },
        "/addresses": {
            "get": {
                "summary": "Addresses in Rostock (the city's address search) with their point, "
                "Stadtbereich and Ortsteil",
                "parameters": _query(ADDRESS_PARAMS),
                "responses": {
                    **_ok(
                        {
                            "type": "object",
                            "required": ["items", "total"],
                            "properties": {
                                "items": {"type": "array", "items": _ref("Address")},
                                "total": {"type": "integer", "minimum": 0},
                            },
                        }
                    ),
                    **_errors(400, 413, 501, 502),
                },
            }
        },
        "/councils": {
            "get": {
                "summary": "Councils: the Ortsbeiräte (by district or by a point), Bürgerschaft "
                "and committees",
                "parameters": _query(COUNCILS_PARAMS),
                "responses": {
                    **_ok(
                        {
                            "allOf": [
                                _page("Council"),
                                {
                                    "type": "object",
                                    "properties": {
                                        "location": {
                                            "type": "object",
                                            "description": "With `lat`/`lon`: where the point is",
                                            "properties": {
                                                "district": {"type": "string"},
                                                "ortsteil": {"type": "string"},
                                            },
                                        }
                                    },
                                },
                            ]
                        }
                    ),
                    **_errors(400, 404, 413, 503),
                },
            }
        },
        "/councils/{id}": {
            "get": {
                "summary": "One council with its next meetings and their agendas",
                "parameters": [_ID],
                "responses": {**_ok(_ref("CouncilDetail")), **_errors(400, 404, 503)},
            }
        },
        "/meetings": {
            "get": {
                "summary": "Council meetings starting in a time window, with their agendas",
                "parameters": _query(MEETINGS_PARAMS),
                "responses": {**_ok(_page("Meeting")), **_errors(400, 413, 503)},
            }
        },
        **open311_paths(),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Smile City Rostock city data API",
            "version": "1.0.0",
            "description": "Places, events, districts and councils of Rostock, and citizens' "
            "reports and "
            "ideas through Open311 GeoReport v2 (under /open311/v2, with that standard's error "
            'lists). Other errors: {"error": {"code", "message", "parameter"}}.',
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "paths": paths,
        "components": {"schemas": _SCHEMAS, "securitySchemes": SECURITY_SCHEMES},
    }
