"""Clustering, reviewers' overrides, the kept record, determinism and the ``reco dedup`` CLI."""

from __future__ import annotations

import random

import polars as pl
import pytest
from reco import cli, fileio
from reco.dedup import deduplicate
from reco.dedup.overrides import read_decisions
from reco.errors import InputError, SchemaError

OUTPUTS = (
    "pairs.parquet",
    "clusters.csv",
    "dedup_map.csv",
    "review_pairs.csv",
    "unique_records.parquet",
    "counts.json",
)


def _clusters(res) -> list[list[str]]:
    groups = res.dedup_map.group_by("cluster_id").agg(pl.col("record_id").sort())
    return sorted(groups.get_column("record_id").to_list())


def _chain(article: dict) -> list[dict]:
    """A~B by DOI, B~C by title/author/year, but A and C have different page ranges."""
    a = dict(article, pages="2511-2518")
    b = dict(article, pages=None)
    c = dict(article, pages="3100-3108", doi=None)
    return [{"record_id": "a:1", **a}, {"record_id": "b:1", **b}, {"record_id": "c:1", **c}]


def test_transitive_chain_is_split_at_the_weakest_link(build, article) -> None:
    res = deduplicate(build(_chain(article)))
    assert _clusters(res) == [["a:1", "b:1"], ["c:1"]]
    assert res.counts["chain_links_removed"] == 1
    cut = res.pairs.filter(pl.col("rule") == "chain_split")
    assert cut.select("record_a", "record_b", "machine_rule").row(0) == (
        "b:1",
        "c:1",
        "title_author_year",
    )
    assert "pages_conflict" in cut.get_column("note").item()
    assert res.review_pairs.filter(pl.col("rule") == "chain_split").height == 1
    note = res.clusters.filter(pl.col("cluster_id") == "a:1").get_column("note").item()
    assert "b:1~c:1" in note


def test_without_conflict_a_chain_stays_one_cluster(build, article) -> None:
    rows = _chain(article)
    rows[2]["pages"] = "2511-8"  # C now agrees with A
    res = deduplicate(build(rows))
    assert _clusters(res) == [["a:1", "b:1", "c:1"]]
    assert res.counts["chain_links_removed"] == 0


def _decisions(tmp_path, rows: list[str]):
    p = tmp_path / "dedup_decisions.csv"
    p.write_text("record_a,record_b,decision,who,note\n" + "".join(r + "\n" for r in rows))
    return p, read_decisions(p)


def test_override_same_and_different(build, article, tmp_path) -> None:
    other = dict(article, title="Peer support for dual diagnosis: a qualitative study", doi=None)
    other.update(pages="300-310")
    rows = [
        {"record_id": "medline:1", **article},
        {"record_id": "embase:9", **dict(article, doi=None, authors=["Drake RE"])},
        {"record_id": "psycinfo:5", **other},
    ]
    base = deduplicate(build(rows))
    assert _clusters(base) == [["embase:9", "medline:1"], ["psycinfo:5"]]
    path, decisions = _decisions(
        tmp_path,
        [
            "medline:1,embase:9,different,JB,two reports of the trial",
            "psycinfo:5,medline:1,same,JB,companion paper",
        ],
    )
    res = deduplicate(build(rows), decisions=decisions, decisions_path=path)
    assert _clusters(res) == [["embase:9"], ["medline:1", "psycinfo:5"]]
    assert res.counts["overrides_applied"] == {"different": 1, "same": 1}
    over = res.pairs.filter(pl.col("rule").str.starts_with("override_"))
    assert sorted(over.get_column("rule").to_list()) == ["override_different", "override_same"]
    assert (
        over.filter(pl.col("rule") == "override_different").get_column("machine_decision").item()
        == "same"
    )
    assert (
        "row 1, JB" in over.filter(pl.col("rule") == "override_different").get_column("note").item()
    )


