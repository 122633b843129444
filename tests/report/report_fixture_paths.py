"""Fixture paths of the report tests, importable under a unique name."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
#: Fixture counts files, one per stage, shaped like the stages' own results/counts/<stage>.json.
COUNTS = FIXTURES / "counts"
