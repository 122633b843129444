"""Reading and validating the tables of the prioritisation commands.

- A *labelled* set (``reco screen simulate``): CSV with columns ``title, abstract,
  label_included`` (the ASReview/SYNERGY convention), optional ``record_id`` (else the 0-based
  row number is the id). Every label must be 0 or 1, with at least one of each.
- *Records* (``reco screen rank``): CSV or parquet with ``title`` and ``abstract`` (and
  ``record_id``), e.g. ``results/ingest/records.parquet`` or a deduplicated export.
- *Labels so far* (``reco screen rank``): CSV with ``record_id`` and ``label`` (or
  ``label_included``), 0 or 1, each id present in the records.
- *A dedup map* (``reco screen rank --dedup-map``): ``results/dedup/dedup_map.csv``; a label on
  any member of a duplicate cluster labels the cluster, and only each cluster's kept record is
  ranked (screening logs may cite any member).

Every problem is a :class:`reco.errors.SchemaError` (or InputError for an unreadable file)
naming the file, row (1-based data row, the header not counted) and column, and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from reco.errors import InputError, SchemaError
from reco.io.csvtable import read_csv_table

LABEL_COLUMNS = ("label_included", "label")


@dataclass
class Records:
    path: Path
    record_ids: list[str]
    titles: list[str]
    abstracts: list[str]


@dataclass
class Labelled(Records):
    labels: np.ndarray  # int64 0/1, aligned with record_ids


def _read_table(path: Path) -> pl.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=path, fix="check the path")
    if path.stat().st_size == 0:
        raise SchemaError(
            "the file is empty", file=path, fix="export the records again (a header row and data)"
        )
    try:
        if path.suffix.lower() == ".parquet":
            # Only the columns these commands use (a records table also has list columns).
            names = pl.read_parquet_schema(path)
            wanted = [c for c in ("record_id", "title", "abstract", *LABEL_COLUMNS) if c in names]
            df = pl.read_parquet(path, columns=wanted)
            return df.with_columns(pl.col(c).cast(pl.String) for c in df.columns)
        return read_csv_table(path, fix="save it as CSV with a header row")
    except pl.exceptions.NoDataError as exc:
        raise SchemaError(
            "the file is empty", file=path, fix="export the records again (a header row and data)"
        ) from exc
    except (pl.exceptions.ComputeError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read the file as UTF-8 CSV: {exc}",
            file=path,
            fix="save it as UTF-8 CSV with a header row",
        ) from exc


def _require(df: pl.DataFrame, path: Path, columns: tuple[str, ...]) -> None:
    for column in columns:
        if column not in df.columns:
            raise SchemaError(
                f"missing column {column!r} (found: {', '.join(df.columns) or 'none'})",
                file=path,
                column=column,
                fix=f"add a {column!r} column (header row) or rename the matching column",
            )
    if df.height == 0:
        raise SchemaError(
            "the file has a header but no rows", file=path, fix="export the records again"
        )


def _ids(df: pl.DataFrame, path: Path) -> list[str]:
    if "record_id" not in df.columns:
        return [str(i) for i in range(df.height)]
    ids = df["record_id"].to_list()
    seen: dict[str, int] = {}
    for row, rid in enumerate(ids, start=1):
        if rid is None or not str(rid).strip():
            raise SchemaError(
                "empty record_id",
                file=path,
                row=row,
                column="record_id",
                fix="give every row an id",
            )
        if rid in seen:
            raise SchemaError(
                f"record_id {rid!r} also on row {seen[rid]}",
                file=path,
                row=row,
                column="record_id",
                fix="record ids must be unique; deduplicate or renumber",
            )
        seen[rid] = row
    return [str(i) for i in ids]


def _labels(values: list[str | None], path: Path, column: str) -> np.ndarray:
    out = np.empty(len(values), dtype=np.int64)
    for row, value in enumerate(values, start=1):
        text = (value or "").strip()
        if text not in ("0", "1"):
            raise SchemaError(
                f"label {value!r} is not 0 or 1",
                file=path,
                row=row,
                column=column,
                fix="use 1 for included (relevant) and 0 for excluded; no blanks",
            )
        out[row - 1] = int(text)
    return out


def _both_classes(labels: np.ndarray, path: Path, column: str) -> None:
    if not (labels == 1).any():
        raise SchemaError(
            "no relevant label (no 1)",
            file=path,
            column=column,
            fix="label at least one relevant record 1 (prioritisation learns from it)",
        )
    if not (labels == 0).any():
        raise SchemaError(
            "no irrelevant label (no 0)",
            file=path,
            column=column,
            fix="label at least one irrelevant record 0",
        )


def _text(df: pl.DataFrame, column: str) -> list[str]:
    return [v or "" for v in df[column].to_list()]


def read_records(path: str | Path) -> Records:
    path = Path(path)
    df = _read_table(path)
    _require(df, path, ("title", "abstract"))
    return Records(path, _ids(df, path), _text(df, "title"), _text(df, "abstract"))


def read_labelled(path: str | Path) -> Labelled:
    path = Path(path)
    df = _read_table(path)
    _require(df, path, ("title", "abstract", "label_included"))
    labels = _labels(df["label_included"].to_list(), path, "label_included")
    _both_classes(labels, path, "label_included")
    return Labelled(path, _ids(df, path), _text(df, "title"), _text(df, "abstract"), labels)


@dataclass
class Clusters:
    """A dedup map read for ranking: each record's cluster and each cluster's kept record."""

    cluster_of: dict[str, str]
    kept: dict[str, str]  # cluster_id -> the record_id kept for it
    members: dict[str, list[str]]  # cluster_id -> its record_ids in map order

    def duplicates(self, record_id: str) -> list[str]:
        """The other records of ``record_id``'s cluster (none for a record the map lacks)."""
        cluster = self.cluster_of.get(record_id)
        return [m for m in self.members.get(cluster, []) if m != record_id] if cluster else []


