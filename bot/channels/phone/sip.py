"""The line's SIP side on voip-utils: INVITE parsing from the library, plus what a proxied line
needs that the library leaves out (every Via kept, our own tag and Contact, refusals, keys by
INFO, a BYE inside the dialog, telephone-event in the answer).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from voip_utils.sip import CallInfo, SdpInfo, SipDatagramProtocol, SipEndpoint, SipMessage

from bot.channels.phone.convert import info_key
from bot.channels.phone.settings import PhoneSettings

log = logging.getLogger(__name__)
_CRLF = "\r\n"
_RTPMAP = re.compile(r"^a=rtpmap:(\d+)\s+([\w.-]+)/(\d+)", re.IGNORECASE | re.MULTILINE)
_MEDIA = re.compile(r"^m=audio\s+(\d+)", re.MULTILINE)
_CONNECTION = re.compile(r"^c=IN IP4\s+([\d.]+)", re.MULTILINE)


def header_lines(raw: str, *names: str) -> list[str]:
    """All values of a header in order (several lines and the compact form), e.g. every Via."""
    wanted = {n.lower() for n in names}
    head = raw.split("\r\n\r\n", 1)[0].split("\n\r\n", 1)[0]
    values = []
    for line in head.splitlines()[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() in wanted:
            values.append(value.strip())
    return values


@dataclass(frozen=True, slots=True)
class Offer:
    """What the caller's SDP offers: where to send audio, Opus's and the keys' payload types."""

    rtp_host: str
    rtp_port: int
    opus: int | None
    events: int | None
    events_rate: int


def read_offer(body: str, fallback_host: str) -> Offer | None:
    """The audio part of an SDP offer; None without an audio stream."""
    media = _MEDIA.search(body)
    if media is None:
        return None
    connection = _CONNECTION.search(body)
    opus = events = None
    events_rate = 8000
    for match in _RTPMAP.finditer(body):
        kind = match.group(2).lower()
        if kind == "opus" and opus is None:
            opus = int(match.group(1))
        elif kind == "telephone-event" and (events is None or match.group(3) == "48000"):
            events, events_rate = int(match.group(1)), int(match.group(3))
    host = connection.group(1) if connection else fallback_host
    return Offer(host, int(media.group(1)), opus, events, events_rate)


@dataclass(slots=True)
class Dialog:
    """One answered call as SIP sees it: enough to hang up inside the dialog."""

    call_id: str
    peer: tuple[str, int]
    remote_uri: str  # the caller's Contact: where in-dialog requests go
    remote_header: str  # the caller's From (with its tag), our To
    local_header: str  # the INVITE's To with our tag, our From
    routes: list[str] = field(default_factory=list)
    cseq: int = 1


@dataclass(frozen=True, slots=True)
class IncomingCall:
    """An INVITE from an allowed peer, before it is answered."""

    info: CallInfo
    offer: Offer
    raw: str
    peer: tuple[str, int]


