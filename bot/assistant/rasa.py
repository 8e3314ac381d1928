"""Rasa's HTTP API as the gateway uses it (the core's `Assistant` port): the REST channel for
messages and the tracker's slot events for the person's language."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.core.messages import Button, Language, OutgoingMessage
from bot.core.ports import AssistantReply, AssistantUnavailable
from bot.logs import REQUEST_ID
from bot.metrics import REPORTS_FILED, mark_asked

logger = logging.getLogger(__name__)


class RasaClient:
    """Talks to one Rasa server over a shared aiohttp session (implements `Assistant`)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        timeout_s: float,
        token: str | None = None,
    ) -> None:
        self._session = session
        self._base = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout_s, connect=min(timeout_s, 3.0))
        self._params = {"token": token} if token else {}

    async def ask(
        self, person_id: str, text: str, metadata: Mapping[str, object]
    ) -> AssistantReply:
        """Send one message through the REST channel; its answers and any language switch."""
        extra = dict(metadata)
        rid = REQUEST_ID.get()
        if rid is not None:  # the action server sends it on to the city data API
            extra["request_id"] = rid
        body = {"sender": person_id, "message": text, "metadata": extra}
        mark_asked()
        data = await self._post("/webhooks/rest/webhook", body, params={})
        if not isinstance(data, list):
            raise AssistantUnavailable("the REST channel did not answer with a list")
        if any(isinstance(i, dict) and _filed(i.get("custom")) for i in data):
            channel = metadata.get("channel")
            REPORTS_FILED.labels(channel if isinstance(channel, str) else "unknown").inc()
        messages, language = replies_from_rasa([item for item in data if isinstance(item, dict)])
        return AssistantReply(tuple(messages), language)

    async def set_language(self, person_id: str, language: Language) -> None:
        """Set the `language` slot in the person's tracker (Rasa runs with --enable-api)."""
        await self.set_slot(person_id, "language", language)

    async def set_slot(self, sender: str, name: str, value: object) -> None:
        """Set a slot in the person's tracker (Rasa runs with --enable-api)."""
        event = {"event": "slot", "name": name, "value": value}
        path = f"/conversations/{quote(sender, safe='')}/tracker/events"
        params = {**self._params, "include_events": "NONE"}
        # Rasa stamps the event when it reads the request and only then starts a new conversation's
        # session, whose events are stamped later; its SQL tracker store reads a conversation from
        # the session start on, so in a new conversation that first slot event is lost. The first
        # request has started the session, so the same event sent again is kept (a repeated slot
        # event with the same value changes nothing).
        await self._post(path, event, params=params)
        await self._post(path, event, params=params)

    async def ready(self) -> bool:
        """Whether Rasa answers and has its model loaded (for the gateway's readiness check)."""
        try:
            status = await self._request("GET", "/status", None, params=self._params)
        except AssistantUnavailable:
            return False
        return isinstance(status, dict) and bool(status.get("model_file"))

    async def _post(self, path: str, body: object, *, params: Mapping[str, str]) -> object:
        return await self._request("POST", path, body, params=params)

    async def _request(
        self, method: str, path: str, body: object, *, params: Mapping[str, str]
    ) -> object:
        url = self._base + path
        try:
            async with self._session.request(
                method, url, json=body, params=params, timeout=self._timeout
            ) as response:
                if response.status != 200:
                    logger.warning("Rasa answered %s to %s", response.status, path.split("/")[1])
                    raise AssistantUnavailable(f"Rasa answered HTTP {response.status}")
                return await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            logger.warning("Rasa is unreachable: %s", type(exc).__name__)
            raise AssistantUnavailable(str(exc) or type(exc).__name__) from exc


def replies_from_rasa(raw: list[dict[str, Any]]) -> tuple[list[OutgoingMessage], Language | None]:
    """Turn Rasa's REST replies into outgoing messages, plus a language the actions switched to."""
    messages: list[OutgoingMessage] = []
    language: Language | None = None
    for item in raw:
        if not isinstance(item, dict):
            continue
        custom = item.get("custom")
        extra: dict[str, object] = {}
        if isinstance(custom, dict):
            value = custom.get("language")
            if value in ("de", "en"):
                language = "en" if value == "en" else "de"
            extra = {k: v for k, v in custom.items() if k != "language"}
        text = item.get("text")
        buttons = tuple(_buttons(item.get("buttons")))
        if isinstance(item.get("image"), str):
            extra["image"] = item["image"]
        if (isinstance(text, str) and text.strip()) or buttons:
            messages.append(
                OutgoingMessage(
                    text=text if isinstance(text, str) else "", buttons=buttons, custom=extra
                )
            )
        elif extra and messages:
            # A bare json_message belongs to the answer it follows.
            last = messages[-1]
            messages[-1] = OutgoingMessage(
                text=last.text,
                buttons=last.buttons,
                audio=last.audio,
                custom={**last.custom, **extra},
            )
    return messages, language


def _filed(custom: object) -> bool:
    # the action server marks the answer that filed a report or an idea (docs/CONTRACTS.md)
    return isinstance(custom, dict) and "report_filed" in custom


def _buttons(raw: object) -> list[Button]:
    if not isinstance(raw, list):
        return []
    buttons = []
    for entry in raw:
        if isinstance(entry, dict) and isinstance(entry.get("payload"), str):
            title = entry.get("title")
            payload = entry["payload"]
            buttons.append(
                Button(title=title if isinstance(title, str) else payload, payload=payload)
            )
    return buttons
