"""Shared test fixtures: repository paths and the optional ../shared folder of real benchmark data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: ../shared beside the repository (read-only real data); tests that need it skip when absent.
SHARED = Path(os.environ.get("RECO_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ../shared folder; skips the test with a visible reason when it is not there."""
    if not (SHARED / "benchmarks").is_dir():
        pytest.skip(
            f"../shared not found at {SHARED} (set RECO_SHARED to run tests on the real benchmark data)"
        )
    return SHARED
