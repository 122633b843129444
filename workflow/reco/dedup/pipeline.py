"""The dedup stage end to end: prep -> block -> match -> overrides -> cluster -> kept record.

:func:`deduplicate` takes a RECORDS table and returns every output table of the stage; the
command ``reco dedup`` writes them. Records are sorted by record_id first, so the result does not
depend on input order, and a cluster's id (its ``work_id``) is its lowest member record_id.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from reco import records as rec
from reco.dedup.block import candidate_pairs
from reco.dedup.cluster import Edge, cluster
from reco.dedup.match import GUARDS, POSITIVE_RULES, Comparer, decide, score_pairs
from reco.dedup.overrides import Decision, check_known
from reco.dedup.prep import prepare
from reco.errors import InputError
from reco.progress import step

#: Fields counted for "most complete" when choosing the kept record of a cluster.
COMPLETENESS_FIELDS = (
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "issn",
    "abstract",
    "keywords",
)
#: Record columns shown for each side of a pair in review_pairs.csv.
REVIEW_FIELDS = (
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "database",
)


@dataclass
class DedupResult:
    pairs: pl.DataFrame
    clusters: pl.DataFrame
    dedup_map: pl.DataFrame
    review_pairs: pl.DataFrame
    unique_records: pl.DataFrame
    counts: dict[str, Any]


def deduplicate(
    records: pl.DataFrame,
    *,
    decisions: Sequence[Decision] = (),
    decisions_path: str | Path = "dedup_decisions.csv",
    database_preference: Sequence[str] = (),
    source: str | Path = "records",
) -> DedupResult:
    """Deduplicate ``records`` (RECORDS schema); ``decisions`` are reviewers' overrides."""
    recs = rec.validate(records, rec.RECORDS, source=source).sort("record_id")
    ids = recs.get_column("record_id").to_list()
    dup = recs.filter(pl.col("record_id").is_duplicated()).get_column("record_id").unique()
    if dup.len():
        raise InputError(
            f"record_id {dup.sort()[0]!r} occurs more than once",
            file=source,
            column="record_id",
            fix="give each export a different file name (record ids are '<file stem>:<id>').",
        )
    pos = {rid: i for i, rid in enumerate(ids)}
    check_known(list(decisions), set(pos), decisions_path)
    n = len(ids)

    step(f"dedup: preparing {n} records")
    prep = prepare(recs)
    step("dedup: blocking")
    pairs = candidate_pairs(prep)
    overrides: dict[tuple[int, int], Decision] = {}
    for d in decisions:
        i, j = sorted((pos[d.record_a], pos[d.record_b]))
        overrides[(i, j)] = d
    known = _pair_set(pairs) if overrides else set()
    extra = [k for k in sorted(overrides) if k not in known]
    if extra:
        pairs = pl.concat(
            [
                pairs,
                pl.DataFrame(
                    {
                        "a": [k[0] for k in extra],
                        "b": [k[1] for k in extra],
                        "blocked_by": ["override"] * len(extra),
                    },
                    schema=pairs.schema,
                ),
            ]
        ).sort("a", "b")
    step(f"dedup: scoring {pairs.height} candidate pairs")
    scored = score_pairs(prep, pairs).rename(
        {"decision": "machine_decision", "rule": "machine_rule"}
    )

    # only examined pairs can be accepted or conflict: they fit in Python dicts at any size
    examined = {
        (a, b): (d, r, t)
        for a, b, d, r, t in scored.filter(pl.col("machine_rule") != "dissimilar")
        .select("a", "b", "machine_decision", "machine_rule", "title_score")
        .iter_rows()
    }
    updates: dict[tuple[int, int], tuple[str, str, str]] = {}
    cannot: dict[tuple[int, int], str] = {}
    for key, d in overrides.items():
        who = f", {d.who}" if d.who else ""
        updates[key] = (
            d.decision,
            f"override_{d.decision}",
            f"reviewer decision (row {d.row}{who})" + (f": {d.note}" if d.note else ""),
        )
        if d.decision == "different":
            cannot[key] = "override_different"

    edges = [
        Edge(a, b, r, POSITIVE_RULES[r], t or 0.0)
        for (a, b), (d, r, t) in examined.items()
        if d == "same" and (a, b) not in updates
    ] + [
        Edge(a, b, r, POSITIVE_RULES[r], 100.0)
        for (a, b), (d, r, _) in updates.items()
        if d == "same"
    ]
    cmp = Comparer(prep)
    cache: dict[tuple[int, int], str | None] = {}

    def conflict(u: int, v: int) -> str | None:
        key = (u, v) if u < v else (v, u)
        if key in cannot:
            return cannot[key]
        if key not in cache:
            if key in updates:
                d, r = updates[key][:2]
            elif key in examined:
                d, r = examined[key][:2]
            else:  # not a candidate pair, or one below the title threshold: judge it now
                d, r = decide(cmp.compare(*key))
            cache[key] = r if d == "different" and r in GUARDS else None
        return cache[key]

    step(f"dedup: clustering {len(edges)} accepted pairs")
    clustering = cluster(n, edges, conflict)
    label = clustering.label
    cluster_notes: dict[int, list[str]] = defaultdict(list)
    for e, (u, v), why in clustering.removed:
        updates[(e.a, e.b)] = (
            "review",
            "chain_split",
            f"link removed: {ids[u]} and {ids[v]} are in one cluster only through it ({why})",
        )
        cluster_notes[label[e.a]].append(f"removed {ids[e.a]}~{ids[e.b]} ({e.rule}): {why}")
        cluster_notes[label[e.b]].append(f"removed {ids[e.a]}~{ids[e.b]} ({e.rule}): {why}")

    keys = sorted(updates)
    upd = pl.DataFrame(
        {
            "a": pl.Series([k[0] for k in keys], dtype=pl.UInt32),
            "b": pl.Series([k[1] for k in keys], dtype=pl.UInt32),
            "decision": pl.Series([updates[k][0] for k in keys], dtype=pl.String),
            "rule": pl.Series([updates[k][1] for k in keys], dtype=pl.String),
            "note": pl.Series([updates[k][2] for k in keys], dtype=pl.String),
        }
    )
    id_series = pl.Series("id", ids, dtype=pl.String)
    pairs_out = (
        scored.join(upd, on=["a", "b"], how="left")
        .sort("a", "b")
        .with_columns(
            pl.coalesce("decision", "machine_decision").alias("decision"),
            pl.coalesce("rule", "machine_rule").alias("rule"),
        )
    )
    pairs_out = pairs_out.with_columns(
        id_series.gather(pairs_out.get_column("a")).alias("record_a"),
        id_series.gather(pairs_out.get_column("b")).alias("record_b"),
    )
    accepted = pairs_out.filter(pl.col("decision") == "same").select("a", "rule")
    pairs_out = rec.conform(pairs_out, rec.PAIRS)

    # kept record per cluster: most complete, then database preference, then lowest record_id
    pref = {db.casefold(): r for r, db in enumerate(database_preference)}
    completeness = recs.select(
        pl.sum_horizontal(
            (pl.col(c).list.len() > 0).fill_null(False)
            if isinstance(recs.schema[c], pl.List)
            else (pl.col(c).is_not_null() & (pl.col(c).cast(pl.String) != "")).fill_null(False)
            for c in COMPLETENESS_FIELDS
        )
    ).to_series()
    dbs = recs.get_column("database").to_list()
    files = recs.get_column("source_file").to_list()
    comp = completeness.to_list()
    flags = prep.get_column("flag").to_list()
    members: dict[int, list[int]] = defaultdict(list)
    for i, lab in enumerate(label):
        members[lab].append(i)
    kept = [0] * n
    cluster_rows = []
    link_rules: dict[int, Counter] = defaultdict(Counter)
    for a, r in accepted.iter_rows():
        link_rules[label[a]][r] += 1
    for lab in sorted(members):
        m = members[lab]
        best = min(m, key=lambda i: (-comp[i], pref.get((dbs[i] or "").casefold(), len(pref)), i))
        kept[best] = 1
        cluster_rows.append(
            {
                "cluster_id": ids[m[0]],
                "n_records": len(m),
                "kept_record_id": ids[best],
                "record_ids": "; ".join(ids[i] for i in m),
                "databases": "; ".join(dbs[i] or "" for i in m),
                "source_files": "; ".join(files[i] or "" for i in m),
                "rules": "; ".join(f"{r} x{c}" for r, c in sorted(link_rules[lab].items())),
                "flags": "; ".join(f"{ids[i]}: {flags[i]}" for i in m if flags[i]),
                "note": " | ".join(sorted(set(cluster_notes[lab]))) or None,
            }
        )
    clusters = rec.conform(pl.DataFrame(cluster_rows, schema=rec.CLUSTERS), rec.CLUSTERS)
    dedup_map = rec.conform(
        pl.DataFrame(
            {
                "record_id": ids,
                "source_id": recs.get_column("source_id").to_list(),
                "cluster_id": [ids[lab] for lab in label],
                "kept": kept,
            }
        ),
        rec.DEDUP_MAP,
    )

    work = pl.DataFrame(
        {
            "record_id": ids,
            "work_id": [ids[lab] for lab in label],
            "flag": flags,
        },
        schema={"record_id": pl.String, "work_id": pl.String, "flag": pl.String},
    )
    per_work = (
        recs.select("record_id", "source_file", "database")
        .join(work, on="record_id", how="left")
        .group_by("work_id")
        .agg(
            pl.len().alias("n_records"),
            pl.col("record_id").alias("member_record_ids"),
            pl.col("source_file").alias("member_source_files"),
            pl.col("database").alias("member_databases"),
            pl.col("flag").drop_nulls().unique().sort().str.join(";").alias("member_flags"),
        )
    )
    unique = (
        recs.filter(pl.Series([k == 1 for k in kept], dtype=pl.Boolean))
        .join(work, on="record_id", how="left")
        .join(per_work, on="work_id", how="left")
        .sort("work_id")
    )
    unique = unique.select(
        [
            "work_id",
            *rec.RECORDS,
            "n_records",
            "member_record_ids",
            "member_source_files",
            "member_databases",
            "flag",
            "member_flags",
        ]
    )

    review = _review_table(pairs_out, recs)
    counts = {
        "records_in": n,
        "unique_records": len(members),
        "duplicates_removed": n - len(members),
        "clusters_with_duplicates": sum(1 for m in members.values() if len(m) > 1),
        "candidate_pairs": pairs_out.height,
        "pairs_by_decision": _tally(pairs_out, None),
        "pairs_by_rule": _tally(pairs_out, "same"),
        "pairs_by_guard": _tally(pairs_out, "different"),
        "pairs_sent_to_review": review.height,
        "review_by_rule": dict(sorted(Counter(review.get_column("rule").to_list()).items())),
        "flagged_records": dict(
            sorted(Counter(f for fl in flags if fl for f in fl.split(";")).items())
        ),
        "chain_links_removed": len(clustering.removed),
        "overrides_applied": dict(sorted(Counter(d.decision for d in decisions).items())),
    }
    return DedupResult(
        pairs=pairs_out,
        clusters=clusters,
        dedup_map=dedup_map,
        review_pairs=review,
        unique_records=unique,
        counts=counts,
    )


