"""Phone line speed: time from the end of a caller's question to the first sound of the answer.

Everything on 127.0.0.1 as in tests/phone: Kamailio routes the extension to the line, baresip
telephones register and dial, speak espeak-ng questions (a different one each time, as callers
do) and hear the answer (espeak-ng over Opus). The core is the tests' recording double, so the
figure is the line's own share: Vosk's last words, the synthesis of the first sentence and the RTP
path. "End of question" is when the frame arrived after which the line decided the caller had
stopped (PHONE_END_SILENCE_S of silence). Each telephone waits for the answer (and the tone) before
it asks again, and every wait is bounded, so a slow or lost answer shows in the figures instead of
hanging the bench. Targets: p50 ≤ 1.5 s with one call, ≤ 2.5 s with four calls at once
(PHONE_BENCH_CALLS=1,4 by default; PHONE_BENCH_ROUNDS questions per call).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.phone.adapter import PhoneChannel  # noqa: E402
from bot.channels.phone.call import AnswerTiming, CallTools  # noqa: E402
from bot.channels.phone.convert import frame_level  # noqa: E402
from bot.channels.phone.settings import PhoneSettings  # noqa: E402
from bot.store.identity import PeopleIds  # noqa: E402
from bot.voice.stt import VoskEngine  # noqa: E402
from bot.voice.tts import EspeakSynthesizer  # noqa: E402
from tests.phone.conftest import (  # noqa: E402
    EXTENSION,
    KEY,
    Line,
    RecordingCore,
    _start_kamailio,
    spoken_wav,
)
from tests.phone.telephone import Telephone, free_udp_port  # noqa: E402
from tests.voice.conftest import korean_model  # noqa: E402

QUESTIONS = (
    "Wann hat die Stadtbibliothek geöffnet?",
    "Wo ist die nächste barrierefreie Toilette in der Südstadt?",
    "Welche Veranstaltungen gibt es heute in Warnemünde?",
    "Wann tagt der Ortsbeirat in Lütten Klein?",
    "Wo finde ich einen Behindertenparkplatz am Hauptbahnhof?",
    "Hat die Schwimmhalle in Evershagen heute geöffnet?",
    "Wo ist der nächste Spielplatz in der Kröpeliner-Tor-Vorstadt?",
    "Ich möchte einen kaputten Aufzug in Reutershagen melden.",
    "Welche Museen gibt es in der Stadtmitte?",
    "Wo ist das Bürgeramt in Lichtenhagen?",
    "Gibt es einen Defibrillator am Rathaus?",
    "Wann ist der Strand in Markgrafenheide bewacht?",
    "Wo kann ich in Gehlsdorf parken?",
    "Welche Bibliothek hat am Samstag geöffnet?",
    "Wo ist die nächste Haltestelle in Dierkow?",
)
# Bounds of one telephone's waits (s): the greeting or an answer and the tone, a call's set-up.
ANSWER_WITHIN = 40.0
SETUP_WITHIN = 30.0


async def run(
    calls: int, rounds: int, engine: VoskEngine, workdir: Path, first_question: int
) -> tuple[list[AnswerTiming], int, list[str]]:
    """calls telephones at once, each asking rounds questions: timings, questions, failures."""
    timings: list[AnswerTiming] = []
    kamailio_port, sip_port = free_udp_port(), free_udp_port()
    settings = PhoneSettings.from_env(
        {
            "PHONE_SIP_PORT": str(sip_port),
            "PHONE_ALLOWED_PEERS": f"127.0.0.1:{kamailio_port}",
            "PHONE_EXTENSION": EXTENSION,
            "PHONE_MAX_CALLS": str(calls),
        }
    )
    core = RecordingCore()
    tools = CallTools(core.handle, engine, EspeakSynthesizer({"de": "de", "en": "en"}), settings)
    tools = replace(tools, on_answer_timing=timings.append)
    channel = PhoneChannel(settings, tools, PeopleIds(KEY))
    run_dir = workdir / f"calls-{calls}"
    run_dir.mkdir()
    questions = [
        spoken_wav(
            run_dir / f"question-{i}.wav", QUESTIONS[(first_question + i) % len(QUESTIONS)], 8
        )
        for i in range(calls * rounds)
    ]
    line = Line(channel, core, kamailio_port, sip_port, run_dir)
    failures: list[str] = []
    async with AsyncExitStack() as stack:
        await _start_kamailio(stack, run_dir, kamailio_port, sip_port)
        stack.push_async_callback(channel.stop)
        await channel.start()
        stack.push_async_callback(line.stop_telephones)

        async def caller(n: int) -> None:
            phone = await telephone(line, f"49381{n:04d}")
            await phone.dial(line.number)
            await phone.wait_event("CALL_ESTABLISHED", SETUP_WITHIN)
            ear = Ear(phone)
            await ear.until_listening(0.0)  # the greeting and the tone
            for r in range(rounds):
                asked_at = ear.update()
                await phone.say(questions[n * rounds + r])
                await asyncio.sleep(4.0)  # the question plays (about 3 s, then silence)
                await phone.say(phone.silence)
                await ear.until_listening(asked_at)  # the answer and the tone
            await phone.hangup()

        results = await asyncio.gather(*(caller(n) for n in range(calls)), return_exceptions=True)
        for n, result in enumerate(results):
            if isinstance(result, BaseException):
                failures.append(f"telephone {n}: {type(result).__name__}: {str(result)[:200]}")
    return timings, len(core.asked), failures


async def telephone(line: Line, user: str) -> Telephone:
    """A registered telephone, tried again when its free port was taken meanwhile."""
    for attempt in range(3):
        try:
            return await line.telephone(user)
        except AssertionError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


class Ear:
    """What a telephone heard, read as the recording grows (only the new part each time).

    The bench shares its process with the line: re-reading a whole growing recording every poll
    would take the line's CPU and skew the figures.
    """

    def __init__(self, phone: Telephone) -> None:
        self._phone = phone
        self._offset = 0  # bytes of the recording's samples read
        self._rate = 16_000
        self.spans: list[tuple[float, float]] = []  # sound (start, end) s, short gaps joined

    def update(self) -> float:
        """Read what was recorded since the last time; how much was heard so far (s)."""
        dumps = sorted(self._phone.records.glob("dump-*-dec.wav"))
        if not dumps:
            return 0.0
        with dumps[-1].open("rb") as wav:
            header = wav.read(44)
            if len(header) < 44:
                return 0.0
            self._rate = int.from_bytes(header[24:28], "little") or 16_000
            wav.seek(44 + self._offset)
            new = wav.read()
        frame = int(self._rate * 0.02) * 2
        new = new[: len(new) - len(new) % frame]
        for i in range(0, len(new), frame):
            t = (self._offset + i) / 2 / self._rate
            if frame_level(new[i : i + frame]) < 300:
                continue
            if self.spans and t - self.spans[-1][1] <= 0.5:
                self.spans[-1] = (self.spans[-1][0], t + 0.02)
            else:
                self.spans.append((t, t + 0.02))
        self._offset += len(new)
        return self._offset / 2 / self._rate

    async def until_listening(self, after: float) -> None:
        """Wait until the line spoke after `after` (s) and has been silent 1.5 s since."""
        deadline = time.monotonic() + ANSWER_WITHIN
        while True:
            heard = self.update()
            if self.spans and self.spans[-1][0] > after and heard - self.spans[-1][1] >= 1.5:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the line did not answer within {ANSWER_WITHIN:.0f} s")
            await asyncio.sleep(0.2)


def stages(timings: list[AnswerTiming]) -> str:
    """The p50 of each stage between the end of a question and the first sound of its answer."""

    def p50(values: list[float]) -> str:
        return f"{statistics.median(values):.2f} s"

    return (
        f"p50 by stage: recogniser final {p50([t.recognised - t.question_ended for t in timings])}"
        f", core turn {p50([t.turn_done - t.recognised for t in timings])}"
        f", synthesis {p50([t.synthesised - t.turn_done for t in timings])}"
        f", first RTP frame {p50([t.first_sound - t.synthesised for t in timings])}"
    )


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def main() -> None:
    engine = VoskEngine({"de": korean_model(), "en": korean_model()})
    for language in engine.languages():  # as the line does at start, before the clock runs
        engine.load(language)
    rounds = int(os.environ.get("PHONE_BENCH_ROUNDS", "3"))
    first_question = 0
    with tempfile.TemporaryDirectory() as tmp:
        for calls in (int(c) for c in os.environ.get("PHONE_BENCH_CALLS", "1,4").split(",")):
            load_before = load()
            started = time.perf_counter()
            cpu, loop_cpu = time.process_time(), time.thread_time()
            try:
                async with asyncio.timeout(60 + rounds * 2 * ANSWER_WITHIN):
                    timings, asked, failures = await run(
                        calls, rounds, engine, Path(tmp), first_question
                    )
            except TimeoutError:
                timings, asked, failures = [], 0, ["the run did not finish in time"]
            first_question += calls * rounds
            wall = time.perf_counter() - started
            spent, loop_spent = time.process_time() - cpu, time.thread_time() - loop_cpu
            latencies = sorted(t.latency for t in timings)
            head = f"{calls} call(s) at once, {asked} of {calls * rounds} questions asked"
            if latencies:
                p90 = latencies[min(len(latencies) - 1, int(0.9 * len(latencies)))]
                print(
                    f"{head}, {len(latencies)} answers: end of question → first sound "
                    f"p50 {statistics.median(latencies):.2f} s, p90 {p90:.2f} s, "
                    f"max {latencies[-1]:.2f} s; gateway CPU {spent / calls:.1f} s per call "
                    f"(event loop {loop_spent / calls:.1f} s) over {wall:.0f} s"
                )
                print(f"  {stages(timings)}")
                if os.environ.get("PHONE_BENCH_DETAIL"):
                    for t in timings:
                        print(
                            f"    at {t.question_ended - started:5.1f} s: recognised "
                            f"+{t.recognised - t.question_ended:.2f}, sound +{t.latency:.2f}"
                        )
            else:
                print(f"{head}, no answer was timed (over {wall:.0f} s)")
            print(f"  load average before {load_before}, after {load()}")
            for failure in failures:
                print(f"  failed: {failure}")


if __name__ == "__main__":
    asyncio.run(main())