def test_override_different_breaks_a_chain_through_a_third_record(build, article, tmp_path) -> None:
    rows = [
        {"record_id": "a:1", **article},
        {"record_id": "b:1", **dict(article, doi=None)},
        {"record_id": "c:1", **dict(article, doi=None, authors=["Drake R"])},
    ]
    assert _clusters(deduplicate(build(rows))) == [["a:1", "b:1", "c:1"]]
    path, decisions = _decisions(tmp_path, ["a:1,c:1,different,JB,"])
    res = deduplicate(build(rows), decisions=decisions, decisions_path=path)
    members = _clusters(res)
    assert ["a:1", "c:1"] not in members and not any(len(m) == 3 for m in members)
    assert res.counts["chain_links_removed"] >= 1


def test_unknown_record_id_in_decisions_names_file_and_row(build, article, tmp_path) -> None:
    path, decisions = _decisions(
        tmp_path, ["medline:1,embase:9,same,JB,", "medline:1,embase:77,different,JB,"]
    )
    rows = [{"record_id": "medline:1", **article}, {"record_id": "embase:9", **article}]
    with pytest.raises(InputError) as err:
        deduplicate(build(rows), decisions=decisions, decisions_path=path)
    assert err.value.row == 2 and err.value.column == "record_b"
    assert str(path) in err.value.message() and "embase:77" in err.value.message()


def test_bad_decision_value_is_an_error(tmp_path) -> None:
    with pytest.raises(SchemaError) as err:
        _decisions(tmp_path, ["a:1,b:1,maybe,JB,"])
    assert err.value.row == 1 and err.value.column == "decision"


def test_kept_record_most_complete_then_database_preference(build, article) -> None:
    rows = [
        {"record_id": "cinahl:1", "database": "CINAHL", **article},
        {"record_id": "medline:2", "database": "Medline", **article},
        {"record_id": "embase:3", "database": "EMBASE", **dict(article, issue=None)},
    ]
    res = deduplicate(build(rows), database_preference=["Medline", "EMBASE"])
    kept = res.dedup_map.filter(pl.col("kept") == 1).get_column("record_id").to_list()
    assert kept == ["medline:2"]
    assert res.dedup_map.get_column("cluster_id").unique().to_list() == ["cinahl:1"]
    unique = res.unique_records.row(0, named=True)
    assert unique["work_id"] == "cinahl:1" and unique["record_id"] == "medline:2"
    assert sorted(unique["member_record_ids"]) == ["cinahl:1", "embase:3", "medline:2"]
    assert sorted(unique["member_source_files"]) == ["cinahl.ris", "embase.ris", "medline.ris"]
    # without a preference, the lowest record_id among the most complete copies
    res = deduplicate(build(rows))
    assert res.dedup_map.filter(pl.col("kept") == 1).get_column("record_id").to_list() == [
        "cinahl:1"
    ]


def _ris(records: list[dict]) -> str:
    lines = []
    for r in records:
        lines += ["TY  - JOUR", f"ID  - {r['id']}"]
        lines += [f"AU  - {a}" for a in r["authors"]]
        lines += [f"TI  - {r['title']}", f"JO  - {r['journal']}", f"PY  - {r['year']}"]
        if r.get("volume"):
            lines.append(f"VL  - {r['volume']}")
        if r.get("sp"):
            lines.append(f"SP  - {r['sp']}")
        if r.get("doi"):
            lines.append(f"DO  - {r['doi']}")
        lines += ["ER  - ", ""]
    return "\n".join(lines)


RIS_RECORDS = [
    {
        "id": "101",
        "authors": ["Drake, Robert E.", "Mueser, Kim T."],
        "title": "Integrated treatment for dual disorders: a randomised trial",
        "journal": "Journal of Dual Diagnosis",
        "year": 2016,
        "volume": "12",
        "sp": "2511-2518",
        "doi": "10.5555/jdd.2016.2511",
    },
    {
        "id": "102",
        "authors": ["Drake RE", "Mueser KT"],
        "title": "INTEGRATED TREATMENT FOR DUAL DISORDERS - A RANDOMISED TRIAL",
        "journal": "J Dual Diagn",
        "year": 2016,
        "volume": "12",
        "sp": "2511-8",
    },
    {
        "id": "103",
        "authors": ["Smith, Ann"],
        "title": "Staff attitudes to substance misuse on acute psychiatric wards",
        "journal": "Journal of Psychiatric and Mental Health Nursing",
        "year": 2014,
        "volume": "21",
        "sp": "77-84",
    },
    {
        "id": "104",
        "authors": ["Smith, Ann"],
        "title": "Erratum: Staff attitudes to substance misuse on acute psychiatric wards",
        "journal": "Journal of Psychiatric and Mental Health Nursing",
        "year": 2014,
        "volume": "21",
    },
]