class LineProtocol(SipDatagramProtocol):
    """The UDP SIP endpoint of the line: hands allowed INVITEs on, answers, refuses, hangs up."""

    def __init__(
        self,
        settings: PhoneSettings,
        on_invite: Callable[[IncomingCall], None],
        on_bye: Callable[[str], None],
        on_key: Callable[[str, str], None],
    ) -> None:
        super().__init__(SdpInfo("smilecity", secrets.randbelow(2**31), "Rostock", "1.0"))
        self._settings = settings
        self._on_invite = on_invite
        self._on_bye = on_bye
        self._on_key = on_key
        self._raw = ""
        self._peer: tuple[str, int] = ("", 0)
        self.dialogs: dict[str, Dialog] = {}

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        """One SIP message: refuse strangers, then INVITE, BYE, INFO, OPTIONS, CANCEL."""
        try:
            raw = data.decode("utf-8")
            message = SipMessage.parse_sip(raw)
        except (UnicodeDecodeError, ValueError, IndexError):
            log.info("phone: unreadable SIP datagram ignored")
            return
        method = (message.method or "").upper()
        if not method:
            return  # responses to our BYEs; nothing waits for them
        call_id = message.headers.get("call-id", "")
        # Inside an answered call the caller's telephone may talk to the line directly (ACK,
        # BYE, INFO to our Contact); anything else comes from the configured peers only.
        in_dialog = method != "INVITE" and call_id in self.dialogs
        if not in_dialog and not self._settings.allows(addr[0], addr[1]):
            log.warning("phone: %s from a peer that is not allowed refused", method)
            if method != "ACK":
                self.respond(raw, addr, 403, "Forbidden")
            return
        if method == "INVITE":
            if call_id in self.dialogs:
                return  # a retransmission or re-INVITE of an answered call: the call goes on
            self._raw, self._peer = raw, addr
            super().datagram_received(data, addr)  # parses into CallInfo, calls on_call
        elif method == "BYE":
            self.respond(raw, addr, 200, "OK")
            if self.dialogs.pop(call_id, None) is not None:
                self._on_bye(call_id)
        elif method == "CANCEL":
            self.respond(raw, addr, 200, "OK")
        elif method == "INFO":
            self.respond(raw, addr, 200, "OK")
            key = info_key(message.headers.get("content-type", ""), message.body)
            if key is not None and call_id in self.dialogs:
                self._on_key(call_id, key)
        elif method == "OPTIONS":
            self.respond(raw, addr, 200, "OK")
        elif method != "ACK":
            self.respond(raw, addr, 405, "Method Not Allowed")

    def on_call(self, call_info: CallInfo) -> None:
        """The library parsed an INVITE: check the offer and hand the call on."""
        offer = read_offer(SipMessage.parse_sip(self._raw).body, self._peer[0])
        if offer is None or offer.opus is None:
            log.info("phone: call refused, the offer has no Opus audio")
            self.respond(self._raw, self._peer, 488, "Not Acceptable Here")
            return
        self._on_invite(IncomingCall(call_info, offer, self._raw, self._peer))

    def respond(
        self,
        raw: str,
        addr: tuple[str, int],
        code: int,
        reason: str,
        *,
        to_header: str | None = None,
        extra: list[str] | None = None,
        body: str = "",
    ) -> None:
        """Answer a request with every Via, its From, To (ours when given), Call-ID and CSeq."""
        if self.transport is None:
            return
        headers = SipMessage.parse_sip(raw).headers
        lines = [f"SIP/2.0 {code} {reason}"]
        lines += [f"Via: {via}" for via in header_lines(raw, "via", "v")]
        if code == 200 and extra is not None:
            lines += [f"Record-Route: {rr}" for rr in header_lines(raw, "record-route")]
        lines += [
            f"From: {headers.get('from', '')}",
            f"To: {to_header or headers.get('to', '')}",
            f"Call-ID: {headers.get('call-id', '')}",
            f"CSeq: {headers.get('cseq', '')}",
            "Server: smilecity-rostock",
            *(extra or []),
            f"Content-Length: {len(body.encode())}",
            "",
            body,
        ]
        self.transport.sendto(_CRLF.join(lines).encode(), addr)

    def answer_call(self, call: IncomingCall, rtp_port: int) -> Dialog:
        """Answer with our SDP (Opus, and telephone-event when offered); the call's dialog."""
        ip = self._settings.advertised_ip
        offer = call.offer
        formats = [str(offer.opus)]
        sdp = [
            "v=0",
            f"o=smilecity {self.sdp_info.id} 1 IN IP4 {ip}",
            "s=Smile City Rostock",
            f"c=IN IP4 {ip}",
            "t=0 0",
        ]
        attributes = [f"a=rtpmap:{offer.opus} opus/48000/2"]
        if offer.events is not None:
            formats.append(str(offer.events))
            attributes += [
                f"a=rtpmap:{offer.events} telephone-event/{offer.events_rate}",
                f"a=fmtp:{offer.events} 0-15",
            ]
        sdp += [f"m=audio {rtp_port} RTP/AVP {' '.join(formats)}", *attributes]
        sdp += ["a=ptime:20", "a=sendrecv", ""]
        headers = SipMessage.parse_sip(call.raw).headers
        to_header = f"{headers.get('to', '')};tag={secrets.token_hex(8)}"
        contact = f"<sip:{self._settings.extension}@{ip}:{self._settings.sip_port}>"
        self.respond(
            call.raw,
            call.peer,
            200,
            "OK",
            to_header=to_header,
            extra=[
                f"Contact: {contact}",
                "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO",
                "Content-Type: application/sdp",
            ],
            body=_CRLF.join(sdp),
        )
        remote = call.info.contact_endpoint or call.info.caller_endpoint
        routes = [r for line in header_lines(call.raw, "record-route") for r in line.split(",")]
        dialog = Dialog(
            call_id=headers.get("call-id", ""),
            peer=call.peer,
            remote_uri=remote.uri,
            remote_header=headers.get("from", ""),
            local_header=to_header,
            routes=[r.strip() for r in routes],
        )
        self.dialogs[dialog.call_id] = dialog
        return dialog

    def hang_up_call(self, call_id: str) -> None:
        """Send BYE inside the dialog (to the caller's Contact, or along the recorded route)."""
        dialog = self.dialogs.pop(call_id, None)
        if dialog is None or self.transport is None:
            return
        target = SipEndpoint(f"<{dialog.remote_uri}>")
        destination = (target.host, target.port)
        if dialog.routes:
            first = SipEndpoint(dialog.routes[0])
            destination = (first.host, first.port)
        ip, port = self._settings.advertised_ip, self._settings.sip_port
        dialog.cseq += 1
        lines = [
            f"BYE {dialog.remote_uri} SIP/2.0",
            f"Via: SIP/2.0/UDP {ip}:{port};branch=z9hG4bK{secrets.token_hex(8)};rport",
            "Max-Forwards: 70",
            *[f"Route: {route}" for route in dialog.routes],
            f"From: {dialog.local_header}",
            f"To: {dialog.remote_header}",
            f"Call-ID: {dialog.call_id}",
            f"CSeq: {dialog.cseq} BYE",
            "Content-Length: 0",
            "",
            "",
        ]
        self.transport.sendto(_CRLF.join(lines).encode(), destination)
