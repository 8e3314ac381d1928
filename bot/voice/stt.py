"""Speech-to-text with Vosk: one model per language, loaded once, a recogniser per request."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.core.messages import Language
from bot.core.ports import Transcript, VoiceError
from bot.voice.codec import SAMPLE_RATE
from bot.voice.vocabulary import (
    Vocabulary,
    Word,
    grammar_for,
    merge,
    needs_bias,
    spell_names,
    words_from_result,
)

logger = logging.getLogger(__name__)

CHUNK = SAMPLE_RATE * 2  # feed one second at a time
# Finished free-speech recognisers kept per language for the next recording. A small model's
# decoding graph is composed lazily inside each recogniser (HCLr ∘ Gr) and cached there: a new
# recogniser spends about 0.7 s of CPU per second of speech expanding it, a reused one about
# 0.2 s once it has heard a few questions. After a final result Vosk starts a fresh feature
# pipeline (no adaptation to the previous speaker is carried over); only the graph cache stays.
MAX_IDLE_RECOGNISERS = 4
# The cache grows with what a recogniser has heard (about 200 MB over its first dozen questions,
# then slowly): after this many recordings it is dropped and a new one takes its place.
MAX_RECOGNISER_USES = 200


class _Loaded:
    """A loaded Vosk model and what of the city's vocabulary it can be biased towards."""

    def __init__(self, model: object, grammar_ok: bool) -> None:
        self.model = model
        self.grammar_ok = grammar_ok
        self.vocabulary = Vocabulary()
        self.vocabulary_source: Vocabulary | None = None
        self.extra: list[str] = []
        self.idle: list[_Reusable] = []  # finished free-speech recognisers (under the lock)
        self.lock = threading.Lock()

    def recogniser(self) -> _Reusable:
        """A free-speech recogniser for a new utterance: a finished one, or a new one."""
        with self.lock:
            reusable = self.idle.pop() if self.idle else None
        if reusable is None:
            import vosk

            reusable = _Reusable(vosk.KaldiRecognizer(self.model, SAMPLE_RATE))
        reusable.begin()
        return reusable

    def give_back(self, reusable: _Reusable) -> None:
        """Keep a recogniser whose final result was taken, for the next utterance."""
        reusable.uses += 1
        with self.lock:
            if len(self.idle) < MAX_IDLE_RECOGNISERS and reusable.uses < MAX_RECOGNISER_USES:
                self.idle.append(reusable)


class _Reusable:
    """A Vosk recogniser, how many recordings it has finished, and where the current one began.

    Vosk counts word times from the first sample a recogniser ever heard: they are given back
    counted from the start of the current recording.
    """

    def __init__(self, rec: Any) -> None:
        self.rec = rec
        rec.SetWords(True)
        self.uses = 0
        self._samples = 0  # all it has accepted
        self._began = 0  # where the current recording began

    def begin(self) -> None:
        """A new recording starts (after the final result of the last one)."""
        self._began = self._samples

    def accept(self, pcm: bytes) -> list[Word]:
        """Feed 16 kHz mono PCM; the words of an utterance it found finished, if any."""
        self._samples += len(pcm) // 2
        if self.rec.AcceptWaveform(pcm):
            return self._words(self.rec.Result())
        return []

    def final(self) -> list[Word]:
        """The words not given yet; the recording is finished."""
        return self._words(self.rec.FinalResult())

    def _words(self, result: str) -> list[Word]:
        shift = self._began / SAMPLE_RATE
        words = words_from_result(json.loads(result))
        if not shift:
            return words
        return [Word(w.text, w.start - shift, w.end - shift, w.conf) for w in words]


def supports_grammar(path: Path) -> bool:
    """Whether a Vosk model accepts a runtime grammar (small models with a lookahead graph do)."""
    return (path / "graph" / "HCLr.fst").is_file() and (path / "graph" / "Gr.fst").is_file()


