"""Ingest speed and memory: prints JSON.

1. ``generated``: a 100,000-record RIS file (written to a temp folder) parsed by ``reco.ingest``
   in a fresh subprocess; records/s and the subprocess's peak RSS.
2. ``real``: a real export with abstracts (default: ../shared/benchmarks/ingest/wos_ris/
   citesource_WoS_79.ris) repeated to 100,000 records; reco vs ``rispy.load`` on the same file,
   checking that both give the same title, authors, year, journal, volume, issue, DOI, abstract
   and keywords for every record.

Targets (issue 3): >= 50,000 records/s and < 1 GB peak; >= 5x faster than rispy. Each
measurement is repeated (``--repeat``, default 3) and the best time reported with all runs, so
that a busy machine disturbs the result less; the peak memory is the largest of the runs.
Usage: ``nice python bench/ingest.py [REAL_RIS] [--records N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_REAL = Path(__file__).resolve().parents[1].parent / (
    "shared/benchmarks/ingest/wos_ris/citesource_WoS_79.ris"
)

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from reco.ingest import ExportSpec, ingest_files
t1 = time.perf_counter()
res = ingest_files([ExportSpec(file=sys.argv[1], dialect=sys.argv[2])])
t2 = time.perf_counter()
print(json.dumps({"records": res.records.height, "rejected": res.rejected.height,
                  "seconds": t2 - t1, "import_seconds": t1 - t0,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

WORDS = (
    "integrated treatment dual diagnosis severe mental illness substance misuse alcohol drug "
    "service model community mental health team assertive outreach randomised trial cohort "
    "qualitative realist evaluation outcome engagement housing homelessness psychosis "
    "schizophrenia bipolar depression care coordination primary care emergency department"
).split()


def generate(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for i in range(1, n + 1):
            w = rng.sample(WORDS, 12)
            out.write("TY  - JOUR\n")
            out.write(f"ID  - {i}\n")
            out.write(f"TI  - {' '.join(w).capitalize()}\n")
            for _ in range(rng.randint(1, 6)):
                out.write(
                    f"AU  - {rng.choice(WORDS).capitalize()}, {chr(65 + rng.randrange(26))}.\n"
                )
            out.write(f"PY  - {rng.randint(1990, 2020)}\n")
            out.write(f"T2  - Journal of {rng.choice(WORDS).capitalize()} Studies\n")
            out.write(f"VL  - {rng.randint(1, 80)}\nIS  - {rng.randint(1, 12)}\n")
            sp = rng.randint(1, 900)
            out.write(f"SP  - {sp}\nEP  - {sp + rng.randint(1, 20)}\n")
            out.write(f"DO  - 10.5555/bench.{i}\n")
            out.write(f"AB  - {' '.join(rng.choices(WORDS, k=120))}\n")
            for _ in range(rng.randint(2, 6)):
                out.write(f"KW  - {rng.choice(WORDS)}\n")
            out.write("ER  - \n\n")


def repeat(src: Path, dst: Path, n: int) -> int:
    data = src.read_bytes().lstrip(b"\xef\xbb\xbf")
    per = data.count(b"\nER  -") + data.startswith(b"ER  -")
    copies = -(-n // per)
    with open(dst, "wb") as out:
        for _ in range(copies):
            out.write(data)
            if not data.endswith(b"\n"):
                out.write(b"\n")
    return per * copies


def child(path: Path, dialect: str, repeat: int) -> dict:
    """Parse in fresh subprocesses ``repeat`` times: the best time, the largest peak RSS."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), dialect],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["seconds"])
    best["runs_seconds"] = [round(r["seconds"], 3) for r in runs]
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    return best


def compare_with_rispy(path: Path, repeat: int) -> dict:
    """Alternate rispy and reco runs ``repeat`` times; the best time of each is compared."""
    import logging

    import rispy
    from reco.ingest import ExportSpec, ingest_files

    logging.disable(logging.WARNING)  # the repeated file repeats its ids: one warning per copy
    rispy_times, reco_times = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with open(path, encoding="utf-8") as fh:
            ref = rispy.load(fh)
        rispy_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        df = ingest_files([ExportSpec(file=path, dialect="wos_ris")]).records
        reco_times.append(time.perf_counter() - t0)
    t_rispy, t_reco = min(rispy_times), min(reco_times)
    pairs = {
        "title": "title",
        "authors": "authors",
        "year": "year",
        "journal": "secondary_title",
        "volume": "volume",
        "issue": "number",
        "doi": "doi",
        "abstract": "abstract",
        "keywords": "keywords",
    }
    mismatches = {k: 0 for k in pairs}
    ours = df.select(list(pairs)).to_dicts()
    for got, want in zip(ours, ref, strict=True):
        for mine, theirs in pairs.items():
            w = want.get(theirs)
            if mine == "year":
                w = int(str(w)[:4]) if w else None
            if mine in ("authors", "keywords"):
                w = w or []
            if got[mine] != w:
                mismatches[mine] += 1
    return {
        "records": df.height,
        "rispy_records": len(ref),
        "reco_seconds": round(t_reco, 3),
        "rispy_seconds": round(t_rispy, 3),
        "reco_runs": [round(t, 3) for t in reco_times],
        "rispy_runs": [round(t, 3) for t in rispy_times],
        "speedup_vs_rispy": round(t_rispy / t_reco, 2),
        "field_mismatches": mismatches,
        "fields_compared": list(pairs),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("real", nargs="?", type=Path, default=DEFAULT_REAL)
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument(
        "--repeat", type=int, default=3, help="runs per measurement; the best time is reported"
    )
    args = ap.parse_args()
    report: dict = {
        "targets": {"records_per_s": 50_000, "peak_rss_mb": 1024, "vs_rispy": 5},
        "load_average_at_start": list(os.getloadavg()),
        "cpus": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        gen = Path(tmp) / "generated.ris"
        generate(gen, args.records)
        r = child(gen, "ris", args.repeat)
        r["records_per_s"] = round(r["records"] / r["seconds"])
        r["file_mb"] = round(gen.stat().st_size / 2**20, 1)
        report["generated"] = r
        if args.real.is_file():
            big = Path(tmp) / "real_repeated.ris"
            repeat(args.real, big, args.records)
            rr = child(big, "wos_ris", args.repeat)
            rr["records_per_s"] = round(rr["records"] / rr["seconds"])
            rr["file_mb"] = round(big.stat().st_size / 2**20, 1)
            rr["source"] = str(args.real)
            rr["vs_rispy"] = compare_with_rispy(big, args.repeat)
            report["real"] = rr
        else:
            report["real"] = {"skipped": f"{args.real} not found"}
    report["meets_targets"] = {
        "records_per_s": report["generated"]["records_per_s"] >= 50_000,
        "peak_rss": report["generated"]["peak_rss_mb"] < 1024,
        "real_peak_rss": report["real"].get("peak_rss_mb", 0) < 1024,
        "vs_rispy": report["real"].get("vs_rispy", {}).get("speedup_vs_rispy", 0) >= 5,
    }
    report["load_average_at_end"] = list(os.getloadavg())
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
