"""The bot's encryption identity on disk and on the homeserver: the key store's passphrase, the
store of each device, and whether the homeserver still holds the device's keys.

nio keeps one SQLite key store per device (`<user id>_<device id>.db` in the store directory), its
secrets (the olm account, olm and megolm sessions) sealed with a passphrase.
"""

from __future__ import annotations

import glob
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import vodozemac
from nio.crypto.sessions import OlmAccount
from nio.store import DefaultStore

from bot.channels.matrix.settings import MatrixError
from bot.keyfile import read_or_create

log = logging.getLogger(__name__)

# The passphrase nio seals its key store with when it is given none (AsyncClientConfig.pickle_key);
# stores written before MATRIX_STORE_PASSPHRASE existed use it.
NIO_DEFAULT_PASSPHRASE: Final = "DEFAULT_KEY"
# Beside nio's store in the store directory (the directory is the bot's one persistent volume).
PASSPHRASE_FILE: Final = "store-passphrase.key"


def store_passphrase(configured: str | None, store_dir: Path) -> str:
    """MATRIX_STORE_PASSPHRASE, else the one made on first start in the store directory (0600)."""
    if configured:
        return configured
    return read_or_create(store_dir / PASSPHRASE_FILE).decode()


def store_file(nio_dir: Path, user_id: str, device_id: str) -> Path:
    """Where nio keeps the key store of this device (its DefaultStore's file name)."""
    return nio_dir / f"{user_id}_{device_id}.db"


def _opens(store: DefaultStore, passphrase: str) -> bool:
    row = store._get_account()  # the sealed account, before nio unseals it
    if row is None:
        return True  # nothing sealed yet
    try:
        OlmAccount.from_pickle(row.account, passphrase, row.shared)
    except (vodozemac.PickleException, vodozemac.LibolmPickleException):
        return False  # not this passphrase
    return True


def reseal_store(nio_dir: Path, user_id: str, device_id: str, passphrase: str) -> bool:
    """Make the device's key store open with `passphrase`; True when it was re-sealed.

    A store sealed with nio's default passphrase (written before the passphrase was configurable)
    is opened with it and every secret written again under `passphrase`. A store that opens with
    neither raises MatrixError("store-passphrase-wrong"): its keys are kept, the bot does not start
    on Matrix until the passphrase it was written with is configured again.
    """
    if not store_file(nio_dir, user_id, device_id).exists():
        return False
    store = DefaultStore(user_id, device_id, str(nio_dir), passphrase)
    try:
        if _opens(store, passphrase):
            return False
        if passphrase == NIO_DEFAULT_PASSPHRASE or not _opens(store, NIO_DEFAULT_PASSPHRASE):
            raise MatrixError(
                "store-passphrase-wrong",
                "the key store does not open with MATRIX_STORE_PASSPHRASE (or the passphrase file)",
            )
        store.pickle_key = NIO_DEFAULT_PASSPHRASE
        account = store.load_account()
        assert account is not None  # _opens found it
        sessions = store.load_sessions()
        group_sessions = store.load_inbound_group_sessions()
        store.pickle_key = passphrase
        with store.database.atomic():
            store.save_account(account)
            for sender_key, device_sessions in sessions.items():
                for session in device_sessions:
                    store.save_session(sender_key, session)
            for group_session in group_sessions:
                store.save_inbound_group_session(group_session)
    finally:
        store.database.close()
    return True


def forget_store(nio_dir: Path, user_id: str, device_id: str) -> None:
    """Delete the key store of a device the homeserver no longer knows (its keys are useless)."""
    # the database (with its -wal/-journal files) and the trust lists nio keeps beside it
    for path in nio_dir.glob(f"{glob.escape(user_id)}_{glob.escape(device_id)}.*"):
        path.unlink(missing_ok=True)


def device_keys_on_server(
    body: object, user_id: str, device_id: str, identity_keys: Mapping[str, str]
) -> bool:
    """Whether a /keys/query answer holds this device's keys as the bot's account has them."""
    if not isinstance(body, Mapping):
        return False
    users = body.get("device_keys")
    devices = users.get(user_id) if isinstance(users, Mapping) else None
    device = devices.get(device_id) if isinstance(devices, Mapping) else None
    keys = device.get("keys") if isinstance(device, Mapping) else None
    if not isinstance(keys, Mapping):
        return False
    return all(
        keys.get(f"{algorithm}:{device_id}") == identity_keys.get(algorithm)
        for algorithm in ("ed25519", "curve25519")
    )