class VoskEngine:
    """Recognises 16 kHz mono PCM in the person's language; blocking, so call it from a thread."""

    def __init__(self, model_paths: Mapping[Language, Path]) -> None:
        self._paths = dict(model_paths)
        self._loaded: dict[Language, _Loaded] = {}
        self._lock = threading.Lock()
        self._vocabulary = Vocabulary()

    def available(self, language: Language) -> bool:
        """Whether a model for the language is configured and present on disk."""
        path = self._paths.get(language)
        return path is not None and (path / "am").is_dir()

    def languages(self) -> list[Language]:
        """The languages with a model on disk."""
        return [lang for lang in self._paths if self.available(lang)]

    def set_vocabulary(self, vocabulary: Vocabulary) -> None:
        """Bias recognition towards these names from now on (thread-safe)."""
        self._vocabulary = vocabulary

    def load(self, language: Language) -> _Loaded:
        """Load the language's model once (later calls return it); VoiceError stt-unavailable."""
        loaded = self._loaded.get(language)
        if loaded is not None:
            return loaded
        with self._lock:
            loaded = self._loaded.get(language)
            if loaded is not None:
                return loaded
            if not self.available(language):
                raise VoiceError("stt-unavailable", f"no speech model for {language}")
            import vosk  # the engine stays optional for everything but this module

            vosk.SetLogLevel(-1)  # Kaldi's log lines would carry recognised words
            path = self._paths[language]
            try:
                model = vosk.Model(str(path))
            except Exception as exc:  # vosk raises a bare Exception for a broken model
                raise VoiceError("stt-unavailable", f"the {language} model did not load") from exc
            loaded = _Loaded(model, supports_grammar(path))
            self._loaded[language] = loaded
            logger.info(
                "speech model for %s loaded (runtime vocabulary: %s)",
                language,
                "yes" if loaded.grammar_ok else "no",
            )
            return loaded

    def _usable(self, loaded: _Loaded) -> Vocabulary:
        # Only names whose every word the model knows can go into its grammar.
        source = self._vocabulary
        if loaded.vocabulary_source is not source:
            find = loaded.model.vosk_model_find_word  # type: ignore[attr-defined]
            phrases = [p for p in source.phrases if all(find(w) >= 0 for w in p.words)]
            loaded.vocabulary = Vocabulary.of(p.spelling for p in phrases)
            loaded.extra = ["[unk]"] if find("[unk]") >= 0 else []
            loaded.vocabulary_source = source
            logger.info(
                "city vocabulary usable by the model: %d of %d names",
                len(loaded.vocabulary),
                len(source),
            )
        return loaded.vocabulary

    def recognise(self, pcm: bytes, language: Language) -> Transcript:
        """Recognise speech; free recognition, then the city-name pass where it is unsure."""
        return self.finish(pcm, language, self.free_words(pcm, language))

    def free_words(self, pcm: bytes, language: Language, offset_s: float = 0.0) -> list[Word]:
        """Free recognition of (a piece of) a recording; word times shifted by offset_s."""
        loaded = self.load(language)
        try:
            words = self._run(loaded, pcm, None)
        except Exception as exc:  # Kaldi errors surface as bare Exceptions
            raise VoiceError("stt-failed", "the speech engine failed") from exc
        if offset_s:
            words = [Word(w.text, w.start + offset_s, w.end + offset_s, w.conf) for w in words]
        return words

    def finish(self, pcm: bytes, language: Language, free: list[Word]) -> Transcript:
        """The transcript from the free words, with city names where the free pass was unsure."""
        loaded = self.load(language)
        try:
            vocabulary = self._usable(loaded) if loaded.grammar_ok else Vocabulary()
            if vocabulary.phrases and needs_bias(free):
                grammar = grammar_for(free, vocabulary, loaded.extra)
                words = merge(free, self._run(loaded, pcm, grammar), vocabulary)
            else:
                words = spell_names([w.text for w in free], vocabulary)
        except Exception as exc:
            raise VoiceError("stt-failed", "the speech engine failed") from exc
        confidence = sum(w.conf for w in free) / len(free) if free else None
        return Transcript(" ".join(words), language, confidence)

    def stream(self, language: Language) -> SpeechStream:
        """A recogniser fed while a person speaks (a phone call); VoiceError stt-unavailable."""
        loaded = self.load(language)
        return SpeechStream(self, loaded, language)

    @staticmethod
    def _run(loaded: _Loaded, pcm: bytes, grammar: list[str] | None) -> list[Word]:
        import vosk

        if grammar is None:
            rec = loaded.recogniser()
        else:  # a grammar makes a graph of its own: nothing to reuse
            grammar_json = json.dumps(grammar, ensure_ascii=False)
            rec = _Reusable(vosk.KaldiRecognizer(loaded.model, SAMPLE_RATE, grammar_json))
        words: list[Word] = []
        for i in range(0, len(pcm), CHUNK):
            words += rec.accept(pcm[i : i + CHUNK])
        words += rec.final()
        if grammar is None:
            loaded.give_back(rec)
        return words


class SpeechStream:
    """Recognition while the person speaks: feed PCM as it arrives, then `finish` (blocking)."""

    def __init__(self, engine: VoskEngine, loaded: _Loaded, language: Language) -> None:
        self._engine = engine
        self._loaded = loaded
        self._language = language
        self._reusable: _Reusable | None = loaded.recogniser()  # None once finished
        self._words: list[Word] = []
        self._heard = False  # whether any audio was accepted

    def accept(self, pcm: bytes) -> None:
        """Recognise a piece of 16 kHz mono PCM; VoiceError stt-failed."""
        if self._reusable is None:
            raise VoiceError("stt-failed", "the recording was already finished")
        self._heard = True
        try:
            self._words += self._reusable.accept(pcm)
        except Exception as exc:  # Kaldi errors surface as bare Exceptions
            raise VoiceError("stt-failed", "the speech engine failed") from exc

    def close(self) -> None:
        """Give up without a transcript; a recogniser that heard nothing is kept for reuse."""
        reusable, self._reusable = self._reusable, None
        if reusable is not None and not self._heard:
            self._loaded.give_back(reusable)

    def finish(self) -> Transcript:
        """What was said, with the city's names spelled as the city spells them."""
        reusable, self._reusable = self._reusable, None
        if reusable is None:
            raise VoiceError("stt-failed", "the recording was already finished")
        try:
            self._words += reusable.final()
        except Exception as exc:
            raise VoiceError("stt-failed", "the speech engine failed") from exc
        # finished, so its next utterance starts afresh (an unfinished stream is not reused)
        self._loaded.give_back(reusable)
        vocabulary = self._engine._usable(self._loaded) if self._loaded.grammar_ok else Vocabulary()
        words = spell_names([w.text for w in self._words], vocabulary)
        free = self._words
        confidence = sum(w.conf for w in free) / len(free) if free else None
        return Transcript(" ".join(words), self._language, confidence)
