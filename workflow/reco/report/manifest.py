"""``results/MANIFEST.tsv``: every file under ``results/`` with the rule and inputs that produced it.

For each file: its path, the Snakemake rule that wrote it and that rule's inputs (read from
Snakemake's own metadata, ``.snakemake/metadata/<base64 of the path>``, which Snakemake writes when
a job finishes), the number of data rows for tables (CSV/TSV/parquet; JSON lists), its size and
its SHA-256. A file no rule declared (e.g. a figure written beside a report) is listed with the
rule of the declared output it sits beside, or ``-`` when there is none. Rows are sorted by path,
and nothing time-dependent is written, so identical results give an identical manifest.
"""

from __future__ import annotations

import hashlib
import json
from base64 import urlsafe_b64encode
from pathlib import Path
from typing import Any

COLUMNS = ["path", "rule", "inputs", "rows", "bytes", "sha256"]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_count(path: Path) -> int | None:
    """Data rows of a table file (header excluded), or None for non-tables."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(path).metadata.num_rows)
        if suffix in (".csv", ".tsv"):
            import polars as pl

            sep = "\t" if suffix == ".tsv" else ","
            return int(
                pl.scan_csv(path, separator=sep, infer_schema=False, quote_char='"')
                .select(pl.len())
                .collect()
                .item()
            )
        if suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            return len(data) if isinstance(data, list) else None
    except Exception:  # noqa: BLE001 - a row count is informative only; never fail the manifest
        return None
    return None


def metadata_record(workdir: Path, rel: str) -> dict[str, Any] | None:
    """Snakemake's metadata record for an output path (file-based persistence), if any."""
    b64 = urlsafe_b64encode(rel.encode()).decode()
    # long names are split into 254-character folders prefixed with '@' (Snakemake's own scheme)
    parts = [b64[i : i + 254] for i in range(0, len(b64), 254)]
    parts = ["@" + p for p in parts[:-1]] + [parts[-1]]
    path = workdir / ".snakemake" / "metadata" / Path(*parts)
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def build(
    results: str | Path = "results",
    workdir: str | Path = ".",
    exclude: tuple[str, ...] = ("MANIFEST.tsv",),
) -> list[dict[str, Any]]:
    """One row per file under ``results`` (hidden temporary files skipped)."""
    workdir = Path(workdir)
    results = Path(results)
    rows = []
    files = sorted(
        p
        for p in results.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.name not in exclude
    )
    records: dict[str, dict[str, Any] | None] = {}
    for path in files:
        rel = path.as_posix()
        records[rel] = metadata_record(workdir, rel)
    for path in files:
        rel = path.as_posix()
        rec = records[rel]
        if rec is None:
            rec = _beside(rel, records)
        rows.append(
            {
                "path": rel,
                "rule": rec.get("rule", "-") if rec else "-",
                "inputs": ",".join(sorted(rec.get("input") or [])) if rec else "",
                "rows": row_count(path),
                "bytes": path.stat().st_size,
                "sha256": sha256(path),
            }
        )
    return rows


def _beside(rel: str, records: dict[str, dict[str, Any] | None]) -> dict[str, Any] | None:
    """The record of a declared ``<stem>.*`` output for an undeclared file written beside it:
    ``<stem>_files/...`` (report figures) or ``<stem>.md``/``<stem>.typ`` (intermediate files)."""
    path = Path(rel)
    if path.parent.name.endswith("_files"):
        folder, stem = path.parent.parent, path.parent.name[: -len("_files")]
    else:
        folder, stem = path.parent, path.stem
    for other, rec in sorted(records.items()):
        if rec and other != rel and Path(other).parent == folder and Path(other).stem == stem:
            return rec
    return None


def write(rows: list[dict[str, Any]], out: str | Path) -> None:
    from reco.fileio import atomic_open

    with atomic_open(out) as handle:
        handle.write("\t".join(COLUMNS) + "\n")
        for row in rows:
            handle.write("\t".join("" if row[c] is None else str(row[c]) for c in COLUMNS) + "\n")
