"""One phone call as a dialogue: greeting, then turns of listening, asking the core, answering.

Stages, each with its own failure: listen (voice frames until silence, Vosk while the caller
speaks) → the core's turn → speak (espeak-ng, piece by piece, interruptible) → the tone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from bot.channels.phone.convert import (
    button_for_key,
    frame_level,
    is_goodbye,
    offered_buttons,
    pieces,
    spoken_turn,
    tone,
)
from bot.channels.phone.rtp import FRAME_S, RATE, CallAudio
from bot.channels.phone.settings import PhoneSettings
from bot.channels.phone.texts import PhoneTextKey, text
from bot.core.messages import Button, IncomingMessage, Language, Turn
from bot.core.ports import MessageHandler, VoiceError
from bot.voice.stt import SpeechStream, VoskEngine
from bot.voice.tts import Synthesizer

log = logging.getLogger(__name__)

# A frame louder than this (RMS of 16-bit samples) counts as speech.
VOICE_LEVEL = 400.0
# Speech starts after this many loud frames in a row (60 ms), an interruption after 300 ms.
START_FRAMES = 3
BARGE_IN_FRAMES = 15
# Vosk gets the caller's speech in pieces of this many frames (200 ms).
FEED_FRAMES = 10
BEEP = tone(1000.0, 0.25)


@dataclass(frozen=True, slots=True)
class Heard:
    """What a listening turn got: words, a key, silence or nothing usable."""

    kind: Literal["words", "key", "silence", "unclear"]
    text: str = ""
    key: str = ""
    ended_at: float = 0.0  # when the caller stopped speaking (perf_counter)


@dataclass(frozen=True, slots=True)
class CallTools:
    """What every call uses: the core, the speech engines and the settings."""

    handler: MessageHandler
    engine: VoskEngine
    synthesizer: Synthesizer
    settings: PhoneSettings
    # Reports the time from the end of a question to the first sound of its answer (the bench).
    on_answer_latency: Callable[[float], None] | None = None


class Call:
    """The dialogue of one answered call; `run` returns when it should be hung up."""

    def __init__(self, tools: CallTools, audio: CallAudio, caller: str) -> None:
        self._tools = tools
        self._audio = audio
        self._caller = caller  # the keyed hash of the number, never the number
        self._language: Language = "de"
        self._choice: Language | None = None  # a language chosen by key, told to the core
        self._buttons: tuple[Button, ...] = ()
        self._early: list[bytes] = []  # speech that interrupted an answer, heard next
        self._early_key: str | None = None

    async def run(self) -> None:
        """Greet, then take turns until goodbye, silence twice or the call's time is up."""
        settings = self._tools.settings
        try:
            async with asyncio.timeout(settings.max_call_s):
                await self._dialogue()
        except TimeoutError:
            self._audio.stop_playing()
            await self._say(text("time_up", self._language), interruptible=False)

    async def busy(self) -> None:
        """All lines are taken: say so in both languages."""
        await self._say(text("busy", "de"), interruptible=False)
        await self._say(text("busy", "en"), interruptible=False, language="en")

    async def _dialogue(self) -> None:
        await self._say(text("greeting", "de"))
        if not self._interrupted():
            await self._say(text("greeting", "en"), language="en")
        silent = 0
        while True:
            if self._early_key is None and not self._early:
                await self._beep()
            heard = await self._listen()
            if heard.kind == "silence":
                silent += 1
                if silent >= 2:
                    await self._say(text("goodbye", self._language), interruptible=False)
                    return
                await self._say(text("still_there", self._language))
                continue
            silent = 0
            if heard.kind == "unclear":
                await self._say(text("not_understood", self._language))
                continue
            if heard.kind == "key":
                message = self._key_message(heard.key)
                if message is None:
                    await self._say(text("ask", self._language))
                    continue
            else:
                if is_goodbye(heard.text):
                    await self._say(text("goodbye", self._language), interruptible=False)
                    return
                message = self._message(text=heard.text)
            await self._answer(message, heard.ended_at)

    def _key_message(self, key: str) -> IncomingMessage | None:
        button = button_for_key(key, self._buttons)
        if button is not None:
            return self._message(text=button.title, payload=button.payload)
        if key == "2" and not self._buttons:
            self._language = self._choice = "en"
        elif key == "1" and not self._buttons:
            self._language = self._choice = "de"
        return None

    def _message(self, *, text: str, payload: str | None = None) -> IncomingMessage:
        return IncomingMessage(
            channel="phone",
            sender_id=self._caller,
            chat_id=self._caller,
            text=text,
            payload=payload,
            language_hint=self._language,
            language_choice=self._choice,
            voice_reply=False,  # the line speaks itself, at the line's rate and codec
        )

    async def _answer(self, message: IncomingMessage, asked_at: float) -> None:
        try:
            turn: Turn = await self._tools.handler(message)
        except Exception:
            log.exception("phone: the core failed on a turn")
            await self._say(text("error", self._language))
            return
        self._choice = None
        self._language = turn.language
        self._buttons = offered_buttons(turn.messages)
        self._audio.expect_sound()
        await self._say(spoken_turn(turn.messages, turn.language), asked_at=asked_at)

    async def _beep(self) -> None:
        self._audio.play(BEEP, RATE)
        await self._audio.played()
        _drain(self._audio.frames)

    def _interrupted(self) -> bool:
        return bool(self._early) or self._early_key is not None

    async def _say(
        self,
        words: str,
        *,
        interruptible: bool = True,
        language: Language | None = None,
        asked_at: float | None = None,
    ) -> None:
        """Speak, a sentence at a time; the caller's voice or a key stops it (barge-in)."""
        language = language or self._language
        listen = interruptible and self._tools.settings.barge_in
        if listen:
            _drain(self._audio.frames)
        for piece in pieces(words):
            try:
                speech = await self._tools.synthesizer.speak(
                    piece, language, self._tools.settings.speech_rate
                )
            except VoiceError as exc:
                log.info("phone: speech output failed: %s", exc.code)
                return
            pcm, rate = _pcm_of(speech.data, speech.raw_rate)
            self._audio.play(pcm, rate)
            if asked_at is not None and self._tools.on_answer_latency is not None:
                await self._report_first_sound(asked_at)
                asked_at = None
            if not await self._until_played(listen):
                return

    async def _report_first_sound(self, asked_at: float) -> None:
        sounding = asyncio.ensure_future(self._audio.sounding.wait())
        played = asyncio.ensure_future(self._audio.played())
        await asyncio.wait({sounding, played}, return_when=asyncio.FIRST_COMPLETED)
        sounding.cancel()
        played.cancel()
        if self._audio.first_sound_at is not None and self._tools.on_answer_latency is not None:
            self._tools.on_answer_latency(self._audio.first_sound_at - asked_at)

    async def _until_played(self, listen: bool) -> bool:
        """Wait for the queued speech; False when the caller interrupted it."""
        if not listen:
            await self._audio.played()
            return True
        loud: list[bytes] = []
        while self._audio.playing:
            key_task = asyncio.ensure_future(self._audio.keys.get())
            frame_task = asyncio.ensure_future(self._audio.frames.get())
            done_task = asyncio.ensure_future(self._audio.played())
            done, pending = await asyncio.wait(
                {key_task, frame_task, done_task}, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()
            if key_task in done:
                self._early_key = key_task.result()
                self._audio.stop_playing()
                return False
            if frame_task in done:
                frame = frame_task.result()
                loud = [*loud, frame] if frame_level(frame) >= VOICE_LEVEL else []
                if len(loud) >= BARGE_IN_FRAMES:
                    self._early = loud
                    self._audio.stop_playing()
                    return False
        return True

    async def _listen(self) -> Heard:
        """Listen until the caller has spoken and is silent again (or presses a key)."""
        settings = self._tools.settings
        if self._early_key is not None:
            key, self._early_key = self._early_key, None
            return Heard("key", key=key)
        try:
            stream: SpeechStream = await asyncio.to_thread(
                self._tools.engine.stream, self._language
            )
        except VoiceError as exc:
            log.info("phone: no speech recognition for this call: %s", exc.code)
            stream = None  # type: ignore[assignment]
        early, self._early = self._early, []
        speech: list[bytes] = list(early)
        loud = len(early)
        quiet = 0
        started = bool(early)
        began = time.perf_counter()
        spoke_at = 0.0
        pending: list[bytes] = list(early)
        end_frames = int(settings.end_silence_s / FRAME_S)
        while True:
            limit = settings.max_question_s if started else settings.idle_s
            left = (spoke_at if started else began) + limit - time.perf_counter()
            if left <= 0:
                break
            key_task = asyncio.ensure_future(self._audio.keys.get())
            frame_task = asyncio.ensure_future(self._audio.frames.get())
            done, _ = await asyncio.wait(
                {key_task, frame_task}, timeout=left, return_when=asyncio.FIRST_COMPLETED
            )
            key_task.cancel()
            frame_task.cancel()
            if key_task in done:
                return Heard("key", key=key_task.result())
            if frame_task not in done:
                break
            frame = frame_task.result()
            if frame_level(frame) >= VOICE_LEVEL:
                loud += 1
                quiet = 0
                if not started and loud >= START_FRAMES:
                    started, spoke_at = True, time.perf_counter()
            else:
                loud = 0 if not started else loud
                quiet += 1
            if not started:
                pending = [*pending[-START_FRAMES:], frame]
                continue
            pending.append(frame)
            speech.append(frame)
            if len(pending) >= FEED_FRAMES and stream is not None:
                await _feed(stream, b"".join(pending))
                pending = []
            if quiet >= end_frames:
                break
        ended_at = time.perf_counter()
        if not started:
            return Heard("silence")
        if stream is None:
            return Heard("unclear", ended_at=ended_at)
        if pending:
            await _feed(stream, b"".join(pending))
        try:
            transcript = await asyncio.to_thread(stream.finish)
        except VoiceError as exc:
            log.info("phone: recognition failed: %s", exc.code)
            return Heard("unclear", ended_at=ended_at)
        words = transcript.text.strip()
        return Heard("words", text=words, ended_at=ended_at) if words else Heard("unclear")


async def _feed(stream: SpeechStream, pcm: bytes) -> None:
    await asyncio.to_thread(stream.accept, pcm)


def _drain(queue: asyncio.Queue[bytes]) -> None:
    with contextlib.suppress(asyncio.QueueEmpty):
        while True:
            queue.get_nowait()


def _pcm_of(data: bytes, raw_rate: int | None) -> tuple[bytes, int]:
    """Raw PCM and its rate from synthesised speech (espeak-ng's WAV or Piper's raw output)."""
    if raw_rate is not None:
        return data, raw_rate
    rate = int.from_bytes(data[24:28], "little") or 22_050
    return data[44:], rate


Sayer = Callable[[str], Awaitable[None]]
__all__ = ["BEEP", "Call", "CallTools", "Heard", "PhoneTextKey"]
