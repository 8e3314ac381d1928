"""Ortsbeiräte in conversation: which one, when it meets, its agenda, room, Ortsamt, question time.

The sample (imported for 27 November 2026, see conftest.SAMPLE_TODAY) gives every Ortsbeirat
meetings in the following weeks; the expected days below are the sample's, read from the city
data API where a test depends on more than one of them.
"""

from datetime import datetime
from typing import Any

from actions.cityapi_client import CityApiClient
from actions.council_questions import (
    ActionCouncilAccess,
    ActionCouncilAgenda,
    ActionCouncilContact,
    ActionCouncilMeeting,
    ActionCouncilQuestionTime,
    ActionFindCouncil,
)
from actions.council_resume import ActionCouncilResume
from actions.councils import CouncilAction
from actions.timeexpr import BERLIN
from builders import Answer, make_tracker, run_action

FRIDAY_MORNING = datetime(2026, 11, 27, 10, 0, tzinfo=BERLIN)
DIERKOW_NEU = "16"
DIERKOW_GROUP = "16,17"
# a point in Dierkow-Neu, and one in the Baltic Sea
IN_DIERKOW_NEU = {"latitude": 54.105, "longitude": 12.16}
AT_SEA = {"latitude": 54.3, "longitude": 12.0}


async def ask(
    action_class: type[CouncilAction],
    client: CityApiClient,
    now: datetime = FRIDAY_MORNING,
    **tracker_args: Any,
) -> Answer:
    action = action_class(client, now=lambda: now)
    return await run_action(action, make_tracker(intent=action.intent, **tracker_args))


def slot(answer: Answer, name: str) -> Any:
    values = [e["value"] for e in answer.events if e.get("event") == "slot" and e["name"] == name]
    assert values, f"slot {name} not set"
    return values[-1]


async def test_the_council_of_a_named_district_is_named_with_its_next_meeting(
    client: CityApiClient,
) -> None:
    answer = await ask(ActionFindCouncil, client, entities={"district": "Südstadt"})

    assert answer.texts[0] == (
        "Zuständig ist der Ortsbeirat Südstadt. "
        "Die nächste Sitzung ist am Donnerstag, 17. Dezember, um 18 Uhr 30."
    )
    assert answer.texts[-1] == "Was möchten Sie noch wissen?"
    assert [b["title"] for b in answer.buttons] == [
        "Nächste Sitzung",
        "Tagesordnung",
        "Ortsamt erreichen",
    ]
    assert answer.buttons[1]["payload"] == '/ask_council_agenda{"council": "12"}'
    assert slot(answer, "council") == "12"  # kept for the follow-up questions


async def test_a_council_of_several_ortsteile_says_which_it_represents(
    client: CityApiClient,
) -> None:
    answer = await ask(ActionFindCouncil, client, entities={"district": "Rostock-Heide"})

    assert answer.texts[0].startswith(
        "Zuständig ist der Ortsbeirat Seebad Markgrafenheide, Seebad Hohe Düne, Hinrichshagen, "
        "Wiethagen, Torfbrücke. Er vertritt Seebad Markgrafenheide, Seebad Hohe Düne, "
        "Hinrichshagen, Wiethagen und Torfbrücke. Die nächste Sitzung ist am Dienstag, "
        "8. Dezember"
    )


async def test_a_shared_location_finds_the_council_of_that_place(client: CityApiClient) -> None:
    answer = await ask(ActionFindCouncil, client, entities=IN_DIERKOW_NEU)

    assert answer.texts[0] == "Ihr Standort liegt in Dierkow-Neu."
    assert answer.texts[1].startswith("Zuständig ist der Ortsbeirat Dierkow-Neu.")
    assert slot(answer, "council") == DIERKOW_NEU


async def test_a_location_outside_rostock_is_said_so(client: CityApiClient) -> None:
    answer = await ask(ActionFindCouncil, client, entities=AT_SEA)

    assert answer.texts == [
        "Dieser Standort liegt nicht in Rostock. Bitte nennen Sie einen Stadtteil von Rostock."
    ]


async def test_without_a_district_the_assistant_asks_for_it_and_remembers_the_question(
    client: CityApiClient,
) -> None:
    answer = await ask(ActionFindCouncil, client, text="Welcher Ortsbeirat ist für mich zuständig?")

    assert answer.texts == [
        "Für welchen Stadtteil möchten Sie das wissen? Nennen Sie Ihren Stadtteil, "
        "zum Beispiel Südstadt, oder teilen Sie Ihren Standort."
    ]
    assert slot(answer, "council_pending") == "ask_council"


