"""The district directory from the repository's table of Stadtbereiche (data/districts/)."""

from __future__ import annotations

import csv
from pathlib import Path

from bot.core.districts import DistrictDirectory

STADTBEREICHE = Path(__file__).resolve().parents[2] / "data" / "districts" / "stadtbereiche_hro.csv"


def load_districts(path: Path = STADTBEREICHE) -> DistrictDirectory:
    """Read the 21 Stadtbereiche with their Ortsteile (blocking; once at start-up)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = [
            (row["code"], row["stadtbereich"], row["ortsteile_inferred"].split(";"))
            for row in csv.DictReader(f)
        ]
    return DistrictDirectory(rows)
