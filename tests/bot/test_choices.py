import pytest

from bot.core.choices import choose
from bot.core.messages import Button

BUTTONS = (
    Button("Orte finden", '/ask_place{"place_type": "toilet"}'),
    Button("Veranstaltungen", "/ask_event"),
    Button("Öffnungszeiten", "/ask_opening_hours"),
)


@pytest.mark.parametrize(
    ("answer", "index"),
    [
        ("1", 0),
        ("2.", 1),
        ("eins", 0),
        ("zwei", 1),
        ("die erste", 0),
        ("Die Zweite!", 1),
        ("one", 0),
        ("two", 1),
        ("the first one", 0),
        ("number 3", 2),
        ("Nummer 3", 2),
        ("die letzte", 2),
        ("veranstaltungen", 1),
        ("Öffnungszeiten", 2),
    ],
)
def test_numbers_ordinals_and_titles_pick_the_offered_button(answer: str, index: int) -> None:
    assert choose(answer, BUTTONS) == BUTTONS[index]


@pytest.mark.parametrize(
    "answer", ["4", "zehn", "0", "wo ist eine toilette", "ja", "no", "", "   ", "1 2"]
)
def test_other_answers_pick_nothing(answer: str) -> None:
    assert choose(answer, BUTTONS) is None


def test_without_offered_buttons_a_number_is_just_text() -> None:
    assert choose("2", ()) is None