async def test_the_district_named_next_answers_the_waiting_question(
    client: CityApiClient,
) -> None:
    tracker = make_tracker(
        intent="ask_place",
        entities={"district": "Dierkow-Neu"},
        slots={"council_pending": "ask_council_meeting"},
    )
    answer = await run_action(ActionCouncilResume(client, now=lambda: FRIDAY_MORNING), tracker)

    assert answer.texts[0].startswith("Der Ortsbeirat Dierkow-Neu tagt als Nächstes am Donnerstag")
    assert slot(answer, "council_pending") is None


async def test_a_place_search_after_the_council_question_is_a_place_search(
    client: CityApiClient,
) -> None:
    tracker = make_tracker(
        intent="ask_place",
        entities={"place_type": "library", "district": "Südstadt"},
        slots={"council_pending": "ask_council"},
    )
    answer = await run_action(ActionCouncilResume(client, now=lambda: FRIDAY_MORNING), tracker)

    assert answer.texts[0] == "Bibliotheken im Stadtteil Südstadt: 2 Treffer."
    assert slot(answer, "council_pending") is None


async def test_a_district_group_answers_for_both_of_its_councils(client: CityApiClient) -> None:
    answer = await ask(ActionCouncilMeeting, client, entities={"district": "Dierkow"})

    assert answer.texts[0] == "Für Dierkow gibt es zwei Ortsbeiräte."
    assert answer.texts[1] == (
        "Der Ortsbeirat Dierkow-Neu tagt als Nächstes am Donnerstag, 3. Dezember, um 18 Uhr 30. "
        "Ort: Ortsamt Nordost, Beratungsraum, Kurt-Schumacher-Ring 60 b, 18146 Rostock. "
        "Der Raum ist rollstuhlgerecht. Die Sitzung ist öffentlich. Sie können zuhören. "
        "Auf der Tagesordnung steht eine Einwohnerfragestunde, Punkt 2. "
        "Dort können Sie Ihre Fragen stellen."
    )
    assert answer.texts[2].startswith(
        "Der Ortsbeirat Dierkow-Ost/Dierkow-West tagt als Nächstes am Montag, 7. Dezember, "
        "um 18 Uhr 30."
    )
    assert slot(answer, "council") == DIERKOW_GROUP


async def test_a_meeting_today_is_said_to_be_today(client: CityApiClient) -> None:
    morning = datetime(2026, 12, 3, 9, 0, tzinfo=BERLIN)
    answer = await ask(ActionCouncilMeeting, client, morning, slots={"council": DIERKOW_NEU})

    assert answer.texts[0].startswith(
        "Der Ortsbeirat Dierkow-Neu tagt als Nächstes heute um 18 Uhr 30."
    )


async def test_the_agenda_follows_up_on_the_council_talked_about(client: CityApiClient) -> None:
    answer = await ask(ActionCouncilAgenda, client, slots={"council": DIERKOW_NEU})

    assert answer.texts[0] == (
        "Tagesordnung: Ortsbeirat Dierkow-Neu, Sitzung am Donnerstag, 3. Dezember, um 18 Uhr 30."
    )
    items = answer.texts[1].split("\n")
    assert items[:2] == [
        "Punkt 1: Eröffnung, Feststellung der Beschlussfähigkeit und der Tagesordnung.",
        "Punkt 2: Einwohnerfragestunde.",
    ]
    assert len(items) == 6
    assert "Grundstücksangelegenheiten" not in answer.text  # not public
    assert answer.texts[2] == "Danach folgt ein nicht öffentlicher Teil."
    assert answer.texts[3].startswith("So nehmen Sie teil: Kommen Sie zur Sitzung.")


async def test_the_agenda_of_a_district_group_asks_which_council(client: CityApiClient) -> None:
    answer = await ask(ActionCouncilAgenda, client, slots={"council": DIERKOW_GROUP})

    assert answer.texts == [
        "Es gibt zwei Ortsbeiräte: Ortsbeirat Dierkow-Neu und Ortsbeirat Dierkow-Ost/Dierkow-West. "
        "Welchen meinen Sie?"
    ]
    assert [b["payload"] for b in answer.buttons] == [
        '/ask_council_agenda{"council": "16"}',
        '/ask_council_agenda{"council": "17"}',
    ]


