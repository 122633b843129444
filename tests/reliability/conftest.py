"""Shared fixture of the reliability tests: one clean Snakemake run of config/fixture.yaml."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from reco_paths import REPO

FIXTURE_CONFIG = REPO / "config" / "fixture.yaml"


def load_runner() -> ModuleType:
    """bench/interrupt.py: run, checksum and interrupt helpers shared with the benchmarks."""
    spec = importlib.util.spec_from_file_location(
        "reco_bench_interrupt", REPO / "bench/interrupt.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def runner() -> ModuleType:
    return load_runner()


@pytest.fixture(scope="session")
def clean_fixture_run(tmp_path_factory: pytest.TempPathFactory, runner: ModuleType) -> Path:
    """The fixture DAG built once from clean, outside the repository (`--directory`)."""
    workdir = tmp_path_factory.mktemp("clean run")
    took = runner.run(workdir, FIXTURE_CONFIG, cores=2)
    assert took < 60, f"fixture DAG took {took:.0f} s (budget 60 s)"
    return workdir
