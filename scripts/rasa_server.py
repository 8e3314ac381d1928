"""`python scripts/rasa_server.py ARGS`: `rasa ARGS`, with JSON schemas checked once, not per call.

Rasa validates every answer of the action server, and every event posted to its HTTP API, with
`jsonschema.validate(instance, schema)`. That call first checks the schema itself against the
JSON Schema meta-schema, which for Rasa's large event schema costs about 30 ms of CPU, on every
action call: a quarter of Rasa's time per message, and on two cores what makes a burst queue.
The schemas are constants of Rasa's code, so here `jsonschema.validate` keeps the checked
validator of each schema and only validates the instance, raising the same error as before.
scripts/serve-rasa.sh starts Rasa through this module.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

_original_validate = jsonschema.validate
_validators: dict[tuple[object, str], Any] = {}
_MAX_SCHEMAS = 64  # Rasa has a handful; anything beyond is validated the ordinary way


def _checked(schema: Any, cls: Any) -> Any:
    """The kept validator of this schema, checked the first time; None if it cannot be kept."""
    try:
        key = (cls, json.dumps(schema, sort_keys=True))
    except (TypeError, ValueError):
        return None
    validator = _validators.get(key)
    if validator is None and len(_validators) < _MAX_SCHEMAS:
        validator_cls = cls if cls is not None else validator_for(schema)
        validator_cls.check_schema(schema)
        validator = _validators[key] = validator_cls(schema)
    return validator


def validate(instance: object, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    """`jsonschema.validate`, with the schema checked once and its validator kept."""
    validator = None if args or kwargs else _checked(schema, cls)
    if validator is None:
        _original_validate(instance, schema, cls, *args, **kwargs)
        return
    error = best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


def check_rasas_schemas() -> None:
    """Check the schemas Rasa validates each action answer and posted event with, now.

    Otherwise the first citizens' messages after start-up would wait for those checks.
    """
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.utils.schemas.events import EVENTS_SCHEMA

    _checked(RemoteAction.action_response_format_spec(), None)
    _checked(EVENTS_SCHEMA, None)


def install() -> None:
    """Make `jsonschema.validate` keep its checked validators, and check Rasa's schemas now."""
    jsonschema.validate = validate  # Rasa looks it up in jsonschema at each call
    check_rasas_schemas()


def main() -> None:
    """Run Rasa's command line with the faster `jsonschema.validate`."""
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
