"""The committed RECO pro formas: byte-deterministic reconstruction and Table 5 from the CLI."""

from __future__ import annotations

import json

import polars as pl
import pytest
import yaml
from reco.cli import main
from reco.costing.proforma import read_proforma
from reco.reconstruct import Context
from reco.reconstruct import costing as reconstruct_costing

SITES = ["A", "B", "C", "D", "E", "F"]


@pytest.fixture(scope="module")
def published(repo) -> dict[str, tuple[str, int]]:
    data = yaml.safe_load(
        (repo / "resources/reco/sources/published_figures.yaml").read_text(encoding="utf-8")
    )
    table = next(t for t in data["tables"] if t["key"] == "table5_annual_costs")
    return {row[0]: (row[1], int(row[2])) for row in table["rows"]}


@pytest.fixture(scope="module")
def priced(repo, tmp_path_factory):
    out = tmp_path_factory.mktemp("costing")
    settings = json.dumps({"psa": {"draws": 300}})
    code = main(
        [
            "-q", "cost", "price",
            "--proformas", str(repo / "resources/reco/costing"),
            "--reference", str(repo / "resources/reference/costing"),
            "--settings", settings,
            "--out", str(out),
            "--counts", str(out / "costing.json"),
        ]
    )  # fmt: skip
    assert code == 0
    return out


def test_reconstruction_is_byte_identical_to_the_committed_workbooks(repo, tmp_path):
    ctx = Context(out=tmp_path, sources=repo / "resources/reco/sources")
    written = reconstruct_costing.build(ctx)
    assert sorted(p.name for p in written) == [f"site_{s}.xlsx" for s in SITES]
    for path in written:
        committed = repo / "resources/reco/costing" / path.name
        assert path.read_bytes() == committed.read_bytes(), path.name


def test_committed_pro_formas_are_labelled_and_have_at_most_one_small_reconciliation(
    repo, published
):
    for site in SITES:
        pf = read_proforma(repo / f"resources/reco/costing/site_{site}.xlsx")
        assert pf.site["data_status"] == "RECONSTRUCTED"
        assert pf.model_category == published[site][0]  # Table 5 categories
        recs = [r for r in pf.reported if r.category == "reconciliation"]
        assert len(recs) <= 1
        assert sum(r.amount for r in recs) <= 0.02 * published[site][1]
        assert pf.staff, "every site has staff lines"


def test_cli_reproduces_the_six_published_totals(priced, published):
    table = pl.read_csv(priced / "table5_costs.csv")
    got = {
        r["site"]: (r["service_model_category"], r["annual_cost_gbp"])
        for r in table.iter_rows(named=True)
    }
    assert got == published
    for r in table.iter_rows(named=True):
        parts = sum(r[c] for c in ("staff_direct", "staff_indirect", "intervention", "training",
                                   "equipment", "overheads", "reconciliation"))  # fmt: skip
        assert parts == pytest.approx(r["total"], abs=0.01)
        assert r["share_reconciliation"] <= 0.02
        assert r["share_site_actual"] + r["share_national"] + r[
            "share_reconciliation"
        ] == pytest.approx(1, abs=1e-3)


def test_outputs_and_counts(priced, published):
    for site in SITES:
        svg = (priced / f"tornado_{site}.svg").read_text(encoding="utf-8")
        assert "<dc:date>" not in svg
    lines = pl.read_parquet(priced / "lines_priced.parquet")
    assert lines["price_source"].null_count() == 0 and (lines["price_source"] != "").all()
    assert lines.filter(pl.col("line_type") == "reconciliation").height <= len(SITES)
    assert not lines.filter(pl.col("price_source").str.contains("NOT VERIFIED"))["verified"].any()
    sens = pl.read_csv(priced / "sensitivity.csv")
    assert set(sens["site_id"]) == set(SITES)
    psa = pl.read_csv(priced / "psa_summary.csv")
    assert (psa["lower"] < psa["base_total"]).all() and (psa["base_total"] < psa["upper"]).all()
    counts = json.loads((priced / "costing.json").read_text(encoding="utf-8"))
    assert counts["annual_cost"] == {s: v for s, (_, v) in published.items()}
    assert counts["annual_cost_total"] == sum(v for _, v in published.values())
    # Table 5's categories (4 lead and link, 1 consultancy, 1 network), not chapter 2's 3/1/2
    assert counts["sites_by_model"] == {"consultancy": 1, "lead_and_link": 4, "network": 1}
    assert counts["cheapest_model"] == "network"
    assert counts["sites"] == 6 and counts["perspective"] == "NHS"
    assert counts["approach"] == "mix of top-down and bottom-up"  # sites C and F report amounts
    assert counts["price_year"] == "2021/22"
    assert counts["inflation"]["factor"] == pytest.approx(1.0732 * 1.0431, abs=1e-6)
    models = pl.read_csv(priced / "model_costs.csv")
    assert dict(zip(models["service_model_category"], models["n_sites"], strict=True)) == {
        "Consultancy": 1, "Lead and link": 4, "Network": 1,
    }  # fmt: skip
