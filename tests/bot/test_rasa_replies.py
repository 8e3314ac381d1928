from bot.assistant.rasa import replies_from_rasa
from bot.core.messages import Button


def test_texts_buttons_and_the_language_switch_are_mapped() -> None:
    raw = [
        {"recipient_id": "p", "text": "Okay, I will answer in English."},
        {"recipient_id": "p", "custom": {"language": "en"}},
        {
            "recipient_id": "p",
            "text": "Did you mean:",
            "buttons": [
                {"title": "Places", "payload": "/ask_place"},
                {"title": "Events", "payload": "/ask_event"},
            ],
        },
    ]
    messages, language = replies_from_rasa(raw)
    assert language == "en"
    assert [m.text for m in messages] == ["Okay, I will answer in English.", "Did you mean:"]
    assert messages[1].buttons == (Button("Places", "/ask_place"), Button("Events", "/ask_event"))


def test_unknown_custom_data_stays_with_the_answer_and_junk_is_ignored() -> None:
    raw = [
        {"recipient_id": "p", "text": "Hier ist der Ort."},
        {"recipient_id": "p", "custom": {"place_id": 17, "language": "fr"}},
        {"recipient_id": "p", "buttons": "not a list"},
        "not a dict",  # type: ignore[list-item]
    ]
    messages, language = replies_from_rasa(raw)  # type: ignore[arg-type]
    assert language is None
    assert len(messages) == 1
    assert messages[0].custom == {"place_id": 17}
