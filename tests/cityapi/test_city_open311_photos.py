"""Report photos: taken by their content, size-limited, stored without their metadata."""

from __future__ import annotations

import io
import uuid
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient
from PIL import Image

from tests.cityapi.helpers import OPEN311_KEY

V2 = "/open311/v2"
GPS_IFD = 0x8825


def _jpeg_with_location(size: tuple[int, int] = (640, 480)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "Camera App 1.0"  # Software
    exif[GPS_IFD] = {1: "N", 2: (54.0, 5.0, 19.0), 3: "E", 4: (12.0, 8.0, 25.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _form(photo: bytes | None, filename: str, **fields: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for key, value in {"api_key": OPEN311_KEY, **fields}.items():
        form.add_field(key, value)
    if photo is not None:
        form.add_field("media", io.BytesIO(photo), filename=filename, content_type="image/jpeg")
    return form


def _report(account: str, **extra: str) -> dict[str, str]:
    return {
        "service_code": "barrier-path", "lat": "54.0887", "long": "12.1405",
        "account_id": account, **extra,
    }  # fmt: skip


async def _mine(api: TestClient, account: str) -> list[dict[str, Any]]:
    resp = await api.get(
        f"{V2}/requests.json",
        params={"api_key": OPEN311_KEY, "account_id": account, "extensions": "true"},
    )
    return list(await resp.json())


async def test_a_photo_is_kept_without_its_location_and_camera_data(api: TestClient) -> None:
    original = _jpeg_with_location()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # it had a location
    account = f"photo-{uuid.uuid4().hex[:8]}"
    resp = await api.post(
        f"{V2}/requests.json", data=_form(original, "IMG_1.jpg", **_report(account))
    )
    assert resp.status == 201, await resp.text()
    report = (await _mine(api, account))[0]
    url = report["media_url"]
    assert url
    assert "/open311/v2/media/" in url
    photo = await api.get(url[url.index("/open311/") :])
    assert photo.status == 200
    assert photo.content_type == "image/jpeg"
    stored = Image.open(io.BytesIO(await photo.read()))
    assert stored.format == "JPEG"
    assert stored.size == (640, 480)
    assert dict(stored.getexif()) == {}
    assert b"PhoneMaker" not in await photo.read()


async def test_a_pdf_named_jpg_is_refused_and_nothing_is_stored(api: TestClient) -> None:
    account = f"pdf-{uuid.uuid4().hex[:8]}"
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    resp = await api.post(f"{V2}/requests.json", data=_form(pdf, "photo.jpg", **_report(account)))
    assert resp.status == 400
    assert "not a photo" in (await resp.json())[0]["description"]
    assert await _mine(api, account) == []


async def test_a_photo_over_the_size_limit_is_refused_clearly(api: TestClient) -> None:
    account = f"big-{uuid.uuid4().hex[:8]}"
    big = b"\xff\xd8\xff\xe0" + bytes(3 * 1024 * 1024)  # over the 2 MB of this test's setting
    resp = await api.post(f"{V2}/requests.json", data=_form(big, "big.jpg", **_report(account)))
    assert resp.status == 400
    assert "larger than 2 MB" in (await resp.json())[0]["description"]
    huge = bytes(12 * 1024 * 1024)
    resp = await api.post(f"{V2}/requests.json", data=_form(huge, "huge.jpg", **_report(account)))
    assert resp.status == 413
    assert await _mine(api, account) == []


async def test_a_photo_uploaded_first_is_attached_once_by_its_media_id(api: TestClient) -> None:
    resp = await api.post(f"{V2}/media.json", data=_form(_jpeg_with_location((64, 48)), "a.jpg"))
    assert resp.status == 201, await resp.text()
    media_id = (await resp.json())[0]["media_id"]
    # not shown before a report has it
    assert (await api.get(f"{V2}/media/{media_id}")).status == 404
    account = f"upload-{uuid.uuid4().hex[:8]}"
    resp = await api.post(
        f"{V2}/requests.json", data=_report(account, media_id=media_id, api_key=OPEN311_KEY)
    )
    assert resp.status == 201, await resp.text()
    report = (await _mine(api, account))[0]
    assert report["media_url"].endswith(media_id)
    assert (await api.get(f"{V2}/media/{media_id}")).status == 200
    again = await api.post(
        f"{V2}/requests.json", data=_report(f"{account}-2", media_id=media_id, api_key=OPEN311_KEY)
    )
    assert again.status == 400  # already attached


async def test_uploading_needs_the_api_key(api: TestClient) -> None:
    form = aiohttp.FormData()
    form.add_field("media", io.BytesIO(_jpeg_with_location((8, 8))), filename="a.jpg")
    resp = await api.post(f"{V2}/media.json", data=form)
    assert resp.status == 403
