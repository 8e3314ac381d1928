"""The one-time opt-in to news about one's reports, asked after the first report is filed.

The action server marks the answer that filed a report with the custom payload
`{"report_filed": "<id>"}`; the core then asks once (two buttons) whether the person wants to be
told when a report's status changes, and remembers the answer on the person record. Those who
said yes get each change pushed on their channel (`bot/reports.py`).
"""

from __future__ import annotations

from dataclasses import replace

from bot.core import texts
from bot.core.messages import Button, OutgoingMessage
from bot.core.people import Person

UPDATES_YES = "/report_updates_yes"
UPDATES_NO = "/report_updates_no"
FILED = "report_filed"
# typed instead of the button, any time: "keine Nachrichten zu Meldungen", "no report news"
STOP_WORDS = ("keine nachrichten zu meldungen", "no report news")


def after_filing(
    person: Person, replies: list[OutgoingMessage]
) -> tuple[Person, list[OutgoingMessage]]:
    """Ask once after a filed report, or promise news to who already said yes."""
    if not any(FILED in m.custom for m in replies):
        return person, replies
    cleaned = [
        replace(m, custom={k: v for k, v in m.custom.items() if k != FILED}) for m in replies
    ]
    lang = person.language
    if person.report_updates is None:
        buttons = (
            Button(texts.text("report_updates_yes", lang), UPDATES_YES),
            Button(texts.text("report_updates_no", lang), UPDATES_NO),
        )
        ask = OutgoingMessage(text=texts.text("report_updates_ask", lang), buttons=buttons)
        return replace(person, last_buttons=buttons), [*cleaned, ask]
    if person.report_updates:
        return person, [*cleaned, OutgoingMessage(text=texts.text("report_updates_promise", lang))]
    return person, cleaned


def answer(person: Person, text: str) -> tuple[Person, OutgoingMessage] | None:
    """The person's yes or no to the question (only when it was offered), or their stop."""
    offered = {b.payload for b in person.last_buttons}
    lowered = text.strip().lower()
    if text in (UPDATES_YES, UPDATES_NO) and text in offered:
        wants = text == UPDATES_YES
    elif any(word in lowered for word in STOP_WORDS):
        wants = False
    else:
        return None
    key = "report_updates_on" if wants else "report_updates_off"
    updated = replace(person, report_updates=wants, last_buttons=())
    return updated, OutgoingMessage(text=texts.text(key, person.language))
