"""Fixtures for the report tests: numbers.json and the audit built from the fixture counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from report_fixture_paths import COUNTS, FIXTURES  # noqa: F401


@pytest.fixture(scope="session")
def fixture_results(tmp_path_factory, repo) -> Path:
    """A results/ folder: fixture stage tables, numbers.json and the audit from the fixture counts."""
    from reco.dataset import describe
    from reco.report import audit, numbers

    results = tmp_path_factory.mktemp("results")
    # small stage tables of the shapes the stages write (first rows of the reconstruction's)
    shutil.copytree(FIXTURES / "results", results, dirs_exist_ok=True)
    data = numbers.collect(COUNTS, results, review="fixture", date="2024-05-01")
    data["meta"]["search"] = numbers.search_meta(
        [
            {"database": "Medline", "origin": "database", "search_date": "2020-03-13"},
            {"database": "Theory", "origin": "other", "search_date": "2020-11-30"},
        ]
    )
    # the fixture counts are the reconstruction's, and say so as the default run does
    data["meta"]["dataset"] = describe(repo / "resources" / "reco")
    numbers.write(results / "report" / "numbers.json", data)
    rows, summary = audit.run_audit(
        repo / "resources/reco/sources/published_figures.yaml",
        repo / "resources/reco/ledger_map.yaml",
        data,
        results,
    )
    audit.write_audit(
        rows, summary, results / "report" / "audit.csv", results / "report" / "audit.json"
    )
    return results