def read_dedup_map(path: str | Path) -> Clusters:
    """``dedup_map.csv`` (record_id, cluster_id, kept): exactly one kept record per cluster."""
    path = Path(path)
    df = _read_table(path)
    _require(df, path, ("record_id", "cluster_id", "kept"))
    cluster_of: dict[str, str] = {}
    kept: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    rows = zip(
        df["record_id"].to_list(), df["cluster_id"].to_list(), df["kept"].to_list(), strict=True
    )
    for row, (rid, cid, flag) in enumerate(rows, 1):
        rid, cid = str(rid), str(cid)
        cluster_of[rid] = cid
        members.setdefault(cid, []).append(rid)
        if str(flag).strip().lower() in ("1", "true"):
            if cid in kept:
                raise SchemaError(
                    f"cluster {cid!r} has two kept records ({kept[cid]!r} and {rid!r})",
                    file=path,
                    row=row,
                    column="kept",
                    fix="use the dedup_map.csv that reco dedup wrote (one kept record per cluster)",
                )
            kept[cid] = rid
    missing = sorted(set(members) - set(kept))
    if missing:
        raise SchemaError(
            f"{len(missing)} cluster(s) without a kept record, e.g. {missing[0]!r}",
            file=path,
            column="kept",
            fix="use the dedup_map.csv that reco dedup wrote (one kept record per cluster)",
        )
    return Clusters(cluster_of, kept, members)


def fold_duplicates(records: Records, clusters: Clusters) -> tuple[Records, int]:
    """The records without the duplicates the map folds into a kept record (and their number).

    A record the map does not list stays, as its own work."""
    keep = [
        i
        for i, rid in enumerate(records.record_ids)
        if rid not in clusters.cluster_of or clusters.kept[clusters.cluster_of[rid]] == rid
    ]
    folded = Records(
        records.path,
        [records.record_ids[i] for i in keep],
        [records.titles[i] for i in keep],
        [records.abstracts[i] for i in keep],
    )
    return folded, len(records.record_ids) - len(keep)


def read_labels(
    path: str | Path, records: Records, clusters: Clusters | None = None
) -> dict[int, int]:
    """Labels so far as {row position in records: 0/1}; with ``clusters``, a label on any member
    of a duplicate cluster is the label of the cluster's kept record."""
    path = Path(path)
    df = _read_table(path)
    column = next((c for c in LABEL_COLUMNS if c in df.columns), None)
    _require(df, path, ("record_id", column or "label"))
    assert column is not None
    labels = _labels(df[column].to_list(), path, column)
    _both_classes(labels, path, column)
    position = {rid: i for i, rid in enumerate(records.record_ids)}
    out: dict[int, int] = {}
    for row, (cited, label) in enumerate(zip(df["record_id"].to_list(), labels, strict=True), 1):
        rid = cited
        if clusters is not None and cited in clusters.cluster_of:
            rid = clusters.kept[clusters.cluster_of[cited]]
        if rid not in position:
            raise SchemaError(
                f"record_id {cited!r} is not in {records.path}",
                file=path,
                row=row,
                column="record_id",
                fix="label only records of the records file (same record_id values)"
                + ("" if clusters else ", or pass --dedup-map to label any duplicate"),
            )
        if position[rid] in out and out[position[rid]] != int(label):
            same = "" if rid == cited else f" (a duplicate of {rid!r}, labelled otherwise)"
            raise SchemaError(
                f"record_id {cited!r} is labelled both 0 and 1{same}",
                file=path,
                row=row,
                column=column,
                fix="keep one final label per record and its duplicates",
            )
        out[position[rid]] = int(label)
    return out
