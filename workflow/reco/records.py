"""The tables passed between stages: their polars schemas, the record identity rule, and validation.

Every stage reads its inputs through :func:`validate` so that a file with a missing column or a
wrong type fails with a message naming the file and the column instead of deep inside a stage.
Column lists are documented in ``docs/tables.md`` (generated from this module by ``reco tables``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl

from reco.errors import SchemaError

#: Database value when neither config nor the command line names one (a dialect is not a database).
UNKNOWN_DATABASE = "unknown"

#: One row per record of every export, in file order (results/ingest/records.parquet).
RECORDS: dict[str, pl.DataType] = {
    "record_id": pl.String(),  # <export stem>:<native id or ordinal>, unique per run
    "source_id": pl.String(),  # the native id (RIS ID, WoS UT, PubMed PMID, Ovid AN) or the 1-based ordinal
    "source_file": pl.String(),  # path of the export as given
    "database": pl.String(),  # from config or --database; "unknown" otherwise
    "origin": pl.String(),  # "database" (a bibliographic database search) or "other" (iterative searching etc.)
    "dialect": pl.String(),  # detected or configured export dialect
    "ordinal": pl.Int64(),  # 1-based position of the record in its file
    "line_start": pl.Int64(),  # first line of the record in the file (1-based)
    "line_end": pl.Int64(),  # last line of the record in the file
    "type": pl.String(),  # publication type as exported (RIS TY, WoS PT/DT, PubMed PT ...)
    "title": pl.String(),  # as exported (multi-line values joined with single spaces)
    "authors": pl.List(pl.String()),  # as exported, in order ("Surname, Given" or "Surname AB")
    "year": pl.Int32(),
    "journal": pl.String(),  # full journal / source title where given
    "journal_abbrev": pl.String(),  # abbreviated journal title where given
    "volume": pl.String(),
    "issue": pl.String(),
    "pages": pl.String(),  # as exported ("2511-8", "2511-2518", "e123")
    "doi": pl.String(),  # as exported, trimmed (prep normalises it)
    "pmid": pl.String(),
    "accession": pl.String(),  # database accession number (Ovid AN, EBSCO AN, WoS UT, Embase ID ...)
    "issn": pl.String(),
    "abstract": pl.String(),
    "keywords": pl.List(pl.String()),
    "language": pl.String(),
    "notes": pl.String(),  # free-text notes (RIS N1 ...); may be stripped before matching
    "raw": pl.String(),  # the record's text exactly as in the file, for audit
}

#: One row per record that could not be parsed (results/ingest/rejected.csv).
REJECTED: dict[str, pl.DataType] = {
    "source_file": pl.String(),
    "ordinal": pl.Int64(),
    "line_start": pl.Int64(),
    "line_end": pl.Int64(),
    "reason": pl.String(),
    "raw": pl.String(),
}

#: dedup_map.csv: the CLI contract for every dedup run (kept = 1 for the record retained per cluster).
DEDUP_MAP: dict[str, pl.DataType] = {
    "record_id": pl.String(),
    "source_id": pl.String(),
    "cluster_id": pl.String(),  # = work_id: the lowest member record_id of the cluster
    "kept": pl.Int8(),
}

#: results/dedup/pairs.parquet: every candidate pair dedup compared, its field scores and decision.
PAIRS: dict[str, pl.DataType] = {
    "record_a": pl.String(),  # the lower record_id of the pair
    "record_b": pl.String(),
    "blocked_by": pl.String(),  # blocking keys that proposed the pair, ";"-joined
    "title_score": pl.Float32(),  # rapidfuzz ratio of folded titles, 0-100
    "title_set_score": pl.Float32(),  # rapidfuzz token_set_ratio of folded titles (null if not examined)
    "author1": pl.Float32(),  # first author: 1 same, 0.5 same surname other initial, 0 different
    "authors_score": pl.Float32(),  # token_set_ratio of all author surnames
    "year_diff": pl.Int32(),  # absolute difference of years
    "journal": pl.Int8(),  # 1 same journal (abbreviation-aware), 0 different, null missing
    "volume": pl.Int8(),  # 1 same, 0 different, null missing (same coding for the next three)
    "pages": pl.Int8(),  # first page
    "doi": pl.Int8(),
    "pmid": pl.Int8(),
    "machine_decision": pl.String(),  # same | different | review, from the rules alone
    "machine_rule": pl.String(),  # the named rule or guard that decided
    "decision": pl.String(),  # final: same | different | review (after overrides and chain checks)
    "rule": pl.String(),  # final rule (override_same, override_different, chain_split, ...)
    "note": pl.String(),  # why the final decision differs from the machine's, if it does
}

#: results/dedup/clusters.csv: one row per work (cluster of records), singletons included.
CLUSTERS: dict[str, pl.DataType] = {
    "cluster_id": pl.String(),  # = work_id: the lowest member record_id
    "n_records": pl.Int64(),
    "kept_record_id": pl.String(),  # the retained record (most complete, then database preference)
    "record_ids": pl.String(),  # every member, "; "-joined, sorted
    "databases": pl.String(),  # member databases, "; "-joined in member order
    "source_files": pl.String(),  # member source files, "; "-joined in member order
    "rules": pl.String(),  # rules of the accepted links inside the cluster, "; "-joined, sorted
    "flags": pl.String(),  # no_title / no_authors flags of members, "; "-joined
    "note": pl.String(),  # links removed to break a transitive chain, if any
}

#: results/costing/lines_priced.parquet: one row per priced cost component of a pro forma line.
COSTING_LINES: dict[str, pl.DataType] = {
    "site_id": pl.String(),  # from the workbook name site_<ID>.xlsx (= its Site sheet site_id)
    "model_category": pl.String(),  # Network, Consultancy or Lead and link (Site sheet)
    "workbook": pl.String(),  # pro forma file name
    "sheet": pl.String(),  # Staff, NonStaff or SiteReported
    "row": pl.Int64(),  # Excel row of the line on that sheet
    "line_type": pl.String(),  # staff, non_staff, site_reported, reconciliation
    "item": pl.String(),  # role (band/grade) or item description
    "component": pl.String(),  # salary, on_costs, overhead_*, capital_overhead, item, reported, reconciliation
    "category": pl.String(),  # staff_direct, staff_indirect, intervention, training, equipment, overheads, reconciliation
    "quantity": pl.Float64(),  # FTE on the service (wte x pct/100), item quantity, or 1
    "unit": pl.String(),  # unit of the quantity
    "unit_price": pl.Float64(),  # GBP per unit: the price used
    "cost": pl.Float64(),  # GBP, rounded to the penny (0 for excluded lines)
    "price_basis": pl.String(),  # site_actual, national, excluded or reconciliation
    "price_source": pl.String(),  # where the price came from (file, source, pay point)
    "price_year": pl.String(),  # financial year of the price, e.g. 2021/22
    "verified": pl.Boolean(),  # False when priced from derived_values.csv (not verified)
    "note": pl.String(),
}

#: results/mapping/models.csv: one row per service model, grouped from the mapping sheet's paper rows.
MAPPING_MODELS: dict[str, pl.DataType] = {
    "model_id": pl.String(),  # the sheet's model_id shared by the papers on one model
    "model_category": pl.String(),  # network_group, link_worker or liaison_worker (Table 1)
    "provider_type": pl.String(),  # mental_health_trust, substance_use_service or multiple_settings
    "setting": pl.String(),  # community, inpatient, specialist_ward, network or liaison
    "n_papers": pl.Int64(),  # papers (sheet rows) describing the model
    "record_ids": pl.String(),  # the records the sheet cites, "; "-joined in sheet order
    "work_ids": pl.String(),  # their works (dedup cluster_id), same order
    "countries": pl.String(),  # countries of the papers, "; "-joined, sorted
}

#: results/synthesis/evidence_pairs.csv: one row per (work, PT) coded in the CMO sheet.
EVIDENCE_PAIRS: dict[str, pl.DataType] = {
    "work_id": pl.String(),  # dedup cluster_id of the paper
    "pt": pl.String(),  # final programme theory (PT1 ...)
    "n_rows": pl.UInt32(),  # CMO elements coded for the pair
    "record_id": pl.String(),  # first record the sheet cites for the paper
    "evidence_type": pl.String(),  # primary or framework (a framework is never counted)
    "roles": pl.String(),  # CMO roles coded, "; "-joined
    "judgements": pl.String(),  # support / refute / refine, "; "-joined
    "ref_nos": pl.String(),  # reference numbers of a published report citing the pair, if any
    "strength": pl.String(),  # best of the rows' min(rigour, relevance): strong, moderate, weak
}


def make_record_id(export_stem: str, native_id: str | None, ordinal: int) -> str:
    """The one identity rule: ``<export stem>:<native id>``, or ``<export stem>:<ordinal>`` without one."""
    native = (native_id or "").strip()
    return f"{export_stem}:{native if native else ordinal}"


def source_id_of(record_id: str) -> str:
    """The native id or ordinal part of a record_id (everything after the first colon)."""
    return record_id.split(":", 1)[1] if ":" in record_id else record_id


def empty(schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """An empty frame with exactly the columns and types of ``schema``."""
    return pl.DataFrame(schema=dict(schema))


def conform(df: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Select ``schema``'s columns in order, adding missing optional ones as nulls and casting types."""
    cols = []
    for name, dtype in schema.items():
        if name in df.columns:
            cols.append(pl.col(name).cast(dtype))
        else:
            cols.append(pl.lit(None, dtype=dtype).alias(name))
    return df.select(cols)


