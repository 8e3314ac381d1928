"""The council questions: which Ortsbeirat, next meeting, agenda, room, Ortsamt, question time."""

from typing import Any, Dict, List, Text

from rasa_sdk.executor import CollectingDispatcher

from actions import texts
from actions.cityapi_client import CityApiClient
from actions.common import intent_payload
from actions.councils import (
    CouncilAction,
    Councils,
    ask_which,
    council_buttons,
    moment,
    next_held,
    place_words,
    question_time_item,
    room_access_words,
    when_words,
)


class ActionFindCouncil(CouncilAction):
    """Which Ortsbeirat serves a district or a shared location."""

    intent = "ask_council"

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_find_council"

    async def about(
        self,
        dispatcher: CollectingDispatcher,
        language: str,
        client: CityApiClient,
        councils: Councils,
    ) -> None:
        """Name the council(s), their area and next meeting; offer the follow-ups."""
        items = councils.items
        if councils.location:
            place = councils.location.get("ortsteil") or councils.location.get("district")
            key, address = "council_location", councils.address
            if address:
                key = "council_address"
            dispatcher.utter_message(
                text=texts.text(language, key, place=place, address=address or "")
            )
        if len(items) > 1:
            parts = [
                texts.text(
                    language,
                    "council_group_part",
                    name=c.get("name"),
                    area=texts.word_list(language, list(c.get("districts") or [])),
                )
                for c in items
            ]
            dispatcher.utter_message(
                text=texts.text(
                    language,
                    "council_group",
                    district=councils.district or "",
                    count=texts.count_word(language, len(items)),
                    parts=texts.word_list(language, parts),
                )
            )
        for council in items:
            sentences = []
            if len(items) == 1:
                sentences.append(texts.text(language, "council_responsible", name=council["name"]))
                ortsteile = list(council.get("ortsteile") or [])
                if len(ortsteile) > 1:
                    area = texts.word_list(language, ortsteile)
                    sentences.append(texts.text(language, "council_area", area=area))
            meeting = next_held(await self.upcoming(client, council))
            start = moment(meeting.get("start")) if meeting else None
            if start is not None:
                when = when_words(language, start, self.now())
                key = "council_next" if len(items) == 1 else "council_next_named"
                sentences.append(texts.text(language, key, name=council["name"], when=when))
            dispatcher.utter_message(text=" ".join(sentences))
        buttons = council_buttons(
            language, councils, "ask_council_meeting", "ask_council_agenda", "ask_council_contact"
        )
        dispatcher.utter_message(text=texts.text(language, "council_more"), buttons=buttons)


class ActionCouncilMeeting(CouncilAction):
    """When and where the council meets next, how accessible, and whether it is public."""

    intent = "ask_council_meeting"

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_council_meeting"

    async def about(
        self,
        dispatcher: CollectingDispatcher,
        language: str,
        client: CityApiClient,
        councils: Councils,
    ) -> None:
        """One message per council: day and time in words, place, room, public, question time."""
        if len(councils.items) > 1:
            dispatcher.utter_message(
                text=texts.text(
                    language,
                    "council_group_short",
                    district=councils.district or "",
                    count=texts.count_word(language, len(councils.items)),
                )
            )
        for council in councils.items:
            meetings = await self.upcoming(client, council)
            sentences = self.cancelled_words(language, meetings)
            meeting = next_held(meetings)
            start = moment(meeting.get("start")) if meeting else None
            if meeting is None or start is None:
                sentences.append(texts.text(language, "council_no_meeting", name=council["name"]))
                dispatcher.utter_message(text=" ".join(sentences))
                continue
            when = when_words(language, start, self.now())
            sentences.append(texts.text(language, "council_meets", name=council["name"], when=when))
            sentences.append(place_words(language, meeting))
            sentences.append(room_access_words(language, meeting))
            if meeting.get("public") is False:
                sentences.append(texts.text(language, "council_not_public"))
            elif meeting.get("public") is True:
                sentences.append(texts.text(language, "council_public"))
            item = question_time_item(meeting)
            if item is not None:
                sentences.append(
                    texts.text(language, "council_question_time_item", number=item.get("number"))
                )
            dispatcher.utter_message(text=" ".join(sentences))
        buttons = council_buttons(language, councils, "ask_council_agenda", "ask_council_contact")
        dispatcher.utter_message(text=texts.text(language, "council_more"), buttons=buttons)


class ActionCouncilAgenda(CouncilAction):
    """The public agenda of the council's next meeting."""

    intent = "ask_council_agenda"

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_council_agenda"

    async def about(
        self,
        dispatcher: CollectingDispatcher,
        language: str,
        client: CityApiClient,
        councils: Councils,
    ) -> None:
        """A heading with council and day, then the public items; a group is asked to choose."""
        if len(councils.items) > 1:
            ask_which(dispatcher, language, councils, self.intent)
            return
        council = councils.items[0]
        meetings = await self.upcoming(client, council)
        sentences = self.cancelled_words(language, meetings)
        meeting = next_held(meetings)
        start = moment(meeting.get("start")) if meeting else None
        if meeting is None or start is None:
            sentences.append(texts.text(language, "council_no_meeting", name=council["name"]))
            dispatcher.utter_message(text=" ".join(sentences))
            return
        when = when_words(language, start, self.now())
        sentences.append(
            texts.text(language, "council_agenda_heading", name=council["name"], when=when)
        )
        items = list(meeting.get("agenda") or [])
        public = [i for i in items if i.get("public") is not False]
        if not items:
            sentences.append(texts.text(language, "council_agenda_unpublished"))
        dispatcher.utter_message(text=" ".join(sentences))
        if public:
            lines = [
                texts.text(
                    language, "council_agenda_item", number=i.get("number"), title=i.get("title")
                )
                for i in public
            ]
            dispatcher.utter_message(text="\n".join(lines))
        if len(public) < len(items):
            dispatcher.utter_message(text=texts.text(language, "council_agenda_closed_part"))
        item = question_time_item(meeting)
        buttons = council_buttons(language, councils, "ask_council_access", "ask_council_contact")
        if item is not None:
            text = texts.text(language, "council_question_time_how")
            dispatcher.utter_message(text=text, buttons=buttons)
        else:
            dispatcher.utter_message(text=texts.text(language, "council_more"), buttons=buttons)


