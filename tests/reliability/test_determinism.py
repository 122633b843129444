"""Two clean builds of the fixture review, in two working directories, give identical bytes.

Every file under results/ is compared (SHA-256), reports and figures included. No file is
exempt: the report date, PDF/DOCX metadata, SVG hash salts and parquet statistics are fixed by
the pipeline (see tests/reliability/README.md, "Determinism").
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from reco_paths import REPO

FIXTURE_CONFIG = REPO / "config" / "fixture.yaml"

#: Files allowed to differ between two clean builds (each must say why). None so far.
TIMESTAMPED: dict[str, str] = {}

#: Outputs every fixture build must have (the DAG really ran end to end).
EXPECTED = [
    "results/ingest/records.parquet",
    "results/dedup/dedup_map.csv",
    "results/screening/status.parquet",
    "results/checks/conservation.json",
    "results/report/numbers.json",
    "results/report/prisma.svg",
    "results/report/prisma.png",
    "results/report/reco.html",
    "results/report/explorer.html",
    "results/MANIFEST.tsv",
]


def test_two_clean_builds_are_byte_identical(
    clean_fixture_run: Path, runner: ModuleType, tmp_path: Path
) -> None:
    second = tmp_path / "second run (Zürich)"  # spaces and non-ASCII in the working directory
    runner.run(second, FIXTURE_CONFIG, cores=2)
    first_sums = runner.checksums(clean_fixture_run)
    second_sums = runner.checksums(second)
    for path in EXPECTED:
        assert path in first_sums, f"{path} not built"
    diff = runner.compare(first_sums, second_sums)
    differ = [p for p in diff["differ"] if p not in TIMESTAMPED]
    assert not differ and not diff["missing"] and not diff["extra"], diff
    assert runner.temp_files(second) == []


def test_checksum_comparison_catches_one_changed_byte(
    clean_fixture_run: Path, runner: ModuleType, tmp_path: Path
) -> None:
    """The comparison is not vacuous: flipping one byte of one output is reported."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(clean_fixture_run / "results", copy / "results")
    target = copy / "results/dedup/dedup_map.csv"
    data = bytearray(target.read_bytes())
    data[-2] ^= 1
    target.write_bytes(bytes(data))
    diff = runner.compare(runner.checksums(clean_fixture_run), runner.checksums(copy))
    assert diff["differ"] == ["results/dedup/dedup_map.csv"]
