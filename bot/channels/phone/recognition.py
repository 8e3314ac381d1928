"""Speech recognition for the line's calls: each question fed to Vosk in order, beside its call.

Vosk is the line's heaviest work (a few tenths of a CPU second per second of speech). When
several callers speak at once, the CPU is shared by question in the order they began, not
spread over all of them: the first question's answer is not held back by the later ones, and
none waits longer than it would in turn. A call reads its caller's frames on its own and never
waits for Vosk until the question has ended.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import os
import time
from collections import deque

from bot.core.ports import Transcript, VoiceError
from bot.voice.stt import SpeechStream

# Vosk gets the caller's speech in pieces of this many bytes (200 ms of 16 kHz mono PCM).
FEED_BYTES = 6400


class RecognitionQueue:
    """The questions' Vosk work in threads, at most `workers` at once, oldest question first."""

    def __init__(self, workers: int | None = None) -> None:
        self._workers = workers or os.cpu_count() or 1
        self._ready: list[tuple[float, int, Question]] = []
        self._order = itertools.count()
        self._running = 0
        self._tasks: set[asyncio.Task[None]] = set()

    def question(self, stream: SpeechStream | None) -> Question:
        """A question about to be asked on a call (stream None: the call has no recogniser)."""
        return Question(stream, self)

    def _ready_to_work(self, question: Question) -> None:
        heapq.heappush(self._ready, (question.since, next(self._order), question))
        self._start()

    def _start(self) -> None:
        while self._running < self._workers and self._ready:
            _, _, question = heapq.heappop(self._ready)
            self._running += 1
            task = asyncio.get_running_loop().create_task(self._work(question))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _work(self, question: Question) -> None:
        try:
            await question._work_one()
        except asyncio.CancelledError:  # the line stops
            self._running -= 1
            question.abandon()
            raise
        self._running -= 1
        if question._has_work():
            heapq.heappush(self._ready, (question.since, next(self._order), question))
        else:
            question._queued = False
        self._start()


class Question:
    """One question's recognition: frames queued while the caller speaks, then the final words."""

    def __init__(self, stream: SpeechStream | None, queue: RecognitionQueue) -> None:
        self._stream = stream
        self._queue = queue
        self.since = time.perf_counter()  # its place in the queue: when it began
        self._pending: list[bytes] = []
        self._chunks: deque[bytes] = deque()
        self._queued = False  # waiting in the queue or being worked on
        self._fed = asyncio.Event()
        self._fed.set()
        self._failed: VoiceError | None = None

    def began(self) -> None:
        """The caller started to speak: the question's place in the queue."""
        self.since = time.perf_counter()

    def feed(self, frames: list[bytes]) -> None:
        """Queue frames for Vosk; it gets them FEED_BYTES at a time."""
        if self._stream is None or not frames:
            return
        self._pending += frames
        if sum(len(f) for f in self._pending) >= FEED_BYTES:
            self._send()

    async def finish(self) -> Transcript:
        """What was said: the last frames, then Vosk's final result (VoiceError stt-failed)."""
        if self._stream is None:
            raise VoiceError("stt-unavailable", "no speech recognition for this call")
        self._send()
        await self._fed.wait()
        if self._failed is not None:
            raise self._failed
        return await asyncio.to_thread(self._stream.finish)

    def abandon(self) -> None:
        """Nothing more to recognise (no question, or the call ended): drop what is queued."""
        if self._stream is not None and not self._queued:
            self._stream.close()  # not in a thread's hands: it may be reused if it heard nothing
        self._stream = None
        self._pending.clear()
        self._chunks.clear()
        self._fed.set()

    def _send(self) -> None:
        if self._pending:
            self._chunks.append(b"".join(self._pending))
            self._pending = []
        if self._chunks:
            self._fed.clear()
            if not self._queued:
                self._queued = True
                self._queue._ready_to_work(self)

    def _has_work(self) -> bool:
        return bool(self._chunks)

    async def _work_one(self) -> None:
        stream = self._stream
        if not self._chunks:
            return
        chunk = self._chunks.popleft()
        if stream is not None and self._failed is None:
            try:
                await asyncio.to_thread(stream.accept, chunk)
            except VoiceError as exc:
                self._failed = exc
        if not self._chunks:
            self._fed.set()
