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
    extra = [k for k in sorted(overrides) if k not in _pair_set(pairs)]
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

    a_list = scored.get_column("a").to_list()
    b_list = scored.get_column("b").to_list()
    mdec = scored.get_column("machine_decision").to_list()
    mrule = scored.get_column("machine_rule").to_list()
    tscore = scored.get_column("title_score").to_list()
    final_dec, final_rule, note = list(mdec), list(mrule), [None] * len(mdec)
    row_of = {(a, b): k for k, (a, b) in enumerate(zip(a_list, b_list, strict=True))}
    cannot: dict[tuple[int, int], str] = {}
    for key, d in overrides.items():
        k = row_of[key]
        final_dec[k] = d.decision
        final_rule[k] = f"override_{d.decision}"
        note[k] = f"reviewer decision (row {d.row}{', ' + d.who if d.who else ''})" + (
            f": {d.note}" if d.note else ""
        )
        if d.decision == "different":
            cannot[key] = "override_different"

    edges = [
        Edge(a_list[k], b_list[k], final_rule[k], POSITIVE_RULES[final_rule[k]], tscore[k] or 0.0)
        for k in range(len(final_dec))
        if final_dec[k] == "same"
    ]
    cmp = Comparer(prep)
    cache: dict[tuple[int, int], str | None] = {}

    def conflict(u: int, v: int) -> str | None:
        key = (u, v) if u < v else (v, u)
        if key in cannot:
            return cannot[key]
        if key not in cache:
            k = row_of.get(key)
            if k is not None:
                d, r = final_dec[k], final_rule[k]
            else:
                d, r = decide(cmp.compare(*key))
            cache[key] = r if d == "different" and r in GUARDS else None
        return cache[key]

    step(f"dedup: clustering {len(edges)} accepted pairs")
    clustering = cluster(n, edges, conflict)
    label = clustering.label
    cluster_notes: dict[int, list[str]] = defaultdict(list)
    for e, (u, v), why in clustering.removed:
        k = row_of[(e.a, e.b)]
        final_dec[k] = "review"
        final_rule[k] = "chain_split"
        note[k] = f"link removed: {ids[u]} and {ids[v]} are in one cluster only through it ({why})"
        cluster_notes[label[e.a]].append(f"removed {ids[e.a]}~{ids[e.b]} ({e.rule}): {why}")
        cluster_notes[label[e.b]].append(f"removed {ids[e.a]}~{ids[e.b]} ({e.rule}): {why}")

    pairs_out = scored.with_columns(
        pl.Series("record_a", [ids[a] for a in a_list], dtype=pl.String),
        pl.Series("record_b", [ids[b] for b in b_list], dtype=pl.String),
        pl.Series("decision", final_dec, dtype=pl.String),
        pl.Series("rule", final_rule, dtype=pl.String),
        pl.Series("note", note, dtype=pl.String),
    )
    pairs_out = rec.conform(pairs_out, rec.PAIRS).sort("record_a", "record_b")

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
    for k, d in enumerate(final_dec):
        if d == "same":
            link_rules[label[a_list[k]]][final_rule[k]] += 1
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
        }
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
        "pairs_by_decision": dict(sorted(Counter(final_dec).items())),
        "pairs_by_rule": dict(
            sorted(
                Counter(
                    r for d, r in zip(final_dec, final_rule, strict=True) if d == "same"
                ).items()
            )
        ),
        "pairs_by_guard": dict(
            sorted(
                Counter(
                    r for d, r in zip(final_dec, final_rule, strict=True) if d == "different"
                ).items()
            )
        ),
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
