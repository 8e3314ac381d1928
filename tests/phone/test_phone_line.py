"""The phone line end to end: a baresip telephone calls the assistant through Kamailio."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.channels.phone import build
from bot.core.messages import Button
from tests.phone.conftest import (
    LineFactory,
    RecordingCore,
    sound_spans,
    until,
    until_listening,
)
from tests.phone.telephone import Telephone


async def test_caller_hears_a_greeting_and_a_spoken_answer_to_their_question(
    phone_line: LineFactory, question_wav: Path
) -> None:
    async with phone_line() as line:
        phone = await line.telephone("4938112345")
        await phone.dial(line.number)
        await phone.wait_event("CALL_ESTABLISHED")
        greeted_until = await until_listening(phone)
        pcm, rate = phone.heard()
        greeting = sound_spans(pcm, rate)
        # a spoken greeting of several seconds (German and the English hint), then the tone
        assert greeting[-1][1] - greeting[0][0] > 4.0

        await phone.say(question_wav)
        asked = await line.core.wait_asked()
        assert asked.channel == "phone"
        assert asked.text  # what Vosk heard while the caller spoke
        # the caller is known by a keyed hash of the number, never by the number
        assert asked.sender_id.startswith("h1:")
        assert "4938112345" not in asked.sender_id
        assert asked.voice_reply is False

        def answered() -> bool:
            pcm, rate = phone.heard()
            later = [s for s in sound_spans(pcm, rate) if s[0] > greeted_until]
            # the question is not echoed: sound after it is the answer (about 5 s of speech)
            return sum(end - start for start, end in later) > 3.0

        await until(answered, 30, "the answer was heard")
        await phone.hangup()
        await until(lambda: line.channel.active_calls == 0, 10, "the line is free")


async def test_two_callers_asking_at_once_both_hear_their_answers(
    phone_line: LineFactory, question_wav: Path
) -> None:
    async with phone_line() as line:
        phones = [await line.telephone(user) for user in ("4938160001", "4938160002")]
        for phone in phones:
            await phone.dial(line.number)
        for phone in phones:
            await phone.wait_event("CALL_ESTABLISHED")
        greeted = [await until_listening(phone) for phone in phones]
        for phone in phones:  # both speak at the same time: their questions share Vosk
            await phone.say(question_wav)
        await line.core.wait_asked(2)
        assert len({asked.sender_id for asked in line.core.asked}) == 2

        def answered(phone: Telephone, after: float) -> bool:
            pcm, rate = phone.heard()
            later = [s for s in sound_spans(pcm, rate) if s[0] > after]
            return sum(end - start for start, end in later) > 3.0

        for phone, after in zip(phones, greeted, strict=True):
            await until(lambda p=phone, a=after: answered(p, a), 30, "each caller heard an answer")


async def test_key_2_during_the_greeting_switches_the_call_to_english(
    phone_line: LineFactory, question_wav: Path
) -> None:
    async with phone_line() as line:
        phone = await line.telephone("200")
        await phone.dial(line.number)
        await phone.wait_event("CALL_ESTABLISHED")
        await asyncio.sleep(1.5)  # the German greeting is playing
        await phone.press("2")
        await until_listening(phone)
        await phone.say(question_wav)
        asked = await line.core.wait_asked()
        assert asked.language_choice == "en"


async def test_a_key_picks_the_offered_choice(phone_line: LineFactory, question_wav: Path) -> None:
    core = RecordingCore(
        answer={"de": "Was meinen Sie?", "en": "What do you mean?"},
        buttons=(
            Button("Öffnungszeiten", "/ask_opening_hours"),
            Button("Veranstaltungen", "/ask_event"),
        ),
    )
    async with phone_line(core) as line:
        phone = await line.telephone("201")
        await phone.dial(line.number)
        await phone.wait_event("CALL_ESTABLISHED")
        await until_listening(phone)
        await phone.say(question_wav)
        await core.wait_asked()
        await asyncio.sleep(1.0)  # the choices are being read out: a key interrupts them
        await phone.press("2")
        chosen = await core.wait_asked(2)
        assert chosen.payload == "/ask_event"
        assert chosen.text == "Veranstaltungen"


async def test_a_caller_when_all_lines_are_busy_hears_so_and_is_hung_up_on(
    phone_line: LineFactory,
) -> None:
    async with phone_line(PHONE_MAX_CALLS="1") as line:
        first = await line.telephone("301")
        await first.dial(line.number)
        await first.wait_event("CALL_ESTABLISHED")
        second = await line.telephone("302")
        await second.dial(line.number)
        await second.wait_event("CALL_ESTABLISHED")
        await second.wait_event("CALL_CLOSED", 40)  # the line hung up after its message
        pcm, rate = second.heard()
        spans = sound_spans(pcm, rate)
        assert spans
        assert spans[-1][1] - spans[0][0] > 3.0
        assert not first.has_event("CALL_CLOSED")  # the first caller is still talking
        assert not line.core.asked


async def test_a_caller_hanging_up_mid_answer_frees_the_line(
    phone_line: LineFactory, question_wav: Path
) -> None:
    core = RecordingCore(answer={"de": "Das ist eine lange Antwort. " * 30, "en": "Long. " * 30})
    async with phone_line(core, PHONE_MAX_CALLS="1") as line:
        first = await line.telephone("401")
        await first.dial(line.number)
        await first.wait_event("CALL_ESTABLISHED")
        await until_listening(first)
        await first.say(question_wav)
        await core.wait_asked()
        await asyncio.sleep(2.0)  # the long answer is playing
        await first.hangup()
        await until(lambda: line.channel.active_calls == 0, 10, "the line is free")

        second = await line.telephone("402")
        await second.dial(line.number)
        await second.wait_event("CALL_ESTABLISHED")
        await until_listening(second)
        await second.say(question_wav)
        await core.wait_asked(2)  # not the busy message: the second caller is answered


async def test_a_peer_that_is_not_allowed_cannot_call_the_line(phone_line: LineFactory) -> None:
    async with phone_line() as line:
        phone = await line.telephone("500")
        # straight to the line, around the proxy: not one of PHONE_ALLOWED_PEERS
        await phone.dial(f"sip:100@127.0.0.1:{line.sip_port}")
        await phone.wait_event("CALL_CLOSED", 20)
        assert not phone.has_event("CALL_ESTABLISHED")
        assert line.channel.active_calls == 0


def test_the_phone_line_is_off_unless_its_port_is_configured() -> None:
    async def handler(_msg: object) -> object:
        raise AssertionError("not called")

    assert build({}, handler, None) is None  # type: ignore[arg-type]
