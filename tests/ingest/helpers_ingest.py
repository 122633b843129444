"""Shared helpers for the ingest tests: the sample manifests and field normalisation."""

from __future__ import annotations

import csv
import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def manifest(folder: Path) -> list[dict[str, str]]:
    with open(folder / "MANIFEST.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def norm_doi(value: str | None) -> str:
    """A DOI as written by any database ("10.x [doi]", "http://dx.doi.org/10.x") to "10.x"."""
    if not value:
        return ""
    v = value.strip().lower()
    v = re.sub(r"\s*\[doi\]$", "", v)
    v = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", v)
    return v


def manifest_year(value: str) -> int | None:
    m = re.search(r"(1[5-9]\d\d|20\d\d)", value or "")
    return int(m.group(1)) if m else None
