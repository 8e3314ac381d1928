"""Phone line speed: time from the end of a caller's question to the first sound of the answer.

Everything on 127.0.0.1 as in tests/phone: Kamailio routes the extension to the line, baresip
telephones register and dial, speak an espeak-ng question and hear the answer (espeak-ng over
Opus). The core is the tests' recording double, so the figure is the line's own share: Vosk's
last words, the synthesis of the first sentence and the RTP path. "End of question" is when the
line decides the caller stopped (after PHONE_END_SILENCE_S). Targets: p50 ≤ 1.5 s with one call,
≤ 2.5 s with four calls at once (PHONE_BENCH_CALLS=1,4 by default; PHONE_BENCH_ROUNDS questions per
call).
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
from bot.channels.phone.call import CallTools  # noqa: E402
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
    until_listening,
)
from tests.phone.telephone import free_udp_port  # noqa: E402
from tests.voice.conftest import korean_model  # noqa: E402


async def run(
    calls: int, rounds: int, engine: VoskEngine, workdir: Path
) -> tuple[list[float], int]:
    """calls telephones at once, each asking rounds questions; latencies (s) and questions."""
    latencies: list[float] = []
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
    tools = replace(tools, on_answer_latency=latencies.append)
    channel = PhoneChannel(settings, tools, PeopleIds(KEY))
    run_dir = workdir / f"calls-{calls}"
    run_dir.mkdir()
    question = spoken_wav(run_dir / "question.wav", "Wann hat die Stadtbibliothek geöffnet?", 12)
    line = Line(channel, core, kamailio_port, sip_port, run_dir)
    async with AsyncExitStack() as stack:
        await _start_kamailio(stack, run_dir, kamailio_port, sip_port)
        stack.push_async_callback(channel.stop)
        await channel.start()
        stack.push_async_callback(line.stop_telephones)

        async def caller(n: int) -> None:
            phone = await line.telephone(f"49381{n:04d}")
            await phone.dial(line.number)
            await phone.wait_event("CALL_ESTABLISHED", 30)
            for _ in range(rounds):
                await until_listening(phone, 60)
                await phone.say(question)
                await asyncio.sleep(3.0)  # the question plays
                await phone.say(phone.silence)
                await asyncio.sleep(4.0)  # the answer plays (about 5 s)
            await phone.hangup()

        await asyncio.gather(*(caller(n) for n in range(calls)))
    return latencies, len(core.asked)


async def main() -> None:
    engine = VoskEngine({"de": korean_model(), "en": korean_model()})
    engine.load("de")
    rounds = int(os.environ.get("PHONE_BENCH_ROUNDS", "3"))
    with tempfile.TemporaryDirectory() as tmp:
        for calls in (int(c) for c in os.environ.get("PHONE_BENCH_CALLS", "1,4").split(",")):
            started = time.perf_counter()
            cpu = time.process_time()
            latencies, asked = await run(calls, rounds, engine, Path(tmp))
            wall = time.perf_counter() - started
            spent = time.process_time() - cpu
            if not latencies:
                print(f"{calls} call(s): {asked} questions, no answer was timed")
                continue
            ordered = sorted(latencies)
            p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
            print(
                f"{calls} call(s) at once, {asked} questions, {len(latencies)} answers: "
                f"end of question → first sound p50 {statistics.median(latencies):.2f} s, "
                f"p90 {p90:.2f} s, "
                f"max {ordered[-1]:.2f} s; gateway CPU {spent / calls:.1f} s per call "
                f"over {wall:.0f} s"
            )


if __name__ == "__main__":
    asyncio.run(main())
