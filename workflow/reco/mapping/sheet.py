"""Read and validate the literature-mapping extraction sheet (one row per paper read in full text).

Columns (``resources/<review>/extraction/mapping.csv``):

* ``record_id`` - the record the team read: any member of the work's duplicate cluster; resolved
  to its work (``cluster_id``) through ``results/dedup/dedup_map.csv``;
* ``country`` and ``uk`` (yes/no; must agree with the country);
* ``setting``, ``provider_type``, ``model_id``, ``model_category`` - filled only for the papers
  that meet the mapping criteria (UK service models); ``model_id`` groups papers on one model;
* ``epoc`` - the findings, ``CODE: short finding`` items separated by ``|`` (codes from
  :mod:`reco.mapping.taxonomy`);
* ``note`` - free text (optional).

Every problem raises :class:`SchemaError` naming the file, the data row (1 = first row under the
header) and the column. The helpers that resolve records and read screening statuses are shared
with the synthesis stage.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from reco.errors import ConservationError, InputError, SchemaError
from reco.mapping.taxonomy import (
    MODEL_CATEGORIES,
    PROVIDER_TYPES,
    SETTINGS,
    UK_COUNTRIES,
    YES_NO,
    Code,
    load_taxonomy,
)

#: Columns of the mapping sheet; the last is optional.
COLUMNS = (
    "record_id",
    "country",
    "uk",
    "setting",
    "provider_type",
    "model_id",
    "model_category",
    "epoc",
)
OPTIONAL = ("note",)
#: Separator of EPOC findings inside the ``epoc`` cell.
ITEM_SEP = "|"


@dataclass
class Paper:
    row: int  # 1-based data row in the sheet
    record_id: str
    work_id: str
    country: str
    uk: bool
    setting: str
    provider_type: str
    model_id: str
    model_category: str
    findings: list[tuple[str, str]] = field(default_factory=list)  # (code, short finding)
    note: str = ""

    @property
    def in_mapping(self) -> bool:
        """Meets the mapping criteria: a UK paper describing a service model."""
        return bool(self.model_id)


def read_csv_rows(path: str | Path, columns: Iterable[str]) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV sheet (BOM allowed), with every required column checked."""
    p = Path(path)
    if not p.exists():
        raise InputError("file not found", file=p, fix="check the path in config (or regenerate)")
    try:
        with open(p, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = [{k: (v or "").strip() for k, v in r.items() if k is not None} for r in reader]
            header = reader.fieldnames or []
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})",
            file=p,
            fix="save the sheet as CSV UTF-8",
        ) from exc
    missing = [c for c in columns if c not in header]
    if missing:
        raise SchemaError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(header) or 'none'}",
            file=p,
            fix="use the extraction template's header (see README, literature mapping)",
        )
    if not rows:
        raise InputError("the sheet has no data rows", file=p, fix="fill in the sheet")
    return rows


def check_code(value: str, allowed: Iterable[str], *, file: Path, row: int, column: str) -> str:
    """``value`` if it is one of ``allowed``, else a SchemaError naming row and column."""
    allowed = list(allowed)
    if value not in allowed:
        raise SchemaError(
            f"unknown code {value!r}; allowed: {', '.join(allowed)}",
            file=file,
            row=row,
            column=column,
            fix="use one of the allowed codes (or extend the vocabulary in the stage's config)",
        )
    return value


def read_work_map(dedup_map: str | Path) -> dict[str, str]:
    """record_id -> work_id (cluster_id) from ``dedup_map.csv``."""
    p = Path(dedup_map)
    rows = read_csv_rows(p, ("record_id", "cluster_id"))
    return {r["record_id"]: r["cluster_id"] for r in rows}


def read_status(path: str | Path, stage: str) -> dict[str, str | None]:
    """work_id -> decision ("include"/"exclude"/None) at ``stage`` from ``status.parquet``."""
    p = Path(path)
    if not p.exists():
        raise InputError("file not found", file=p, fix="run the screening stage first")
    df = pl.read_parquet(p)
    for col in ("work_id", stage):
        if col not in df.columns:
            raise SchemaError(
                f"missing column {col!r}", file=p, column=col, fix="re-run the screening tally"
            )
    return dict(zip(df["work_id"].to_list(), df[stage].to_list(), strict=True))


def resolve(record_id: str, works: dict[str, str], *, file: Path, row: int) -> str:
    """The work a cited record belongs to (SchemaError naming row and column if unknown)."""
    if not record_id:
        raise SchemaError("empty record_id", file=file, row=row, column="record_id", fix="fill it")
    try:
        return works[record_id]
    except KeyError:
        raise SchemaError(
            f"record {record_id!r} is not in the deduplicated records (dedup_map.csv)",
            file=file,
            row=row,
            column="record_id",
            fix="cite the record_id as ingest wrote it (<export stem>:<native id>)",
        ) from None


