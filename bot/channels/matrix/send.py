"""Sending answers to Matrix rooms and fetching people's attachments (the network edge)."""

from __future__ import annotations

import asyncio
import io
import logging
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Final
from urllib.parse import urlparse

import aiohttp
from nio import Api, AsyncClient, MatrixRoom, RoomSendResponse, UploadResponse
from nio.crypto import decrypt_attachment
from nio.exceptions import EncryptionError, LocalProtocolError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_exponential

from bot.channels.matrix.convert import MediaRef, audio_content, file_content, to_content
from bot.channels.matrix.limits import (
    DOWNLOAD_TIMEOUT_S,
    MAX_BACKOFF_S,
    MAX_MEDIA_BYTES,
    OUTBOUND_RETRY_S,
)
from bot.channels.matrix.settings import MatrixError
from bot.channels.matrix.state import ChannelState
from bot.core.messages import (
    Audio,
    Delivered,
    DeliveryResult,
    Document,
    Image,
    IncomingMessage,
    OutgoingMessage,
    RecipientGone,
    Rejected,
    RetryAfter,
)

log = logging.getLogger(__name__)

# An outbound send before the first sync (logging in, catching up): try again a little later.
NOT_STARTED: Final = RetryAfter(10.0, "not_started")
# Matrix error codes (errcode) that mean the bot cannot write to the room any more.
_GONE_ERRCODES = frozenset({"M_FORBIDDEN", "M_NOT_FOUND", "M_UNKNOWN_ROOM"})


class _TransientSendError(Exception):
    """The homeserver answered 5xx to a send: worth another try."""


class MatrixSendError(MatrixError):
    """The homeserver refused a send for good; `errcode` is its Matrix error code."""

    def __init__(self, errcode: str, room_id: str, retry_after_ms: int | None = None) -> None:
        super().__init__("send-failed", f"{errcode} in {room_id}")
        self.errcode = errcode
        self.retry_after_ms = retry_after_ms


def delivery_failure(error: MatrixError) -> DeliveryResult:
    """The result a delivery worker acts on for a send that failed with `error` (pure)."""
    if isinstance(error, MatrixSendError):
        if error.errcode in _GONE_ERRCODES:
            return RecipientGone("left")
        if error.errcode == "M_LIMIT_EXCEEDED":
            return RetryAfter((error.retry_after_ms or 1000) / 1000, "rate_limited")
        if error.errcode in ("M_TOO_LARGE", "M_BAD_JSON", "M_NOT_JSON"):
            return Rejected(error.errcode)
    return RetryAfter(OUTBOUND_RETRY_S, error.code)


