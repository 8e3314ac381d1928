"""No personal data in any log: known test identities go through the real stack, then every log
file of the stack (gateway, Telegram gateway, Rasa, actions, city data API) is searched for them.

The identities are used nowhere else, so a hit is a leak: a name, an e-mail address, a phone
number, a platform id (Telegram user and chat id, web chat sender id) or words of a message.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator

import pytest

from tests.stack import Service, Stack, closed_url, http_json
from tests.telegram.botapi_standin import BotApiStandIn
from tests.telegram.helpers import BOT_ID, BOT_USERNAME, TOKEN, text_update, user

TELEGRAM_USER = 7_319_552_864  # also the private chat's id
TAG = secrets.token_hex(4)
WEB_SENDER = f"web-logcheck-{TAG}"
NAME = "Friederike Quellmalzowa"
EMAIL = f"quellmalzowa.{TAG}@example.org"
PHONE = "0381 4471 2296"
MESSAGE_WORDS = f"Zwergenkolonie{TAG}"
IDENTITIES = {
    "name": NAME,
    "surname": "Quellmalzowa",
    "e-mail": EMAIL,
    "phone": PHONE,
    "phone digits": PHONE.replace(" ", ""),
    "telegram id": str(TELEGRAM_USER),
    "web sender": WEB_SENDER,
    "message": MESSAGE_WORDS,
}


@pytest.fixture(scope="module")
async def telegram(stack: Stack) -> AsyncIterator[tuple[BotApiStandIn, Service]]:
    """A gateway with Telegram on, polling a Bot API stand-in."""
    api = BotApiStandIn(TOKEN, bot_id=BOT_ID, username=BOT_USERNAME)
    await api.start()
    env = {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.url, "GATEWAY_LOG_LEVEL": "DEBUG"}
    gateway = await asyncio.to_thread(stack.start_gateway, env)
    yield api, gateway
    await asyncio.to_thread(gateway.stop)
    await api.stop()


def _file_with_contact(stack: Stack, account_id: str) -> None:
    """A report with the person's contact data, as a reporting client with consent files it."""
    form = urllib.parse.urlencode(
        {"api_key": stack.open311_key, "service_code": "barrier-toilet", "lat": 54.0887,
         "long": 12.1405, "account_id": account_id, "email": EMAIL, "first_name": "Friederike",
         "last_name": "Quellmalzowa", "phone": PHONE,
         "description": f"Die Toilette bei der {MESSAGE_WORDS} ist verschlossen"}
    ).encode()  # fmt: skip
    request = urllib.request.Request(f"{stack.cityapi_url}/open311/v2/requests.json", data=form)
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201


async def test_no_log_line_holds_a_name_address_phone_platform_id_or_message(
    stack: Stack, telegram: tuple[BotApiStandIn, Service], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api, _ = telegram
    person = user(TELEGRAM_USER, "de", first_name="Friederike", last_name="Quellmalzowa",
                  username=f"quellmalzowa{TAG}")  # fmt: skip
    said = [
        f"Ich heiße {NAME}, meine E-Mail ist {EMAIL} und meine Nummer {PHONE}",
        f"Wo ist eine Toilette bei der {MESSAGE_WORDS}?",
        "/privacy",
        "/export",
    ]
    for text in said:
        seen = len(api.texts(TELEGRAM_USER))
        api.push(text_update(text, sender=person))
        await api.wait_for(lambda seen=seen: len(api.texts(TELEGRAM_USER)) > seen, within_s=90)
    await api.wait_for(lambda: bool(api.documents), within_s=30)

    for text in said:
        status, body = await asyncio.to_thread(stack.chat, WEB_SENDER, text)
        assert status == 200, body
    # the person's reports with contact data, then everything deleted again
    _file_with_contact(stack, stack.person_id("web", WEB_SENDER))
    await asyncio.to_thread(stack.chat, WEB_SENDER, "/delete")
    status, body = await asyncio.to_thread(stack.chat, WEB_SENDER, "Ja, alles löschen")
    assert status == 200, body
    # a failure on the way logs too: a gateway whose Rasa is away
    away = await asyncio.to_thread(stack.start_gateway, {}, rasa_url=closed_url())
    body = {"sender": WEB_SENDER, "message": f"Hallo, hier ist {NAME} ({EMAIL})"}
    status, _ = await asyncio.to_thread(http_json, "POST", away.url + "/api/chat", body)
    assert status == 503
    await asyncio.to_thread(away.stop)
    # what the test process itself logged (the stand-in, the fixtures)
    captured = "\n".join(record.getMessage() for record in caplog.records)

    leaks = []
    logs = sorted(stack.workdir.glob("*.log"))
    assert len(logs) >= 5, logs  # gateway, Telegram gateway, Rasa, actions, city data API
    for path in logs:
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            leaks += [f"{path.name}:{number}: {what}: {line[:200]}"
                      for what, value in IDENTITIES.items() if value in line]  # fmt: skip
    leaks += [f"pytest: {what}" for what, value in IDENTITIES.items() if value in captured]
    assert not leaks, "\n".join(leaks)
    # the identities did go through: the answers came (the notice, the export's file)
    assert any(t.startswith("Datenschutz:") for t in api.texts(TELEGRAM_USER))
