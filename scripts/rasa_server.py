"""`python scripts/rasa_server.py ARGS`: Rasa's command line (`rasa ARGS`), JSON schemas checked once.

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


def validate(instance: object, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    """`jsonschema.validate`, with the schema checked once and its validator kept."""
    if args or kwargs:
        _original_validate(instance, schema, cls, *args, **kwargs)
        return
    try:
        key = (cls, json.dumps(schema, sort_keys=True))
    except (TypeError, ValueError):
        _original_validate(instance, schema, cls)
        return
    validator = _validators.get(key)
    if validator is None:
        if len(_validators) >= _MAX_SCHEMAS:
            _original_validate(instance, schema, cls)
            return
        validator_cls = cls if cls is not None else validator_for(schema)
        validator_cls.check_schema(schema)
        validator = validator_cls(schema)
        _validators[key] = validator
    error = best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


def main() -> None:
    """Run Rasa's command line with the faster `jsonschema.validate`."""
    jsonschema.validate = validate  # Rasa imports it from jsonschema at each call
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
