"""One call's audio over RTP: Opus in and out through voip-utils' codec, keys by RFC 4733.

Incoming Opus is decoded to 16 kHz mono PCM for Vosk; what the call hears from the caller comes in
one queue, in order: 20 ms frames stamped with their arrival, keys, and a mark when the line has
said all it was given. What the line says is encoded to Opus (48 kHz, resampled by the library)
and paced at 20 ms, silence between. Playing can be stopped at once (the caller interrupts).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import struct
import time
import warnings
from dataclasses import dataclass

from bot.channels.phone.convert import telephone_event

with warnings.catch_warnings():
    # voip-utils resamples with the standard library's audioop, deprecated since Python 3.11
    warnings.simplefilter("ignore", DeprecationWarning)
    from voip_utils.error import RtpError
    from voip_utils.rtp_audio import RtpOpusInput, RtpOpusOutput

log = logging.getLogger(__name__)

RATE = 16_000  # what Vosk hears
FRAME_S = 0.020
FRAME_BYTES = int(RATE * FRAME_S) * 2
# Frames of incoming audio kept while nobody reads them (10 s): a stalled reader never grows it.
MAX_QUEUED_FRAMES = 500
# How much of what is to be said is encoded ahead of the 20 ms clock.
_ENCODE_AHEAD_S = 0.2


@dataclass(frozen=True, slots=True)
class Frame:
    """20 ms of the caller's voice (16 kHz mono PCM) and when it arrived (perf_counter)."""

    pcm: bytes
    at: float


@dataclass(frozen=True, slots=True)
class Key:
    """A key the caller pressed."""

    key: str


@dataclass(frozen=True, slots=True)
class Played:
    """The line has said everything it was given (or was stopped)."""


Inbound = Frame | Key | Played


class CallAudio(asyncio.DatagramProtocol):
    """The RTP endpoint of one call."""

    def __init__(self, opus_type: int, event_type: int | None, remote: tuple[str, int]) -> None:
        self._input = RtpOpusInput(opus_payload_type=opus_type)
        self._output = RtpOpusOutput(opus_payload_type=opus_type)
        self._event_type = event_type
        self.remote = remote
        self.transport: asyncio.DatagramTransport | None = None
        # unbounded for keys and marks; frames beyond MAX_QUEUED_FRAMES are dropped
        self.inbound: asyncio.Queue[Inbound] = asyncio.Queue()
        self._last_event_ts: int | None = None
        self._pending: list[tuple[bytes, int]] = []  # (pcm, rate) still to encode
        self._rtp: list[bytes] = []
        self._idle = asyncio.Event()
        self._idle.set()
        self.first_sound_at: float | None = None  # when the latest answer started to sound
        self.sounding = asyncio.Event()  # set with first_sound_at
        self._sender: asyncio.Task[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Start the 20 ms clock."""
        self.transport = transport  # type: ignore[assignment]
        self._sender = asyncio.get_running_loop().create_task(self._clock(), name="phone-rtp")

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        """Decode Opus into 16 kHz frames; turn telephone-events into keys."""
        if len(data) < 12:
            return
        self.remote = addr  # symmetric RTP: answer where the audio comes from
        payload_type = data[1] & 0x7F
        if payload_type == self._event_type:
            event = telephone_event(data)
            if event is not None and event.timestamp != self._last_event_ts:
                self._last_event_ts = event.timestamp
                self.press(event.key)
            return
        try:
            pcm = self._input.process_packet(data, RATE, 2, 1)
        except (RtpError, ValueError, struct.error):
            return
        except Exception:  # opuslib raises its own OpusError for a broken packet
            log.debug("phone: undecodable audio packet dropped")
            return
        now = time.perf_counter()
        for i in range(0, len(pcm), FRAME_BYTES):
            if self.inbound.qsize() < MAX_QUEUED_FRAMES:
                self.inbound.put_nowait(Frame(pcm[i : i + FRAME_BYTES], now))

    def press(self, key: str) -> None:
        """A key came (RFC 4733 here, or SIP INFO through the line)."""
        self.inbound.put_nowait(Key(key))

    def drain(self) -> None:
        """Forget what came in and was not read yet."""
        with contextlib.suppress(asyncio.QueueEmpty):
            while True:
                self.inbound.get_nowait()

    def error_received(self, exc: Exception) -> None:
        """A send failed (nobody listens there any more): the call notices by its BYE or timer."""
        log.debug("phone: RTP send failed: %s", type(exc).__name__)

    def play(self, pcm: bytes, rate: int) -> None:
        """Queue 16-bit mono PCM at `rate` to be said after what is queued."""
        if pcm:
            # whole 20 ms frames, so no piece leaves a remainder in the encoder (one stream,
            # one SSRC for the whole call)
            frame = int(rate * FRAME_S) * 2
            pcm += bytes(-len(pcm) % frame)
            self._pending.append((pcm, rate))
            self._idle.clear()

    def stop_playing(self) -> None:
        """Stop saying anything at once (the caller spoke or pressed a key)."""
        self._pending.clear()
        self._rtp.clear()
        self._set_idle()

    def _set_idle(self) -> None:
        if not self._idle.is_set():
            self._idle.set()
            self.inbound.put_nowait(Played())

    def expect_sound(self) -> None:
        """Note when the next thing said starts to sound (first_sound_at, sounding)."""
        self.first_sound_at = None
        self.sounding.clear()

    @property
    def playing(self) -> bool:
        """Whether something is still being said."""
        return not self._idle.is_set()

    async def played(self) -> None:
        """Wait until everything queued was sent (or playing was stopped)."""
        await self._idle.wait()

    def close(self) -> None:
        """End the call's audio."""
        self.stop_playing()
        if self._sender is not None:
            self._sender.cancel()
        if self.transport is not None:
            self.transport.close()
            self.transport = None

    def _encode_some(self) -> None:
        while self._pending and len(self._rtp) * FRAME_S < _ENCODE_AHEAD_S:
            pcm, rate = self._pending[0]
            size = int(rate * _ENCODE_AHEAD_S) * 2
            chunk, rest = pcm[:size], pcm[size:]
            if rest:
                self._pending[0] = (rest, rate)
            else:
                self._pending.pop(0)
            self._rtp += self._output.process_audio(chunk, rate, 2, 1)

    async def _clock(self) -> None:
        loop = asyncio.get_running_loop()
        next_send = loop.time()
        while True:
            self._encode_some()
            if self._rtp:
                if self.first_sound_at is None:
                    self.first_sound_at = time.perf_counter()
                    self.sounding.set()
                packet = self._rtp.pop(0)
            else:
                packet = self._output.silence_frame()
                if not self._pending:
                    self._set_idle()
            if self.transport is not None and not self.transport.is_closing():
                self.transport.sendto(packet, self.remote)
            next_send += FRAME_S
            delay = next_send - loop.time()
            if delay < -0.2:  # the loop was stalled: do not burst to catch up
                next_send = loop.time()
            await asyncio.sleep(max(0.0, delay))
