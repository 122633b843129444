"""Cluster profiles parse, and a dry run with the SLURM profile plans the whole default DAG."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml


@pytest.mark.parametrize("name", ["slurm", "kubernetes"])
def test_profile_parses_and_names_its_executor(repo: Path, name: str) -> None:
    profile = yaml.safe_load((repo / "profiles" / name / "config.yaml").read_text(encoding="utf-8"))
    assert profile["executor"] == name
    assert profile["jobs"] > 0
    assert profile["default-resources"]["mem_mb"] > 0


def _dry_run(repo: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--cores", "2", *extra],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_slurm_profile_plans_the_full_dag(repo: Path) -> None:
    pytest.importorskip("snakemake_executor_plugin_slurm", reason="install the test extra")
    slurm = _dry_run(repo, "--forceall", "--profile", "profiles/slurm")
    assert slurm.returncode == 0, (slurm.stdout + slurm.stderr)[-2000:]

    def jobs(out: str) -> dict[str, int]:
        table = out.split("Job stats:", 1)[1].split("total", 1)[0]
        rows = [line.split() for line in table.splitlines()[3:] if line.strip()]
        return {r[0]: int(r[1]) for r in rows}

    planned = jobs(slurm.stdout)
    rules = [
        "ingest_exports", "dedup_records", "tally_screening", "simulate_screening", "map_literature",
        "build_evidence_matrix", "tabulate_survey", "price_costing", "check_conservation",
        "collect_numbers", "render_reports", "all",
    ]  # fmt: skip
    for rule in rules:
        assert planned.get(rule) == 1, (rule, planned)
