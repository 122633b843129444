"""End-to-end simulation and ranking on the real Kitchenham 2010 subset (tests/fixtures/screening)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from reco.cli import main
from reco.screening import classifiers, metrics
from reco.screening.data import Labelled, read_labelled
from reco.screening.features import make_features, record_texts
from reco.screening.simulate import ASREVIEW_ELAS_U4, ModelSpec, choose_prior, simulate

FIXTURE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "screening" / "kitchenham_2010_subset.csv"
)


@pytest.fixture(scope="module")
def word_features() -> tuple[Labelled, Any]:
    """The fixture and its word TF-IDF, computed once for the tests that simulate directly."""
    data = read_labelled(FIXTURE)
    return data, make_features("tfidf_word").fit_transform(
        record_texts(data.titles, data.abstracts)
    )


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim")
    assert main(["-q", "screen", "simulate", "--data", str(FIXTURE), "--out", str(out)]) == 0
    return out


def test_outputs_and_contract(simulated: Path) -> None:
    report = json.loads((simulated / "metrics.json").read_text())
    for key in ("wss_95", "wss_100", "rrf_10", "n_to_95"):
        assert key in report
    for rule in ("consecutive_irrelevant", "buscar", "buscar_streak", "knee", "knee_56"):
        assert set(report["stopping"][rule]) >= {"stopped_at", "recall", "description"}
    # The rule a report quotes (by default knee_56), with its result.
    assert report["stopping_rule"] == {"name": "knee_56", **report["stopping"]["knee_56"]}
    order = pl.read_csv(simulated / "order.csv", infer_schema=False)
    source = pl.read_csv(FIXTURE, infer_schema=False)
    # Every record screened exactly once; the two priors first, one relevant, one irrelevant.
    assert sorted(order["record_id"]) == sorted(source["record_id"])
    assert order["record_id"][:2].to_list() == report["prior_record_ids"]
    assert sorted(order["label_included"][:2].to_list()) == ["0", "1"]
    # The metrics are those of the written order (recomputed here independently).
    labels = order["label_included"].cast(int).to_numpy()
    assert report["wss_95"] == pytest.approx(metrics.wss(labels, 0.95), abs=1e-3)
    svg = (simulated / "recall_curve.svg").read_text()
    assert "<svg" in svg and "random order" in svg
    assert (simulated / "recall_curve.png").stat().st_size > 1000


def test_prioritisation_beats_random_order(simulated: Path) -> None:
    report = json.loads((simulated / "metrics.json").read_text())
    # Random order gives WSS@95 around 0 (seeded random order: see random_order); the model
    # must save at least a fifth of the screening at 95% recall on this 200-record subset.
    assert report["wss_95"] >= 20.0
    assert report["n_to_95"] <= report["random_order"]["n_to_95"] - 30


def test_a_random_ranker_would_fail_the_margin(
    monkeypatch: pytest.MonkeyPatch, word_features
) -> None:
    """The threshold above discriminates: a classifier scoring at random stays below it."""

    class RandomScores:
        name = "random"

        def __init__(self, seed: int = 0, **_: object) -> None:
            self.rng = np.random.default_rng(seed)

        def fit(self, X, y, sample_weight=None) -> None:  # noqa: ANN001
            pass

        def scores(self, X) -> np.ndarray:  # noqa: ANN001
            return self.rng.random(X.shape[0])

        proba = scores

    monkeypatch.setitem(classifiers.CLASSIFIERS, "random", RandomScores)
    data, X = word_features
    wss = []
    for seed in range(3):
        spec = ModelSpec(features="tfidf_word", classifier="random")
        sim = simulate(X, data.labels, choose_prior(data.labels, seed), spec, seed)
        wss.append(metrics.wss(data.labels[sim.order], 0.95))
    assert max(wss) < 20.0


def test_same_seed_same_order(simulated: Path, tmp_path: Path) -> None:
    assert main(["-q", "screen", "simulate", "--data", str(FIXTURE), "--out", str(tmp_path)]) == 0
    for name in ("order.csv", "metrics.json", "recall_curve.svg", "recall_curve.png"):
        assert (tmp_path / name).read_bytes() == (simulated / name).read_bytes(), name


def test_other_seed_other_prior(simulated: Path, tmp_path: Path) -> None:
    assert (
        main(
            [
                "-q",
                "screen",
                "simulate",
                "--data",
                str(FIXTURE),
                "--out",
                str(tmp_path),
                "--seed",
                "7",
            ]
        )
        == 0
    )
    a = json.loads((simulated / "metrics.json").read_text())["prior_record_ids"]
    b = json.loads((tmp_path / "metrics.json").read_text())["prior_record_ids"]
    assert a != b


def test_rank_writes_csv_and_ris(tmp_path: Path) -> None:
    source = pl.read_csv(FIXTURE, infer_schema=False)
    records = tmp_path / "records.csv"
    source.drop("label_included").write_csv(records)
    # Labels so far: every fifth record of the file (40 records).
    known = source.gather_every(5).select("record_id", pl.col("label_included").alias("label"))
    assert known["label"].to_list().count("1") >= 3
    labels = tmp_path / "labels.csv"
    known.write_csv(labels)
    out = tmp_path / "out"
    assert (
        main(
            [
                "-q",
                "screen",
                "rank",
                "--records",
                str(records),
                "--labels",
                str(labels),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    ranked = pl.read_csv(out / "ranked.csv", infer_schema=False)
    assert ranked.height == source.height - 40
    assert set(ranked["record_id"]).isdisjoint(set(known["record_id"]))
    assert ranked["rank"].to_list() == [str(i) for i in range(1, ranked.height + 1)]
    # The ranking puts relevant records first: the top quarter is far richer than the rest.
    truth = dict(zip(source["record_id"], source["label_included"].cast(int), strict=True))
    hits = np.array([truth[r] for r in ranked["record_id"]])
    quarter = len(hits) // 4
    assert hits[:quarter].mean() > 2 * hits[quarter:].mean()
    ris = (out / "ranked.ris").read_text()
    assert ris.count("ER  - ") == ranked.height
    first = ranked["record_id"][0]
    assert f"ID  - {first}\n" in ris.split("ER  - ")[0]
    assert f"N1  - reco screening rank 1 of {ranked.height}" in ris


def test_other_model_from_the_command_line(tmp_path: Path) -> None:
    args = ["-q", "screen", "simulate", "--data", str(FIXTURE), "--out", str(tmp_path)]
    model = ["--model", "features=tfidf_word", "--model", "classifier=nb", "--model", "growth=0.05"]
    assert main(args + model) == 0
    report = json.loads((tmp_path / "metrics.json").read_text())
    assert report["model"]["classifier"] == "nb" and report["model"]["growth"] == 0.05
    # Several settings after one --model work the same.
    other = tmp_path / "one_flag"
    together = ["--model", "features=tfidf_word", "classifier=svm", "growth=0"]
    assert main(args[:-1] + [str(other)] + together) == 0
    report = json.loads((other / "metrics.json").read_text())
    assert report["model"]["classifier"] == "svm" and report["model"]["growth"] == 0.0
    assert report["n_fits"] == 198  # growth 0: a refit before each of the 198 non-prior records
    assert main(args + ["--model", "classifier=bogus"]) == 2
    assert main(args + ["--model", "nonsense"]) == 2


def test_model_parameters_from_the_command_line(tmp_path: Path, capsys) -> None:
    """``*_params`` take a JSON object that reaches the classifier: another C, another order."""
    base = ["-q", "screen", "simulate", "--data", str(FIXTURE), "--out"]
    assert main([*base, str(tmp_path / "default")]) == 0
    strong = 'classifier_params={"base": "svm", "base_params": {"C": 0.11}}'
    assert (
        main([*base, str(tmp_path / "c011"), "--model", strong, 'feature_params={"min_df": 1}'])
        == 0
    )
    report = json.loads((tmp_path / "c011" / "metrics.json").read_text())
    assert report["model"]["classifier_params"] == {"base": "svm", "base_params": {"C": 0.11}}
    assert report["model"]["feature_params"] == {"min_df": 1}
    orders = [(tmp_path / d / "order.csv").read_text() for d in ("default", "c011")]
    assert orders[0] != orders[1]  # the parameter changed the model, not just the report
    capsys.readouterr()
    bad = {
        'classifier_params={"base_params": {"Cx": 1}}': "does not fit 'multiview'",
        "classifier_params=[1]": "needs a JSON object",
        "classifier_params={C: 1}": "needs a JSON object",
        'feature_params={"foo": 2}': "does not fit 'tfidf_views'",
        "classifier=svm": "does not take the features 'tfidf_views'",
        "features=tfidf_word": "classifier 'multiview' does not take",
    }
    for setting, says in bad.items():
        assert main([*base, str(tmp_path / "bad"), "--model", setting]) == 2, setting
        assert says in capsys.readouterr().err, setting
    assert not (tmp_path / "bad").exists()


def test_the_quoted_stopping_rule_is_chosen_and_checked(tmp_path: Path, capsys) -> None:
    base = ["-q", "screen", "simulate", "--data", str(FIXTURE), "--model", "growth=0.2", "--out"]
    assert main([*base, str(tmp_path / "knee"), "--stopping", "buscar_streak"]) == 0
    report = json.loads((tmp_path / "knee" / "metrics.json").read_text())
    assert report["stopping_rule"]["name"] == "buscar_streak"
    assert (
        report["stopping_rule"]["stopped_at"] == report["stopping"]["buscar_streak"]["stopped_at"]
    )
    capsys.readouterr()
    # An unknown rule fails before any simulation, naming the rules there are.
    assert main([*base, str(tmp_path / "bad"), "--stopping", "kne"]) == 2
    err = capsys.readouterr().err
    assert "unknown stopping rule 'kne'" in err and "knee_56" in err
    assert not (tmp_path / "bad").exists()


@pytest.mark.slow
def test_config_model_parameters_reach_the_command(repo: Path, tmp_path: Path) -> None:
    """The rule quotes a config's ``classifier_params`` for the shell; reco reads them back."""
    import shlex
    import subprocess
    import sys

    import yaml
    from reco.commands.screen import _spec

    config = yaml.safe_load((repo / "config/config.yaml").read_text(encoding="utf-8"))
    config["screening"]["simulation"]["model"] = {
        "features": "tfidf_views",
        "classifier": "multiview",
        "classifier_params": {"base": "svm", "base_params": {"C": 0.11}},
    }
    configfile = tmp_path / "config with params.yaml"
    configfile.write_text(yaml.safe_dump(config), encoding="utf-8")
    cmd = [sys.executable, "-m", "snakemake", "-n", "-p", "--nolock", "--cores", "1",
           "--configfile", str(configfile), "--forcerun", "simulate_screening"]  # fmt: skip
    proc = subprocess.run(cmd, cwd=repo, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    line = next(x for x in proc.stdout.splitlines() if " screen simulate " in x)
    words = shlex.split(line)
    spec = _spec([words[i + 1] for i, w in enumerate(words) if w == "--model"])
    assert spec.classifier_params == {"base": "svm", "base_params": {"C": 0.11}}
    assert (spec.features, spec.classifier) == ("tfidf_views", "multiview")


def test_rank_reads_a_records_parquet_with_list_columns(tmp_path: Path) -> None:
    source = pl.read_csv(FIXTURE, infer_schema=False).head(30)
    records = tmp_path / "records.parquet"
    source.drop("label_included").with_columns(
        pl.col("title").str.split(" ").alias("keywords")
    ).write_parquet(records)
    known = source.head(10).select("record_id", pl.col("label_included").alias("label"))
    known = known.with_columns(pl.Series("label", ["1"] + ["0"] * 9))
    labels = tmp_path / "labels.csv"
    known.write_csv(labels)
    out = tmp_path / "out"
    argv = ["-q", "screen", "rank", "--records", str(records), "--labels", str(labels)]
    assert main([*argv, "--out", str(out)]) == 0
    assert pl.read_csv(out / "ranked.csv").height == 20


def test_rank_with_a_dedup_map_labels_clusters_and_ranks_works(tmp_path: Path, capsys) -> None:
    """Logs cite any member of a duplicate cluster: its label covers the cluster, and no
    duplicate of a labelled or ranked record is offered again."""
    source = pl.read_csv(FIXTURE, infer_schema=False).head(60)
    copies = source.head(20).with_columns(("copy:" + pl.col("record_id")).alias("record_id"))
    records = tmp_path / "records.csv"
    pl.concat([source, copies]).drop("label_included").write_csv(records)
    dedup_map = tmp_path / "dedup_map.csv"
    pl.DataFrame(
        {
            "record_id": source["record_id"].to_list() + copies["record_id"].to_list(),
            "cluster_id": source["record_id"].to_list() + source["record_id"].head(20).to_list(),
            "kept": ["1"] * 60 + ["0"] * 20,
        }
    ).write_csv(dedup_map)
    # the first ten labelled through their copies, with one relevant and nine irrelevant
    known = copies.head(10).select("record_id", pl.Series("label", ["1"] + ["0"] * 9))
    labels = tmp_path / "labels.csv"
    known.write_csv(labels)
    out = tmp_path / "out"
    argv = ["-q", "screen", "rank", "--records", str(records), "--labels", str(labels)]
    assert main([*argv, "--out", str(out), "--dedup-map", str(dedup_map)]) == 0
    ranked = pl.read_csv(out / "ranked.csv", infer_schema=False)
    assert ranked.height == 50  # 60 works, 10 labelled; no copy is ranked
    assert not any(r.startswith("copy:") for r in ranked["record_id"])
    assert set(ranked["record_id"]).isdisjoint(source["record_id"].head(10))
    dupes = dict(zip(ranked["record_id"], ranked["duplicates"].fill_null(""), strict=True))
    assert dupes[source["record_id"][15]] == f"copy:{source['record_id'][15]}"
    assert dupes[source["record_id"][30]] == ""
    # without the map, the copies are records of their own and are ranked again
    assert main([*argv, "--out", str(tmp_path / "plain")]) == 0
    assert pl.read_csv(tmp_path / "plain" / "ranked.csv").height == 70
    # a work labelled 1 through one member and 0 through another is an error naming both
    first = source["record_id"][0]
    pl.DataFrame({"record_id": [first, f"copy:{first}"], "label": ["0", "1"]}).write_csv(labels)
    assert main([*argv, "--out", str(out), "--dedup-map", str(dedup_map)]) == 2
    said = capsys.readouterr().err
    assert f"'copy:{first}' is labelled both 0 and 1 (a duplicate of '{first}'" in said


def test_rank_with_everything_labelled_writes_an_empty_list(tmp_path: Path) -> None:
    records = tmp_path / "records.csv"
    records.write_text("record_id,title,abstract\na,T,x\nb,U,y\n", encoding="utf-8")
    labels = tmp_path / "labels.csv"
    labels.write_text("record_id,label\na,1\nb,0\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["-q", "screen", "rank", "--records", str(records), "--labels", str(labels)]
    assert main([*argv, "--out", str(out)]) == 0
    assert (out / "ranked.csv").read_text().strip() == "rank,record_id,score,title"
    assert (out / "ranked.ris").read_text() == ""


def test_growth_zero_refits_after_every_record_and_the_schedule_refits_less(
    word_features,
) -> None:
    data, X = word_features
    prior = choose_prior(data.labels, 0)
    n = len(data.labels)
    every = simulate(
        X,
        data.labels,
        prior,
        ModelSpec(features="tfidf_word", classifier="svm", classifier_params={}, growth=0.0),
    )
    scheduled = simulate(
        X,
        data.labels,
        prior,
        ModelSpec(features="tfidf_word", classifier="svm", classifier_params={}),
    )
    assert every.n_fits == n - 2  # one fit before each record after the two priors
    assert scheduled.n_fits < every.n_fits
    # Both are orders of all records, priors first.
    for result in (every, scheduled):
        assert sorted(result.order.tolist()) == list(range(n))
        assert tuple(result.order[:2]) == prior


ASREVIEW_ORDERS = FIXTURE.parent / "asreview_orders"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_asreview_model_in_recos_loop_gives_asreviews_order(seed: int, word_features) -> None:
    """Same priors, balancing, features, classifier and query as ASReview 3.0.8 elas_u4: same order.

    The reference orders were written by ASReview itself (see the fixture README), so this
    checks the whole loop against an independent implementation, ties included.
    """
    data, X = word_features
    prior = choose_prior(data.labels, seed)
    expected = json.loads((ASREVIEW_ORDERS / f"{FIXTURE.stem}_{seed}_asreview.json").read_text())
    assert tuple(expected[:2]) == prior
    sim = simulate(X, data.labels, prior, ASREVIEW_ELAS_U4, seed)
    assert sim.order[: len(expected)].tolist() == expected
    # A different balancing ratio changes the order, so the comparison can fail.
    other = simulate(X, data.labels, prior, replace(ASREVIEW_ELAS_U4, balance_ratio=1.0), seed)
    assert other.order[: len(expected)].tolist() != expected
