"""Ingest: read every search export into one RECORDS table, conserving every record.

:func:`ingest_files` reads each export (decode, detect or take the configured dialect, parse),
assigns record ids by the one rule in :func:`reco.records.make_record_id`, and returns the kept
records, the rejected ones (with file, line span and reason) and per-file counts in which
``records_in == kept + rejected`` is checked. The database of an export comes only from the
config or ``--database``; it is never guessed from the dialect.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from reco import records
from reco.errors import ConfigError, ConservationError, InputError
from reco.io import parse
from reco.io.base import FIELDS, Parsed
from reco.io.decode import decode_bytes, read_bytes, utf8_head
from reco.io.detect import DIALECTS, detect
from reco.io.ris import RIS_DIALECTS
from reco.io.ris_fast import parse_ris_file

log = logging.getLogger("reco")

ORIGINS = ("database", "other")
#: Bytes read for dialect detection before the whole file is read.
_HEAD = 262144


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


def _assign_ids(df: pl.DataFrame, stem: str, file: str) -> tuple[pl.DataFrame, list[str]]:
    """record_id/source_id by :func:`reco.records.make_record_id`: the native id where present
    and not already used in the file, else the ordinal; repeats are named in a warning."""
    native = pl.col("native_id").str.strip_chars()
    df = df.with_columns(native_id=pl.when(native != "").then(native))
    dup = pl.col("native_id").is_not_null() & ~pl.col("native_id").is_first_distinct()
    df = df.with_columns(_dup=dup)
    df = df.with_columns(
        source_id=pl.when(pl.col("native_id").is_not_null() & ~pl.col("_dup"))
        .then(pl.col("native_id"))
        .otherwise(pl.col("ordinal").cast(pl.String))
    ).with_columns(record_id=pl.concat_str(pl.lit(f"{stem}:"), pl.col("source_id")))
    warnings = []
    dups = df.filter("_dup")
    if dups.height:
        shown = [
            f"{r['native_id']} (record {r['ordinal']}, line {r['line_start']})"
            for r in dups.head(10).iter_rows(named=True)
        ]
        more = f" and {dups.height - 10} more" if dups.height > 10 else ""
        warnings.append(
            f"{file}: {dups.height} native id(s) repeated within the file; the later copies use "
            f"their ordinal as id (nothing dropped): {', '.join(shown)}{more}"
        )
    clash = df.filter(pl.col("record_id").is_duplicated()).get_column("record_id").unique()
    if clash.len():
        raise ConservationError(
            f"record ids not unique within the export: {', '.join(clash.sort().head(5))} "
            "(a native id equals another record's ordinal)",
            file=file,
            fix="set 'dialect:' to one without native ids for this export, or report this file.",
        )
    return df.drop("_dup"), warnings


def ingest_one(spec: ExportSpec) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any], list[str]]:
    """Read one export: its kept records, rejected records, counts and warnings."""
    file = str(spec.file)
    head_bytes = read_bytes(file, limit=_HEAD)
    data = head_bytes if len(head_bytes) < _HEAD else None  # the whole file is read when needed
    decoded = None
    head = utf8_head(head_bytes, _HEAD)
    if head is None:
        data = data if data is not None else read_bytes(file)
        decoded = decode_bytes(data, file)
        head = decoded.text[:_HEAD]
    dialect = spec.dialect if spec.dialect != "auto" else detect(head, file)
    parsed = None
    if decoded is None and dialect in RIS_DIALECTS:
        encoding = "utf-8-sig" if head_bytes.startswith(b"\xef\xbb\xbf") else "utf-8"
        data = None  # the vectorised reader reads the file itself and frees the bytes early
        frame = parse_ris_file(file, dialect)
        if frame is not None:
            parsed = Parsed(dialect=dialect, frame=frame, records_in=frame.height)
    if parsed is None:
        data = data if data is not None else read_bytes(file)
        decoded = decoded or decode_bytes(data, file)
        encoding = decoded.encoding
        parsed = parse(decoded.text, dialect, file, spec.column_map)
    del data, head_bytes
    warnings = list(decoded.warnings if decoded else []) + [f"{file}: {w}" for w in parsed.warnings]
    kept = parsed.frame.height if parsed.frame is not None else len(parsed.rows)
    rejected = len(parsed.rejected)
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
    df = parsed.frame if parsed.frame is not None else _rows_frame(parsed.rows)
    df, id_warnings = _assign_ids(df, stem, file)
    warnings += id_warnings
    df = df.with_columns(
        source_file=pl.lit(file, dtype=pl.String),
        database=pl.lit(spec.database, dtype=pl.String),
        origin=pl.lit(spec.origin, dtype=pl.String),
        dialect=pl.lit(dialect, dtype=pl.String),
    )
    df = records.conform(df, records.RECORDS)
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
        "encoding": encoding,
        "records_in": parsed.records_in,
        "kept": kept,
        "rejected": rejected,
    }
    return df, rej, counts, warnings


#: Types of the per-record columns a parser returns (FIELDS from RECORDS, plus position).
_ROW_SCHEMA: dict[str, pl.DataType] = {
    "native_id": pl.String(),
    **{name: records.RECORDS[name] for name in FIELDS},
    "ordinal": pl.Int64(),
    "line_start": pl.Int64(),
    "line_end": pl.Int64(),
    "raw": pl.String(),
}


def _rows_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """The parsers' row dicts as one frame (column lists built once, then one DataFrame)."""
    return pl.DataFrame(
        {name: [r.get(name) for r in rows] for name in _ROW_SCHEMA}, schema=_ROW_SCHEMA
    )


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
