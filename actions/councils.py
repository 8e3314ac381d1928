"""The Ortsbeiräte: which one serves a person, its next meeting, agenda, room and Ortsamt.

The council talked about stays in the slot `council` (its id, or ids for a district group such as
Dierkow), so "Was steht auf der Tagesordnung?" after "Wann tagt der Ortsbeirat Dierkow?" needs no
district. Without any council in sight the action asks for the district and remembers the question
in `council_pending`; the district or location that follows answers it (`action_council_resume`).
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Text, cast

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import spoken, texts
from actions.cityapi_client import CityApiClient, CityApiNotFound, CityApiRejected, Json
from actions.clarify import ActionClarify
from actions.common import CityDataAction, as_float, intent_payload, latest_entity
from actions.places import ActionFindPlaces
from actions.timeexpr import BERLIN

logger = logging.getLogger(__name__)

COUNCIL_SLOT = "council"
PENDING_SLOT = "council_pending"
# how far ahead meetings are looked for: Ortsbeiräte meet about monthly, with a summer break
AHEAD = timedelta(days=180)
MAX_MEETINGS = 10
QUESTION_TIME_WORDS = ("einwohnerfragestunde", "einwohnerfrage", "bürgerfragestunde")


@dataclass(frozen=True)
class Councils:
    """The Ortsbeiräte a question is about, and how they were found."""

    items: List[Json]
    district: Optional[str] = None  # the district named, when it was named
    location: Optional[Json] = None  # {"district", "ortsteil"} of a shared location

    @property
    def ids(self) -> str:
        """The ids as the slot and button payloads keep them: "16" or "16,17"."""
        return ",".join(str(c["id"]) for c in self.items)


def _ids(value: Any) -> List[int]:
    ids = []
    for part in str(value or "").split(","):
        if part.strip().isdigit():
            ids.append(int(part.strip()))
    return ids


async def find_councils(tracker: Tracker, client: CityApiClient) -> Optional[Councils]:
    """A district named now beats a shared location, which beats the council talked about."""
    district = latest_entity(tracker, "district")
    if district is not None:
        page = await client.councils(kind="ortsbeirat", district=str(district))
        return Councils(items=list(page.get("items") or []), district=str(district))
    lat = as_float(latest_entity(tracker, "latitude"))
    lon = as_float(latest_entity(tracker, "longitude"))
    if lat is not None and lon is not None:
        page = await client.councils(kind="ortsbeirat", lat=lat, lon=lon)
        return Councils(items=list(page.get("items") or []), location=page.get("location"))
    ids = _ids(latest_entity(tracker, COUNCIL_SLOT)) or _ids(tracker.get_slot(COUNCIL_SLOT))
    if not ids:
        return None
    items = []
    for council_id in ids:
        try:
            items.append(await client.council(council_id))
        except CityApiNotFound:
            logger.info("council %s from the conversation is gone", council_id)
    return Councils(items=items) if items else None


def moment(value: Any) -> Optional[datetime]:
    """An ISO 8601 time from the city data API in Europe/Berlin, or None."""
    try:
        return datetime.fromisoformat(str(value)).astimezone(BERLIN) if value else None
    except ValueError:
        return None


def when_words(language: str, start: datetime, now: datetime) -> str:
    """ "heute um 18 Uhr 30", "morgen um …", "am Donnerstag, 3. Dezember, um …"."""
    time = spoken.clock(language, start)
    days = (start.date() - now.date()).days
    if days == 0:
        return texts.text(language, "when_today", time=time)
    if days == 1:
        return texts.text(language, "when_tomorrow", time=time)
    return texts.text(
        language, "when_day", day=spoken.day(language, start.date(), now.date()), time=time
    )


def place_words(language: str, meeting: Json) -> str:
    """ "Ort: Ortsamt Nordost, Beratungsraum, Kurt-Schumacher-Ring 60 b, 18146 Rostock."."""
    location = meeting.get("location") or {}
    where = ", ".join(str(p) for p in (location.get("name"), location.get("address")) if p)
    if not where:
        return texts.text(language, "council_place_unknown")
    return texts.text(language, "council_place", place=where)


def room_access_words(language: str, meeting: Json) -> str:
    """The meeting room's accessibility in a sentence or two."""
    location = meeting.get("location") or {}
    wheelchair = location.get("wheelchair")
    if wheelchair not in ("yes", "limited", "no"):
        wheelchair = "unknown"
    notes = str(location.get("accessibility_notes") or "").strip().rstrip(".")
    if wheelchair == "limited" and notes:
        return texts.text(language, "council_room_limited_notes", notes=notes)
    sentence = texts.text(language, f"council_room_{wheelchair}")
    if notes:
        sentence += " " + texts.text(language, "council_room_notes", notes=notes)
    return sentence