async def test_a_cancelled_meeting_is_said_to_be_cancelled(client: CityApiClient) -> None:
    # Lichtenhagen's last sample meeting (13 January 2027) is cancelled
    after_december = datetime(2026, 12, 17, 10, 0, tzinfo=BERLIN)
    answer = await ask(
        ActionCouncilMeeting, client, after_december, entities={"district": "Lichtenhagen"}
    )

    assert answer.texts[0] == (
        "Die Sitzung am Mittwoch, 13. Januar 2027 fällt aus. "
        "Für den Ortsbeirat Lichtenhagen ist in den nächsten sechs Monaten keine Sitzung "
        "angekündigt."
    )


async def test_a_meeting_without_place_and_agenda_yet_says_what_is_not_known(
    client: CityApiClient,
) -> None:
    # Schmarl's meeting of 30 December comes without place and agenda in the sample
    after_its_last = datetime(2026, 12, 3, 10, 0, tzinfo=BERLIN)
    meeting = await ask(ActionCouncilMeeting, client, after_its_last, slots={"council": "7"})
    agenda = await ask(ActionCouncilAgenda, client, after_its_last, slots={"council": "7"})

    assert meeting.texts[0] == (
        "Der Ortsbeirat Schmarl tagt als Nächstes am Mittwoch, 30. Dezember, um 18 Uhr 30. "
        "Der Ort ist noch nicht bekannt. "
        "Zur Barrierefreiheit des Raums liegen keine Angaben vor."
    )
    assert agenda.texts[0].endswith("Die Tagesordnung ist noch nicht veröffentlicht.")


async def test_the_room_says_how_accessible_it_is_and_whom_to_ask(client: CityApiClient) -> None:
    answer = await ask(ActionCouncilAccess, client, entities={"district": "Warnemünde"})

    assert answer.texts == [
        "Der Ortsbeirat Seebad Warnemünde/Seebad Diedrichshagen tagt als Nächstes am Montag, "
        "30. November, um 18 Uhr 30. "
        "Ort: Ortsamt Nordwest 1, Beratungsraum, Warnowallee 16 b, 18107 Rostock. "
        "Der Raum ist eingeschränkt rollstuhlgerecht: Eine Stufe (etwa 5 cm) am Eingang, "
        "Rampe auf Nachfrage. "
        "Wenn Sie Unterstützung brauchen, melden Sie sich vorher beim Ortsamt, "
        "Telefon +49 381 381-0."
    ]


async def test_the_ortsamt_of_a_district_group_is_named_once(client: CityApiClient) -> None:
    answer = await ask(ActionCouncilContact, client, entities={"district": "Dierkow"})

    assert answer.texts == [
        "Ortsamt Nordost, zuständig für Ortsbeirat Dierkow-Neu und "
        "Ortsbeirat Dierkow-Ost/Dierkow-West. "
        "Adresse: Kurt-Schumacher-Ring 60 b, 18146 Rostock. Telefon: +49 381 381-0. "
        "E-Mail: buergerservice@rostock.de. Internet: https://rathaus.rostock.de."
    ]


async def test_question_time_says_when_and_how_to_take_part(client: CityApiClient) -> None:
    answer = await ask(ActionCouncilQuestionTime, client, entities={"district": "Südstadt"})

    assert answer.texts == [
        "Die nächste Einwohnerfragestunde im Ortsbeirat Südstadt ist am Donnerstag, "
        "17. Dezember, um 18 Uhr 30, als Punkt 2 der Tagesordnung. "
        "Ort: Ortsamt Südwest, Beratungsraum, Ziolkowskistraße 28, 18059 Rostock. "
        "So nehmen Sie teil: Kommen Sie zur Sitzung. In der Einwohnerfragestunde können "
        "Einwohnerinnen und Einwohner ihre Fragen an den Ortsbeirat stellen. "
        "Fragen zur Teilnahme beantwortet das Ortsamt, Telefon +49 381 381-0. "
        "Sie können mir Ihre Frage oder Idee auch jetzt sagen: Ich gebe sie an die Stadt "
        "und den Ortsbeirat Südstadt weiter."
    ]
    assert [b["title"] for b in answer.buttons] == ["Frage an den Ortsbeirat Südstadt"]


async def test_english_speakers_get_the_meeting_in_english(client: CityApiClient) -> None:
    answer = await ask(
        ActionCouncilMeeting, client, language="en", entities={"district": "Dierkow-Neu"}
    )

    assert answer.texts[0].startswith(
        "The Ortsbeirat Dierkow-Neu meets next on Thursday, 3 December, at 6:30 pm. "
        "Place: Ortsamt Nordost, Beratungsraum"
    )
    assert "The room is wheelchair accessible. The meeting is public." in answer.texts[0]
    assert [b["title"] for b in answer.buttons] == ["Agenda", "Contact the local office"]