def check_against_screening(
    rows: dict[str, list[int]],
    status: dict[str, str | None],
    stage: str,
    *,
    file: Path,
    what: str,
) -> None:
    """Both directions: every work in the sheet is included at ``stage``, and every included
    work is in the sheet. ``rows`` maps work_id -> the sheet rows citing it."""
    for work, at in sorted(rows.items(), key=lambda kv: kv[1][0]):
        if status.get(work) != "include":
            raise SchemaError(
                f"work {work} is in the {what} but not included at screening stage {stage!r} "
                f"(its decision there: {status.get(work) or 'none'})",
                file=file,
                row=at[0],
                column="record_id",
                fix=f"remove the row, or correct the {stage} screening decision",
            )
    missing = sorted(w for w, d in status.items() if d == "include" and w not in rows)
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise ConservationError(
            f"{len(missing)} work(s) included at screening stage {stage!r} have no row in the "
            f"{what}: {shown}",
            file=file,
            fix=f"add their rows to the {what}, or correct the {stage} screening decisions",
        )


def parse_findings(
    cell: str, codes: dict[str, Code], *, file: Path, row: int
) -> list[tuple[str, str]]:
    """``CODE: finding | CODE: finding`` -> [(code, finding)]; unknown codes are errors."""
    out: list[tuple[str, str]] = []
    for item in (i.strip() for i in cell.split(ITEM_SEP)):
        if not item:
            continue
        code, sep, text = item.partition(":")
        code = code.strip()
        if not sep or code not in codes:
            raise SchemaError(
                f"unknown EPOC code {code!r} in item {item[:60]!r}",
                file=file,
                row=row,
                column="epoc",
                fix="write each finding as 'CODE: finding' with a code of the taxonomy "
                f"({', '.join(list(codes)[:4])}, ...), items separated by '{ITEM_SEP}'",
            )
        out.append((code, text.strip()))
    return out


def read_sheet(
    path: str | Path, works: dict[str, str], taxonomy: str | Path | None = None
) -> list[Paper]:
    """Validate the sheet and return one :class:`Paper` per row (records resolved to works)."""
    p = Path(path)
    codes = {c.code: c for c in load_taxonomy(taxonomy)}
    papers: list[Paper] = []
    seen: dict[str, int] = {}
    for i, r in enumerate(read_csv_rows(p, COLUMNS), start=1):
        work = resolve(r["record_id"], works, file=p, row=i)
        if work in seen:
            raise SchemaError(
                f"work {work} already has a row (row {seen[work]}): the sheet has one row per paper",
                file=p,
                row=i,
                column="record_id",
                fix="merge the two rows (they cite copies of the same paper)",
            )
        seen[work] = i
        uk = check_code(r["uk"], YES_NO, file=p, row=i, column="uk") == "yes"
        if not r["country"]:
            raise SchemaError("empty country", file=p, row=i, column="country", fix="fill it")
        if uk != (r["country"] in UK_COUNTRIES):
            raise SchemaError(
                f"uk={r['uk']!r} disagrees with country {r['country']!r}",
                file=p,
                row=i,
                column="uk",
                fix=f"UK countries are {', '.join(sorted(UK_COUNTRIES))}",
            )
        model_cols = ("setting", "provider_type", "model_id", "model_category")
        if r["model_id"]:
            if not uk:
                raise SchemaError(
                    "a model is coded for a paper outside the UK (the mapping covers UK models)",
                    file=p,
                    row=i,
                    column="model_id",
                    fix="leave model_id empty for non-UK papers",
                )
            check_code(r["setting"], SETTINGS, file=p, row=i, column="setting")
            check_code(r["provider_type"], PROVIDER_TYPES, file=p, row=i, column="provider_type")
            check_code(
                r["model_category"], MODEL_CATEGORIES, file=p, row=i, column="model_category"
            )
        else:
            for col in model_cols:
                if r[col]:
                    raise SchemaError(
                        f"{col} is filled but model_id is empty",
                        file=p,
                        row=i,
                        column=col,
                        fix="give the paper's model_id, or clear the model columns",
                    )
        findings = parse_findings(r["epoc"], codes, file=p, row=i)
        if findings and not r["model_id"]:
            raise SchemaError(
                "EPOC findings are coded for a paper without a model",
                file=p,
                row=i,
                column="epoc",
                fix="code EPOC findings only for the papers in the mapping (with a model_id)",
            )
        papers.append(
            Paper(
                row=i,
                record_id=r["record_id"],
                work_id=work,
                country=r["country"],
                uk=uk,
                setting=r["setting"],
                provider_type=r["provider_type"],
                model_id=r["model_id"],
                model_category=r["model_category"],
                findings=findings,
                note=r.get("note", ""),
            )
        )
    return papers
