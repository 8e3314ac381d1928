"""A photo sent on any channel goes to the city data API and into the report dialogue."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from PIL import Image as PillowImage

from bot.core.conversation import Conversation
from bot.core.language import LanguageGuesser
from bot.core.messages import Image, IncomingMessage, OutgoingMessage
from bot.core.ports import PhotoRefused, PhotoUnavailable
from bot.reports import CityPhotoStore
from tests.bot.conftest import API_KEY
from tests.fakes import MemoryPersonStore, ScriptedAssistant


def _jpeg() -> bytes:
    out = io.BytesIO()
    PillowImage.new("RGB", (40, 30), (0, 90, 160)).save(out, "JPEG")
    return out.getvalue()


def _photo_message(data: bytes, mime: str = "image/jpeg") -> IncomingMessage:
    return IncomingMessage(
        channel="telegram", sender_id="7001", chat_id="7001", image=Image(data, mime)
    )


async def test_a_photo_is_stored_and_handed_to_the_report_dialogue(cityapi: TestClient) -> None:
    async with aiohttp.ClientSession() as session:
        photos = CityPhotoStore(session, str(cityapi.make_url("/")), API_KEY)
        assistant = ScriptedAssistant()
        core = Conversation(MemoryPersonStore(), assistant, LanguageGuesser(), photos=photos)
        await core.handle(_photo_message(_jpeg()))
    ((_, sent, _),) = assistant.asked
    assert sent.startswith("/attach_photo")
    media_id = json.loads(sent.removeprefix("/attach_photo"))["media_id"]
    # the photo is there, waiting for the report that attaches it
    resp = await cityapi.post(
        "/open311/v2/requests.json",
        data={"api_key": API_KEY, "service_code": "barrier-step", "lat": "54.0887",
              "long": "12.1405", "media_id": media_id},
    )  # fmt: skip
    assert resp.status == 201, await resp.text()


async def test_a_document_sent_as_a_photo_gets_a_clear_answer(cityapi: TestClient) -> None:
    async with aiohttp.ClientSession() as session:
        photos = CityPhotoStore(session, str(cityapi.make_url("/")), API_KEY)
        with pytest.raises(PhotoRefused):
            await photos.upload(Image(b"%PDF-1.4 not a photo", "image/jpeg"))
        assistant = ScriptedAssistant(script={})
        core = Conversation(MemoryPersonStore(), assistant, LanguageGuesser(), photos=photos)
        turn = await core.handle(_photo_message(b"%PDF-1.4 not a photo"))
    assert turn.refusal == "image_refused"
    assert "JPEG, PNG oder WebP" in turn.messages[0].text
    assert assistant.asked == []


async def test_without_the_city_data_api_a_photo_is_politely_declined() -> None:
    async with aiohttp.ClientSession() as session:
        photos = CityPhotoStore(session, "http://127.0.0.1:9", API_KEY)
        with pytest.raises(PhotoUnavailable):
            await photos.upload(Image(_jpeg(), "image/jpeg"))
        core = Conversation(
            MemoryPersonStore(), ScriptedAssistant(), LanguageGuesser(), photos=photos
        )
        turn = await core.handle(_photo_message(_jpeg()))
    assert turn.refusal == "image_unsupported"
    assert turn.messages == (
        OutgoingMessage(
            text="Fotos kann ich gerade nicht annehmen. Bitte beschreiben Sie es mit Worten."
        ),
    )


async def test_a_photo_s_caption_travels_with_it(cityapi: TestClient) -> None:
    async with aiohttp.ClientSession() as session:
        photos = CityPhotoStore(session, str(cityapi.make_url("/")), API_KEY)
        assistant = ScriptedAssistant()
        core = Conversation(MemoryPersonStore(), assistant, LanguageGuesser(), photos=photos)
        message = _photo_message(_jpeg())
        await core.handle(replace(message, text="Rampe am Rathaus zugeparkt"))
    ((_, sent, _),) = assistant.asked
    assert json.loads(sent.removeprefix("/attach_photo"))["caption"] == (
        "Rampe am Rathaus zugeparkt"
    )
