"""`python -m bot.ready`: waits until the whole stack answers, then prints the chat's address.

It runs as one process of `make run` (Procfile): honcho stops everything when any process exits, so
after printing it waits quietly until it is stopped with the rest.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

READY_TIMEOUT_S = 300.0
# Rasa builds its NLU graph on the first messages it parses (about a second, during which every
# request in flight waits): parse a few of the kinds people send before saying it is ready.
WARM_UP_TEXTS = (
    "hallo",
    "Wo ist die nächste barrierefreie Toilette in der Südstadt?",
    "When does the district council of Dierkow meet?",
    "was ist am wochenende in warnemünde los",
    "Der Aufzug am Doberaner Platz ist kaputt",
)
# The first messages through the dialogue itself are slower again: the policies' first
# predictions, the first calls to the action server and, through it, to the city data API, the
# tracker store's first writes. Questions only (a report would be filed with the city), in a
# conversation of its own that no person has.
WARM_UP_TURNS = (
    "hallo",
    "Wo ist die nächste barrierefreie Toilette in der Südstadt?",
    "When does the district council of Dierkow meet?",
    "was ist am wochenende in warnemünde los",
    "where is an accessible toilet in Stadtmitte",
)
WARM_UP_SENDER = "smilecity-ready-warm-up"


def _answers(url: str, *, rasa: bool = False) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2.0) as response:
            if response.status != 200:
                return False
            if rasa:  # Rasa's /status answers before the model is loaded
                return bool(json.loads(response.read() or b"{}").get("model_file"))
            return True
    except (OSError, ValueError, urllib.error.URLError):
        return False


def _post(url: str, body: object) -> bool:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
    except (OSError, urllib.error.URLError):
        return False
    return True


def warm_up(rasa_url: str, token: str) -> None:
    """Parse WARM_UP_TEXTS with Rasa, then send WARM_UP_TURNS through its dialogue.

    /model/parse keeps nothing; the turns go to the REST channel as WARM_UP_SENDER, whose
    conversation is kept like any other but belongs to nobody.
    """
    query = urllib.parse.urlencode({"token": token}) if token else ""
    for text in WARM_UP_TEXTS:
        if not _post(f"{rasa_url}/model/parse?{query}", {"text": text}):
            return  # not warm, but up: the first citizens wait a moment longer
    for text in WARM_UP_TURNS:
        if not _post(
            f"{rasa_url}/webhooks/rest/webhook", {"sender": WARM_UP_SENDER, "message": text}
        ):
            return


def main() -> int:
    """Poll every service's health URL, then print where the web chat is."""
    env = os.environ
    host = env.get("GATEWAY_HOST", "127.0.0.1")
    port = env.get("GATEWAY_PORT", "8080")
    checks = {
        "city data API": (env.get("CITYAPI_URL", "http://127.0.0.1:8000") + "/healthz", False),
        "actions": (env.get("ACTION_SERVER_HEALTH", "http://127.0.0.1:5055/health"), False),
        # /status is behind Rasa's token when it runs with one
        "Rasa": (
            env.get("RASA_URL", "http://127.0.0.1:5005")
            + "/status?"
            + urllib.parse.urlencode({"token": env.get("RASA_TOKEN", "")}),
            True,
        ),
        "gateway": (f"http://{host}:{port}/healthz", False),
    }
    started = float(env.get("SMILE_START_TIME", time.time()))
    deadline = time.monotonic() + READY_TIMEOUT_S
    waiting = dict(checks)
    while waiting:
        for name, (url, rasa) in list(waiting.items()):
            if _answers(url, rasa=rasa):
                del waiting[name]
        if waiting and time.monotonic() > deadline:
            names = ", ".join(waiting)
            print(f"Still waiting for: {names}. See the log lines above.", flush=True)
            deadline = time.monotonic() + READY_TIMEOUT_S
        time.sleep(0.5)
    warm_up(env.get("RASA_URL", "http://127.0.0.1:5005"), env.get("RASA_TOKEN", ""))
    elapsed = time.time() - started
    print(
        f"\n  Smile City Rostock is ready after {elapsed:.0f} s.\n"
        f"  Web chat: http://{host}:{port}/\n"
        "  Press Ctrl-C to stop everything.\n",
        flush=True,
    )
    threading.Event().wait()  # idle until honcho stops us with the other processes
    return 0


if __name__ == "__main__":
    sys.exit(main())
