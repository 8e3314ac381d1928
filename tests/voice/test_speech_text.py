"""How replies sound when read aloud: numbered choices, no raw links, no symbol noise."""

from __future__ import annotations

from bot.core.choices import choose
from bot.core.messages import Button, OutgoingMessage
from bot.core.speech import speech_text

YES_NO = (Button("Ja", "/affirm"), Button("Nein", "/deny"))


def test_buttons_are_read_as_numbered_choices_in_german() -> None:
    spoken = speech_text(OutgoingMessage("Soll ich weitersuchen?", YES_NO), "de")
    assert spoken == "Soll ich weitersuchen? Sie können wählen: eins, Ja. zwei, Nein."


def test_buttons_are_read_as_numbered_choices_in_english() -> None:
    buttons = (Button("Yes", "/affirm"), Button("No", "/deny"))
    spoken = speech_text(OutgoingMessage("Shall I search on?", buttons), "en")
    assert spoken == "Shall I search on? You can choose: one, Yes. two, No."


def test_the_number_spoken_picks_that_choice() -> None:
    buttons = tuple(Button(f"Ort {i}", f'/choose_option{{"number": {i}}}') for i in range(1, 4))
    spoken = speech_text(OutgoingMessage("Welcher Ort?", buttons), "de")
    # Whatever number word is read for a choice, saying it back picks exactly that choice.
    for button in buttons:
        said = spoken.split(f", {button.title}.")[0].split()[-1]
        assert choose(said, buttons) == button


def test_links_are_named_by_their_site_not_read_out() -> None:
    text = "Mehr dazu unter https://www.rostock.de/buergerservice/termine.html?id=42."
    spoken = speech_text(OutgoingMessage(text), "de")
    assert "https" not in spoken
    assert "termine" not in spoken
    assert "rostock.de" in spoken


def test_emoji_and_markup_are_not_read() -> None:
    text = "🚻 **Öffentliche Toilette** am _Neuen Markt_ ✅"
    spoken = speech_text(OutgoingMessage(text), "de")
    assert spoken == "Öffentliche Toilette am Neuen Markt."


def test_list_lines_become_sentences() -> None:
    text = "Geöffnet haben:\n- Stadtbibliothek\n- Kunsthalle"
    assert speech_text(OutgoingMessage(text), "de") == (
        "Geöffnet haben: Stadtbibliothek. Kunsthalle."
    )


def test_many_choices_continue_with_digits() -> None:
    buttons = tuple(Button(f"Option {i}", f"/o{i}") for i in range(1, 13))
    spoken = speech_text(OutgoingMessage("Bitte wählen.", buttons), "en")
    assert "ten, Option 10." in spoken
    assert "11, Option 11." in spoken