def question_time_item(meeting: Json) -> Optional[Json]:
    """The agenda item of the residents' question time, if the meeting has one."""
    for item in meeting.get("agenda") or []:
        title = str(item.get("title") or "").casefold()
        if any(word in title for word in QUESTION_TIME_WORDS):
            return item
    return None


def council_buttons(language: str, councils: Councils, *intents: str) -> List[Dict[str, str]]:
    """Buttons for the follow-up questions, keeping the council in the payload."""
    return [
        {
            "title": texts.text(language, f"council_button_{intent}"),
            "payload": intent_payload(intent, {COUNCIL_SLOT: councils.ids}),
        }
        for intent in intents
    ]


class CouncilAction(CityDataAction):
    """A question about Ortsbeiräte: finds them, or asks for the district first."""

    # the intent this action answers, remembered while the district is asked for
    intent = ""

    async def answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        language: str,
        client: CityApiClient,
    ) -> List[Dict[Text, Any]]:
        """Find the councils, answer about them and keep them in the conversation."""
        try:
            councils = await find_councils(tracker, client)
        except CityApiNotFound:  # a shared location outside Rostock
            dispatcher.utter_message(text=texts.text(language, "council_outside"))
            return [SlotSet(PENDING_SLOT, None)]
        if councils is None:
            dispatcher.utter_message(text=texts.text(language, "council_ask_district"))
            return [SlotSet(PENDING_SLOT, self.intent)]
        return await self.respond(dispatcher, language, client, councils)

    async def respond(
        self,
        dispatcher: CollectingDispatcher,
        language: str,
        client: CityApiClient,
        councils: Councils,
    ) -> List[Dict[Text, Any]]:
        """Answer about the councils found, keeping them for follow-up questions."""
        if not councils.items:
            dispatcher.utter_message(
                text=texts.text(language, "council_none", district=councils.district or "")
            )
            return [SlotSet(PENDING_SLOT, None)]
        await self.about(dispatcher, language, client, councils)
        return [SlotSet(COUNCIL_SLOT, councils.ids), SlotSet(PENDING_SLOT, None)]

    async def about(
        self,
        dispatcher: CollectingDispatcher,
        language: str,
        client: CityApiClient,
        councils: Councils,
    ) -> None:
        """Answer the question about these councils (one or a district group)."""
        raise NotImplementedError

    async def upcoming(self, client: CityApiClient, council: Json) -> List[Json]:
        """The council's meetings from now on (cancelled ones included), with agendas."""
        now = self.now()
        page = await client.meetings(
            council=int(council["id"]),
            from_=now.isoformat(),
            to=(now + AHEAD).isoformat(),
            limit=MAX_MEETINGS,
        )
        return list(page.get("items") or [])

    def cancelled_words(self, language: str, meetings: List[Json]) -> List[str]:
        """ "Die Sitzung am … fällt aus." for each cancelled meeting before the next one held."""
        sentences = []
        for meeting in meetings:
            if not meeting.get("cancelled"):
                break
            start = moment(meeting.get("start"))
            if start is not None:
                when = spoken.day(language, start.date(), self.now().date())
                sentences.append(texts.text(language, "council_cancelled", day=when))
        return sentences


