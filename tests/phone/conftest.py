"""Fixtures of the phone line's tests: Kamailio as registrar and proxy, baresip as the caller.

Everything runs on 127.0.0.1: Kamailio (Debian's package) with our minimal configuration routes
the assistant's extension to the line, a baresip telephone registers with it and dials. The core
is a recording handler double; the SIP/RTP side, Vosk (the Korean stand-in model as "de") and
espeak-ng are real.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.channels.phone.adapter import PhoneChannel
from bot.channels.phone.call import CallTools
from bot.channels.phone.settings import PhoneSettings
from bot.core.messages import Button, IncomingMessage, Language, OutgoingMessage, Turn
from bot.store.identity import PeopleIds
from bot.voice.stt import VoskEngine
from bot.voice.tts import EspeakSynthesizer
from tests.phone.phone_processes import start_program, stop_program
from tests.phone.telephone import Telephone, free_udp_port, sip_answers, write_wav
from tests.voice.conftest import korean_model

KAMAILIO_CFG = Path(__file__).with_name("kamailio.cfg.in")
KAMAILIO_MODULES = Path("/usr/lib/x86_64-linux-gnu/kamailio/modules")
EXTENSION = "100"
KEY = b"phone-test-key-0123456789abcdef"


@dataclass
class RecordingCore:
    """The core as a double: records what it was asked, answers with a fixed text and buttons."""

    answer: dict[Language, str] = field(
        default_factory=lambda: {
            "de": "Die Stadtbibliothek am Kröpeliner Tor hat heute bis achtzehn Uhr geöffnet.",
            "en": "The city library at the Kröpeliner Tor is open until six pm today.",
        }
    )
    buttons: tuple[Button, ...] = ()
    asked: list[IncomingMessage] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, msg: IncomingMessage) -> Turn:
        """Answer in the language the caller chose (or German)."""
        self.asked.append(msg)
        self.arrived.set()
        language: Language = msg.language_choice or msg.language_hint or "de"
        reply = OutgoingMessage(self.answer[language], buttons=self.buttons)
        return Turn((reply,), language, "person-1")

    async def wait_asked(self, count: int = 1, within: float = 30.0) -> IncomingMessage:
        """The count-th message the core got (waits for it)."""
        deadline = time.monotonic() + within
        while len(self.asked) < count:
            left = deadline - time.monotonic()
            assert left > 0, f"the core was asked {len(self.asked)} times, not {count}"
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), left)
            except TimeoutError:
                continue
        return self.asked[count - 1]


@dataclass
class Line:
    """A running phone line behind Kamailio, and what the test needs to call it."""

    channel: PhoneChannel
    core: RecordingCore
    kamailio_port: int
    sip_port: int
    workdir: Path
    phones: list[Telephone] = field(default_factory=list)

    @property
    def number(self) -> str:
        """The assistant's extension as dialled through the proxy."""
        return f"sip:{EXTENSION}@127.0.0.1:{self.kamailio_port}"

    async def telephone(self, user: str) -> Telephone:
        """A registered baresip telephone (stopped with the line, even if it fails to start)."""
        phone = Telephone(self.workdir, user, self.kamailio_port)
        self.phones.append(phone)
        await phone.start()
        await phone.registered()
        return phone

    async def stop_telephones(self) -> None:
        """Quit every telephone of the test (each one, even when another fails to stop)."""
        async with AsyncExitStack() as stack:
            for phone in self.phones:
                stack.push_async_callback(phone.stop)


@pytest.fixture(scope="session")
def engine() -> VoskEngine:
    """The real Vosk engine, the Korean model standing in for German and English (loaded once)."""
    engine = VoskEngine({"de": korean_model(), "en": korean_model()})
    engine.load("de")
    engine.load("en")
    return engine


@pytest.fixture(scope="session")
def question_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A caller's recorded question (espeak-ng → 16 kHz WAV), followed by silence."""
    return spoken_wav(
        tmp_path_factory.mktemp("question") / "question.wav",
        "Wann hat die Stadtbibliothek heute geöffnet?",
    )


