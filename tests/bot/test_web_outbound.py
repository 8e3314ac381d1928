"""The web chat's outbound port: what the city writes first waits for the person's next visit,
or is pushed over their open event stream (real gateway app, real SQLite database)."""

from __future__ import annotations

import asyncio
import json

from aiohttp.test_utils import TestClient

from bot.app import OUTBOUND, PEOPLE_IDS
from bot.channels.web.routes import ENGINE
from bot.core.messages import Button, Delivered, OutgoingMessage, Recipient, RecipientGone
from bot.store.people import SqlPersonStore

NEWS = OutgoingMessage(
    "Die Stadtbibliothek ist am Montag geschlossen.", buttons=(Button("Mehr", "/help"),)
)


async def web_person(client: TestClient, sender: str) -> Recipient:
    """A person who used the web chat once (the assistant is down: the record exists anyway)."""
    await client.post("/api/chat", json={"sender": sender, "message": "hallo", "lang": "en"})
    assert client.app is not None
    person = await SqlPersonStore(client.app[ENGINE], client.app[PEOPLE_IDS]).find("web", sender)
    assert person is not None
    assert person.chat_id != sender  # the address is stored as a keyed hash
    return Recipient(person.id, "web", person.chat_id, person.language)


async def test_a_message_waits_for_the_next_visit_and_is_shown_once(client: TestClient) -> None:
    assert client.app is not None
    recipient = await web_person(client, "web-away")
    result = await client.app[OUTBOUND]["web"].send(recipient, NEWS)
    assert isinstance(result, Delivered)
    visit = await client.get("/api/chat/messages", params={"sender": "web-away"})
    assert visit.status == 200
    assert (await visit.json())["messages"] == [
        {"text": NEWS.text, "buttons": [{"title": "Mehr", "payload": "/help"}]}
    ]
    again = await client.get("/api/chat/messages", params={"sender": "web-away"})
    assert (await again.json())["messages"] == []


async def test_an_open_event_stream_gets_the_message_pushed_at_once(client: TestClient) -> None:
    assert client.app is not None
    recipient = await web_person(client, "web-here")
    stream = await client.get("/api/chat/events", params={"sender": "web-here"})
    assert stream.status == 200
    assert stream.headers["Content-Type"].startswith("text/event-stream")
    await asyncio.sleep(0.1)  # the stream is listening
    assert isinstance(await client.app[OUTBOUND]["web"].send(recipient, NEWS), Delivered)
    async with asyncio.timeout(5):
        event_id = (await stream.content.readline()).decode().strip().removeprefix("id: ")
        assert await stream.content.readline() == b"event: messages\n"
        data = (await stream.content.readline()).decode()
    assert json.loads(data.removeprefix("data: "))["messages"][0]["text"] == NEWS.text
    stream.close()
    # written to the connection is not yet shown: it stays until the page says it showed it
    outbox = client.app[OUTBOUND]["web"].outbox  # type: ignore[attr-defined]
    assert [m["text"] for _, m in await outbox.waiting(recipient.address)] == [NEWS.text]
    shown = await client.post(
        "/api/chat/messages/received", json={"sender": "web-here", "upto": int(event_id)}
    )
    assert shown.status == 200
    assert await outbox.waiting(recipient.address) == []


async def test_a_push_lost_with_the_connection_comes_again_and_is_not_lost(
    client: TestClient,
) -> None:
    assert client.app is not None
    recipient = await web_person(client, "web-flaky")
    assert isinstance(await client.app[OUTBOUND]["web"].send(recipient, NEWS), Delivered)
    first = await client.get("/api/chat/events", params={"sender": "web-flaky"})
    async with asyncio.timeout(5):
        event_id = (await first.content.readline()).decode().strip().removeprefix("id: ")
    first.close()  # the connection dropped before the page showed anything: no confirmation
    again = await client.get("/api/chat/events", params={"sender": "web-flaky"})
    async with asyncio.timeout(5):
        assert (await again.content.readline()).decode().strip() == f"id: {event_id}"
    again.close()
    # a reconnect that says it has seen it (EventSource's Last-Event-ID) forgets it
    seen = await client.get(
        "/api/chat/events", params={"sender": "web-flaky"}, headers={"Last-Event-ID": event_id}
    )
    await asyncio.sleep(0.1)
    seen.close()
    outbox = client.app[OUTBOUND]["web"].outbox  # type: ignore[attr-defined]
    assert await outbox.waiting(recipient.address) == []


async def test_send_to_a_person_whose_data_was_deleted_says_they_are_gone(
    client: TestClient,
) -> None:
    assert client.app is not None
    recipient = await web_person(client, "web-gone")
    assert await SqlPersonStore(client.app[ENGINE], client.app[PEOPLE_IDS]).delete(
        recipient.person_id
    )
    assert await client.app[OUTBOUND]["web"].send(recipient, NEWS) == RecipientGone("not_found")
    bad = await client.get("/api/chat/messages", params={"sender": "no spaces"})
    assert bad.status == 400
    assert (await bad.json())["error"]["code"] == "invalid_sender"
