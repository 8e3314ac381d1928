"""The gateway's Prometheus metrics, served at `GET /metrics`.

Labels are bounded sets only: channel names, intent names of the assistant's domain, delivery
results and language codes; never a person id, an address or a text.

The intent of a message comes from Rasa's SQL tracker store (the same `RASA_TRACKER_STORE_URL`
the privacy functions use): after a turn that reached Rasa, its latest user event says which
intent was recognised (`nlu_fallback` when none was sure enough). Without the tracker store, and
for turns the gateway answered itself (commands, refusals), the intent is `unknown`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Final

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest
from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.messages import IncomingMessage, Turn
from bot.core.ports import MessageHandler

logger = logging.getLogger(__name__)

UNKNOWN: Final = "unknown"
OTHER: Final = "other"
FALLBACK_INTENT: Final = "nlu_fallback"
# Intent names are the domain's; a name Rasa passes through from a typed `/payload` is counted
# under its own name only while fewer than this many names were seen, then as "other".
MAX_INTENT_NAMES: Final = 100
_INTENT_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")

MESSAGES = Counter(
    "smilecity_messages",
    "Messages answered, by channel and recognised intent",
    ["channel", "intent"],
)
ANSWER_SECONDS = Histogram(
    "smilecity_answer_seconds",
    "Time from a message's arrival at the core to its answer, by channel",
    ["channel"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0, 20.0),
)
NLU_FALLBACKS = Counter(
    "smilecity_nlu_fallbacks",
    "Messages the assistant was unsure about (nlu_fallback: it offered its likeliest guesses)",
    ["channel"],
)
REPORTS_FILED = Counter(
    "smilecity_reports_filed", "Barrier reports and ideas filed through the assistant", ["channel"]
)
VOICE_DECODE_SECONDS = Histogram(
    "smilecity_voice_decode_seconds",
    "Time to decode a voice message to 16 kHz PCM (ffmpeg)",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
VOICE_RECOGNITION_SECONDS = Histogram(
    "smilecity_voice_recognition_seconds",
    "Time to recognise a decoded voice message (Vosk), by language",
    ["language"],
    buckets=(0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0),
)
OUTBOX_PENDING = Gauge(
    "smilecity_outbox_pending",
    "Announcement deliveries waiting in the outbox, by channel (read at scrape time)",
    ["channel"],
)
DELIVERIES = Counter(
    "smilecity_deliveries",
    "Announcement delivery attempts by channel and result (delivered, retry, gone, rejected)",
    ["channel", "result"],
)


@dataclass
class TurnFacts:
    """What a turn's layers learn about it on the way (the Rasa client marks that it asked)."""

    asked_assistant: bool = False


# The facts of the turn being handled; a mutable holder, so that tasks started inside the turn
# (which copy the context) still report into the same object.
TURN_FACTS: ContextVar[TurnFacts | None] = ContextVar("turn_facts", default=None)


def mark_asked() -> None:
    """Record that the current turn went to the assistant (called by the Rasa client)."""
    facts = TURN_FACTS.get()
    if facts is not None:
        facts.asked_assistant = True


class IntentLookup:
    """The intent of a person's latest message, read from Rasa's SQL tracker store."""

    def __init__(self, tracker: AsyncEngine | None) -> None:
        self._tracker = tracker
        self._seen: set[str] = set()

    async def latest(self, sender_id: str) -> str:
        """The intent name of the sender's latest user event, or "unknown"."""
        if self._tracker is None:
            return UNKNOWN
        try:
            async with self._tracker.connect() as conn:
                name = (
                    await conn.execute(
                        sql(
                            "SELECT intent_name FROM events WHERE sender_id = :sender "
                            "AND type_name = 'user' ORDER BY id DESC LIMIT 1"
                        ),
                        {"sender": sender_id},
                    )
                ).scalar()
        except Exception as exc:  # metrics never fail a turn
            logger.warning("intent lookup in the tracker store failed: %s", type(exc).__name__)
            return UNKNOWN
        return self.bounded(name)

    def bounded(self, name: object) -> str:
        """The name as a label value: a plausible intent name, within the cap, else other."""
        if not isinstance(name, str) or not _INTENT_NAME.fullmatch(name):
            return UNKNOWN if not name else OTHER
        if name not in self._seen:
            if len(self._seen) >= MAX_INTENT_NAMES:
                return OTHER
            self._seen.add(name)
        return name


class MeasuredTurns:
    """Wraps the core's message handler: counts each turn by channel and intent, times it."""

    def __init__(self, handle: MessageHandler, intents: IntentLookup) -> None:
        self._handle = handle
        self._intents = intents

    async def handle(self, msg: IncomingMessage) -> Turn:
        """Answer through the core; the answer's latency, channel and intent are recorded."""
        facts = TurnFacts()
        token = TURN_FACTS.set(facts)
        started = time.perf_counter()
        try:
            turn = await self._handle(msg)
        finally:
            TURN_FACTS.reset(token)
            elapsed = time.perf_counter() - started
            ANSWER_SECONDS.labels(msg.channel).observe(elapsed)
        intent = UNKNOWN
        if facts.asked_assistant and turn.refusal is None:
            intent = await self._intents.latest(turn.person_id)
        MESSAGES.labels(msg.channel, intent).inc()
        if intent == FALLBACK_INTENT:
            NLU_FALLBACKS.labels(msg.channel).inc()
        # one line per message, with its request id: channel, intent, codes, time; no words
        logger.info(
            "%s message answered in %.0f ms: intent %s, %d answers%s",
            msg.channel,
            elapsed * 1000,
            intent,
            len(turn.messages),
            f", refused ({turn.refusal})" if turn.refusal else "",
        )
        return turn


async def outbox_pending(engine: AsyncEngine) -> dict[str, int]:
    """Pending deliveries per channel (one grouped count over the outbox's status index)."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            sql(
                "SELECT channel, COUNT(*) FROM deliveries WHERE status = 'pending' GROUP BY channel"
            )
        )
        return {str(channel): int(count) for channel, count in rows}


def metrics_handler(
    engine_key: web.AppKey[AsyncEngine],
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """GET /metrics: the Prometheus text format, the outbox depth read from the database now."""

    async def metrics(request: web.Request) -> web.Response:
        try:
            pending = await outbox_pending(request.app[engine_key])
        except Exception as exc:  # the other metrics are still worth having
            logger.warning("outbox depth not readable: %s", type(exc).__name__)
        else:
            OUTBOX_PENDING.clear()
            for channel in ("web", "telegram", "matrix", "phone", *pending):
                OUTBOX_PENDING.labels(channel).set(pending.get(channel, 0))
        body = generate_latest(REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return metrics
