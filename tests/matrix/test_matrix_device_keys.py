"""The bot's encryption identity against a real Synapse: a device the homeserver lost (an admin
removed it) is replaced by a new one with new keys, while running and at a restart; the key store
is sealed with the bot's own passphrase, and a store sealed with nio's default still opens."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
import vodozemac
from nio.store import DefaultStore

from bot.channels.matrix.keys import NIO_DEFAULT_PASSPHRASE, PASSPHRASE_FILE
from tests.matrix.conftest import EchoHandler, RegisterUser, StartBot, StartPerson
from tests.matrix.person import Person, eventually
from tests.matrix.synapse import Synapse

UNDECRYPTABLE = "nicht entschlüsseln"


async def knows_device(person: Person, user_id: str, device_id: str) -> None:
    """Wait until the person's app has seen the bot's new device (as Element would before it
    shares its room key with it)."""

    def known() -> bool:
        devices = person.client.device_store.active_user_devices(user_id)
        return device_id in {device.id for device in devices}

    await eventually(known, 60)


def sealed_with(store_dir: Path, user_id: str, device_id: str, passphrase: str) -> bool:
    """Whether the bot's nio key store opens with this passphrase."""
    store = DefaultStore(user_id, device_id, str(store_dir / "nio"), passphrase)
    try:
        store.load_account()
    except (vodozemac.PickleException, vodozemac.LibolmPickleException):
        return False
    finally:
        store.database.close()
    return True


async def test_a_device_removed_by_an_admin_while_running_is_replaced_and_reads_again(
    synapse: Synapse,
    register: RegisterUser,
    start_bot: StartBot,
    start_person: StartPerson,
    caplog: pytest.LogCaptureFixture,
) -> None:
    admin = await register("admin", admin=True)
    bot_user, citizen = await register("bot"), await register("citizen")
    handler = EchoHandler()
    bot = await start_bot(bot_user, handler)
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=True)
    assert await person.ask(room, "Vorher") == "Echo: Vorher"
    lost = bot.client.device_id
    caplog.set_level(logging.INFO, logger="bot.channels.matrix")

    await synapse.delete_device(admin, bot_user.user_id, lost)

    await eventually(lambda: bot.client.logged_in and bot.client.device_id != lost, 60)
    new = bot.client.device_id
    await knows_device(person, bot_user.user_id, new)
    answer = await person.ask(room, "Können Sie mich lesen?")
    assert answer == "Echo: Können Sie mich lesen?"
    assert UNDECRYPTABLE not in " ".join(await person.answers(room))
    # the new device replaced the lost one: no keyless copy of it stays (the other is the
    # registration's login)
    assert set(await synapse.devices(admin, bot_user.user_id)) == {new, bot_user.device_id}
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))
    assert "lost the bot's device" in logged
    for secret in (lost, new, bot.client.access_token, bot_user.user_id):
        assert secret not in logged


async def test_a_restart_after_the_device_was_removed_answers_with_a_new_device(
    synapse: Synapse,
    register: RegisterUser,
    start_bot: StartBot,
    start_person: StartPerson,
    tmp_path: Path,
) -> None:
    admin = await register("admin", admin=True)
    bot_user, citizen = await register("bot"), await register("citizen")
    store = tmp_path / "bot-store"
    bot = await start_bot(bot_user, EchoHandler(), store)
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=True)
    assert await person.ask(room, "Vor dem Neustart") == "Echo: Vor dem Neustart"
    lost = bot.client.device_id
    await bot.stop()

    await synapse.delete_device(admin, bot_user.user_id, lost)
    handler = EchoHandler()
    bot = await start_bot(bot_user, handler, store)

    await eventually(lambda: bot.client.logged_in and bot.client.device_id != lost, 60)
    new = bot.client.device_id
    await knows_device(person, bot_user.user_id, new)
    assert await person.ask(room, "Und jetzt?") == "Echo: Und jetzt?"
    assert [m.text for m in handler.messages] == ["Und jetzt?"]
    assert set(await synapse.devices(admin, bot_user.user_id)) == {new, bot_user.device_id}
    # the lost device's keys are gone from the store; the next restart keeps the new device
    assert not list((store / "nio").glob(f"*_{lost}.*"))
    await bot.stop()
    bot = await start_bot(bot_user, EchoHandler(), store)
    await eventually(lambda: bot.client.logged_in, 60)
    assert bot.client.device_id == new
    assert await person.ask(room, "Noch da?") == "Echo: Noch da?"


