"""Splitting long answers and fitting button payloads into Telegram's limits."""

from __future__ import annotations

from bot.channels.telegram.format import (
    MAX_CALLBACK_BYTES,
    MAX_MESSAGE_CHARS,
    PayloadStore,
    split_text,
)


def test_short_text_stays_one_message() -> None:
    assert split_text("Die Bibliothek hat heute bis 18 Uhr geöffnet.") == [
        "Die Bibliothek hat heute bis 18 Uhr geöffnet."
    ]


def test_long_answer_splits_at_paragraphs_without_losing_words() -> None:
    paragraph = "Öffentliche Toilette am Neuen Markt, barrierefrei, mit Euroschlüssel. " * 20
    text = "\n\n".join([paragraph.strip()] * 6)
    parts = split_text(text)
    assert len(parts) > 1
    assert all(len(part) <= MAX_MESSAGE_CHARS for part in parts)
    assert all(part.endswith(".") for part in parts)
    assert " ".join(parts).split() == text.split()


def test_one_huge_sentence_splits_at_words_and_a_huge_word_is_cut() -> None:
    text = "Rampe " * 1500 + "x" * 5000
    parts = split_text(text)
    assert all(len(part) <= MAX_MESSAGE_CHARS for part in parts)
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")


def test_long_payloads_get_a_short_key_that_resolves_back() -> None:
    store = PayloadStore(capacity=2)
    short = "/affirm"
    long = '/ask_place{"place_type": "toilet", "district": "Kröpeliner-Tor-Vorstadt"}'
    assert store.callback_data(short) == short
    key = store.callback_data(long)
    assert len(key.encode()) <= MAX_CALLBACK_BYTES
    assert store.resolve(key) == long
    assert store.resolve(short) == short
    store.callback_data(long + "1")
    store.callback_data(long + "2")
    assert store.resolve(key) is None  # forgotten beyond capacity; the channel falls back
