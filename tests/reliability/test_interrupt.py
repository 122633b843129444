"""SIGTERM in the middle of a fixture build, then rerun: the same bytes as a clean build.

The kill reaches Snakemake, the job's shell and the reco process (the run's process group). No
partial file may survive as an input: outputs are written to a temporary file and renamed
(reco.fileio), and Snakemake reruns the job it lost. Ten trials on the default review are in
bench/interrupt.py.
"""

from __future__ import annotations

import random
from pathlib import Path
from types import ModuleType

import pytest
from reco_paths import REPO

FIXTURE_CONFIG = REPO / "config" / "fixture.yaml"


@pytest.mark.parametrize("phase,seed", [("dedup", 3)])
def test_rerun_after_sigterm_reproduces_the_clean_build(
    phase: str, seed: int, clean_fixture_run: Path, runner: ModuleType, tmp_path: Path
) -> None:
    clean = runner.checksums(clean_fixture_run)
    result = runner.trial(
        tmp_path / "interrupted run",
        FIXTURE_CONFIG,
        phase,
        random.Random(seed),
        clean,
        cores=2,
        max_delay=0.5,
    )
    assert result["killed_at_s"] is not None, "the run ended before the phase started"
    assert result["exit_code"] != 0, result  # the interrupted run did not claim success
    assert result["rerun_exit_code"] == 0, result.get("rerun_error")
    assert result["identical"], result
    assert result["temp_files_after_rerun"] == [], result


WRITER = """
import sys, time
from reco.cli import _interrupt_on_sigterm
from reco.fileio import atomic_open
_interrupt_on_sigterm()
try:
    with atomic_open(sys.argv[1]) as handle:
        handle.write("partial")
        handle.flush()
        print("writing", flush=True)
        time.sleep(60)
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_sigterm_during_a_write_leaves_no_file(tmp_path: Path) -> None:
    """A reco process killed mid-write leaves neither the output nor its temporary file."""
    import signal
    import subprocess
    import sys

    target = tmp_path / "out" / "table.csv"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        assert len(list(target.parent.iterdir())) == 1  # the temporary file exists now
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert list(target.parent.iterdir()) == []
