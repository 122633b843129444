"""The screening tally on the committed RECO reconstruction, and the screening part of the generator."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml
from reco.reconstruct import Context
from reco.reconstruct import screening as screening_part
from reco.screening.logs import LogSpec
from reco.screening.tally import tally


@pytest.fixture(scope="module")
def published(repo: Path) -> dict:
    ledger = yaml.safe_load(
        (repo / "resources/reco/sources/published_figures.yaml").read_text(encoding="utf-8")
    )
    return {f["key"]: f["value"] for f in ledger["figures"]}


def test_tally_recomputes_the_published_stage_counts(reco_results: Path, published: dict) -> None:
    counts = json.loads((reco_results / "counts/screening.json").read_text(encoding="utf-8"))
    stages = counts["stages"]
    assert counts["works"] == int(published["dedup.records_after_dedup"])
    assert stages["title_abstract"]["included"] == int(
        published["screening.stage1_title_abstract_included"]
    )
    assert stages["mapping_fulltext"]["included"] == int(published["mapping.stage2_included"])
    assert stages["synthesis_selection"]["included"] == int(
        published["synthesis.selected_for_inclusion_hta"]
    )
    assert stages["synthesis_extraction"]["included"] == int(
        published["synthesis.causal_insight_articles_hta"]
    )
    assert stages["title_abstract"]["reviewers"] == ["JH", "TA"]
    assert stages["mapping_fulltext"]["double_screened_pct"] == pytest.approx(20, abs=0.5)
    for st in stages.values():
        assert st["screened"] == st["included"] + st["excluded"]
        assert sum(st["excluded_by_reason"].values()) == st["excluded"]
        assert st["conflicts"] == st["resolved"]


def test_tally_matches_the_planted_outcomes(reco_results: Path, repo: Path) -> None:
    """Each work's computed status equals the generator's plan (read only here, never by the pipeline)."""
    truth = pl.read_csv(repo / "resources/reco/truth/screening.csv", infer_schema=False)
    planted = pl.read_csv(repo / "resources/reco/truth/duplicates.csv", infer_schema=False)
    status = pl.read_parquet(reco_results / "screening/status.parquet")
    dmap = pl.read_csv(reco_results / "dedup/dedup_map.csv", infer_schema=False)
    # map the pipeline's work_id (a record_id) to the planted work via any member record
    link = (
        dmap.join(planted.select("record_id", "work_id"), on="record_id")
        .select(pl.col("cluster_id").alias("pipeline_work"), pl.col("work_id"))
        .unique()
    )
    got = (
        status.join(link, left_on="work_id", right_on="pipeline_work")
        .drop("work_id")
        .rename({"work_id_right": "work_id"})
    )
    both = got.join(truth, on="work_id", suffix="_planted")
    assert both.height == truth.height
    for stage in (
        "title_abstract",
        "mapping_fulltext",
        "synthesis_selection",
        "synthesis_extraction",
    ):
        mismatch = both.filter(
            pl.col(stage).fill_null("") != pl.col(f"{stage}_planted").fill_null("")
        )
        assert mismatch.height == 0, (stage, mismatch.head(3))


def test_flipping_one_third_reviewer_resolution_moves_the_count_by_one(
    reco_results: Path, repo: Path, reco_config: dict, tmp_path: Path
) -> None:
    res = repo / "resources/reco"
    ta_logs = [e for e in reco_config["screening"]["logs"] if e["stage"] == "title_abstract"]
    specs = []
    for e in ta_logs:
        src = res / e["file"]
        dst = tmp_path / src.name
        shutil.copy(src, dst)
        specs.append(
            LogSpec(dst, e["stage"], e.get("kind", "decisions"), e.get("format", "generic"))
        )
    dmap = pl.read_csv(reco_results / "dedup/dedup_map.csv", infer_schema=False)
    before = tally(dmap, specs).counts["stages"]["title_abstract"]
    resolutions = next(s.file for s in specs if s.kind == "resolutions")
    rows = pl.read_csv(resolutions, infer_schema=False)
    i = rows["decision"].to_list().index("exclude")
    rows = rows.with_columns(
        decision=pl.when(pl.int_range(pl.len()) == i)
        .then(pl.lit("include"))
        .otherwise(pl.col("decision")),
        reason=pl.when(pl.int_range(pl.len()) == i).then(pl.lit(None)).otherwise(pl.col("reason")),
    )
    rows.write_csv(resolutions)
    after = tally(dmap, specs).counts["stages"]["title_abstract"]
    assert after["included"] == before["included"] + 1
    assert after["excluded"] == before["excluded"] - 1
    assert after["conflicts"] == before["conflicts"]


def test_screening_logs_carry_no_final_status(repo: Path, reco_config: dict) -> None:
    for e in reco_config["screening"]["logs"]:
        header = (
            (repo / "resources/reco" / e["file"])
            .read_text(encoding="utf-8")
            .splitlines()[0]
            .lower()
        )
        assert "status" not in header and "final" not in header


def test_screening_part_is_deterministic(repo: Path, tmp_path: Path) -> None:
    res = repo / "resources/reco"
    shutil.copytree(res / "truth", tmp_path / "truth")
    written = screening_part.build(Context(out=tmp_path, sources=res / "sources"))
    assert written
    for path in written:
        committed = res / path.relative_to(tmp_path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest == hashlib.sha256(committed.read_bytes()).hexdigest(), path.name
