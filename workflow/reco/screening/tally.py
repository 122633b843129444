"""Tally screening decisions into per-work statuses and per-stage counts (human decisions only).

Input: the dedup map (every record_id -> its work's cluster_id) and the raw decision logs of each
stage (one row per reviewer decision, plus conflict resolutions). For each stage in
:data:`reco.status.STAGES` order:

1. every decision's record_id (any member of a duplicate cluster) is resolved to its work_id;
   an unknown record_id is an error naming the file and row;
2. a decision on a work that is not eligible for the stage (e.g. excluded at title/abstract) is an
   illegal transition (:class:`reco.errors.TransitionError`), as is a second decision by the same
   reviewer on the same work, or a second resolution;
3. the reviewers' votes decide when they agree ("maybe" counts as include); a disagreement is a
   conflict that needs exactly one resolution row; an unresolved conflict is an error;
4. a "dual" stage needs two reviewers on every eligible work, a "single" stage at least one
   (others may double-screen a sample, which feeds the agreement statistics).

Nothing here reads a precomputed status: flip one resolution and the counts move by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import polars as pl

from reco.errors import TransitionError
from reco.screening.agreement import agreement
from reco.screening.logs import LogSpec, read_log
from reco.status import STAGES, Stage, Status, transition

NO_REASON = "reason not recorded"


@dataclass
class TallyResult:
    status: pl.DataFrame  # one row per work
    decisions: pl.DataFrame  # one row per raw decision, with work_id
    counts: dict[str, Any]
    agreement: dict[str, Any]
    stages_run: list[str] = field(default_factory=list)


def _where(row: dict[str, Any]) -> dict[str, Any]:
    """Location of a decision: its file, data row (1-based) and the file line (header = line 1)."""
    return {"file": row["source_file"], "row": row["row"], "line": row["row"] + 1}


def _examples(items: Iterable[str], k: int = 5) -> str:
    items = sorted(items)
    more = f" (and {len(items) - k} more)" if len(items) > k else ""
    return ", ".join(items[:k]) + more


def tally(dedup_map: pl.DataFrame, logs: list[LogSpec]) -> TallyResult:
    """Compute statuses and counts from the dedup map and the decision logs."""
    work_of = dict(
        zip(dedup_map["record_id"].to_list(), dedup_map["cluster_id"].to_list(), strict=True)
    )
    works = sorted(set(work_of.values()))
    frames = [read_log(spec) for spec in logs]
    decisions = pl.concat(frames, how="vertical") if frames else _empty_decisions()
    unknown = decisions.filter(~pl.col("record_id").is_in(list(work_of)))
    if unknown.height:
        first = unknown.row(0, named=True)
        raise TransitionError(
            f"decision on unknown record_id {first['record_id']!r}"
            + (f" ({unknown.height} such rows)" if unknown.height > 1 else ""),
            fix="use a record_id from results/dedup/dedup_map.csv (any member of a duplicate cluster works).",
            **_where(first),
        )
    decisions = decisions.with_columns(
        work_id=pl.col("record_id").replace_strict(work_of, return_dtype=pl.String)
    )
    known_stages = {s.name for s in STAGES}
    bad_stage = [s.stage for s in logs if s.stage not in known_stages]
    if bad_stage:
        raise TransitionError(
            f"unknown screening stage {bad_stage[0]!r}; stages are {', '.join(sorted(known_stages))}",
            file=next(s.file for s in logs if s.stage == bad_stage[0]),
            fix="correct the stage of this log in config (screening.logs).",
        )

    outcome: dict[str, dict[str, Status]] = {}
    reason: dict[str, dict[str, str]] = {}
    counts: dict[str, Any] = {"stages": {}, "works": len(works)}
    agree: dict[str, Any] = {}
    stages_run = []
    for st in STAGES:
        rows = decisions.filter(pl.col("stage") == st.name)
        if rows.height == 0:
            continue
        stages_run.append(st.name)
        entering = _entering(st, outcome, works)
        stage_out, stage_reason, stage_counts, stage_agree = _tally_stage(st, rows, entering)
        outcome[st.name] = stage_out
        reason[st.name] = stage_reason
        counts["stages"][st.name] = stage_counts
        agree[st.name] = stage_agree
    status = _status_table(works, outcome, reason, decisions)
    counts["stages_run"] = stages_run
    return TallyResult(
        status=status, decisions=decisions, counts=counts, agreement=agree, stages_run=stages_run
    )


def _entering(
    st: Stage, outcome: dict[str, dict[str, Status]], works: list[str]
) -> dict[str, Status]:
    """The status of every work in front of stage ``st``: its latest status along st's chain."""
    chain: list[Stage] = []
    need = st.requires
    while need != Status.UNIQUE:
        parent = next(p for p in STAGES if p.include == need)
        if parent.name not in outcome:
            raise TransitionError(
                f"decisions for stage {st.name!r} but none for {parent.name!r}, which decides who enters it",
                fix=f"add the {parent.name} decision logs to config (screening.logs).",
            )
        chain.append(parent)
        need = parent.requires
    state = dict.fromkeys(works, Status.UNIQUE)
    for parent in reversed(chain):
        state.update(outcome[parent.name])
    return state