def next_held(meetings: List[Json]) -> Optional[Json]:
    """The first meeting that is not cancelled."""
    return next((m for m in meetings if not m.get("cancelled")), None)


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
            dispatcher.utter_message(text=texts.text(language, "council_location", place=place))
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


def ask_which(
    dispatcher: CollectingDispatcher, language: str, councils: Councils, intent: str
) -> None:
    """For a district group: which of its councils, as buttons."""
    buttons = [
        {
            "title": str(c.get("name")),
            "payload": intent_payload(intent, {COUNCIL_SLOT: str(c["id"])}),
        }
        for c in councils.items
    ]
    names = texts.word_list(language, [str(c.get("name")) for c in councils.items])
    dispatcher.utter_message(
        text=texts.text(
            language,
            "council_which",
            count=texts.count_word(language, len(councils.items)),
            names=names,
        ),
        buttons=buttons,
    )


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
            if found is None:
                key = "council_question_time_none_phone" if phone else "council_question_time_none"
                dispatcher.utter_message(
                    text=texts.text(language, key, name=council["name"], phone=phone)
                )
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
            dispatcher.utter_message(text=" ".join(sentences))


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


# words around a district name in an answer to "Für welchen Stadtteil?" ("ich wohne in der …")
_FILLER = re.compile(
    r"^(?:(?:ich|wir|wohne|wohnen|lebe|leben|in|im|der|die|dem|den|stadtteil|ortsteil|"
    r"i|we|live|in|the|district|of)\s+)+",
    re.IGNORECASE,
)


def district_words(tracker: Tracker) -> Optional[str]:
    """What the latest message may name as a district: the district or place name heard, else
    the words themselves ("Lütten Klein" is often heard as a place name, or not at all)."""
    for name in ("district", "place_name"):
        value = latest_entity(tracker, name)
        if value is not None:
            return str(value)
    text = str(tracker.latest_message.get("text") or "").strip()
    if not text or text.startswith("/") or len(text) > 60:
        return None
    words = _FILLER.sub("", re.sub(r"[^\w\s/-]", " ", text).strip())
    return words or None


class ActionCouncilResume(CityDataAction):
    """After "Für welchen Stadtteil?": the district or location that follows answers the question.

    A message that names no district of Rostock is something else after all: a place search
    when it names a kind of place, the "did you mean" buttons when it was not understood, else
    the district is asked for once more.
    """

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_council_resume"

    async def answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        language: str,
        client: CityApiClient,
    ) -> List[Dict[Text, Any]]:
        """Answer the remembered council question, or hand the message on."""
        pending_class = COUNCIL_ACTIONS.get(str(tracker.get_slot(PENDING_SLOT) or ""))
        place_type = latest_entity(tracker, "place_type")
        if pending_class is not None and place_type is None:
            pending = pending_class(client, self._now)
            lat = as_float(latest_entity(tracker, "latitude"))
            if lat is not None or latest_entity(tracker, "district") is not None:
                return await pending.answer(dispatcher, tracker, language, client)
            words = district_words(tracker)
            if words:
                try:
                    page = await client.councils(kind="ortsbeirat", district=words)
                except CityApiRejected:
                    page = {}
                if page.get("items"):
                    councils = Councils(items=list(page["items"]), district=words)
                    return await pending.respond(dispatcher, language, client, councils)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "nlu_fallback":
            # the domain is not needed to offer the likeliest intents
            events = await ActionClarify().run(dispatcher, tracker, cast(DomainDict, {}))
        elif place_type is not None or pending_class is None:
            events = await ActionFindPlaces(client, self._now).answer(
                dispatcher, tracker, language, client
            )
        else:
            dispatcher.utter_message(text=texts.text(language, "council_ask_district_again"))
            return []
        return [SlotSet(PENDING_SLOT, None), *events]
