"""The closed-vocabulary component: what a citizen's typed words become, trained on a small set.

The component runs in Rasa's runtime, so these tests do too (tests/actions/pytest.ini). It is
trained for real on in-test training data (annotations, synonyms and a lookup table), persisted
into a real model storage and loaded back, as `rasa train` and `rasa run` do.
"""

import warnings
from pathlib import Path
from typing import Any

import pytest

# importing Rasa imports TensorFlow and JAX, which warn about their own deprecations
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from nlu.components.closed_vocabulary import ClosedVocabulary
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
    from rasa.shared.nlu.training_data.message import Message

TRAINING = """
version: "3.1"
nlu:
- intent: ask_place
  examples: |
    - wo ist die nächste [bibliothek]{"entity": "place_type", "value": "library"}
    - gibt es [spielplätze]{"entity": "place_type", "value": "playground"} in [warnemünde]{"entity": "district", "value": "Warnemünde"}
    - wo ist eine [toilette]{"entity": "place_type", "value": "toilet"} in [dierkow]{"entity": "district", "value": "Dierkow"}
    - [barrierefreie]{"entity": "accessibility", "value": "wheelchair"} [toiletten]{"entity": "place_type", "value": "toilet"} bitte
    - ein [behindertenparkplatz]{"entity": "place_type", "value": "disabled_parking"} in der [ktv]{"entity": "district", "value": "Kröpeliner-Tor-Vorstadt"}
    - wo ist der [hauptbahnhof](place_name) bitte
    - spielplatz in [evershagen](district)
    - [Spielplätze]{"entity": "place_type", "value": "playground"} in [Evershagen]{"entity": "district", "value": "Evershagen"}
    - [Toiletten]{"entity": "place_type", "value": "toilet"} in [Evershagen]{"entity": "district", "value": "Evershagen"}
- intent: thank
  examples: |
    - danke bitte sehr
    - vielen dank, das war die bibliothek
- synonym: toilet
  examples: |
    - klo
    - wc
- synonym: Lütten Klein
  examples: |
    - lütten klein
- synonym: Südstadt
  examples: |
    - südstadt
- synonym: Schmarl
  examples: |
    - schmarl
- lookup: district
  examples: |
    - lütten klein
    - südstadt
    - dierkow
    - schmarl
"""  # noqa: E501

CONFIG: dict[str, Any] = {
    "entities": ["place_type", "district", "accessibility"],
    "compound_entities": ["place_type"],
    "keep_unknown": ["district"],
    "add_for_intents": {"place_type": ["ask_place"], "district": ["ask_place"]},
}


@pytest.fixture(scope="module")
def vocabulary(tmp_path_factory: pytest.TempPathFactory) -> ClosedVocabulary:
    """Trained on TRAINING, persisted, and loaded back from the model storage."""
    storage = LocalModelStorage(Path(tmp_path_factory.mktemp("model")))
    resource = Resource("closed_vocabulary")
    config = {**ClosedVocabulary.get_default_config(), **CONFIG}
    with warnings.catch_warnings():  # Rasa imports more of itself (and pkg_resources) on first use
        warnings.simplefilter("ignore", DeprecationWarning)
        trainee = ClosedVocabulary.create(config, storage, resource, None)  # type: ignore[arg-type]
        trainee.train(RasaYAMLReader().reads(TRAINING))
        return ClosedVocabulary.load(config, storage, resource, None)  # type: ignore[arg-type]


def parse(
    component: ClosedVocabulary,
    text: str,
    intent: str = "ask_place",
    entities: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9}})
    message.set("entities", entities or [])
    component.process([message])
    return list(message.get("entities"))


def by_diet(kind: str, start: int, end: int, value: str) -> dict[str, Any]:
    return {
        "entity": kind,
        "start": start,
        "end": end,
        "value": value,
        "extractor": "DIETClassifier",
    }


def found(entities: list[dict[str, Any]]) -> list[tuple]:
    return [(e["entity"], e["value"]) for e in entities]


def test_a_misspelt_library_is_a_library(vocabulary: ClosedVocabulary) -> None:
    text = "Wo ist die nächste Bibliotek?"
    entities = parse(vocabulary, text)
    assert found(entities) == [("place_type", "library")]
    assert text[entities[0]["start"] : entities[0]["end"]] == "Bibliotek"
    assert entities[0]["extractor"] == "ClosedVocabulary"


def test_a_compound_plural_toilet_in_a_misspelt_district(vocabulary: ClosedVocabulary) -> None:
    entities = parse(vocabulary, "Behindertentoiletten in Dirkow")
    assert found(entities) == [("place_type", "toilet"), ("district", "Dierkow")]


def test_umlaut_free_and_capitalised_spellings_get_the_canonical_values(
    vocabulary: ClosedVocabulary,
) -> None:
    entities = parse(vocabulary, "Gibt es Spielplaetze in Warnemuende oder in Luetten Klein?")
    assert found(entities) == [
        ("place_type", "playground"),
        ("district", "Warnemünde"),
        ("district", "Lütten Klein"),
    ]


