"""The voice pipeline with the real ffmpeg, Vosk and espeak-ng: what a person hears and is heard."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import pytest

from bot.core.messages import Audio
from bot.core.ports import VoiceError
from bot.voice import VoicePipeline
from bot.voice.codec import BYTES_PER_SECOND, Codec
from bot.voice.segments import split_point
from bot.voice.vocabulary import Vocabulary
from tests.voice.audio_fixtures import (
    KOREAN_WHERE_IS_THE_TOILET,
    probe,
    silent_ogg,
    spoken_m4a,
    spoken_ogg,
    spoken_webm,
)

GERMAN_QUESTION = "Wo ist die nächste barrierefreie Toilette in Warnemünde?"


async def test_korean_question_is_heard_from_a_telegram_voice_note(voice: VoicePipeline) -> None:
    note = Audio(spoken_ogg(KOREAN_WHERE_IS_THE_TOILET, "ko"), "audio/ogg")
    transcript = await voice.transcribe(note, "de")  # the Korean model stands in for German
    assert "어디에" in transcript.text
    assert transcript.language == "de"
    assert transcript.confidence is not None
    assert 0 < transcript.confidence <= 1


async def test_korean_question_is_heard_from_a_browser_recording(voice: VoicePipeline) -> None:
    recording = Audio(spoken_webm(KOREAN_WHERE_IS_THE_TOILET, "ko"), "audio/webm;codecs=opus")
    transcript = await voice.transcribe(recording, "de")
    assert "어디에" in transcript.text


async def test_city_names_the_model_knows_win_over_unsure_words(voice: VoicePipeline) -> None:
    note = Audio(spoken_ogg(KOREAN_WHERE_IS_THE_TOILET, "ko"), "audio/ogg")
    # "화장실" (toilet) stands for a district or street name: with it in the city's vocabulary,
    # the unsure start of the sentence is recognised as that name. A name made of words the
    # model does not know (Warnemünde, for a Korean model) is left out, not an error.
    voice.engine.set_vocabulary(Vocabulary.of(["화장실", "도서관", "Warnemünde"]))
    try:
        transcript = await voice.transcribe(note, "de")
    finally:
        voice.engine.set_vocabulary(Vocabulary())
    assert "화장실" in transcript.text.split()
    assert "어디에" in transcript.text


async def test_city_names_are_found_in_every_note_not_only_the_first(
    voice: VoicePipeline,
) -> None:
    # Recognisers are reused from note to note; the city-name pass matches words by their times,
    # which must count from the start of each note, not from the first one a recogniser heard.
    note = Audio(spoken_ogg(KOREAN_WHERE_IS_THE_TOILET, "ko"), "audio/ogg")
    voice.engine.set_vocabulary(Vocabulary.of(["화장실", "도서관"]))
    try:
        heard = [(await voice.transcribe(note, "de")).text.split() for _ in range(3)]
    finally:
        voice.engine.set_vocabulary(Vocabulary())
    assert all("화장실" in words for words in heard), heard


async def test_german_speech_gives_a_transcript(voice: VoicePipeline) -> None:
    note = Audio(spoken_ogg(GERMAN_QUESTION, "de"), "audio/ogg")
    transcript = await voice.transcribe(note, "de")
    assert transcript.text.strip()


def _leftovers() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("voice-*"))


async def test_phone_recording_in_mp4_is_heard_and_leaves_no_file(voice: VoicePipeline) -> None:
    before = _leftovers()
    audio = Audio(spoken_m4a(KOREAN_WHERE_IS_THE_TOILET, "ko"), "audio/mp4")
    transcript = await voice.transcribe(audio, "de")
    assert "어디에" in transcript.text
    assert _leftovers() == before


async def test_voice_note_over_two_minutes_is_refused(voice: VoicePipeline) -> None:
    with pytest.raises(VoiceError) as caught:
        await voice.transcribe(Audio(silent_ogg(125), "audio/ogg"), "de")
    assert caught.value.code == "too-long"
    # A platform that tells the length up front spares the decoding.
    with pytest.raises(VoiceError) as caught:
        await voice.transcribe(Audio(b"OggS", "audio/ogg", duration_s=180), "de")
    assert caught.value.code == "too-long"


async def test_two_minutes_exactly_is_still_accepted(voice: VoicePipeline) -> None:
    pcm = await Codec().decode(silent_ogg(119.5), "audio/ogg", 120)
    assert 119 * BYTES_PER_SECOND < len(pcm) <= 120 * BYTES_PER_SECOND


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (b"Dies ist eine Textdatei und keine Sprachnachricht.\n" * 20, "audio/ogg"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "image/png"),
        (b"", "audio/ogg"),
    ],
    ids=["text", "png", "empty"],
)
async def test_something_that_is_not_audio_is_refused(
    voice: VoicePipeline, data: bytes, mime: str
) -> None:
    with pytest.raises(VoiceError) as caught:
        await voice.transcribe(Audio(data, mime), "de")
    assert caught.value.code == "decode-failed"


async def test_language_without_a_model_says_so(voice: VoicePipeline) -> None:
    with pytest.raises(VoiceError) as caught:
        await voice.transcribe(Audio(spoken_ogg("Where is the library?", "en"), "audio/ogg"), "en")
    assert caught.value.code == "stt-unavailable"


async def test_spoken_answer_is_an_ogg_opus_voice_note(voice: VoicePipeline) -> None:
    audio = await voice.synthesize("Die Bibliothek ist heute bis 18 Uhr geöffnet.", "de")
    info = probe(audio.data)
    assert info["format_name"] == "ogg"
    assert info["codec_name"] == "opus"
    assert info["sample_rate"] == "48000"
    assert info["channels"] == "1"
    assert audio.mime_type == "audio/ogg"
    assert audio.duration_s is not None
    assert 1.0 < audio.duration_s < 10.0


async def test_english_answer_is_spoken_too(voice: VoicePipeline) -> None:
    audio = await voice.synthesize("The library is open until six today.", "en")
    assert probe(audio.data)["codec_name"] == "opus"


async def test_faster_speech_takes_less_time(voice: VoicePipeline) -> None:
    text = "Das Bürgerbüro in der Südstadt hat montags von acht bis zwölf Uhr geöffnet."
    seconds = {}
    for rate in (-2, 0, 3):
        audio = await voice.synthesize(text, "de", rate)
        pcm = await Codec().decode(audio.data, audio.mime_type, 600)
        seconds[rate] = len(pcm) / BYTES_PER_SECOND
    assert seconds[3] < seconds[0] * 0.6
    assert seconds[-2] > seconds[0] * 1.3


async def test_nothing_heard_or_said_reaches_the_logs(
    voice: VoicePipeline, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    transcript = await voice.transcribe(
        Audio(spoken_ogg(KOREAN_WHERE_IS_THE_TOILET, "ko"), "audio/ogg"), "de"
    )
    answer = "Die Toilette am Neuen Markt ist geöffnet."
    await voice.synthesize(answer, "de")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "voice input" in logged
    assert "voice output" in logged
    for word in [*transcript.text.split(), "Toilette", "Neuen Markt"]:
        assert word not in logged


async def test_long_note_cut_at_a_pause_is_heard_whole_and_in_order(voice: VoicePipeline) -> None:
    library = "도서관은 몇 시에 문을 열어요?"  # when does the library open?
    text = f"{KOREAN_WHERE_IS_THE_TOILET}. {library} {KOREAN_WHERE_IS_THE_TOILET}"
    note = spoken_ogg(text, "ko")
    pcm = await Codec().decode(note, "audio/ogg", 120)
    cut = split_point(pcm)
    assert cut is not None  # the pipeline recognises the two halves in parallel
    transcript = await voice.transcribe(Audio(note, "audio/ogg"), "de")
    words = transcript.text.split()
    assert words.count("어디에") == 2
    assert words.index("어디에") < len(words) // 2  # the first half comes first


async def test_short_notes_and_silence_are_not_cut() -> None:
    short = await Codec().decode(spoken_ogg(KOREAN_WHERE_IS_THE_TOILET, "ko"), "audio/ogg", 120)
    silence = await Codec().decode(silent_ogg(6), "audio/ogg", 120)
    assert split_point(short) is None
    assert split_point(silence) is None
