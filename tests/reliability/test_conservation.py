"""check_conservation catches a lost, invented or orphaned record and names it."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from reco import conservation
from reco.cli import main
from reco.errors import ConservationError


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory, repo: Path) -> Path:
    """Ingest and dedup the real permissively licensed sample exports."""
    out = tmp_path_factory.mktemp("run") / "results"
    exports = sorted((repo / "tests/fixtures/ingest").glob("*/*.ris"))
    assert main(["-q", "ingest", *map(str, exports), "--out", str(out / "ingest")]) == 0
    assert (
        main(["-q", "dedup", str(out / "ingest/records.parquet"), "--out", str(out / "dedup")]) == 0
    )
    return out


@pytest.fixture()
def copy(results: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "results"
    shutil.copytree(results, dest)
    return dest


def test_conservation_holds_on_a_real_run(results: Path) -> None:
    summary = conservation.check_dedup(results / "ingest", results / "dedup")
    ingest = conservation.check_ingest(results / "ingest")
    assert (
        summary["ingested"] == ingest["kept"] == summary["unique"] + summary["duplicates_removed"]
    )


def test_record_lost_in_dedup_map_is_named(copy: Path) -> None:
    dmap = pl.read_csv(copy / "dedup/dedup_map.csv", infer_schema=False)
    lost = dmap["record_id"][3]
    dmap.filter(pl.col("record_id") != lost).write_csv(copy / "dedup/dedup_map.csv")
    with pytest.raises(ConservationError) as info:
        conservation.check_dedup(copy / "ingest", copy / "dedup")
    assert lost in info.value.message()


def test_record_invented_in_dedup_map_is_named(copy: Path) -> None:
    dmap = pl.read_csv(copy / "dedup/dedup_map.csv", infer_schema=False)
    extra = pl.DataFrame(
        {"record_id": ["ghost:1"], "source_id": ["1"], "cluster_id": ["ghost:1"], "kept": ["1"]}
    )
    pl.concat([dmap, extra]).write_csv(copy / "dedup/dedup_map.csv")
    with pytest.raises(ConservationError, match="ghost:1"):
        conservation.check_dedup(copy / "ingest", copy / "dedup")


def test_cluster_with_two_kept_records_is_named(copy: Path) -> None:
    dmap = pl.read_csv(copy / "dedup/dedup_map.csv", infer_schema=False)
    a, b = dmap["record_id"][0], dmap["record_id"][1]
    dmap = dmap.with_columns(
        cluster_id=pl.when(pl.col("record_id") == b).then(pl.lit(a)).otherwise(pl.col("cluster_id"))
    )
    dmap.write_csv(copy / "dedup/dedup_map.csv")
    with pytest.raises(ConservationError, match="exactly one kept"):
        conservation.check_dedup(copy / "ingest", copy / "dedup")


def test_ingest_counts_that_do_not_add_up_are_named(copy: Path) -> None:
    recs = pl.read_parquet(copy / "ingest/records.parquet")
    dropped = recs.row(0, named=True)
    recs.slice(1).write_parquet(copy / "ingest/records.parquet")
    with pytest.raises(ConservationError) as info:
        conservation.check_ingest(copy / "ingest")
    assert dropped["source_file"] in info.value.message()


def test_cli_exits_non_zero_with_the_offending_ids(copy: Path, capsys) -> None:
    dmap = pl.read_csv(copy / "dedup/dedup_map.csv", infer_schema=False)
    lost = dmap["record_id"][5]
    dmap.filter(pl.col("record_id") != lost).write_csv(copy / "dedup/dedup_map.csv")
    assert (
        main(
            [
                "check",
                "conservation",
                "--results",
                str(copy),
                "--stage",
                "ingest",
                "--stage",
                "dedup",
            ]
        )
        == 2
    )
    assert lost in capsys.readouterr().err
