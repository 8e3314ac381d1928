"""What the council answers share: finding the Ortsbeiräte asked about, and meetings in words.

The questions themselves are in `council_questions.py`. The council talked about stays in the slot
`council` (its id, or ids for a district group such as Dierkow), so "Was steht auf der
Tagesordnung?" after "Wann tagt der Ortsbeirat Dierkow?" needs no district. Without any council in
sight an action asks for the district and remembers the question in `council_pending`; the district
or location that follows answers it (`council_resume.py`).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import spoken, texts
from actions.addresses import find_address
from actions.cityapi_client import CityApiClient, CityApiNotFound, Json
from actions.common import CityDataAction, as_float, intent_payload, latest_entity
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
    address: Optional[str] = None  # the address the citizen gave, as the address search wrote it

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
    # "Welcher Ortsbeirat ist für die Holbeinplatz 14 zuständig?": the address's point
    address = await find_address(client, str(tracker.latest_message.get("text") or ""))
    if address is not None:
        page = await client.councils(kind="ortsbeirat", lat=address["lat"], lon=address["lon"])
        return Councils(
            items=list(page.get("items") or []),
            location=page.get("location"),
            address=f"{address.get('street')} {address.get('house_number')}",
        )
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