async def test_the_key_store_is_sealed_with_a_passphrase_of_its_own_kept_private(
    register: RegisterUser, start_bot: StartBot, start_person: StartPerson, tmp_path: Path
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    store = tmp_path / "bot-store"
    bot = await start_bot(bot_user, EchoHandler(), store)
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=True)
    assert await person.ask(room, "Verschlossen?") == "Echo: Verschlossen?"
    device = bot.client.device_id

    passphrase_file = store / PASSPHRASE_FILE
    assert stat.S_IMODE(passphrase_file.stat().st_mode) == 0o600
    passphrase = passphrase_file.read_text().strip()
    assert len(passphrase) >= 32
    assert sealed_with(store, bot_user.user_id, device, passphrase)
    assert not sealed_with(store, bot_user.user_id, device, NIO_DEFAULT_PASSPHRASE)


async def test_a_passphrase_from_the_environment_seals_the_store_and_no_file_is_made(
    register: RegisterUser, start_bot: StartBot, start_person: StartPerson, tmp_path: Path
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    store = tmp_path / "bot-store"
    passphrase = "Warnemünde-Leuchtturm-1898-Strom"
    bot = await start_bot(bot_user, EchoHandler(), store, MATRIX_STORE_PASSPHRASE=passphrase)
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=True)
    assert await person.ask(room, "Mit Umgebung?") == "Echo: Mit Umgebung?"
    assert not (store / PASSPHRASE_FILE).exists()
    assert sealed_with(store, bot_user.user_id, bot.client.device_id, passphrase)


async def test_a_store_sealed_with_nios_default_opens_and_keeps_its_device(
    register: RegisterUser,
    start_bot: StartBot,
    start_person: StartPerson,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    store = tmp_path / "bot-store"
    # the bot as it was before its passphrase could be set: it sealed with nio's default
    monkeypatch.setattr(
        "bot.channels.matrix.adapter.store_passphrase", lambda *_: NIO_DEFAULT_PASSPHRASE
    )
    old = await start_bot(bot_user, EchoHandler(), store)
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=True)
    assert await person.ask(room, "Altes Schloss") == "Echo: Altes Schloss"
    device = old.client.device_id
    await old.stop()
    assert sealed_with(store, bot_user.user_id, device, NIO_DEFAULT_PASSPHRASE)
    monkeypatch.undo()

    # sent while the bot is down, with the room key the old store holds
    await person.say(room, "Während des Updates")
    bot = await start_bot(bot_user, EchoHandler(), store)
    bodies = await person.answers(room, 2)
    assert bodies[-1] == "Echo: Während des Updates"
    assert bot.client.device_id == device  # same device, same keys: nothing to re-share
    passphrase = (store / PASSPHRASE_FILE).read_text().strip()
    assert sealed_with(store, bot_user.user_id, device, passphrase)
    assert not sealed_with(store, bot_user.user_id, device, NIO_DEFAULT_PASSPHRASE)
    assert person.undecryptable == 0


async def test_a_wrong_passphrase_keeps_the_store_and_the_bot_off_matrix(
    register: RegisterUser,
    start_bot: StartBot,
    start_person: StartPerson,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot_user, citizen = await register("bot"), await register("citizen")
    store = tmp_path / "bot-store"
    first = "Stadthafen-Rostock-Passphrase-1"
    bot = await start_bot(bot_user, EchoHandler(), store, MATRIX_STORE_PASSPHRASE=first)
    person = await start_person(citizen)
    room = await person.open_chat(bot_user.user_id, encrypted=True)
    assert await person.ask(room, "Erster Schlüssel") == "Echo: Erster Schlüssel"
    device = bot.client.device_id
    await bot.stop()

    caplog.set_level(logging.ERROR, logger="bot.channels.matrix")
    bot = await start_bot(
        bot_user, EchoHandler(), store, MATRIX_STORE_PASSPHRASE="Ein-ganz-anderer-Schluessel"
    )

    def refused() -> bool:
        return any("store-passphrase-wrong" in r.getMessage() for r in caplog.records)

    await eventually(refused)
    assert not bot.client.logged_in
    assert sealed_with(store, bot_user.user_id, device, first)  # nothing was thrown away
