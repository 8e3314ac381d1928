"""Rasa started through scripts/rasa_server.py (as scripts/serve-rasa.sh does) checks each JSON
schema once, and still refuses what Rasa refuses: a malformed action server answer, a bad schema."""

import importlib.util
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest

# importing Rasa imports TensorFlow and JAX, which warn about their own deprecations
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from rasa.core.actions.action import RemoteAction

ROOT = Path(__file__).resolve().parents[2]
WELL_FORMED: dict[str, Any] = {
    "events": [{"event": "slot", "name": "district", "value": "Südstadt"}],
    "responses": [{"text": "In der Südstadt gibt es zwei Spielplätze."}],
}


@pytest.fixture
def launcher() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("rasa_server", ROOT / "scripts/rasa_server.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    original = jsonschema.validate
    module.install()
    yield module
    jsonschema.validate = original


def test_a_malformed_action_answer_is_refused_with_rasas_message(launcher: ModuleType) -> None:
    action = RemoteAction("action_find_place", None)
    assert action._validate_action_result(WELL_FORMED)
    for answer in ({**WELL_FORMED, "responses": "Spielplatz"},
                   {"events": [{"event": "slot", "name": 5}]}):  # fmt: skip
        with pytest.raises(jsonschema.ValidationError) as kept:
            action._validate_action_result(answer)
        with pytest.raises(jsonschema.ValidationError) as plain:
            launcher._original_validate(answer, action.action_response_format_spec())
        assert kept.value.message.startswith(plain.value.message)
        assert "Failed to validate Action server response" in kept.value.message
    assert action._validate_action_result(WELL_FORMED)


def test_a_broken_schema_is_still_an_error(launcher: ModuleType) -> None:
    with pytest.raises(jsonschema.SchemaError):
        jsonschema.validate({}, {"type": "no such type"})
    jsonschema.validate({"a": 1}, {"type": "object"})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([], {"type": "object"})