class ActionCouncilAccess(CouncilAction):
    """Whether the room of the council's next meeting is accessible."""

    intent = "ask_council_access"

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_council_access"

    async def about(
        self,
        dispatcher: CollectingDispatcher,
        language: str,
        client: CityApiClient,
        councils: Councils,
    ) -> None:
        """Per council: the next meeting's place and room, and whom to ask for help."""
        for council in councils.items:
            meeting = next_held(await self.upcoming(client, council))
            start = moment(meeting.get("start")) if meeting else None
            if meeting is None or start is None:
                dispatcher.utter_message(
                    text=texts.text(language, "council_no_meeting", name=council["name"])
                )
                continue
            when = when_words(language, start, self.now())
            sentences = [
                texts.text(language, "council_meets", name=council["name"], when=when),
                place_words(language, meeting),
                room_access_words(language, meeting),
            ]
            phone = (council.get("office") or {}).get("phone")
            if phone:
                sentences.append(texts.text(language, "council_access_help", phone=phone))
            dispatcher.utter_message(text=" ".join(sentences))


class ActionCouncilContact(CouncilAction):
    """How to reach the Ortsamt that serves the council."""

    intent = "ask_council_contact"

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_council_contact"

    async def about(
        self,
        dispatcher: CollectingDispatcher,
        language: str,
        client: CityApiClient,
        councils: Councils,
    ) -> None:
        """The Ortsamt's name, address, phone, e-mail and web page; one per office."""
        seen = set()
        for council in councils.items:
            office = council.get("office") or {}
            if not office.get("name"):
                dispatcher.utter_message(
                    text=texts.text(language, "council_office_unknown", name=council["name"])
                )
                continue
            if office["name"] in seen:
                continue
            seen.add(office["name"])
            served = [
                c["name"]
                for c in councils.items
                if (c.get("office") or {}).get("name") == office["name"]
            ]
            sentences = [
                texts.text(
                    language,
                    "council_office",
                    office=office["name"],
                    names=texts.word_list(language, served),
                )
            ]
            for field in ("address", "phone", "email", "url"):
                if office.get(field):
                    sentences.append(
                        texts.text(language, f"council_office_{field}", value=office[field])
                    )
            dispatcher.utter_message(text=" ".join(sentences))


class ActionCouncilQuestionTime(CouncilAction):
    """When the next residents' question time is and how to take part."""

    intent = "ask_council_question_time"

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_council_question_time"

    async def about(
        self,
        dispatcher: CollectingDispatcher,
        language: str,
        client: CityApiClient,
        councils: Councils,
    ) -> None:
        """Per council: the next meeting with an Einwohnerfragestunde, and how to take part."""
        for council in councils.items:
            meetings = [m for m in await self.upcoming(client, council) if not m.get("cancelled")]
            found = next(
                ((m, question_time_item(m)) for m in meetings if question_time_item(m)), None
            )
            phone = (council.get("office") or {}).get("phone") or ""
            note = texts.text(language, "council_question_note", name=council["name"])
            buttons = note_question_buttons(language, council)
            if found is None:
                key = "council_question_time_none_phone" if phone else "council_question_time_none"
                said = texts.text(language, key, name=council["name"], phone=phone)
                dispatcher.utter_message(text=f"{said} {note}", buttons=buttons)
                continue
            meeting, item = found
            start = moment(meeting.get("start"))
            if start is None:
                continue
            sentences = [
                texts.text(
                    language,
                    "council_question_time",
                    name=council["name"],
                    when=when_words(language, start, self.now()),
                    number=(item or {}).get("number"),
                ),
                place_words(language, meeting),
                texts.text(language, "council_question_time_how"),
            ]
            if phone:
                sentences.append(texts.text(language, "council_question_time_office", phone=phone))
            sentences.append(note)
            dispatcher.utter_message(text=" ".join(sentences), buttons=buttons)


def note_question_buttons(language: str, council: Dict[str, Any]) -> List[Dict[str, str]]:
    """A button that starts an idea addressed to this council (filed through Open311)."""
    name = str(council.get("name") or "")
    # the council as the idea names it: "Ortsbeirat Dierkow" is the council of "Dierkow"
    area = name.removeprefix("Ortsbeirat").strip()
    if not area:
        return []
    payload = intent_payload("submit_idea", {"district": area, "report_part": "council"})
    title = texts.text(language, "council_question_note_button", name=name)
    return [{"title": title, "payload": payload}]


COUNCIL_ACTIONS = {
    cls.intent: cls
    for cls in (
        ActionFindCouncil,
        ActionCouncilMeeting,
        ActionCouncilAgenda,
        ActionCouncilAccess,
        ActionCouncilContact,
        ActionCouncilQuestionTime,
    )
}
