"""Ingest: read every search export into one RECORDS table, conserving every record.

:func:`ingest_files` reads each export (decode, detect or take the configured dialect, parse),
assigns record ids by the one rule in :func:`reco.records.make_record_id`, and returns the kept
records, the rejected ones (with file, line span and reason) and per-file counts in which
``records_in == kept + rejected`` is checked. The database of an export comes only from the
config or ``--database``; it is never guessed from the dialect.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from reco import records
from reco.errors import ConfigError, ConservationError, InputError
from reco.io import parse
from reco.io.base import FIELDS
from reco.io.decode import read_text
from reco.io.detect import DIALECTS, detect

log = logging.getLogger("reco")

ORIGINS = ("database", "other")


@dataclass
class ExportSpec:
    """One export to ingest: its file, the database searched, its dialect and origin."""

    file: str | Path
    database: str = records.UNKNOWN_DATABASE
    dialect: str = "auto"
    origin: str = "database"
    search_date: str | None = None
    column_map: dict[str, str] | None = None

    @classmethod
    def from_dict(cls, entry: Mapping[str, Any]) -> ExportSpec:
        """An ExportSpec from a config entry; unknown keys are a :class:`ConfigError`."""
        known = {"file", "database", "dialect", "origin", "search_date", "column_map"}
        extra = sorted(set(entry) - known)
        if extra:
            raise ConfigError(
                f"unknown key(s) {', '.join(extra)} in export entry {dict(entry)!r}",
                fix=f"use only: {', '.join(sorted(known))}.",
            )
        if "file" not in entry:
            raise ConfigError(
                f"export entry without 'file': {dict(entry)!r}", fix="add file: <path>."
            )
        return cls(
            file=entry["file"],
            database=entry.get("database") or records.UNKNOWN_DATABASE,
            dialect=entry.get("dialect") or "auto",
            origin=entry.get("origin") or "database",
            search_date=entry.get("search_date"),
            column_map=entry.get("column_map"),
        )


@dataclass
class IngestResult:
    """Kept records (records.RECORDS), rejected ones (records.REJECTED) and per-file counts."""

    records: pl.DataFrame
    rejected: pl.DataFrame
    counts: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def _check_specs(specs: list[ExportSpec]) -> None:
    missing = [s for s in specs if not Path(s.file).is_file()]
    if missing:
        names = ", ".join(str(s.file) for s in missing)
        raise InputError(
            f"listed export(s) not found: {names}",
            file=missing[0].file,
            fix="check the 'file:' paths of the exports in the config (relative paths are "
            "read from the review's resources folder) or on the command line.",
        )
    seen: dict[str, ExportSpec] = {}
    for s in specs:
        if s.dialect not in ("auto", *DIALECTS):
            raise ConfigError(
                f"unknown dialect {s.dialect!r} for export {s.file}",
                fix="use 'auto' or one of: " + ", ".join(DIALECTS),
            )
        if s.origin not in ORIGINS:
            raise ConfigError(
                f"unknown origin {s.origin!r} for export {s.file}",
                fix="use 'database' (a database search) or 'other' (citation tracking, "
                "iterative searching ...).",
            )
        stem = Path(s.file).stem
        if stem in seen:
            raise ConfigError(
                f"two exports have the same file stem {stem!r}: {seen[stem].file} and {s.file}; "
                "record ids (<stem>:<id>) would clash",
                file=s.file,
                fix="rename one of the files so that every export has its own name.",
            )
        seen[stem] = s


def _assign_ids(stem: str, rows: list[dict[str, Any]], file: str) -> list[str]:
    """Native id where present and unique in the file, else the ordinal; warn about repeats."""
    counts = Counter(r["native_id"] for r in rows if r.get("native_id"))
    repeated = {k for k, n in counts.items() if n > 1}
    warnings: list[str] = []
    seen: set[str] = set()
    for r in rows:
        native = (r.get("native_id") or "").strip() or None
        if native is not None and native in seen:
            warnings.append(f"{native} (record {r['ordinal']}, line {r['line_start']})")
            native = None
        if native is not None:
            seen.add(native)
        r["source_id"] = native if native is not None else str(r["ordinal"])
        r["record_id"] = records.make_record_id(stem, native, r["ordinal"])
    out = []
    if repeated:
        out.append(
            f"{file}: native id(s) repeated within the file; later copies use their ordinal "
            f"as id (nothing dropped): {', '.join(warnings)}"
        )
    ids = Counter(r["record_id"] for r in rows)
    clash = [k for k, n in ids.items() if n > 1]
    if clash:
        raise ConservationError(
            f"record ids not unique within the export: {', '.join(clash[:5])} (a native id "
            "equals another record's ordinal)",
            file=file,
            fix="set 'dialect:' to one without native ids for this export, or report this file.",
        )
    return out


def ingest_one(spec: ExportSpec) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any], list[str]]:
    """Read one export: its kept records, rejected records, counts and warnings."""
    file = str(spec.file)
    decoded = read_text(file)
    dialect = spec.dialect if spec.dialect != "auto" else detect(decoded.text, file)
    parsed = parse(decoded.text, dialect, file, spec.column_map)
    warnings = list(decoded.warnings) + [f"{file}: {w}" for w in parsed.warnings]
    kept, rejected = len(parsed.rows), len(parsed.rejected)
    if parsed.records_in != kept + rejected:
        raise ConservationError(
            f"{parsed.records_in} records found by their markers but {kept} parsed + {rejected} "
            "rejected",
            file=file,
            fix="this is a parser bug or a damaged file: check the file around the reported "
            "rejected records and report it.",
        )
    if kept == 0 and rejected == 0:
        raise InputError(
            f"no records found in this {dialect} export",
            file=file,
            line=1,
            fix="check that it is the right file and that 'dialect' (now "
            f"{spec.dialect!r}) matches its format; re-export it if it is damaged.",
        )
    if kept == 0:
        first = parsed.rejected[0]
        raise InputError(
            f"no record could be read: all {rejected} rejected, the first because: "
            f"{first['reason']}",
            file=file,
            line=first["line_start"],
            fix=f"check that the dialect (now {dialect!r}"
            + (", detected" if spec.dialect == "auto" else ", from the config")
            + ") matches the file's format; re-export the file if it is damaged.",
        )
    stem = Path(file).stem
    warnings += _assign_ids(stem, parsed.rows, file)
    df = _frame(parsed.rows, file, spec, dialect)
    rej = records.conform(
        pl.DataFrame(
            [{"source_file": file, **r} for r in parsed.rejected],
            schema=dict(records.REJECTED),
        )
        if parsed.rejected
        else records.empty(records.REJECTED),
        records.REJECTED,
    )
    for r in parsed.rejected:
        warnings.append(
            f"{file}, lines {r['line_start']}-{r['line_end']}: record {r['ordinal']} rejected: "
            f"{r['reason']}"
        )
    counts = {
        "file": file,
        "dialect": dialect,
        "database": spec.database,
        "origin": spec.origin,
        "search_date": spec.search_date,
        "encoding": decoded.encoding,
        "records_in": parsed.records_in,
        "kept": kept,
        "rejected": rejected,
    }
    return df, rej, counts, warnings


_LIST_FIELDS = ("authors", "keywords")


def _frame(rows: list[dict[str, Any]], file: str, spec: ExportSpec, dialect: str) -> pl.DataFrame:
    n = len(rows)
    cols: dict[str, Any] = {
        "record_id": [r["record_id"] for r in rows],
        "source_id": [r["source_id"] for r in rows],
        "source_file": [file] * n,
        "database": [spec.database] * n,
        "origin": [spec.origin] * n,
        "dialect": [dialect] * n,
        "ordinal": [r["ordinal"] for r in rows],
        "line_start": [r["line_start"] for r in rows],
        "line_end": [r["line_end"] for r in rows],
    }
    for name in FIELDS:
        cols[name] = [r.get(name) for r in rows]
    cols["raw"] = [r["raw"] for r in rows]
    schema = dict(records.RECORDS)
    df = pl.DataFrame({k: cols[k] for k in schema}, schema=schema)
    return df


def ingest_files(specs: list[ExportSpec] | list[Mapping[str, Any]]) -> IngestResult:
    """Ingest exports in order: one RECORDS table, one REJECTED table and the counts.

    ``counts`` has ``files`` (per-file records_in/kept/rejected/dialect/database, in input order)
    and the stage totals (see :func:`stage_counts`). Raises :class:`InputError` for a missing,
    empty, binary or unknown-format export, :class:`ConfigError` for two exports with one stem.
    """
    specs = [s if isinstance(s, ExportSpec) else ExportSpec.from_dict(s) for s in specs]
    if not specs:
        raise ConfigError("no exports to ingest", fix="list at least one export.")
    _check_specs(specs)
    frames, rejected, per_file, warnings = [], [], [], []
    for spec in specs:
        df, rej, counts, warns = ingest_one(spec)
        frames.append(df)
        rejected.append(rej)
        per_file.append(counts)
        warnings += warns
    out = pl.concat(frames, how="vertical") if frames else records.empty(records.RECORDS)
    rej = pl.concat(rejected, how="vertical")
    dup = out.get_column("record_id").is_duplicated()
    if dup.any():
        raise ConservationError(
            "record ids are not unique across exports: "
            + ", ".join(out.filter(dup).get_column("record_id").unique().sort().head(5).to_list()),
            fix="give every export its own file name.",
        )
    counts = stage_counts(per_file)
    if counts["records_in"] != out.height + rej.height:
        raise ConservationError(
            f"{counts['records_in']} records in but {out.height} kept + {rej.height} rejected",
            fix="this is a bug in reco; please report it with the exports.",
        )
    for w in warnings:
        log.warning(w)
    return IngestResult(records=out, rejected=rej, counts=counts, warnings=warnings)


def stage_counts(per_file: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals for results/counts/ingest.json from the per-file counts."""
    by_db: dict[str, int] = {}
    from_db = other = 0
    for c in per_file:
        by_db[c["database"]] = by_db.get(c["database"], 0) + c["kept"]
        if c["origin"] == "database":
            from_db += c["kept"]
        else:
            other += c["kept"]
    return {
        "files": per_file,
        "records_per_database": by_db,
        "records_from_databases": from_db,
        "records_from_other_methods": other,
        "records_in": sum(c["records_in"] for c in per_file),
        "total": from_db + other,
        "rejected": sum(c["rejected"] for c in per_file),
    }