def test_cli_raw_exports_and_parquet_give_identical_outputs(tmp_path) -> None:
    ris = tmp_path / "medline.ris"
    ris.write_text(_ris(RIS_RECORDS), encoding="utf-8")
    assert cli.main(["dedup", str(ris), "--out", str(tmp_path / "raw")]) == 0
    assert cli.main(["ingest", str(ris), "--out", str(tmp_path / "ingest")]) == 0
    parquet = tmp_path / "ingest" / "records.parquet"
    assert cli.main(["dedup", str(parquet), "--out", str(tmp_path / "pq")]) == 0
    for name in OUTPUTS:
        assert (tmp_path / "raw" / name).read_bytes() == (tmp_path / "pq" / name).read_bytes(), name
    dmap = pl.read_csv(tmp_path / "raw" / "dedup_map.csv", infer_schema=False)
    assert dmap.columns == ["record_id", "source_id", "cluster_id", "kept"]
    assert dmap.rows() == [
        ("medline:101", "101", "medline:101", "1"),
        ("medline:102", "102", "medline:101", "0"),
        ("medline:103", "103", "medline:103", "1"),
        ("medline:104", "104", "medline:104", "1"),
    ]
    counts = fileio.read_json(tmp_path / "raw" / "counts.json")
    assert counts["records_in"] == 4 and counts["unique_records"] == 3
    assert counts["duplicates_removed"] == 1


def test_same_input_twice_and_shuffled_gives_byte_identical_outputs(
    build, article, tmp_path
) -> None:
    rows = _chain(article) + [
        {"record_id": f"x:{k}", **dict(article, title=f"{article['title']} {w}", doi=None, pages=p)}
        for k, (w, p) in enumerate([("cohort", "1-9"), ("follow-up", "10-19"), ("cohort", "1-9")])
    ]
    df = build(rows)
    outs = []
    for k, frame in enumerate(
        [df, df, df.sample(fraction=1.0, shuffle=True, seed=random.Random(3).randint(0, 99))]
    ):
        src = tmp_path / f"in{k}.parquet"
        fileio.write_parquet(frame, src)
        out = tmp_path / f"out{k}"
        assert cli.main(["dedup", str(src), "--out", str(out), "--prefer", "Medline"]) == 0
        outs.append({name: (out / name).read_bytes() for name in OUTPUTS})
    assert outs[0] == outs[1] == outs[2]


def test_cli_unknown_id_exits_2_with_file_and_row(tmp_path, capsys) -> None:
    ris = tmp_path / "medline.ris"
    ris.write_text(_ris(RIS_RECORDS[:2]), encoding="utf-8")
    dec = tmp_path / "dedup_decisions.csv"
    dec.write_text("record_a,record_b,decision,who,note\nmedline:101,medline:999,same,JB,\n")
    code = cli.main(["dedup", str(ris), "--out", str(tmp_path / "o"), "--decisions", str(dec)])
    assert code == 2
    err = capsys.readouterr().err
    assert str(dec) in err and "row 1" in err and "medline:999" in err
    assert not (tmp_path / "o" / "dedup_map.csv").exists()


def test_empty_and_single_record_inputs(build, article) -> None:
    from reco import records

    res = deduplicate(records.empty(records.RECORDS))
    assert res.dedup_map.height == 0 and res.counts["unique_records"] == 0
    res = deduplicate(build([{"record_id": "a:1", **article}]))
    assert res.dedup_map.rows() == [("a:1", "1", "a:1", 1)]


def test_duplicate_record_id_is_an_error(build, article) -> None:
    df = build([{"record_id": "a:1", **article}, {"record_id": "a:1", **article}])
    with pytest.raises(InputError, match="a:1"):
        deduplicate(df, source="records.parquet")