def spoken_wav(path: Path, words: str, pad_s: float = 30.0) -> Path:
    """Words spoken by espeak-ng as a 16 kHz mono WAV, with silence after them."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", "de", "-w", str(raw), words], check=True, timeout=60)
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(raw), "-ar", "16000", "-ac", "1",
         "-af", f"apad=pad_dur={pad_s}", "-f", "s16le", str(path.with_suffix(".pcm"))],
        check=True,
        timeout=60,
    )  # fmt: skip
    return write_wav(path, path.with_suffix(".pcm").read_bytes())


LineFactory = Callable[..., AbstractAsyncContextManager[Line]]


@pytest.fixture
def phone_line(engine: VoskEngine, tmp_path: Path) -> LineFactory:
    """Start Kamailio and the line (settings as keyword arguments); stops both afterwards."""
    assert shutil.which("baresip"), "baresip is missing (scripts/system-deps.sh --test)"
    assert Path("/usr/sbin/kamailio").exists(), "kamailio is missing"

    @asynccontextmanager
    async def start(core: RecordingCore | None = None, **env: str) -> AsyncIterator[Line]:
        kamailio_port, sip_port = free_udp_port(), free_udp_port()
        settings = PhoneSettings.from_env(
            {
                "PHONE_SIP_PORT": str(sip_port),
                "PHONE_ALLOWED_PEERS": f"127.0.0.1:{kamailio_port}",
                "PHONE_EXTENSION": EXTENSION,
                "PHONE_IDLE_S": "6",
                **env,
            }
        )
        core = core or RecordingCore()
        synthesizer = EspeakSynthesizer({"de": "de", "en": "en"})
        channel = PhoneChannel(
            settings, CallTools(core.handle, engine, synthesizer, settings), PeopleIds(KEY)
        )
        line = Line(channel, core, kamailio_port, sip_port, tmp_path)
        # stopped in reverse order, each one even when an earlier stop failed
        async with AsyncExitStack() as stack:
            kamailio = await _start_kamailio(stack, tmp_path, kamailio_port, sip_port)
            stack.push_async_callback(channel.stop)
            await channel.start()
            stack.push_async_callback(line.stop_telephones)
            yield line
            assert kamailio.poll() is None, "Kamailio died during the test"

    return start


async def _start_kamailio(
    stack: AsyncExitStack, workdir: Path, port: int, phone_port: int
) -> subprocess.Popen[bytes]:
    """Start Kamailio (stopped by the stack) and wait until it answers SIP."""
    config = (
        KAMAILIO_CFG.read_text()
        .replace("@KAMAILIO_PORT@", str(port))
        .replace("@PHONE_PORT@", str(phone_port))
        .replace("@EXTENSION@", EXTENSION)
        .replace("@MODULES@", str(KAMAILIO_MODULES))
    )
    run = workdir / f"kamailio-{port}"
    run.mkdir()
    (run / "kamailio.cfg").write_text(config)
    with (run / "kamailio.log").open("wb") as log:
        proc = start_program(
            ["/usr/sbin/kamailio", "-f", str(run / "kamailio.cfg"), "-DD", "-E", "-Y", str(run),
             "-P", str(run / "kamailio.pid")],
            log,
        )  # fmt: skip
    stack.push_async_callback(stop_program, proc, "Kamailio")
    deadline = time.monotonic() + 10
    while not await sip_answers(port):
        log_text = (run / "kamailio.log").read_text(errors="replace")[-3000:]
        assert proc.poll() is None, f"Kamailio exited at start:\n{log_text}"
        assert time.monotonic() < deadline, f"Kamailio does not answer SIP:\n{log_text}"
    return proc


def sound_spans(pcm: bytes, rate: int, gap_s: float = 0.5) -> list[tuple[float, float]]:
    """Where the recording has sound: (start, end) in seconds, pauses under gap_s joined."""
    from bot.channels.phone.convert import frame_level

    frame = int(rate * 0.02) * 2
    spans: list[tuple[float, float]] = []
    for i in range(0, len(pcm) - frame + 1, frame):
        if frame_level(pcm[i : i + frame]) < 300:
            continue
        t = i / 2 / rate
        if spans and t - spans[-1][1] <= gap_s:
            spans[-1] = (spans[-1][0], t + 0.02)
        else:
            spans.append((t, t + 0.02))
    return spans


async def until(check: Callable[[], bool], within: float, what: str) -> None:
    """Wait until check() holds (polling every 0.2 s)."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"not within {within} s: {what}"
        await asyncio.sleep(0.2)


async def until_listening(phone: Telephone, within: float = 40.0) -> float:
    """Wait until the line spoke and then stayed silent 1.5 s (greeting and tone done)."""

    def done() -> bool:
        pcm, rate = phone.heard()
        spans = sound_spans(pcm, rate)
        return bool(spans) and len(pcm) / 2 / rate - spans[-1][1] >= 1.5

    await until(done, within, "the line greeted and listened")
    pcm, rate = phone.heard()
    return len(pcm) / 2 / rate


Waiter = Callable[[], Awaitable[None]]