def validate(
    df: pl.DataFrame,
    schema: Mapping[str, pl.DataType],
    *,
    source: str | Path,
    required: list[str] | None = None,
) -> pl.DataFrame:
    """Check that ``df`` has the columns of ``schema`` (or at least ``required``) with castable types.

    Returns the frame conformed to the schema. Raises :class:`SchemaError` naming ``source``, the
    missing or mistyped column and what to do.
    """
    needed = list(schema) if required is None else required
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise SchemaError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(df.columns) or 'none'}",
            file=source,
            fix="regenerate this file with the stage that writes it, or add the column(s) named.",
        )
    for name, dtype in schema.items():
        if name not in df.columns:
            continue
        try:
            df.get_column(name).cast(dtype, strict=True)
        except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError) as exc:
            bad = _first_bad_row(df, name, dtype)
            raise SchemaError(
                f"column {name!r} should be {dtype} but holds {df.schema[name]}"
                + (f" (first bad value {bad[1]!r})" if bad else "")
                + f": {exc.__class__.__name__}",
                file=source,
                row=bad[0] if bad else None,
                column=name,
                fix="correct the value(s) or regenerate the file.",
            ) from exc
    return conform(df, schema)


def _first_bad_row(df: pl.DataFrame, name: str, dtype: pl.DataType) -> tuple[int, object] | None:
    col = df.get_column(name)
    cast = col.cast(dtype, strict=False)
    for i, (a, b) in enumerate(zip(col.to_list(), cast.to_list(), strict=True)):
        if a is not None and b is None:
            return i + 1, a
    return None


def read_table(
    path: str | Path, schema: Mapping[str, pl.DataType], **kwargs: object
) -> pl.DataFrame:
    """Read a parquet or CSV table written by a stage and validate it against ``schema``."""
    p = Path(path)
    if not p.exists():
        raise SchemaError(
            "file not found",
            file=p,
            fix="run the stage that produces it (snakemake builds it for you).",
        )
    if p.suffix == ".parquet":
        df = pl.read_parquet(p)
    else:
        df = pl.read_csv(p, infer_schema=False)
    return validate(df, schema, source=p, **kwargs)  # type: ignore[arg-type]
