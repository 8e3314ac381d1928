"""Staff announce on Matrix: the real gateway app (SQLite, the outbox sender) with the Matrix
channel on a real Synapse; choices are answered by number, the subscriber's room receives it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.broadcast.api import ANNOUNCEMENTS
from bot.settings import GatewaySettings
from tests.bot.conftest import closed_port
from tests.matrix.conftest import RegisterUser, StartPerson
from tests.matrix.person import eventually
from tests.matrix.synapse import RegisteredUser, Synapse

HEAT = "Hitzewarnung für Lichtenhagen: Bitte trinken Sie ausreichend Wasser."


@asynccontextmanager
async def gateway(
    tmp_path: Path, synapse: Synapse, bot: RegisteredUser, staff: RegisteredUser
) -> AsyncIterator[TestClient]:
    env = {
        "GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path}/gateway.sqlite3",
        "RASA_URL": f"http://127.0.0.1:{closed_port()}",
        "RASA_TIMEOUT_S": "5",
        "BROADCAST_POLL_S": "0.05",
        "MATRIX_HOMESERVER": synapse.url,
        "MATRIX_USER_ID": bot.user_id,
        "MATRIX_PASSWORD": bot.password,
        "MATRIX_STORE_DIR": str(tmp_path / "bot-store"),
        "MATRIX_SYNC_TIMEOUT_MS": "5000",
        "STAFF_MATRIX_IDS": staff.user_id,
    }
    app = create_app(GatewaySettings.from_env(env), env)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


async def test_staff_drafts_on_matrix_by_numbered_choices_and_the_subscriber_gets_it(
    tmp_path: Path, synapse: Synapse, register: RegisterUser, start_person: StartPerson
) -> None:
    bot, staff_user = await register("bot"), await register("presse")
    citizen_user = await register("citizen")
    async with gateway(tmp_path, synapse, bot, staff_user) as client:
        citizen = await start_person(citizen_user)
        home = await citizen.open_chat(bot.user_id, encrypted=True)
        asked = await citizen.ask(home, "/subscribe Lichtenhagen Warnungen")
        assert "Warnungen aus Lichtenhagen" in asked
        assert (await citizen.ask(home, "1")).startswith("Erledigt.")

        staff = await start_person(staff_user)
        office = await staff.open_chat(bot.user_id, encrypted=True)
        steps = [
            ("/ankuendigen", "Schritt 1 von 6"),
            (HEAT, "Schritt 2 von 6"),
            ("1", "Schritt 3 von 6"),  # 1. Überspringen
            ("1", "Schritt 4 von 6"),
            ("Lichtenhagen", "Schritt 5 von 6"),
            ("5", "Schritt 6 von 6"),  # 5. Warnungen
        ]
        for said, expected in steps:
            answer = await staff.ask(office, said)
            assert answer.startswith(expected), (said, answer)
        preview = await staff.ask(office, "Sofort")
        assert "Thema: Warnungen" in preview
        assert "Empfänger jetzt: Telegram 0, Matrix 1, Web-Chat 0, zusammen 1." in preview
        assert "1. Senden\n2. Abbrechen" in preview
        done = await staff.ask(office, "1")
        assert done == "Erledigt. Ankündigung Nr. 1 wird jetzt gesendet."

        def heard() -> list[str]:
            bodies = (str(c.get("body", "")) for c in citizen.received[home])
            return [b for b in bodies if b.startswith(HEAT)]

        await eventually(lambda: bool(heard()), 60)
        assert client.app is not None
        store = client.app[ANNOUNCEMENTS]
        async with asyncio.timeout(20):
            while (await store.report(1))["matrix"]["sent"] != 1:  # noqa: ASYNC110 - in the database
                await asyncio.sleep(0.1)
        assert len(heard()) == 1
        assert citizen.undecryptable == 0
