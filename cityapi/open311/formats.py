"""Open311 answers in JSON and XML, and its error bodies, as GeoReport v2 shows them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

import orjson
from aiohttp import web

from cityapi.hours import BERLIN

FORMATS = ("json", "xml")
# XML: a list under this key holds elements of that name (the specification's examples)
_ITEM_NAMES = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "media_urls": "media_url",
    "errors": "error",
    "media": "upload",
}


def local_time(moment: datetime | None) -> str | None:
    """ISO 8601 in Rostock's time, with its offset (the specification wants one on every time)."""
    return None if moment is None else moment.astimezone(BERLIN).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _fill(element: ET.Element, key: str, value: Any) -> None:
    if isinstance(value, dict):
        for child_key, child_value in value.items():
            _fill(ET.SubElement(element, child_key), child_key, child_value)
    elif isinstance(value, list):
        item_name = _ITEM_NAMES.get(key, "item")
        for item in value:
            _fill(ET.SubElement(element, item_name), item_name, item)
    else:
        element.text = _text(value)


def to_xml(root: str, body: Any) -> bytes:
    """The body as an XML document under `root` (lists become repeated child elements)."""
    element = ET.Element(root)
    _fill(element, root, body)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, root: str, body: Any, status: int = 200) -> web.Response:
    """The answer in the format the path asked for; `root` names the XML document element."""
    if fmt == "xml":
        return web.Response(
            body=to_xml(root, body), status=status, content_type="text/xml", charset="utf-8"
        )
    return web.Response(
        body=orjson.dumps(body), status=status, content_type="application/json", charset="utf-8"
    )


def error_body(fmt: str, status: int, description: str) -> web.Response:
    """`[{"code", "description"}]`, or `<errors><error>…</error></errors>` in XML."""
    return respond(fmt, "errors", [{"code": status, "description": description}], status)
