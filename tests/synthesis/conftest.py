"""Fixtures for the synthesis tests: the reconstruction's upstream stand-ins and one built run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mapping"))

from helpers_extraction import reconstruction_upstream  # noqa: E402
from reco.synthesis.run import run  # noqa: E402


@pytest.fixture(scope="session")
def synth_up(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return reconstruction_upstream(repo, tmp_path_factory.mktemp("synthesis"))


@pytest.fixture(scope="session")
def synth_built(synth_up: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("synthesis_out")
    counts = run(
        synth_up["cmo_sheet"],
        synth_up["theories"],
        synth_up["dedup_map"],
        synth_up["status"],
        out,
        out / "synthesis.json",
    )
    return {"counts": counts, "out": out}
