"""Read screening decision logs as review teams keep them: one raw row per decision.

Two shapes are accepted: a generic CSV (``record_id, reviewer, decision, reason, timestamp, note``;
other headers through a column map in config) and a Covidence-style CSV of reviewer votes
(``Study ID, Reviewer, Vote, Exclusion reason, Date, Notes``, votes Yes/No/Maybe). Every row keeps
its file and 1-based data-row number so that any problem, and any count, traces back to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from reco.errors import InputError, SchemaError
from reco.io.csvtable import read_csv_table

#: The columns of a decision after reading, whatever the input shape.
DECISION_COLUMNS = ("record_id", "reviewer", "decision", "reason", "timestamp", "note")

#: Input shapes: reco field -> header in the file.
FORMATS: dict[str, dict[str, str]] = {
    "generic": {c: c for c in DECISION_COLUMNS},
    "covidence": {
        "record_id": "Study ID",
        "reviewer": "Reviewer",
        "decision": "Vote",
        "reason": "Exclusion reason",
        "timestamp": "Date",
        "note": "Notes",
    },
}

#: Accepted decision words (case-insensitive) -> include / exclude / maybe.
DECISION_WORDS: dict[str, str] = {
    "include": "include",
    "included": "include",
    "yes": "include",
    "y": "include",
    "1": "include",
    "exclude": "exclude",
    "excluded": "exclude",
    "no": "exclude",
    "n": "exclude",
    "0": "exclude",
    "maybe": "maybe",
    "unsure": "maybe",
    "?": "maybe",
}

KINDS = ("decisions", "resolutions")


@dataclass(frozen=True)
class LogSpec:
    """One decision log: its file, the stage it records, and whether it holds resolutions."""

    file: Path
    stage: str
    kind: str = (
        "decisions"  # "decisions" (reviewers' own votes) or "resolutions" (conflict outcomes)
    )
    format: str = "generic"
    column_map: Mapping[str, str] | None = None


def read_log(spec: LogSpec) -> pl.DataFrame:
    """Read one log into DECISION_COLUMNS + stage, kind, source_file, row (1-based data row)."""
    path = Path(spec.file)
    if spec.kind not in KINDS:
        raise SchemaError(
            f"unknown log kind {spec.kind!r}", file=path, fix=f"use one of {', '.join(KINDS)}."
        )
    if not path.is_file():
        raise InputError(
            "screening log not found", file=path, fix="check the path in config (screening.logs)."
        )
    if path.stat().st_size == 0:
        raise InputError(
            "screening log is empty (0 bytes)",
            file=path,
            fix="export the log again; a log needs a header row.",
        )
    mapping = dict(FORMATS.get(spec.format) or {})
    if not mapping:
        raise SchemaError(
            f"unknown log format {spec.format!r}",
            file=path,
            fix=f"use one of {', '.join(FORMATS)}.",
        )
    mapping.update(spec.column_map or {})
    raw = read_csv_table(path, fix="save the log as CSV (UTF-8, one decision per row).")
    required = ("record_id", "reviewer", "decision")
    missing = [f"{mapping[c]!r} ({c})" for c in required if mapping[c] not in raw.columns]
    if missing:
        raise SchemaError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(raw.columns)}",
            file=path,
            fix="rename the columns, or map them with screening.logs[].column_map in config.",
        )
    cols = [
        (pl.col(mapping[c]) if mapping[c] in raw.columns else pl.lit(None, dtype=pl.String)).alias(
            c
        )
        for c in DECISION_COLUMNS
    ]
    df = raw.select(cols).with_columns(pl.col(c).str.strip_chars() for c in DECISION_COLUMNS)
    words = (
        df.get_column("decision").str.to_lowercase().replace_strict(DECISION_WORDS, default=None)
    )
    bad = df.with_row_index("i").filter(words.is_null())
    if bad.height:
        first = bad.row(0, named=True)
        raise SchemaError(
            f"unknown decision {first['decision']!r}",
            file=path,
            row=first["i"] + 1,
            column=mapping["decision"],
            fix=f"use include/exclude/maybe (or {', '.join(sorted(DECISION_WORDS))}).",
        )
    for c in ("record_id", "reviewer"):
        empty = df.with_row_index("i").filter(pl.col(c).is_null() | (pl.col(c) == ""))
        if empty.height:
            raise SchemaError(
                f"empty {c}",
                file=path,
                row=empty.item(0, "i") + 1,
                column=mapping[c],
                fix=f"fill in the {c}.",
            )
    return df.with_columns(
        decision=words,
        stage=pl.lit(spec.stage),
        kind=pl.lit(spec.kind),
        source_file=pl.lit(str(path)),
        row=pl.int_range(1, df.height + 1, dtype=pl.Int64),
    )
