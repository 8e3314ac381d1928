import pytest

from bot.core.language import LanguageGuesser


@pytest.fixture(scope="module")
def guesser() -> LanguageGuesser:
    return LanguageGuesser()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wo ist eine rollstuhlgerechte toilette in der südstadt", "de"),
        ("Veranstaltungen in Warnemünde am Wochenende", "de"),
        ("wann hat die Stadtbibliothek offen", "de"),
        ("can you speak english", "en"),
        ("where is an accessible toilet in Südstadt", "en"),
        ("events in Warnemünde this weekend", "en"),
        ("what is on this weekend in warnemünde", "en"),
        ("is there a toilet for wheelchairs in südstadt", "en"),
        ("hat die bibliothek in der kröpeliner straße heute offen", "de"),
        ("gibt es in lütten klein einen spielplatz", "de"),
        ("when does the museum open", "en"),
    ],
)
def test_clear_sentences_are_recognised(guesser: LanguageGuesser, text: str, expected: str) -> None:
    assert guesser.detect(text) == expected


@pytest.mark.parametrize("text", ["hallo", "yes please", "danke schön", "Warnemünde", "ok"])
def test_short_messages_keep_the_remembered_language(guesser: LanguageGuesser, text: str) -> None:
    assert guesser.detect(text) is None


@pytest.mark.parametrize("text", ["Hello!", "good morning", "Thank you.", "Hi there"])
def test_a_short_english_greeting_or_thanks_is_english(guesser: LanguageGuesser, text: str) -> None:
    assert guesser.detect(text) == "en"
