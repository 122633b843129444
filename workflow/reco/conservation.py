"""Record conservation across stages: records in = records out, at every stage, or the build fails.

Checks (each returns the offending IDs, never just a count):

* ingest: per export, records_in == kept + rejected; record_ids unique; every kept record is in
  the file it claims;
* dedup: every ingested record is in the dedup map exactly once; every cluster keeps exactly one
  record; ingested = unique works + duplicates removed;
* screening: the status table has exactly the dedup clusters; at each stage screened = included +
  excluded; a work included downstream was included upstream.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from reco import records
from reco.errors import ConservationError
from reco.fileio import read_json
from reco.status import STAGES, Status


def _need(*paths: Path) -> None:
    for path in paths:
        if not path.exists():
            raise ConservationError(
                "cannot check conservation: stage output missing",
                file=path,
                fix="run the stage that writes it first (snakemake orders this for you).",
            )


def _ids(values: pl.Series | list[str], k: int = 10) -> list[str]:
    vals = sorted(set(values))
    return vals[:k]


def check_ingest(ingest_dir: Path) -> dict[str, Any]:
    _need(*(ingest_dir / f for f in ("records.parquet", "rejected.csv", "counts.json")))
    recs = pl.read_parquet(ingest_dir / "records.parquet", columns=["record_id", "source_file"])
    rejected = pl.read_csv(ingest_dir / "rejected.csv", infer_schema=False)
    per_file = read_json(ingest_dir / "counts.json")["files"]
    problems = []
    dup = recs.filter(pl.col("record_id").is_duplicated())["record_id"]
    if dup.len():
        problems.append(f"record_id not unique: {_ids(dup)}")
    kept = dict(recs.group_by("source_file").len().iter_rows())
    rej = dict(rejected.group_by("source_file").len().iter_rows()) if rejected.height else {}
    for file, c in per_file.items():
        if c["records_in"] != c["kept"] + c["rejected"]:
            problems.append(
                f"{file}: records_in {c['records_in']} != kept {c['kept']} + rejected {c['rejected']}"
            )
        if kept.get(file, 0) != c["kept"]:
            problems.append(
                f"{file}: counts.json says {c['kept']} kept, records.parquet has {kept.get(file, 0)}"
            )
        if rej.get(file, 0) != c["rejected"]:
            problems.append(
                f"{file}: counts.json says {c['rejected']} rejected, rejected.csv has {rej.get(file, 0)}"
            )
    stray = sorted(set(kept) - set(per_file))
    if stray:
        problems.append(f"records from files missing in counts.json: {stray}")
    _raise("ingest", problems, ingest_dir)
    return {
        "records_in": sum(c["records_in"] for c in per_file.values()),
        "kept": recs.height,
        "rejected": rejected.height,
    }


def check_dedup(ingest_dir: Path, dedup_dir: Path) -> dict[str, Any]:
    _need(ingest_dir / "records.parquet", dedup_dir / "dedup_map.csv")
    recs = pl.read_parquet(ingest_dir / "records.parquet", columns=["record_id"])
    dmap = records.read_table(dedup_dir / "dedup_map.csv", records.DEDUP_MAP)
    problems = []
    missing = set(recs["record_id"]) - set(dmap["record_id"])
    extra = set(dmap["record_id"]) - set(recs["record_id"])
    if missing:
        problems.append(
            f"{len(missing)} ingested record(s) missing from dedup_map.csv: {_ids(list(missing))}"
        )
    if extra:
        problems.append(
            f"{len(extra)} record(s) in dedup_map.csv that were never ingested: {_ids(list(extra))}"
        )
    dup = dmap.filter(pl.col("record_id").is_duplicated())["record_id"]
    if dup.len():
        problems.append(f"record(s) in dedup_map.csv more than once: {_ids(dup)}")
    kept = dmap.group_by("cluster_id").agg(pl.col("kept").sum().alias("k"))
    bad = kept.filter(pl.col("k") != 1)["cluster_id"]
    if bad.len():
        problems.append(f"{bad.len()} cluster(s) without exactly one kept record: {_ids(bad)}")
    not_member = dmap.filter(~pl.col("cluster_id").is_in(dmap["record_id"].implode()))["cluster_id"]
    if not_member.len():
        problems.append(f"cluster_id(s) that are not a member record_id: {_ids(not_member)}")
    unique = kept.height
    duplicates = dmap.height - unique
    _raise("dedup", problems, dedup_dir / "dedup_map.csv")
    return {"ingested": recs.height, "unique": unique, "duplicates_removed": duplicates}


def check_screening(dedup_dir: Path, screening_dir: Path) -> dict[str, Any]:
    _need(dedup_dir / "dedup_map.csv", screening_dir / "status.parquet")
    dmap = records.read_table(dedup_dir / "dedup_map.csv", records.DEDUP_MAP)
    status = pl.read_parquet(screening_dir / "status.parquet")
    counts = (
        read_json(screening_dir.parent / "counts" / "screening.json")
        if (screening_dir.parent / "counts" / "screening.json").exists()
        else None
    )
    problems = []
    works = set(dmap["cluster_id"])
    have = set(status["work_id"])
    if works - have:
        problems.append(
            f"{len(works - have)} work(s) missing from status.parquet: {_ids(list(works - have))}"
        )
    if have - works:
        problems.append(
            f"{len(have - works)} work(s) in status.parquet that are not dedup clusters: {_ids(list(have - works))}"
        )
    summary: dict[str, Any] = {"works": len(have)}
    for st in STAGES:
        if st.name not in status.columns:
            continue
        col = status[st.name]
        decided = status.filter(col.is_not_null())
        n_in = decided.filter(pl.col(st.name) == "include").height
        n_out = decided.filter(pl.col(st.name) == "exclude").height
        if decided.height == 0:
            continue
        summary[st.name] = {"screened": decided.height, "included": n_in, "excluded": n_out}
        if counts and st.name in counts.get("stages", {}):
            c = counts["stages"][st.name]
            if (c["screened"], c["included"], c["excluded"]) != (decided.height, n_in, n_out):
                problems.append(
                    f"{st.name}: counts file {c['screened']}/{c['included']}/{c['excluded']} != status table {decided.height}/{n_in}/{n_out}"
                )
            if c["screened"] != c["included"] + c["excluded"]:
                problems.append(
                    f"{st.name}: screened {c['screened']} != included {c['included']} + excluded {c['excluded']}"
                )
        if st.requires != Status.UNIQUE:
            parent = next(p for p in STAGES if p.include == st.requires)
            orphans = decided.filter(pl.col(parent.name).fill_null("") != "include")["work_id"]
            if orphans.len():
                problems.append(
                    f"{orphans.len()} work(s) decided at {st.name} but not included at {parent.name}: {_ids(orphans)}"
                )
        else:
            undecided = status.filter(col.is_null())["work_id"]
            if undecided.len():
                problems.append(
                    f"{undecided.len()} work(s) never screened at {st.name}: {_ids(undecided)}"
                )
    _raise("screening", problems, screening_dir / "status.parquet")
    return summary


def _raise(stage: str, problems: list[str], where: Path) -> None:
    if problems:
        raise ConservationError(
            f"records not conserved at {stage}:\n  - " + "\n  - ".join(problems),
            file=where,
            fix="rerun the stage; if it persists, the stage has a bug: report it with this message.",
        )
