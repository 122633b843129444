"""Overrides: reviewers' decisions on pairs (dedup_decisions.csv), applied on every rebuild.

The file has the header ``record_a,record_b,decision,who,note``; ``decision`` is ``same`` (link the
two records whatever the rules said) or ``different`` (never put them in one cluster, even through
other records). Record ids may name any member of a cluster. An unknown record id, an unknown
decision or two contradicting rows for one pair stop the run with the file and row named.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from reco.errors import InputError, SchemaError
from reco.io.csvtable import read_csv_table

COLUMNS = ("record_a", "record_b", "decision", "who", "note")
DECISIONS = ("same", "different")


@dataclass(frozen=True)
class Decision:
    record_a: str
    record_b: str
    decision: str
    who: str
    note: str
    row: int  # 1-based data row (line = row + 1)


def read_decisions(path: str | Path | None) -> list[Decision]:
    """The decisions in ``path`` (empty list when the path is None or the file has only a header)."""
    if path is None:
        return []
    p = Path(path)
    if not p.exists():
        raise InputError(
            "dedup decisions file not found",
            file=p,
            fix="create it with the header record_a,record_b,decision,who,note (it may stay empty).",
        )
    if not p.read_bytes().strip():  # empty (or blank): no decisions yet
        df = pl.DataFrame(schema=dict.fromkeys(COLUMNS, pl.String))
    else:
        df = read_csv_table(
            p, fix="save it as CSV with the header record_a,record_b,decision,who,note."
        )
    missing = [c for c in COLUMNS[:3] if c not in df.columns]
    if missing:
        raise SchemaError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(df.columns) or 'none'}",
            file=p,
            fix="use the header record_a,record_b,decision,who,note.",
        )
    out = []
    seen: dict[tuple[str, str], Decision] = {}
    for row, rec in enumerate(df.iter_rows(named=True), start=1):
        a = (rec.get("record_a") or "").strip()
        b = (rec.get("record_b") or "").strip()
        d = (rec.get("decision") or "").strip().lower()
        if not a or not b:
            raise SchemaError(
                "record_a and record_b must both be given",
                file=p,
                row=row,
                line=row + 1,
                fix="fill in both record ids (see results/dedup/dedup_map.csv) or delete the row.",
            )
        if d not in DECISIONS:
            raise SchemaError(
                f"decision {d!r} is not one of {', '.join(DECISIONS)}",
                file=p,
                row=row,
                line=row + 1,
                column="decision",
                fix="write 'same' or 'different'.",
            )
        if a == b:
            raise SchemaError(
                f"record_a and record_b are the same record ({a})",
                file=p,
                row=row,
                line=row + 1,
                fix="name two different records.",
            )
        key = (min(a, b), max(a, b))
        dec = Decision(
            a, b, d, (rec.get("who") or "").strip(), (rec.get("note") or "").strip(), row
        )
        if key in seen and seen[key].decision != d:
            raise SchemaError(
                f"contradicts row {seen[key].row}: the pair {key[0]} / {key[1]} is both "
                f"'{seen[key].decision}' and '{d}'",
                file=p,
                row=row,
                line=row + 1,
                fix="keep one decision for the pair.",
            )
        seen[key] = dec
        out.append(dec)
    return out


def check_known(decisions: list[Decision], known: set[str], path: str | Path) -> None:
    """Fail on the first decision naming a record id that is not in the input."""
    for d in decisions:
        for col, rid in (("record_a", d.record_a), ("record_b", d.record_b)):
            if rid not in known:
                raise InputError(
                    f"unknown record id {rid!r}",
                    file=path,
                    row=d.row,
                    line=d.row + 1,
                    column=col,
                    fix="use a record_id from results/dedup/dedup_map.csv (ids are "
                    "'<export file stem>:<native id>'); correct or delete the row.",
                )