def _tally(pairs: pl.DataFrame, decision: str | None) -> dict[str, int]:
    """Pairs per final rule (or per decision when ``decision`` is None), sorted by name."""
    col = "decision" if decision is None else "rule"
    sub = pairs if decision is None else pairs.filter(pl.col("decision") == decision)
    counts = sub.group_by(col).len().sort(col)
    return {k: int(v) for k, v in counts.iter_rows()}


def _pair_set(pairs: pl.DataFrame) -> set[tuple[int, int]]:
    return set(zip(pairs.get_column("a").to_list(), pairs.get_column("b").to_list(), strict=True))


def _review_table(pairs: pl.DataFrame, recs: pl.DataFrame) -> pl.DataFrame:
    """Pairs for reviewers: scores, rule and both records' fields side by side."""
    review = pairs.filter(pl.col("decision") == "review").select(
        "record_a",
        "record_b",
        "rule",
        "note",
        "title_score",
        "author1",
        "year_diff",
        pl.col("journal").alias("journal_agrees"),
        pl.col("volume").alias("volume_agrees"),
        pl.col("pages").alias("first_page_agrees"),
    )
    side = recs.select(
        "record_id",
        *[
            pl.col(c).list.join("; ") if isinstance(recs.schema[c], pl.List) else pl.col(c)
            for c in REVIEW_FIELDS
        ],
    )
    for s in ("a", "b"):
        review = review.join(
            side.rename({c: f"{c}_{s}" for c in REVIEW_FIELDS}).rename(
                {"record_id": f"record_{s}"}
            ),
            on=f"record_{s}",
            how="left",
        )
    return review.sort("record_a", "record_b")