def test_polite_words_never_become_entities(vocabulary: ClosedVocabulary) -> None:
    # "bitte" is five letters, one edit from nothing but the training's context words
    assert parse(vocabulary, "bitte") == []
    assert parse(vocabulary, "Bitte, danke!") == []
    assert parse(vocabulary, "Danke bitte sehr", intent="thank") == []


def test_nothing_is_added_for_intents_not_listed(vocabulary: ClosedVocabulary) -> None:
    assert parse(vocabulary, "Danke, die Bibliothek war toll", intent="thank") == []


def test_diet_values_are_corrected_to_the_canonical_value_keeping_the_span(
    vocabulary: ClosedVocabulary,
) -> None:
    text = "gibt es ein Klo in der Suedstadt"
    diet = [by_diet("place_type", 12, 15, "Klo"), by_diet("district", 23, 32, "Suedstadt")]
    entities = parse(vocabulary, text, entities=diet)
    assert found(entities) == [("place_type", "toilet"), ("district", "Südstadt")]
    assert [(e["start"], e["end"], e["extractor"]) for e in entities] == [
        (12, 15, "DIETClassifier"),
        (23, 32, "DIETClassifier"),
    ]


def test_an_unknown_district_is_kept_an_unknown_place_type_dropped(
    vocabulary: ClosedVocabulary,
) -> None:
    text = "Spielplätze in Kassebohm und Xylophonarium"
    diet = [
        by_diet("district", 15, 24, "Kassebohm"),
        by_diet("place_type", 29, 42, "Xylophonarium"),
    ]
    entities = parse(vocabulary, text, entities=diet)
    assert found(entities) == [("place_type", "playground"), ("district", "Kassebohm")]


def test_a_place_name_that_is_a_place_type_word_becomes_a_place_type(
    vocabulary: ClosedVocabulary,
) -> None:
    text = "Wo ist die Bibliothek?"
    diet = [by_diet("place_name", 11, 21, "Bibliothek")]
    assert found(parse(vocabulary, text, entities=diet)) == [("place_type", "library")]
    text = "Wo ist die nächste Bibliotek?"
    diet = [by_diet("place_name", 19, 28, "Bibliotek")]
    assert found(parse(vocabulary, text, entities=diet)) == [("place_type", "library")]
    # a compound with a name in it, or any other name, names one place
    text = "Wo ist die Stadtbibliothek?"
    diet = [by_diet("place_name", 11, 26, "Stadtbibliothek")]
    assert found(parse(vocabulary, text, entities=diet)) == [("place_name", "Stadtbibliothek")]
    text = "Wo ist der Hauptbahnhof?"
    diet = [by_diet("place_name", 11, 23, "Hauptbahnhof")]
    assert found(parse(vocabulary, text, entities=diet)) == [("place_name", "Hauptbahnhof")]


def test_a_place_name_that_is_a_district_becomes_the_district(
    vocabulary: ClosedVocabulary,
) -> None:
    text = "gibt es in lütten klein eine bibliothek"
    diet = [by_diet("place_name", 11, 23, "Lütten Klein")]
    assert found(parse(vocabulary, text, entities=diet)) == [
        ("district", "Lütten Klein"),
        ("place_type", "library"),
    ]
    # a stop or a building named after the district stays a place's name
    text = "Wo ist der Bahnhof Lütten Klein?"
    diet = [by_diet("place_name", 11, 31, "Bahnhof Lütten Klein")]
    assert ("place_name", "Bahnhof Lütten Klein") in found(parse(vocabulary, text, entities=diet))


def test_a_value_annotated_in_lower_case_once_gets_the_usual_spelling(
    vocabulary: ClosedVocabulary,
) -> None:
    text = "spielplatz in evershagen"
    diet = [by_diet("district", 14, 24, "evershagen")]
    assert found(parse(vocabulary, text, entities=diet)) == [
        ("place_type", "playground"),
        ("district", "Evershagen"),
    ]


def test_a_short_word_one_letter_from_a_district_is_no_district_unless_diet_saw_one(
    vocabulary: ClosedVocabulary,
) -> None:
    assert parse(vocabulary, "Der Gehweg ist hier zu schmal") == []
    assert parse(vocabulary, "Schmal ist der Gehweg hier") == []
    text = "Spielplatz in Schmal"
    diet = [by_diet("district", 14, 20, "Schmal")]
    assert found(parse(vocabulary, text, entities=diet)) == [
        ("place_type", "playground"),
        ("district", "Schmarl"),
    ]


def test_an_entity_spanning_two_vocabulary_words_is_split(vocabulary: ClosedVocabulary) -> None:
    text = "Wo gibt es eine barrierefreie Toilette?"
    diet = [{"entity": "accessibility", "start": 16, "end": 38, "value": "barrierefreie Toilette"}]
    assert found(parse(vocabulary, text, entities=diet)) == [
        ("accessibility", "wheelchair"),
        ("place_type", "toilet"),
    ]
