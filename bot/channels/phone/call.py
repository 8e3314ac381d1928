"""One phone call as a dialogue: greeting, then turns of listening, asking the core, answering.

Stages, each with its own failure: listen (voice frames until silence, Vosk while the caller
speaks) → the core's turn → speak (espeak-ng, piece by piece, interruptible) → the tone.
The call reads what comes from the caller (frames, keys, the end of what it said) from one queue;
Vosk is fed in a thread beside it, so a slow recogniser never delays noticing the end of a question.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
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
from bot.channels.phone.recognition import Question, RecognitionQueue
from bot.channels.phone.rtp import FRAME_S, RATE, CallAudio, Frame, Key
from bot.channels.phone.settings import PhoneSettings
from bot.channels.phone.texts import PhoneTextKey, text
from bot.core.messages import Button, IncomingMessage, Language, Turn
from bot.core.ports import MessageHandler, VoiceError
from bot.voice.stt import SpeechStream, VoskEngine
from bot.voice.tts import Speech, Synthesizer

log = logging.getLogger(__name__)

# A frame louder than this (RMS of 16-bit samples) counts as speech.
VOICE_LEVEL = 400.0
# Speech starts after this many loud frames in a row (60 ms), an interruption after 300 ms.
START_FRAMES = 3
BARGE_IN_FRAMES = 15
BEEP = tone(1000.0, 0.25)


@dataclass(frozen=True, slots=True)
class Heard:
    """What a listening turn got: words, a key, silence or nothing usable."""

    kind: Literal["words", "key", "silence", "unclear"]
    text: str = ""
    key: str = ""
    ended_at: float = 0.0  # when the frame that ended the question arrived (perf_counter)
    recognised_at: float = 0.0  # when the recogniser gave its final words


@dataclass(frozen=True, slots=True)
class AnswerTiming:
    """When each stage of one spoken answer was done (perf_counter seconds)."""

    question_ended: float  # the frame after which the line decided the caller had stopped
    recognised: float  # the recogniser's final words
    turn_done: float  # the core's turn came back
    synthesised: float  # the first piece of the answer was synthesised
    first_sound: float  # the first RTP frame of the answer was sent

    @property
    def latency(self) -> float:
        """From the end of the question to the first sound of the answer."""
        return self.first_sound - self.question_ended


@dataclass(frozen=True, slots=True)
class CallTools:
    """What every call uses: the core, the speech engines and the settings."""

    handler: MessageHandler
    engine: VoskEngine
    synthesizer: Synthesizer
    settings: PhoneSettings
    # Reports when each stage of an answer was done, up to its first sound (the bench).
    on_answer_timing: Callable[[AnswerTiming], None] | None = None
    # Vosk's work for all calls of the line, the question that began first served first.
    recognition: RecognitionQueue = field(default_factory=RecognitionQueue)


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
            await self._answer(message, heard)

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

    async def _answer(self, message: IncomingMessage, heard: Heard) -> None:
        try:
            turn: Turn = await self._tools.handler(message)
        except Exception:
            log.exception("phone: the core failed on a turn")
            await self._say(text("error", self._language))
            return
        now = time.perf_counter()
        ended = heard.ended_at or now  # a key: nothing to recognise
        timing = _Timing(ended, heard.recognised_at or ended, now)
        self._choice = None
        self._language = turn.language
        self._buttons = offered_buttons(turn.messages)
        self._audio.expect_sound()
        await self._say(spoken_turn(turn.messages, turn.language), timing=timing)

    async def _beep(self) -> None:
        self._audio.play(BEEP, RATE)
        await self._audio.played()
        self._audio.drain()

    def _interrupted(self) -> bool:
        return bool(self._early) or self._early_key is not None

    async def _say(
        self,
        words: str,
        *,
        interruptible: bool = True,
        language: Language | None = None,
        timing: _Timing | None = None,
    ) -> None:
        """Speak, a sentence at a time (the next one synthesised while one sounds); the caller's
        voice or a key stops it (barge-in)."""
        language = language or self._language
        listen = interruptible and self._tools.settings.barge_in
        if listen:
            self._audio.drain()
        texts = pieces(words)
        ahead: asyncio.Future[Speech] | None = None  # the next sentence, synthesised meanwhile
        try:
            for i, piece in enumerate(texts):
                try:
                    speech = await (ahead or self._synthesise(piece, language))
                except VoiceError as exc:
                    log.info("phone: speech output failed: %s", exc.code)
                    return
                ahead = None
                pcm, rate = _pcm_of(speech.data, speech.raw_rate)
                self._audio.play(pcm, rate)
                if i + 1 < len(texts):
                    ahead = asyncio.ensure_future(self._synthesise(texts[i + 1], language))
                if timing is not None and self._tools.on_answer_timing is not None:
                    timing.synthesised = time.perf_counter()
                    await self._report_first_sound(timing)
                timing = None
                if not await self._until_played(listen):
                    return
        finally:
            if ahead is not None:
                ahead.cancel()  # espeak-ng is stopped with it
                ahead.add_done_callback(_retrieved)

    async def _synthesise(self, piece: str, language: Language) -> Speech:
        return await self._tools.synthesizer.speak(
            piece, language, self._tools.settings.speech_rate
        )

    async def _report_first_sound(self, timing: _Timing) -> None:
        sounding = asyncio.ensure_future(self._audio.sounding.wait())
        played = asyncio.ensure_future(self._audio.played())
        await asyncio.wait({sounding, played}, return_when=asyncio.FIRST_COMPLETED)
        sounding.cancel()
        played.cancel()
        first_sound = self._audio.first_sound_at
        if first_sound is not None and self._tools.on_answer_timing is not None:
            self._tools.on_answer_timing(
                AnswerTiming(
                    timing.question_ended,
                    timing.recognised,
                    timing.turn_done,
                    timing.synthesised,
                    first_sound,
                )
            )

    async def _until_played(self, listen: bool) -> bool:
        """Wait for the queued speech; False when the caller interrupted it."""
        if not listen:
            await self._audio.played()
            return True
        loud = 0
        voice: list[bytes] = []
        while self._audio.playing:
            item = await self._audio.inbound.get()
            if isinstance(item, Key):
                self._early_key = item.key
                self._audio.stop_playing()
                return False
            if isinstance(item, Frame):
                if frame_level(item.pcm) >= VOICE_LEVEL:
                    loud += 1
                    voice.append(item.pcm)
                else:
                    loud, voice = 0, []
                if loud >= BARGE_IN_FRAMES:
                    self._early = voice
                    self._audio.stop_playing()
                    return False
        return True

    async def _listen(self) -> Heard:
        """Listen until the caller has spoken and is silent again (or presses a key)."""
        if self._early_key is not None:
            key, self._early_key = self._early_key, None
            return Heard("key", key=key)
        try:
            stream: SpeechStream | None = await asyncio.to_thread(
                self._tools.engine.stream, self._language
            )
        except VoiceError as exc:
            log.info("phone: no speech recognition for this call: %s", exc.code)
            stream = None
        recogniser = self._tools.recognition.question(stream)
        try:
            heard = await self._question(recogniser)
        except BaseException:
            recogniser.abandon()
            raise
        if heard.kind != "words":
            recogniser.abandon()
            return heard
        if stream is None:
            return Heard("unclear", ended_at=heard.ended_at)
        try:
            transcript = await recogniser.finish()
        except VoiceError as exc:
            log.info("phone: recognition failed: %s", exc.code)
            return Heard("unclear", ended_at=heard.ended_at)
        words = transcript.text.strip()
        if not words:
            return Heard("unclear")
        return Heard("words", words, ended_at=heard.ended_at, recognised_at=time.perf_counter())

    async def _question(self, recogniser: Question) -> Heard:
        """Read the caller's frames until the question ends; what was said goes to Vosk."""
        settings = self._tools.settings
        early, self._early = self._early, []
        loud = len(early)
        quiet = 0
        started = bool(early)
        began = time.perf_counter()
        spoke_at = 0.0
        before: list[bytes] = []  # the frames just before speech started
        end_frames = int(settings.end_silence_s / FRAME_S)
        recogniser.feed(early)
        while True:
            limit = settings.max_question_s if started else settings.idle_s
            left = (spoke_at if started else began) + limit - time.perf_counter()
            if left <= 0:
                break
            try:
                async with asyncio.timeout(left):
                    item = await self._audio.inbound.get()
            except TimeoutError:
                break
            if isinstance(item, Key):
                return Heard("key", key=item.key)
            if not isinstance(item, Frame):
                continue  # the end of something said earlier
            if frame_level(item.pcm) >= VOICE_LEVEL:
                loud += 1
                quiet = 0
                if not started and loud >= START_FRAMES:
                    started, spoke_at = True, time.perf_counter()
                    recogniser.began()
            else:
                loud = 0 if not started else loud
                quiet += 1
            if not started:
                before = [*before[-START_FRAMES:], item.pcm]
                continue
            if before:
                recogniser.feed(before)
                before = []
            # the silence too: Vosk notices the end of the utterance in it and finds the words
            # while the line waits to be sure the caller has finished
            recogniser.feed([item.pcm])
            if quiet >= end_frames:
                return Heard("words", ended_at=item.at)
        if not started:
            return Heard("silence")
        return Heard("words", ended_at=time.perf_counter())


@dataclass(slots=True)
class _Timing:
    """An answer's stage times while it is being given."""

    question_ended: float
    recognised: float
    turn_done: float
    synthesised: float = 0.0


def _retrieved(future: asyncio.Future[Speech]) -> None:
    """Take a dropped synthesis's outcome, so a failure nobody waited for is not reported."""
    if not future.cancelled():
        future.exception()


def _pcm_of(data: bytes, raw_rate: int | None) -> tuple[bytes, int]:
    """Raw PCM and its rate from synthesised speech (espeak-ng's WAV or Piper's raw output)."""
    if raw_rate is not None:
        return data, raw_rate
    rate = int.from_bytes(data[24:28], "little") or 22_050
    return data[44:], rate


Sayer = Callable[[str], Awaitable[None]]
__all__ = ["BEEP", "AnswerTiming", "Call", "CallTools", "Heard", "PhoneTextKey"]
