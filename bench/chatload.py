"""Web chat load for the chat benchmarks (bench_chat.py, bench_production.py): the mixed messages
people send, users who read and type between their messages, a burst at one instant, closed-loop
clients for throughput, and the percentiles and machine load printed with each figure.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

THINK_MIN_S, THINK_MAX_S = 1.0, 3.0

# Mixed intents: greetings, places, hours, events, help, small talk. Half of the users write German,
# half English (each person keeps to one language, as people do).
GERMAN = [
    "hallo",
    "wo ist eine rollstuhlgerechte toilette in der südstadt",
    "wann hat die Stadtbibliothek geöffnet",
    "was ist am wochenende los",
    "gibt es einen spielplatz in warnemünde",
    "danke",
    "was kannst du",
    "wo finde ich einen behindertenparkplatz in der innenstadt",
    "bist du ein mensch",
    "welche veranstaltungen gibt es heute",
    "tschüss",
]
ENGLISH = [
    "hello there",
    "where is an accessible toilet in Stadtmitte",
    "when is the city library open",
    "what's on this weekend",
    "is there a library in Lütten Klein",
    "thank you",
    "what can you do",
    "where can I find disabled parking in the city centre",
    "are you a bot",
    "which events are there today",
    "goodbye",
]

Body = Callable[[str, str], dict[str, object]]


def chat_body(sender: str, text: str) -> dict[str, object]:
    """The body of one message, the same for the gateway's /api/chat and Rasa's REST channel."""
    return {"sender": sender, "message": text}


def user_text(user: int, turn: int) -> str:
    """The `turn`-th message of user `user` (even users write German, odd ones English)."""
    texts = GERMAN if user % 2 == 0 else ENGLISH
    return texts[turn % len(texts)]


def messages(count: int, users: int) -> list[str]:
    """`count` messages where message i belongs to user i % users, in each user's order."""
    return [user_text(i % users, i // users) for i in range(count)]


def percentile(values: list[float], p: int) -> float:
    """The p-th percentile (1..99) of the values (the value itself when there is only one)."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def load() -> str:
    """The machine's load averages (1, 5, 15 min) as `uptime` prints them."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


@dataclass
class Answers:
    """What a load run got back: latencies (ms) of answered messages, per-turn ones, errors."""

    latencies: list[float] = field(default_factory=list)
    by_turn: dict[int, list[float]] = field(default_factory=dict)
    errors: int = 0
    elapsed_s: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies) + self.errors

    def add(self, turn: int, ms: float, ok: bool) -> None:
        if ok:
            self.latencies.append(ms)
            self.by_turn.setdefault(turn, []).append(ms)
        else:
            self.errors += 1

    def summary(self) -> str:
        """p50/p99/max and errors, e.g. for one line of the report."""
        if not self.latencies:
            return f"no answers, errors {self.errors}"
        p50, p99 = percentile(self.latencies, 50), percentile(self.latencies, 99)
        return (
            f"p50 {p50:6.0f} ms  p99 {p99:6.0f} ms  max {max(self.latencies):6.0f} ms"
            f"  errors {self.errors}"
        )


async def post(
    session: aiohttp.ClientSession, url: str, body: dict[str, object]
) -> tuple[float, bool]:
    """One message; its latency (ms) and whether it was answered (HTTP 200)."""
    started = time.perf_counter()
    try:
        async with session.post(url, json=body) as response:
            await response.read()
            ok = response.status == 200
    except (aiohttp.ClientError, TimeoutError):
        ok = False
    return (time.perf_counter() - started) * 1000, ok


async def typing_users(
    session: aiohttp.ClientSession,
    url: str,
    *,
    users: int,
    tag: str,
    texts: list[str] | None = None,
    duration_s: float | None = None,
    body: Body = chat_body,
) -> Answers:
    """`users` people, each pausing 1-3 s (reading, typing) before each of their messages.

    Either each user sends its share of `texts` (user i: texts[i::users]) or, with `duration_s`,
    keeps writing its own mixed messages until the time is up. Every user has its own sender
    (`bench-{tag}-{i}`), so passing the same tag again continues the same conversations.
    """
    answers = Answers()
    started = time.perf_counter()
    deadline = None if duration_s is None else started + duration_s

    async def user(index: int) -> None:
        sender = f"bench-{tag}-{index}"
        pause = random.Random(f"{tag}-{index}")
        mine = texts[index::users] if texts is not None else None
        turn = 0
        while True:
            if mine is not None and turn >= len(mine):
                return
            await asyncio.sleep(pause.uniform(THINK_MIN_S, THINK_MAX_S))
            if deadline is not None and time.perf_counter() >= deadline:
                return
            text = mine[turn] if mine is not None else user_text(index, turn)
            ms, ok = await post(session, url, body(sender, text))
            answers.add(turn, ms, ok)
            turn += 1

    await asyncio.gather(*(user(i) for i in range(users)))
    answers.elapsed_s = time.perf_counter() - started
    return answers


async def burst(
    session: aiohttp.ClientSession, url: str, *, size: int, tag: str
) -> tuple[float, Answers]:
    """`size` people sending a message at the same instant; the time until the last is answered."""
    answers = Answers()

    async def one(index: int) -> None:
        ms, ok = await post(session, url, chat_body(f"bench-{tag}-{index}", user_text(index, 1)))
        answers.add(0, ms, ok)

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(size)))
    drained = (time.perf_counter() - started) * 1000
    answers.elapsed_s = drained / 1000
    return drained, answers


async def closed_loop(
    session: aiohttp.ClientSession, url: str, *, clients: int, duration_s: float, tag: str
) -> Answers:
    """`clients` senders that each send their next message as soon as the last is answered."""
    answers = Answers()
    deadline = time.perf_counter() + duration_s

    async def client(index: int) -> None:
        turn = 0
        while time.perf_counter() < deadline:
            text = user_text(index, turn)
            ms, ok = await post(session, url, chat_body(f"bench-{tag}-{index}", text))
            answers.add(turn, ms, ok)
            turn += 1

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    answers.elapsed_s = time.perf_counter() - started
    return answers
