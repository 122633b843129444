"""The CMO coding sheet: one row per (paper, PT, CMO element), validated and resolved to works.

Columns (``resources/<review>/extraction/cmo.csv``): ``record_id`` (any member of the work's
duplicate cluster), ``pt`` (a final PT of ``theories/final_pts.csv``), ``cmo_role`` (context,
mechanism_resource, mechanism_reasoning, outcome, unspecified), ``judgement`` (support, refute,
refine), ``quote``, ``note``, ``rigour`` and ``relevance`` (high, moderate, low), ``evidence_type``
(primary, framework: a framework is interpretation, not evidence), and for rows taken from the
citations of a published report ``ref_no``, ``confidence`` (explicit, inferred) and ``cited_line``;
``provenance`` says where the row comes from.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import polars as pl

from reco.errors import SchemaError
from reco.mapping.sheet import check_against_screening, check_code, read_csv_rows, resolve

COLUMNS = (
    "record_id",
    "pt",
    "cmo_role",
    "judgement",
    "quote",
    "note",
    "rigour",
    "relevance",
    "evidence_type",
)
OPTIONAL = ("ref_no", "confidence", "cited_line", "provenance")
ROLES = ("context", "mechanism_resource", "mechanism_reasoning", "outcome", "unspecified")
JUDGEMENTS = ("support", "refute", "refine")
RATINGS = ("high", "moderate", "low")
EVIDENCE_TYPES = ("primary", "framework")
CONFIDENCE = ("explicit", "inferred")
#: The screening stage whose includes must be exactly the coded papers.
STAGE = "synthesis_extraction"


def read_coding(path: str | Path, works: dict[str, str], pts: list[str]) -> pl.DataFrame:
    """Validate the sheet; return its rows with ``row`` (1-based) and ``work_id`` added."""
    p = Path(path)
    rows = read_csv_rows(p, COLUMNS)
    out = []
    type_of: dict[str, tuple[str, int]] = {}
    for i, r in enumerate(rows, start=1):
        rec = {c: r.get(c, "") for c in COLUMNS + OPTIONAL}
        rec["row"] = i
        rec["work_id"] = resolve(r["record_id"], works, file=p, row=i)
        check_code(r["pt"], pts, file=p, row=i, column="pt")
        check_code(r["cmo_role"], ROLES, file=p, row=i, column="cmo_role")
        check_code(r["judgement"], JUDGEMENTS, file=p, row=i, column="judgement")
        check_code(r["rigour"], RATINGS, file=p, row=i, column="rigour")
        check_code(r["relevance"], RATINGS, file=p, row=i, column="relevance")
        check_code(r["evidence_type"], EVIDENCE_TYPES, file=p, row=i, column="evidence_type")
        if rec["confidence"]:
            check_code(rec["confidence"], CONFIDENCE, file=p, row=i, column="confidence")
        if rec["cited_line"] and not rec["ref_no"]:
            raise SchemaError(
                "cited_line without ref_no",
                file=p,
                row=i,
                column="ref_no",
                fix="give the reference number the report cites at that line",
            )
        w = rec["work_id"]
        if w in type_of and type_of[w][0] != r["evidence_type"]:
            raise SchemaError(
                f"evidence_type {r['evidence_type']!r} disagrees with row {type_of[w][1]} "
                f"({type_of[w][0]!r}) for the same paper ({w})",
                file=p,
                row=i,
                column="evidence_type",
                fix="a paper is either primary evidence or a framework: make its rows agree",
            )
        type_of.setdefault(w, (r["evidence_type"], i))
        out.append(rec)
    schema = dict.fromkeys(COLUMNS + OPTIONAL + ("work_id",), pl.String())
    schema["row"] = pl.Int64()
    return pl.DataFrame(out, schema=schema)


def check_screening(coding: pl.DataFrame, status: dict[str, str | None], sheet: Path) -> None:
    """Coded papers <=> papers included at synthesis_extraction (both directions)."""
    rows: dict[str, list[int]] = defaultdict(list)
    for w, i in zip(coding["work_id"], coding["row"], strict=True):
        rows[w].append(i)
    check_against_screening(rows, status, STAGE, file=sheet, what="CMO coding sheet")
