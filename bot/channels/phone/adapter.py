"""The phone line: a SIP endpoint on voip-utils in front of the core.

Calls come from the configured peers only (the city's SIP proxy or PBX routes the assistant's
number there); each answered call gets its own RTP port and dialogue task. At most
PHONE_MAX_CALLS talk at once; a further caller hears that all lines are busy.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import socket
from collections.abc import Mapping

from aiohttp import web

from bot.channels.phone.call import Call, CallTools
from bot.channels.phone.convert import caller_number
from bot.channels.phone.rtp import CallAudio
from bot.channels.phone.settings import PhoneError, PhoneSettings
from bot.channels.phone.sip import IncomingCall, LineProtocol
from bot.core.messages import ChannelName, DeliveryResult, OutgoingMessage, Recipient, Rejected
from bot.core.ports import MessageHandler
from bot.store.identity import PeopleIds, load_key
from bot.voice import LANGUAGES
from bot.voice.settings import VoiceSettings
from bot.voice.stt import VoskEngine
from bot.voice.tts import EspeakSynthesizer, Synthesizer

log = logging.getLogger(__name__)
# Callers who hear the busy message at once, beyond the talking ones; more get SIP 486.
BUSY_MESSAGES_AT_ONCE = 8
# A caller who withholds their number still gets answers, under one shared id.
WITHHELD = "withheld"


def build(
    env: Mapping[str, str], handler: MessageHandler, web_app: web.Application | None = None
) -> PhoneChannel | None:
    """Create the phone line from the environment; None when PHONE_SIP_PORT is unset."""
    del web_app  # the line needs no HTTP route
    settings = PhoneSettings.configured(env)
    if settings is None:
        return None
    voice = VoiceSettings.from_env(env)
    engine = VoskEngine({lang: voice.model_path(lang, env) for lang in LANGUAGES})
    synthesizer = EspeakSynthesizer(
        {lang: voice.espeak_voice(lang) for lang in LANGUAGES},
        voice.espeak,
        voice.subprocess_timeout_s,
    )
    ids = PeopleIds(load_key(env.get("PEOPLE_ID_KEY") or None))
    return PhoneChannel(settings, CallTools(handler, engine, synthesizer, settings), ids)


class PhoneChannel:
    """The phone line as a channel: answers calls; the city cannot call people (outbound)."""

    name: ChannelName = "phone"

    def __init__(
        self,
        settings: PhoneSettings,
        tools: CallTools,
        ids: PeopleIds,
        *,
        synthesizer: Synthesizer | None = None,
    ) -> None:
        self.settings = settings
        self._tools = tools
        self._ids = ids
        self._sip: LineProtocol | None = None
        self._transport: asyncio.DatagramTransport | None = None
        self._calls: dict[str, asyncio.Task[None]] = {}
        self._talking: set[str] = set()
        self._audio: dict[str, CallAudio] = {}
        del synthesizer

    @property
    def active_calls(self) -> int:
        """Calls in a dialogue now (busy messages not counted)."""
        return len(self._talking)

    async def start(self) -> None:
        """Load the speech models, then listen for SIP on PHONE_SIP_HOST:PHONE_SIP_PORT."""
        for language in self._tools.engine.languages():
            await asyncio.to_thread(self._tools.engine.load, language)
        if not self._tools.engine.languages():
            log.warning("phone: no speech model: callers can only use keys")
        loop = asyncio.get_running_loop()
        try:
            transport, protocol = await loop.create_datagram_endpoint(
                lambda: LineProtocol(self.settings, self._incoming, self._ended, self._key),
                local_addr=(self.settings.sip_host, self.settings.sip_port),
                family=socket.AF_INET,
            )
        except OSError as exc:
            raise PhoneError("sip-failed", f"cannot listen on UDP port: {exc}") from exc
        self._transport = transport
        self._sip = protocol
        log.info("phone line listening on UDP %s", self.settings.sip_port)

    async def stop(self) -> None:
        """Hang up every call and stop listening."""
        for call_id in list(self._calls):
            if self._sip is not None:
                self._sip.hang_up_call(call_id)
        tasks = list(self._calls.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    async def send(self, recipient: Recipient, message: OutgoingMessage) -> DeliveryResult:
        """The line takes calls only: it cannot ring a person to read them a message."""
        del recipient, message
        return Rejected("phone_calls_out_unsupported")

    def _incoming(self, call: IncomingCall) -> None:
        if self._sip is None:
            return
        call_id = call.info.headers.get("call-id", "")
        talking = len(self._talking) < self.settings.max_calls
        if not talking and len(self._calls) - len(self._talking) >= BUSY_MESSAGES_AT_ONCE:
            self._sip.respond(call.raw, call.peer, 486, "Busy Here")
            return
        number = caller_number(call.info.caller_endpoint.username)
        caller = self._ids.platform("phone", number or WITHHELD)
        task = asyncio.get_running_loop().create_task(
            self._run(call, call_id, caller, talking=talking), name="phone-call"
        )
        self._calls[call_id] = task
        if talking:
            self._talking.add(call_id)
        task.add_done_callback(functools.partial(self._forget, call_id))

    def _forget(self, call_id: str, _task: object = None) -> None:
        self._calls.pop(call_id, None)
        self._talking.discard(call_id)
        audio = self._audio.pop(call_id, None)
        if audio is not None:
            audio.close()

    async def _run(self, call: IncomingCall, call_id: str, caller: str, *, talking: bool) -> None:
        assert self._sip is not None
        loop = asyncio.get_running_loop()
        offer = call.offer

        def rtp() -> CallAudio:
            return CallAudio(offer.opus or 0, offer.events, (offer.rtp_host, offer.rtp_port))

        try:
            _, audio = await loop.create_datagram_endpoint(
                rtp,
                local_addr=(self.settings.sip_host, 0),
                family=socket.AF_INET,
            )
        except OSError:
            log.exception("phone: no RTP port for a call")
            self._sip.respond(call.raw, call.peer, 503, "Service Unavailable")
            return
        self._audio[call_id] = audio
        port = audio.transport.get_extra_info("sockname")[1] if audio.transport else 0
        self._sip.answer_call(call, port)
        log.info("phone: call answered (%d talking)", len(self._talking))
        dialogue = Call(self._tools, audio, caller)
        try:
            if talking:
                await dialogue.run()
            else:
                await dialogue.busy()
        except Exception:
            log.exception("phone: a call failed")
        finally:
            await asyncio.sleep(0.3)  # the last word reaches the caller before the BYE
            self._sip.hang_up_call(call_id)
            log.info("phone: call ended")

    def _ended(self, call_id: str) -> None:
        """The caller hung up: end the dialogue and free the line."""
        task = self._calls.get(call_id)
        if task is not None:
            task.cancel()

    def _key(self, call_id: str, key: str) -> None:
        audio = self._audio.get(call_id)
        if audio is not None:
            audio.press(key)
