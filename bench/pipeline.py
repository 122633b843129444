"""Whole-pipeline timings: clean rebuild, no-op rebuild, and a 100,000-record synthetic search.

    nice python bench/pipeline.py [--records 100000] [--skip-full] [--skip-scale]

Prints JSON with
* `full`: a clean build of the default config (config/config.yaml) in a temporary working
  directory with every report format (HTML, PDF, DOCX), the same with HTML only (the difference
  is the PDF/DOCX rendering), the per-rule times from logs/benchmarks/, and a no-op rebuild
  (Snakemake finds nothing to do). Targets: clean < 3 min without PDF/DOCX, no-op < 5 s.
* `scale`: ingest + dedup + ranking on N synthetic records (default 100,000) made by repeating
  the reconstruction's RIS exports: copy k shifts the letters of titles, authors, journals,
  abstracts and keywords by k (so copies are different works, while the planted duplicates
  inside each copy stay duplicates) and gives DOIs a `.c<k>` suffix. Ranking fits on the
  title/abstract labels of copy 0 (from resources/reco/truth, which only benchmarks and tests
  read) and ranks the other unique records. Wall time and peak RSS per step. Targets: < 3 min,
  < 4 GB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from interrupt import REPO, checksums, command, environment, prepare

EXPORTS = REPO / "resources/reco/exports"
RIS_FILES = [
    "medline_ovid.ris",
    "embase_ovid.ris",
    "psycinfo_ovid.ris",
    "cinahl_ebsco.ris",
    "cochrane_library.ris",
]
#: RIS tags whose text is shifted in copies (the rest keep their values).
SHIFTED = {"TI", "T1", "AU", "A1", "A2", "AB", "N2", "JO", "JF", "JA", "T2", "J2", "KW"}
TAG = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")


def _snakemake(workdir: Path, configs: list[Path], extra: list[str] | None = None) -> float:
    cmd = command(workdir, configs[0], 2, extra)
    i = cmd.index("--configfile")
    cmd[i + 1 : i + 2] = [str(c) for c in configs]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=environment())
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"snakemake failed in {workdir}:\n{proc.stderr[-3000:]}")
    return round(took, 1)


def _rule_times(workdir: Path) -> dict[str, float]:
    out = {}
    for tsv in sorted((workdir / "logs/benchmarks").glob("*.tsv")):
        rows = list(csv.DictReader(tsv.open(encoding="utf-8"), delimiter="\t"))
        if rows:
            out[tsv.stem] = round(float(rows[-1]["s"]), 1)
    return out


def full(base: Path) -> dict[str, object]:
    config = REPO / "config/config.yaml"
    base.mkdir(parents=True, exist_ok=True)
    html_only = base / "html_only.yaml"
    html_only.write_text("report:\n  formats: [html]\n", encoding="utf-8")
    all_dir = prepare(base / "all_formats")
    html_dir = prepare(base / "html_only")
    result: dict[str, object] = {}
    result["clean_all_formats_s"] = _snakemake(all_dir, [config])
    result["rules_all_formats_s"] = _rule_times(all_dir)
    result["noop_rebuild_s"] = _snakemake(all_dir, [config])
    result["clean_html_only_s"] = _snakemake(html_dir, [config, html_only])
    result["rules_html_only_s"] = _rule_times(html_dir)
    result["pdf_docx_rendering_s"] = round(
        result["clean_all_formats_s"] - result["clean_html_only_s"], 1
    )
    result["files_in_results"] = len(checksums(all_dir))
    result["targets"] = {"clean_without_pdf_docx_s": 180, "noop_s": 5}
    return result


def _shift(text: str, k: int) -> str:
    def rot(m: re.Match[str]) -> str:
        c = m.group(0)
        a = ord("a") if c.islower() else ord("A")
        return chr(a + (ord(c) - a + k) % 26)

    return re.sub(r"[A-Za-z]", rot, text)


def synthesise(out: Path, n: int) -> tuple[list[Path], int]:
    """Write copies of the RIS exports until n records; returns the files and the count."""
    out.mkdir(parents=True, exist_ok=True)
    files, total, k = [], 0, 0
    while total < n:
        for name in RIS_FILES:
            if total >= n:
                break
            lines = (EXPORTS / name).read_text(encoding="utf-8-sig").splitlines()
            stem = Path(name).stem if k == 0 else f"{Path(name).stem}_c{k:02d}"
            target = out / f"{stem}.ris"
            with target.open("w", encoding="utf-8") as handle:
                for line in lines:
                    m = TAG.match(line)
                    if m and k:
                        tag, value = m.groups()
                        if tag in SHIFTED:
                            line = f"{tag}  - {_shift(value, k)}"
                        elif tag == "DO" and value:
                            line = f"{tag}  - {value}.c{k}"
                    handle.write(line + "\n")
                    if m and m.group(1) == "ER":
                        total += 1
                        if total >= n:
                            break
            files.append(target)
        k += 1
    return files, total


def _step(name: str, argv: list[str]) -> dict[str, object]:
    """Run one reco CLI step as a child process: wall time and peak RSS."""
    cmd = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "reco", "-q", *argv]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=environment())
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{proc.stderr[-3000:]}")
    peak_kb = int(proc.stderr.strip().splitlines()[-1])
    return {"s": round(took, 1), "peak_rss_mb": round(peak_kb / 1024)}


def _labels(records: Path, path: Path) -> int:
    """record_id,label for copy 0's records with a title/abstract decision in the truth files."""
    import polars as pl

    truth = REPO / "resources/reco/truth"
    works = pl.read_csv(truth / "duplicates.csv", columns=["record_id", "work_id"])
    ta = pl.read_csv(truth / "screening.csv", columns=["work_id", "title_abstract"])
    unique = pl.read_parquet(records, columns=["record_id"])
    labels = (
        unique.join(works, on="record_id")
        .join(ta, on="work_id")
        .filter(pl.col("title_abstract").is_in(["include", "exclude"]))
        .select("record_id", label=(pl.col("title_abstract") == "include").cast(pl.Int8))
    )
    labels.write_csv(path)
    return labels.height


