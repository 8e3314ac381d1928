"""The NLU test sets stay unseen: no test sentence is also a training example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TEST_SETS = sorted((ROOT / "nlu" / "tests").glob("*_test.yml"))


def _plain(example: str) -> str:
    # "[Südstadt](district)" and '[ktv]{"entity": …}' count as their words
    text = re.sub(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})", r"\1", example)
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _examples(path: Path) -> set[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = set()
    for block in data.get("nlu") or []:
        for line in (block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                found.add(_plain(line[2:]))
    return found


def test_there_are_test_sets() -> None:
    assert {p.name for p in TEST_SETS} >= {"nlu_test.yml", "reports_test.yml"}


@pytest.mark.parametrize("test_set", TEST_SETS, ids=lambda p: p.name)
def test_no_test_sentence_is_trained_on(test_set: Path) -> None:
    training: set[str] = set()
    for path in (ROOT / "nlu" / "data" / "nlu").glob("*.yml"):
        training |= _examples(path)
    leaked = sorted(_examples(test_set) & training)
    assert not leaked, leaked
