"""Interrupt the pipeline at random points and check that a rerun gives the clean run's bytes.

    nice python bench/interrupt.py [--trials 10] [--configfile config/config.yaml] [--seed 1]

Builds the DAG once from clean in a temporary working directory (checksums of every file under
results/), then per trial: starts `snakemake --cores N` from clean in a new directory, waits until
the phase picked for the trial is running (`dedup`: rule dedup_records; `report`: rule
render_reports), sleeps a random fraction of a second to a few seconds, sends SIGTERM to the run's
process group (Snakemake, the job shell and the reco process, as a scheduler or `kill` would),
reruns the same command, and compares checksums with a clean run of the same source tree (the
clean run is repeated when the tree changed). It also lists temporary files
(`.*.tmp` of reco.fileio) left by the kill and files under results/ that the clean run does not
have. Prints JSON. The helpers here are also used by tests/reliability and bench/pipeline.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: Phase -> (log file that appears when its rule starts, an output that appears when it ends).
PHASES = {
    "dedup": ("logs/dedup_records.log", "results/counts/dedup.json"),
    "report": ("logs/render_reports.log", "results/MANIFEST.tsv"),
}


def prepare(workdir: Path) -> Path:
    """A working directory for `snakemake --directory` (rules resolve the repository's own files
    with repo_path(), so nothing needs to be copied or linked)."""
    workdir.mkdir(parents=True, exist_ok=True)
    return workdir


def command(workdir: Path, configfile: Path, cores: int = 2, extra: list[str] | None = None):
    return [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--configfile",
        str(configfile),
        "--directory",
        str(workdir),
        "--cores",
        str(cores),
        *(extra or []),
    ]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def run(workdir: Path, configfile: Path, cores: int = 2, extra: list[str] | None = None) -> float:
    """Run the DAG in ``workdir``; return the wall time. Raises with the log tail on failure."""
    prepare(workdir)
    start = time.perf_counter()
    proc = subprocess.run(
        command(workdir, configfile, cores, extra),
        capture_output=True,
        text=True,
        env=environment(),
    )
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"snakemake failed in {workdir}:\n{proc.stderr[-4000:]}")
    return took


def checksums(workdir: Path) -> dict[str, str]:
    """SHA-256 of every file under results/ (relative path -> hex digest)."""
    out = {}
    root = workdir / "results"
    for path in sorted(root.rglob("*")):
        if path.is_file():
            out[path.relative_to(workdir).as_posix()] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return out


def temp_files(workdir: Path) -> list[str]:
    """Temporary files of reco.fileio (`.<name>.<random>.tmp`) left under results/."""
    root = workdir / "results"
    return sorted(p.relative_to(workdir).as_posix() for p in root.rglob(".*.tmp") if p.is_file())


def tree_fingerprint() -> str:
    """SHA-256 over the code, inputs and config the DAG reads (the tree may change under a
    long benchmark when others commit; a trial is compared with a clean run of the same tree)."""
    digest = hashlib.sha256()
    for top in ("Snakefile", "workflow", "reports", "resources", "config"):
        root = REPO / top
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(REPO).as_posix().encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def compare(clean: dict[str, str], other: dict[str, str]) -> dict[str, list[str]]:
    return {
        "differ": sorted(k for k in clean.keys() & other.keys() if clean[k] != other[k]),
        "missing": sorted(clean.keys() - other.keys()),
        "extra": sorted(other.keys() - clean.keys()),
    }


def interrupt_once(
    workdir: Path,
    configfile: Path,
    phase: str,
    rng: random.Random,
    cores: int = 2,
    max_delay: float = 3.0,
    timeout: float = 600.0,
) -> dict[str, object]:
    """Start a clean run, SIGTERM it during ``phase``, return what was seen (no rerun)."""
    prepare(workdir)
    started_marker, done_marker = (workdir / p for p in PHASES[phase])
    proc = subprocess.Popen(
        command(workdir, configfile, cores),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(),
        start_new_session=True,  # its own process group: the kill reaches the jobs too
    )
    t0 = time.perf_counter()
    delay = rng.uniform(0.0, max_delay)
    killed_at = None
    try:
        while proc.poll() is None and time.perf_counter() - t0 < timeout:
            if started_marker.exists():
                time.sleep(delay)
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
                    killed_at = round(time.perf_counter() - t0, 2)
                break
            time.sleep(0.05)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:  # never leave our own run behind
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return {
        "phase": phase,
        "delay_s": round(delay, 2),
        "killed_at_s": killed_at,
        "phase_finished_before_kill": done_marker.exists() if killed_at else None,
        "exit_code": proc.returncode,
        "temp_files_after_kill": temp_files(workdir),
    }


def trial(
    workdir: Path,
    configfile: Path,
    phase: str,
    rng: random.Random,
    clean: dict[str, str],
    cores: int = 2,
    max_delay: float = 3.0,
) -> dict[str, object]:
    """One interruption and rerun; the rerun must reproduce the clean run's files."""
    seen = interrupt_once(workdir, configfile, phase, rng, cores, max_delay)
    start = time.perf_counter()
    rerun = subprocess.run(
        command(workdir, configfile, cores), capture_output=True, text=True, env=environment()
    )
    seen["rerun_exit_code"] = rerun.returncode
    seen["rerun_s"] = round(time.perf_counter() - start, 1)
    if rerun.returncode != 0:
        seen["rerun_error"] = rerun.stderr[-1500:]
    after = checksums(workdir)
    diff = compare(clean, {k: v for k, v in after.items() if not Path(k).name.endswith(".tmp")})
    seen.update(diff)
    seen["temp_files_after_rerun"] = temp_files(workdir)
    seen["identical"] = rerun.returncode == 0 and not any(diff.values())
    return seen


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--configfile", type=Path, default=REPO / "config/config.yaml")
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--max-delay", type=float, default=3.0, help="seconds after the phase starts")
    ap.add_argument("--workdir", type=Path, default=None, help="keep the runs here (default temp)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="reco-interrupt-") as tmp:
        base = args.workdir or Path(tmp)
        clean_runs: list[float] = []
        fingerprint, clean = "", {}
        trials = []
        for i in range(args.trials):
            if tree_fingerprint() != fingerprint:  # first trial, or the tree changed: re-baseline
                fingerprint = tree_fingerprint()
                clean_dir = base / f"clean_{len(clean_runs):02d}"
                clean_runs.append(round(run(clean_dir, args.configfile.resolve(), args.cores), 1))
                clean = checksums(clean_dir)
            phase = "dedup" if i % 2 == 0 else "report"
            result = trial(
                base / f"trial_{i:02d}",
                args.configfile.resolve(),
                phase,
                rng,
                clean,
                args.cores,
                args.max_delay,
            )
            result["trial"] = i
            result["tree_changed_during_trial"] = tree_fingerprint() != fingerprint
            trials.append(result)
            print(json.dumps(result), file=sys.stderr)
        summary = {
            "configfile": str(args.configfile),
            "cores": args.cores,
            "seed": args.seed,
            "clean_runs_s": clean_runs,
            "files_checked": len(clean),
            "trials": trials,
            "identical": sum(bool(t["identical"]) for t in trials),
            "differ_with_tree_unchanged": sum(
                not t["identical"] and not t["tree_changed_during_trial"] for t in trials
            ),
            "temp_files_left_after_rerun": sum(len(t["temp_files_after_rerun"]) for t in trials),
        }
    print(json.dumps(summary, indent=2))
    return 0 if summary["differ_with_tree_unchanged"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