async def test_an_unknown_district_asks_for_a_district_of_rostock(client: CityApiClient) -> None:
    answer = await ask(ActionCouncilMeeting, client, entities={"district": "Atlantis"})

    assert answer.texts == [
        "Diesen Stadtteil kenne ich nicht. Bitte nennen Sie einen Stadtteil von Rostock, "
        "zum Beispiel Südstadt oder Warnemünde."
    ]


async def test_without_the_city_data_api_the_assistant_apologises(
    down_client: CityApiClient,
) -> None:
    answer = await ask(ActionCouncilMeeting, down_client, entities={"district": "Südstadt"})

    assert answer.texts == [
        "Ich kann die Daten der Stadt gerade nicht abrufen. "
        "Bitte versuchen Sie es in ein paar Minuten noch einmal."
    ]
    assert answer.events == []


async def test_a_district_heard_only_as_words_answers_the_waiting_question(
    client: CityApiClient,
) -> None:
    # "Lütten Klein" on its own is often not heard as a district, or heard as a place name
    for entities, text in (({}, "ich wohne in Lütten Klein"), ({"place_name": "Lütten Klein"}, "")):
        tracker = make_tracker(
            intent="nlu_fallback",
            entities=entities,
            text=text,
            slots={"council_pending": "ask_council"},
        )
        answer = await run_action(ActionCouncilResume(client, now=lambda: FRIDAY_MORNING), tracker)

        assert answer.texts[0].startswith("Zuständig ist der Ortsbeirat Lütten Klein."), (
            answer.texts
        )
        assert slot(answer, "council") == "5"


async def test_words_that_name_no_district_are_not_taken_for_one(client: CityApiClient) -> None:
    not_understood = make_tracker(
        intent="nlu_fallback",
        text="ja nein",
        slots={"council_pending": "ask_council"},
        intent_ranking=[
            {"name": "nlu_fallback", "confidence": 0.7},
            {"name": "affirm", "confidence": 0.4},
            {"name": "deny", "confidence": 0.35},
        ],
    )
    answer = await run_action(ActionCouncilResume(client), not_understood)
    # affirm and deny are never offered back: the main topics are
    assert answer.texts[0].startswith("Das habe ich leider nicht verstanden.")
    assert slot(answer, "council_pending") is None

    unknown = make_tracker(
        intent="ask_place", text="in Atlantis", slots={"council_pending": "ask_council_meeting"}
    )
    answer = await run_action(ActionCouncilResume(client), unknown)
    assert answer.texts[0].startswith("Diesen Stadtteil kenne ich nicht.")
    assert answer.events == []  # still waiting for the district


async def test_a_district_heard_as_a_subscription_still_answers_the_waiting_question(
    client: CityApiClient,
) -> None:
    heard = make_tracker(
        intent="subscribe",
        entities={"place_name": "Lütten Klein"},
        text="Lütten Klein",
        slots={"council_pending": "ask_council"},
    )
    answer = await run_action(ActionCouncilResume(client), heard)
    assert answer.texts[0].startswith("Zuständig ist der Ortsbeirat Lütten Klein.")

    meant = make_tracker(
        intent="subscribe", text="Newsletter bitte", slots={"council_pending": "ask_council"}
    )
    answer = await run_action(ActionCouncilResume(client), meant)
    assert answer.messages[-1]["custom"] == {"subscription": {"action": "subscribe"}}
    assert slot(answer, "council_pending") is None


async def test_an_address_finds_the_council_of_its_district(client: CityApiClient) -> None:
    answer = await ask(
        ActionFindCouncil, client, text="Welcher Ortsbeirat ist für die Holbeinplatz 14 zuständig?"
    )

    assert answer.texts[0] == "Die Adresse Holbeinplatz 14 liegt in Reutershagen."
    assert "Zuständig ist der Ortsbeirat Reutershagen." in answer.texts[1]


async def test_an_address_that_is_not_found_asks_for_the_district(
    client: CityApiClient,
) -> None:
    answer = await ask(
        ActionFindCouncil, client, text="Welcher Ortsbeirat ist für den Atlantisweg 7 zuständig?"
    )

    assert answer.texts[0].startswith("Für welchen Stadtteil möchten Sie das wissen?")
