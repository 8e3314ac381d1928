"""An address in what a citizen wrote ("Holbeinplatz 14", "Lange Straße 12", "Zum Lebensbaum 11 b"),
found through the city data API's address search (`GET /addresses`)."""

import logging
import re
from typing import Any, Dict, Optional

from actions.cityapi_client import CityApiClient, CityApiError

logger = logging.getLogger(__name__)

Json = Dict[str, Any]

_SUFFIX = (
    r"(?:stra(?:ß|ss)e|str\.?|weg|platz|allee|ring|damm|gang|ufer|markt|chaussee|promenade|wall"
    r"|brücke|bruecke|steig|pfad|twiete|grube|koppel|kamp|winkel|reihe|stieg|hof|park)"
)
_NUMBER = r"(\d{1,4}(?:\s?[a-zA-Z])?)(?![\w.:])"
# "Holbeinplatz 14", "Kurt-Schumacher-Ring 160a", "Lange Straße 12", "Kröpeliner Str. 5"
_STREET_WORD = re.compile(
    r"((?:[A-ZÄÖÜ][\wäöüß-]*\s)?[A-ZÄÖÜ][\wäöüß-]*?" + _SUFFIX + r"|[A-ZÄÖÜ][\wäöüß-]*\s"
    r"(?:Straße|Strasse|Str\.?|Weg|Platz|Allee|Ring|Damm|Markt|Chaussee))\s*" + _NUMBER,
    re.IGNORECASE,
)
# "Am Strande 3", "Zum Lebensbaum 11 b", "An der Jägerbäk 2"
_PREPOSITION_STREET = re.compile(
    r"\b((?:Am|An der|An den|Auf dem|Im|In der|Zum|Zur|Hinter dem|Alter|Alte)\s[A-ZÄÖÜ][\wäöüß-]+)"
    r"\s" + _NUMBER
)


def address_phrase(message: str) -> Optional[str]:
    """The street and house number in the message, as the address search takes them."""
    for pattern in (_PREPOSITION_STREET, _STREET_WORD):
        for match in pattern.finditer(message):
            street, number = match.group(1).strip(), match.group(2).replace(" ", "")
            words = street.split()
            # "für die Holbeinplatz": keep the street, never the words before it
            while words and words[0].lower() in ("für", "fuer", "die", "der", "den", "in", "an"):
                words = words[1:]
            if words:
                return f"{' '.join(words)} {number}"
    return None


async def find_address(client: CityApiClient, message: str) -> Optional[Json]:
    """The best address in Rostock for the street and number in the message, else None.

    None too when the city data API has no address search configured or it failed: the caller
    then asks for a district, as it would without an address.
    """
    phrase = address_phrase(message)
    return None if phrase is None else await search_address(client, phrase)


async def search_address(client: CityApiClient, phrase: str) -> Optional[Json]:
    """The best address in Rostock for a street and house number ("Holbeinplatz 14"), else None
    (also when the address search is not configured or failed)."""
    try:
        page = await client.addresses(q=phrase, limit=1)
    except CityApiError as exc:
        logger.info("address search: %s", exc.code)
        return None
    items = page.get("items") or []
    return dict(items[0]) if items else None