def scale(base: Path, n: int) -> dict[str, object]:
    files, total = synthesise(base / "exports", n)
    size_mb = sum(f.stat().st_size for f in files) / 2**20
    steps: dict[str, object] = {}
    steps["ingest"] = _step("ingest", ["ingest", *map(str, files), "--out", str(base / "ingest")])
    steps["dedup"] = _step(
        "dedup", ["dedup", str(base / "ingest/records.parquet"), "--out", str(base / "dedup")]
    )
    n_labels = _labels(base / "dedup/unique_records.parquet", base / "labels.csv")
    # `reco screen rank` cannot read a parquet with list columns (authors, keywords): give it
    # the columns it uses as CSV.
    import polars as pl

    pl.read_parquet(
        base / "dedup/unique_records.parquet", columns=["record_id", "title", "abstract"]
    ).write_csv(base / "unique_records.csv")
    steps["rank"] = _step(
        "rank",
        [
            "screen",
            "rank",
            "--records",
            str(base / "unique_records.csv"),
            "--labels",
            str(base / "labels.csv"),
            "--out",
            str(base / "rank"),
        ],
    )
    counts = json.loads((base / "dedup/counts.json").read_text(encoding="utf-8"))
    return {
        "records": total,
        "export_files": len(files),
        "export_mb": round(size_mb, 1),
        "unique_after_dedup": counts.get("unique") or counts.get("unique_records"),
        "labelled_for_ranking": n_labels,
        "steps": steps,
        "total_s": round(sum(s["s"] for s in steps.values()), 1),
        "peak_rss_mb": max(s["peak_rss_mb"] for s in steps.values()),
        "targets": {"total_s": 180, "peak_rss_mb": 4096},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--skip-full", action="store_true")
    ap.add_argument("--skip-scale", action="store_true")
    args = ap.parse_args()
    report: dict[str, object] = {"cores": 2, "load_average_at_start": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="reco-bench-pipeline-") as tmp:
        if not args.skip_full:
            report["full"] = full(Path(tmp) / "full")
            print(json.dumps(report["full"]), file=sys.stderr)
        if not args.skip_scale:
            report["scale"] = scale(Path(tmp) / "scale", args.records)
    report["load_average_at_end"] = os.getloadavg()
    report["self_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
