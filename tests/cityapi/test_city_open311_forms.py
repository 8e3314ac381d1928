"""Bodies that do not parse as their Content-Type says get the Open311 error list with a 400,
never a 500 (found by Schemathesis): a multipart type without its boundary, broken part headers."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from tests.cityapi.helpers import OPEN311_KEY

V2 = "/open311/v2"
BROKEN_PART = (
    b'--b0cc\r\nContent-Disposition: form-data; name="\xf3\x84\xbf\x1a\x01"\r\n\r\n{}\r\n'
    b'--b0cc\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n'
    + OPEN311_KEY.encode()
    + b"\r\n--b0cc--\r\n"
)


@pytest.mark.parametrize("path", ["/requests.json", "/requests/1/votes.json", "/media.json"])
async def test_multipart_without_a_boundary_is_a_400(api: TestClient, path: str) -> None:
    resp = await api.post(
        V2 + path,
        data=f"api_key={OPEN311_KEY}&account_id=a1&service_code=barrier-kerb",
        headers={"Content-Type": "multipart/form-data"},
    )
    assert resp.status == 400, await resp.text()
    body = await resp.json()
    assert body[0]["code"] == 400
    assert "Content-Type" in body[0]["description"]


@pytest.mark.parametrize("path", ["/requests.xml", "/media.xml"])
async def test_a_part_with_broken_headers_is_a_400_in_the_format_asked_for(
    api: TestClient, path: str
) -> None:
    resp = await api.post(
        V2 + path,
        data=BROKEN_PART,
        headers={"Content-Type": "multipart/form-data; boundary=b0cc"},
    )
    assert resp.status == 400, await resp.text()
    assert resp.content_type == "text/xml"
    assert "<code>400</code>" in await resp.text()


async def test_flags_are_true_or_false_as_documented(api: TestClient) -> None:
    for value in ("0", "1", "yes", "TRUE"):
        resp = await api.get("/places", params={"tactile_paving": value})
        assert resp.status == 400, value
        assert (await resp.json())["error"]["parameter"] == "tactile_paving"
    resp = await api.get(f"{V2}/requests.json", params={"extensions": "1"})
    assert resp.status == 400
