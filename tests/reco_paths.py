"""Paths for tests, importable under a unique name (several folders have their own conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: ../shared beside the repository (read-only real data); tests that need it skip when absent.
SHARED = Path(os.environ.get("RECO_SHARED", REPO.parent / "shared"))
