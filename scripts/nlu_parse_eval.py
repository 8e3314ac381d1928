"""What the actions receive: a test set parsed by the trained model as `/model/parse` would.

`rasa test nlu` scores each entity extractor on its own; the actions see the entities of all of
them together, after the synonyms mapped their values. This parses every example of a test set
with the model and prints, over the merged entities:

- intent accuracy;
- entity precision and recall (an entity counts when its type and its words match the annotation);
- value accuracy: of the entities found, the share whose value is the annotated canonical value
  (free-text entities, `place_name` and `when`, compared without regard to case).

An intent below the FallbackClassifier's threshold is counted as asked back, not as right.

Usage (Rasa's Python): python scripts/nlu_parse_eval.py MODEL.tar.gz TEST_SET.yml
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import sys
from typing import Any

_FREE_TEXT = frozenset({"place_name", "when"})


def _words(text: str) -> str:
    return " ".join(text.lower().strip(" .,;:!?").split())


async def _parse_all(model: str, examples: list[Any]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    with contextlib.redirect_stdout(io.StringIO()):  # Rasa logs every parse at debug level
        agent = Agent.load(model)
        return [await agent.parse_message(example.get("text")) for example in examples]


def main(model: str, test_set: str) -> None:
    """Parse every example of the test set and print the figures and each miss."""
    from rasa.shared.nlu.training_data.loading import load_data

    logging.disable(logging.WARNING)
    examples = load_data(test_set).intent_examples
    parsed = asyncio.run(_parse_all(model, examples))
    right_intents = asked_back = 0
    expected_total = found_total = matched = right_values = 0
    misses: list[str] = []
    for example, result in zip(examples, parsed, strict=True):
        text = example.get("text")
        if result["intent"]["name"] == example.get("intent"):
            right_intents += 1
        elif result["intent"]["name"] == "nlu_fallback":
            asked_back += 1
        else:
            misses.append(f"    intent {result['intent']['name']} for {text!r}")
        expected = [
            (e["entity"], _words(text[e["start"] : e["end"]]), str(e.get("value")))
            for e in example.get("entities") or []
        ]
        found = [
            (e["entity"], _words(text[e["start"] : e["end"]]), str(e.get("value")))
            for e in result.get("entities") or []
        ]
        expected_total += len(expected)
        found_total += len(found)
        for entity, words, value in expected:
            hit = next((f for f in found if f[0] == entity and f[1] == words), None)
            if hit is None:
                misses.append(f"    missed {entity} {words!r} in {text!r}")
                continue
            matched += 1
            free = entity in _FREE_TEXT
            if hit[2] == value or (free and hit[2].lower() == value.lower()):
                right_values += 1
            else:
                misses.append(f"    value {entity} {words!r}: {hit[2]!r}, expected {value!r}")
    share = lambda n, d: f"{n / d * 100:.1f} %" if d else "—"  # noqa: E731
    print(f"  as the actions see it (all extractors, after synonyms), {len(examples)} examples:")
    print(
        f"  intent right {share(right_intents, len(examples))}, asked back "
        f"{share(asked_back, len(examples))}; entities: precision "
        f"{share(matched, found_total)}, recall {share(matched, expected_total)} "
        f"({expected_total} annotated), canonical value right {share(right_values, matched)}"
    )
    for line in misses:
        print(line)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