class MatrixMessenger:
    """Sends answers in order (429s and lost connections are retried by nio, 5xx here)."""

    def __init__(self, client: AsyncClient, state: ChannelState) -> None:
        self._client = client
        self._state = state

    async def send(
        self, room: MatrixRoom, answers: Sequence[OutgoingMessage], key: str
    ) -> str | None:
        """Send answers; transaction ids derive from `key`, so a retried send is never doubled.

        Returns the event id of the last event sent.
        """
        sent: str | None = None
        for index, answer in enumerate(answers):
            if answer.text.strip() or answer.buttons:
                sent = await self._send_content(room, to_content(answer), f"{key}:{index}:text")
            if answer.audio is not None:
                content = await self._upload_audio(room, answer.audio)
                sent = await self._send_content(room, content, f"{key}:{index}:audio")
            if answer.document is not None:
                content = await self._upload_document(room, answer.document)
                sent = await self._send_content(room, content, f"{key}:{index}:file")
        return sent

    async def deliver_to(self, room_id: str, message: OutgoingMessage) -> DeliveryResult:
        """Send one message the city writes first to a room, if the bot can reach it there."""
        if not self._client.logged_in or self._state.next_batch is None:
            # Logging in or catching up on the first sync: the rooms are not known yet.
            return NOT_STARTED
        room = self._client.rooms.get(room_id)
        if room is None or (room.joined_count <= 1 and room.invited_count == 0):
            # The bot left (or was removed), or nobody else is left to read it.
            return RecipientGone("left")
        result = await self.deliver(room, message)
        if not isinstance(result, Delivered):
            log.info("matrix send to room %s: %s", room_id, result)
        return result

    async def deliver(self, room: MatrixRoom, message: OutgoingMessage) -> DeliveryResult:
        """Send one message the city writes first; a failure becomes a result, never an error.

        With a `delivery_key` the transaction id is the same on every attempt, so the homeserver
        posts a repeat from this device once (Synapse remembers transaction ids per device for
        24 hours); a new device (after the old one was lost) cannot be recognised as the sender
        of an earlier attempt.
        """
        key = f"delivery:{message.delivery_key}" if message.delivery_key else f"once:{uuid.uuid4()}"
        try:
            async with asyncio.timeout(OUTBOUND_RETRY_S):
                event_id = await self.send(room, [message], key)
        except TimeoutError:
            # nio retries 429s and lost connections itself; past our patience, try later.
            return RetryAfter(OUTBOUND_RETRY_S, "timeout")
        except MatrixError as exc:
            return delivery_failure(exc)
        except LocalProtocolError as exc:
            # nio refuses before sending (logged out, a room it no longer knows).
            return RetryAfter(OUTBOUND_RETRY_S, type(exc).__name__)
        return Delivered(event_id)

    async def _send_content(self, room: MatrixRoom, content: dict[str, Any], key: str) -> str:
        client = self._client
        tx_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{client.device_id}/{key}"))
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(_TransientSendError),
            wait=wait_exponential(multiplier=0.5, max=MAX_BACKOFF_S),
            stop=stop_after_delay(300),
            reraise=True,
        ):
            with attempt:
                resp = await client.room_send(
                    room.room_id,
                    "m.room.message",
                    content,
                    tx_id=tx_id,
                    ignore_unverified_devices=True,  # citizens rarely verify; encrypt to all
                )
                if isinstance(resp, RoomSendResponse):
                    self._state.mark_sent(resp.event_id)
                    return str(resp.event_id)
                status = getattr(getattr(resp, "transport_response", None), "status", 0) or 0
                if status >= 500:
                    raise _TransientSendError(str(resp.status_code))
                retry_ms = getattr(resp, "retry_after_ms", None)
                raise MatrixSendError(
                    str(resp.status_code),
                    room.room_id,
                    retry_ms if isinstance(retry_ms, int) else None,
                )
        raise AssertionError("unreachable: AsyncRetrying returns or reraises")

    async def _upload_audio(self, room: MatrixRoom, audio: Audio) -> dict[str, Any]:
        resp, keys = await self._client.upload(
            io.BytesIO(audio.data),
            content_type=audio.mime_type,
            filename="voice-message.ogg",
            encrypt=room.encrypted,
            filesize=len(audio.data),
        )
        if not isinstance(resp, UploadResponse):
            raise MatrixError("upload-failed", str(getattr(resp, "status_code", "")))
        return audio_content(
            resp.content_uri, audio.mime_type, len(audio.data), audio.duration_s, keys
        )

    async def _upload_document(self, room: MatrixRoom, document: Document) -> dict[str, Any]:
        # encrypted rooms get the file encrypted: the homeserver never holds it in clear
        resp, keys = await self._client.upload(
            io.BytesIO(document.data),
            content_type=document.mime_type,
            filename=document.filename,
            encrypt=room.encrypted,
            filesize=len(document.data),
        )
        if not isinstance(resp, UploadResponse):
            raise MatrixError("upload-failed", str(getattr(resp, "status_code", "")))
        return file_content(
            resp.content_uri, document.filename, document.mime_type, len(document.data), keys
        )

    async def with_media(self, message: IncomingMessage, ref: MediaRef) -> IncomingMessage:
        """Download (and decrypt) an attachment and put it into the message."""
        data = await self._download(ref.mxc_url)
        if ref.key is not None and ref.sha256 is not None and ref.iv is not None:
            try:
                data = decrypt_attachment(data, ref.key, ref.sha256, ref.iv)
            except EncryptionError as exc:
                raise MatrixError("media-failed", "attachment did not decrypt") from exc
        if ref.kind == "audio":
            return replace(message, audio=Audio(data, ref.mime_type, ref.duration_s))
        return replace(message, image=Image(data, ref.mime_type))

    async def _download(self, mxc_url: str) -> bytes:
        """The attachment's bytes, read up to MAX_MEDIA_BYTES whatever size its sender declared.

        nio's own download reads any body into memory; this one stops at the limit
        (MatrixError "media-too-large").
        """
        url = urlparse(mxc_url)
        if url.scheme != "mxc" or not url.netloc or not url.path.strip("/"):
            raise MatrixError("media-failed", "not an mxc:// URL")
        method, path = Api.download(
            url.netloc, url.path.strip("/"), access_token=self._client.access_token
        )
        try:
            response = await self._client.send(method, path, timeout=DOWNLOAD_TIMEOUT_S)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise MatrixError("media-failed", type(exc).__name__) from exc
        try:
            if response.status != 200:
                raise MatrixError("media-failed", str(response.status))
            if (response.content_length or 0) > MAX_MEDIA_BYTES:
                raise MatrixError("media-too-large", str(response.content_length))
            data = bytearray()
            async for chunk in response.content.iter_chunked(64 * 1024):
                data += chunk
                if len(data) > MAX_MEDIA_BYTES:
                    raise MatrixError("media-too-large", f"over {MAX_MEDIA_BYTES} bytes")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise MatrixError("media-failed", type(exc).__name__) from exc
        finally:
            response.release()
        return bytes(data)