def _tally_stage(
    st: Stage, rows: pl.DataFrame, entering: dict[str, Status]
) -> tuple[dict[str, Status], dict[str, str], dict[str, Any], dict[str, Any]]:
    votes: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # work -> reviewer -> row
    resolutions: dict[str, dict[str, Any]] = {}
    for row in rows.iter_rows(named=True):
        work = row["work_id"]
        transition(entering[work], st.name, True, where=_where(row))  # raises when not eligible
        if row["kind"] == "resolutions":
            if work in resolutions:
                prev = resolutions[work]
                raise TransitionError(
                    f"a second resolution for work {work} (first at {prev['source_file']} row {prev['row']})",
                    fix="keep one resolution per work.",
                    **_where(row),
                )
            resolutions[work] = row
            continue
        reviewer = row["reviewer"]
        if reviewer in votes[work]:
            prev = votes[work][reviewer]
            raise TransitionError(
                f"reviewer {reviewer} has two decisions on work {work} at stage {st.name} "
                f"(the other at {prev['source_file']} row {prev['row']})",
                fix="keep one final decision per reviewer and work (record a change of mind as a resolution).",
                **_where(row),
            )
        votes[work][reviewer] = row

    eligible = {w for w, s in entering.items() if s == st.requires}
    need = 2 if st.design == "dual" else 1
    short = [w for w in eligible if len(votes.get(w, {})) < need]
    if short:
        raise TransitionError(
            f"{len(short)} work(s) eligible for {st.name} have fewer than {need} reviewer decision(s): {_examples(short)}",
            fix="complete the screening of these works, or check that every log of the stage is listed in config.",
        )
    out: dict[str, Status] = {}
    why: dict[str, str] = {}
    conflicts = resolved = 0
    for work in sorted(eligible):
        ballot = votes[work]
        includes = {r: row["decision"] != "exclude" for r, row in ballot.items()}
        conflict = len(set(includes.values())) > 1
        res = resolutions.get(work)
        if conflict:
            conflicts += 1
            if res is None:
                first = next(iter(ballot.values()))
                raise TransitionError(
                    f"unresolved conflict on work {work} at stage {st.name}: "
                    + ", ".join(f"{r} {row['decision']}" for r, row in sorted(ballot.items())),
                    fix="add the third reviewer's resolution to the stage's resolutions log.",
                    **_where(first),
                )
            resolved += 1
            include = res["decision"] != "exclude"
            reason_row = res
        else:
            if res is not None:
                raise TransitionError(
                    f"a resolution for work {work}, on which the reviewers agree (no conflict to resolve)",
                    fix="remove the resolution, or record the reviewers' changed votes in their own logs.",
                    **_where(res),
                )
            include = next(iter(includes.values()))
            reason_row = next((row for row in ballot.values() if row["reason"]), None)
        out[work] = transition(entering[work], st.name, include)
        if not include:
            why[work] = (reason_row or {}).get("reason") or NO_REASON
    by_reason: dict[str, int] = defaultdict(int)
    for r in why.values():
        by_reason[r] += 1
    n_incl = sum(1 for s in out.values() if s == st.include)
    reviewers = sorted({r for b in votes.values() for r in b})
    double = sum(1 for w in eligible if len(votes[w]) >= 2)
    stage_counts = {
        "label": st.label,
        "design": st.design,
        "screened": len(eligible),
        "included": n_incl,
        "excluded": len(eligible) - n_incl,
        "excluded_by_reason": dict(sorted(by_reason.items())),
        "conflicts": conflicts,
        "resolved": resolved,
        "reviewers": reviewers,
        "decisions": sum(len(b) for b in votes.values()),
        "double_screened": double,
        "double_screened_pct": round(100 * double / len(eligible), 1) if eligible else None,
        "decisions_per_reviewer": {r: sum(1 for b in votes.values() if r in b) for r in reviewers},
    }
    # The share of the stage's works each reviewer screened ("two others each screened 10%").
    per_reviewer = stage_counts["decisions_per_reviewer"]
    stage_counts["screened_pct_by_reviewer"] = (
        {r: round(100 * n / len(eligible), 1) for r, n in per_reviewer.items()} if eligible else {}
    )
    pairs = {}
    for r1, r2 in combinations(reviewers, 2):
        shared = [w for w in sorted(eligible) if r1 in votes[w] and r2 in votes[w]]
        if shared:
            a = [votes[w][r1]["decision"] != "exclude" for w in shared]
            b = [votes[w][r2]["decision"] != "exclude" for w in shared]
            pairs[f"{r1}-{r2}"] = agreement(a, b)
    return out, why, stage_counts, pairs


