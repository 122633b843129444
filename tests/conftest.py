"""Shared test fixtures: repository paths and the optional ../shared folder of real benchmark data."""

from __future__ import annotations

from pathlib import Path

import pytest
from reco_paths import REPO, SHARED


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


@pytest.fixture(scope="session")
def reco_config() -> dict:
    """The default config (config/config.yaml) as a dict."""
    import yaml

    return yaml.safe_load((REPO / "config/config.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def reco_results(tmp_path_factory: pytest.TempPathFactory, reco_config: dict) -> Path:
    """ingest -> dedup -> screening tally on the committed RECO reconstruction, once per session.

    Returns the results folder (ingest/, dedup/, screening/, counts/), built with the reco CLI as
    the Snakemake rules call it. Read-only for tests: copy before mutating.
    """
    import json

    from reco.cli import main

    res = REPO / "resources" / reco_config["review"]
    out = tmp_path_factory.mktemp("reco_run") / "results"
    exports = [dict(e, file=str(res / e["file"])) for e in reco_config["exports"]]
    assert (
        main(
            [
                "-q",
                "ingest",
                "--spec",
                json.dumps(exports),
                "--out",
                str(out / "ingest"),
                "--counts",
                str(out / "counts/ingest.json"),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "-q",
                "dedup",
                str(out / "ingest/records.parquet"),
                "--out",
                str(out / "dedup"),
                "--decisions",
                str(res / "dedup_decisions.csv"),
                "--counts",
                str(out / "counts/dedup.json"),
            ]
        )
        == 0
    )
    logs = [dict(e, file=str(res / e["file"])) for e in reco_config["screening"]["logs"]]
    assert (
        main(
            [
                "-q",
                "screen",
                "tally",
                "--dedup-map",
                str(out / "dedup/dedup_map.csv"),
                "--spec",
                json.dumps(logs),
                "--out",
                str(out / "screening"),
                "--counts",
                str(out / "counts/screening.json"),
            ]
        )
        == 0
    )
    return out