def _status_table(
    works: list[str],
    outcome: dict[str, dict[str, Status]],
    reason: dict[str, dict[str, str]],
    decisions: pl.DataFrame,
) -> pl.DataFrame:
    order = [s.name for s in STAGES]
    rank = {Status.UNIQUE: 0}
    for i, st in enumerate(STAGES, 1):
        rank[st.include] = rank[st.exclude] = i
    rows = []
    for w in works:
        path = [Status.UNIQUE.value]
        final = Status.UNIQUE
        rec: dict[str, Any] = {"work_id": w}
        for name in order:
            s = outcome.get(name, {}).get(w)
            rec[name] = (
                None if s is None else ("include" if s == _stage(name).include else "exclude")
            )
            rec[f"{name}_reason"] = reason.get(name, {}).get(w)
            if s is not None:
                path.append(s.value)
                if rank[s] >= rank[final]:
                    final = s
        rec["status"] = final.value
        rec["path"] = path
        rows.append(rec)
    schema: dict[str, pl.DataType] = {"work_id": pl.String()}
    for name in order:
        schema[name] = pl.String()
        schema[f"{name}_reason"] = pl.String()
    schema["status"] = pl.String()
    schema["path"] = pl.List(pl.String())
    status = pl.DataFrame(rows, schema=schema)
    trail = (
        decisions.sort("stage", "source_file", "row")
        .group_by("work_id", maintain_order=True)
        .agg(
            decisions=pl.struct(
                "stage", "kind", "reviewer", "decision", "reason", "record_id", "source_file", "row"
            )
        )
    )
    return status.join(trail, on="work_id", how="left").sort("work_id")


def _stage(name: str) -> Stage:
    return next(s for s in STAGES if s.name == name)


def _empty_decisions() -> pl.DataFrame:
    cols = [
        "record_id",
        "reviewer",
        "decision",
        "reason",
        "timestamp",
        "note",
        "stage",
        "kind",
        "source_file",
    ]
    return pl.DataFrame({c: [] for c in cols}, schema=dict.fromkeys(cols, pl.String)).with_columns(
        row=pl.lit(None, dtype=pl.Int64)
    )
