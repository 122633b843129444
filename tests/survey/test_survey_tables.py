"""Each survey table's arithmetic: rows sum to totals, percentages come from their denominators.

The pipeline is run once on the committed reconstruction inputs; every check recomputes what it
needs from the output rows (and, for Table 2, from the raw request log) rather than comparing with
typed numbers.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from reco.survey import codes
from reco.survey.run import Inputs, run


def half_up(n: int, d: int) -> int:
    """Independent rounding: 100 * n / d, halves up, in integer arithmetic."""
    return (200 * n + d) // (2 * d)


def inputs_in(folder: Path) -> Inputs:
    return Inputs(
        organisations=folder / "organisations.csv",
        requests=folder / "requests.csv",
        coding=folder / "response_coding.csv",
        audit_returns=folder / "audit_returns.xlsx",
        recruitment=folder / "recruitment_log.csv",
    )


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def results(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("survey_tables")
    run(
        inputs_in(repo / "resources/reco/survey"),
        out / "survey",
        out / "counts.json",
        review="reco",
        demo_key="test-demo-key",
    )
    return out


def test_rounding_is_half_up_as_stated() -> None:
    assert codes.pct(5, 8) == 63  # Table 4 Wales 'other' prints 63; round() would give 62
    assert codes.pct(10, 16) == 63  # audit: local authorities "63% in total"
    assert codes.pct(1, 8) == 13
    assert codes.pct(0, 0) is None
    assert all(codes.pct(n, d) == half_up(n, d) for d in range(1, 60) for n in range(d + 1))


def test_table2_rows_sum_to_total_and_match_the_request_log(results: Path, repo: Path) -> None:
    rows = read(results / "survey/table2_contacts.csv")
    body, total = rows[:-1], rows[-1]
    assert total["organisation"] == "Total"
    numeric = [k for k in total if k not in ("organisation_type", "organisation")]
    for key in numeric:
        if key.endswith("_pct"):
            continue
        assert int(total[key]) == sum(int(r[key]) for r in body), key
    for row in rows:
        for wave in ("1", "2"):
            contacted = int(row[f"wave{wave}_contacted"])
            orgs = int(row[f"wave{wave}_organisations_responded"])
            assert orgs <= contacted <= int(row["in_register"])
            assert orgs <= int(row[f"wave{wave}_responded"])
            pct = row[f"wave{wave}_organisations_responded_pct"]
            assert (pct == "") if contacted == 0 else int(pct) == half_up(orgs, contacted)
    requests = read(repo / "resources/reco/survey/requests.csv")
    assert int(total["contacted_any_wave"]) == len({r["org_id"] for r in requests})
    answered = [r for r in requests if r["outcome"] != "no_response"]
    assert int(total["responses_total"]) == len(answered)
    for wave in ("1", "2"):
        assert int(total[f"wave{wave}_responded"]) == sum(1 for r in answered if r["wave"] == wave)


def _check_nation_table(rows: list[dict[str, str]], denominator: str, columns: list[str]) -> None:
    total, nations = rows[0], rows[1:]
    assert total["nation"] == "Total"
    assert int(total[denominator]) == sum(int(r[denominator]) for r in nations)
    for col in columns:
        assert int(total[f"{col}_n"]) == sum(int(r[f"{col}_n"]) for r in nations), col
        for row in rows:
            n, d = int(row[f"{col}_n"]), int(row[denominator])
            assert n <= d
            assert int(row[f"{col}_pct"]) == half_up(n, d), (row["nation"], col)


def test_table3_categories_partition_each_nation(results: Path) -> None:
    rows = read(results / "survey/table3_models_by_nation.csv")
    cols = ["specific_service", "no_specific_service", "unclear"]
    _check_nation_table(rows, "total_responses", cols)
    for row in rows:
        assert sum(int(row[f"{c}_n"]) for c in cols) == int(row["total_responses"])


def test_table4_integrated_partition_and_overlapping_other(results: Path) -> None:
    rows = read(results / "survey/table4_integrated.csv")
    cols = [
        "integrated",
        "unclear",
        "not_integrated",
        "other",
        "integrated_no_specific_commissioned",
    ]
    _check_nation_table(rows, "responses", cols)
    for row in rows:
        n = int(row["responses"])
        assert int(row["integrated_n"]) + int(row["unclear_n"]) + int(row["not_integrated_n"]) == n
        assert int(row["integrated_no_specific_commissioned_n"]) <= int(row["integrated_n"])
    t3 = read(results / "survey/table3_models_by_nation.csv")
    assert [r["total_responses"] for r in t3] == [r["responses"] for r in rows]


def test_table6_blocks_sum_by_site(results: Path) -> None:
    rows = read(results / "survey/table6_staff.csv")
    sites = [k for k in rows[0] if k.startswith("site_")]
    assert sites == [f"site_{s}" for s in "ABCDEF"]
    for block in ("setting", "role"):
        mine = [r for r in rows if r["block"] == block]
        body, total = mine[:-1], mine[-1]
        assert total["category"] == "total"
        for row in mine:
            assert int(row["total"]) == sum(int(row[s]) for s in sites)
        for key in [*sites, "total"]:
            assert int(total[key]) == sum(int(r[key]) for r in body)
    totals = [r for r in rows if r["category"] == "total"]
    assert totals[0] | {"staff_setting_or_role": "", "block": ""} == totals[1] | {
        "staff_setting_or_role": "",
        "block": "",
    }


def test_table7_rows_columns_and_modes_add_up(results: Path) -> None:
    rows = read(results / "survey/table7_service_users_carers.csv")
    body, total = rows[:-1], rows[-1]
    assert total["case_study_site"] == "Total"
    for row in rows:
        assert int(row["total"]) == int(row["service_users"]) + int(row["carers"])
        for group in ("service_users", "carers"):
            assert int(row[group]) == sum(int(row[f"{group}_{m}"]) for m in codes.MODES)
    for key in total:
        if key != "case_study_site":
            assert int(total[key]) == sum(int(r[key]) for r in body), key


def test_audit_percentages_from_merged_services(results: Path) -> None:
    summary = json.loads((results / "survey/audit_summary.json").read_text(encoding="utf-8"))
    n = summary["services"]
    assert summary["returns"] - summary["returns_merged_into_another"] == n
    for block in ("commissioner", "provider", "model"):
        assert sum(v["n"] for v in summary[block].values()) == n, block
        for v in summary[block].values():
            assert v["pct"] == half_up(v["n"], n)
    for block in ("interventions", "modes"):
        for v in summary[block].values():
            assert v["n"] <= n and v["pct"] == half_up(v["n"], n)
    la = summary["commissioner_local_authority_total"]
    assert la["n"] == sum(summary["commissioner"][c]["n"] for c in la["codes"])
    assert la["pct"] == half_up(la["n"], n)
    services = read(results / "survey/audit_services.csv")
    assert len(services) == n
    assert summary["single_intervention_single_mode"] == sum(
        1 for s in services if s["n_interventions"] == "1" and s["n_modes"] == "1"
    )


def test_counts_agree_with_tables(results: Path) -> None:
    counts = json.loads((results / "counts.json").read_text(encoding="utf-8"))
    t2 = read(results / "survey/table2_contacts.csv")[-1]
    assert counts["organisations_contacted"] == int(t2["contacted_any_wave"])
    assert counts["responses_total"] == counts["responses_wave1"] + counts["responses_wave2"]
    assert counts["responses_total"] == sum(
        counts[f"outcome_{o}"] for o in codes.OUTCOMES if o != "no_response"
    )
    assert counts["responses_with_service_info"] == counts["responses_coded"]
    assert counts["responses_coded"] == (
        counts["responses_categorised"] + counts["responses_not_categorised"]
    )
    t3 = read(results / "survey/table3_models_by_nation.csv")[0]
    assert counts["responses_categorised"] == int(t3["total_responses"])
    rec = counts["recruitment"]
    assert rec["participants_total"] == rec["service_users"] + rec["carers"]


def test_organisations_responding_counted_once(results: Path, repo: Path) -> None:
    """Responses count requests answered; the organisation response rate counts each organisation
    once, however many of its requests it answered (recounted here from the raw request log)."""
    counts = json.loads((results / "counts.json").read_text(encoding="utf-8"))
    requests = read(repo / "resources/reco/survey/requests.csv")
    answered = [r for r in requests if r["outcome"] != "no_response"]
    orgs = {r["org_id"] for r in answered}
    assert len(orgs) < len(answered)  # the log has organisations answering more than once
    assert counts["organisations_responded"] == len(orgs)
    contacted = len({r["org_id"] for r in requests})
    assert counts["organisation_response_rate_pct"] == round(100 * len(orgs) / contacted, 1)
    assert counts["organisation_response_rate_pct"] < counts["response_rate_pct"]


def test_a_changed_code_moves_the_table(results: Path, repo: Path, tmp_path: Path) -> None:
    """Tables are computed from the rows: recoding one English response moves one count."""
    folder = tmp_path / "in"
    shutil.copytree(repo / "resources/reco/survey", folder)
    path = folder / "response_coding.csv"
    rows = read(path)
    register = {r["org_id"]: r for r in read(folder / "organisations.csv")}
    target = next(
        r
        for r in rows
        if r["category"] == "specific" and register[r["org_id"]]["nation"] == "england"
    )
    target["category"] = "none"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    run(inputs_in(folder), tmp_path / "out", tmp_path / "c.json", review="reco", demo_key="k")
    before = {r["nation"]: r for r in read(results / "survey/table3_models_by_nation.csv")}
    after = {r["nation"]: r for r in read(tmp_path / "out/table3_models_by_nation.csv")}
    for nation in ("Total", "England"):
        assert (
            int(after[nation]["specific_service_n"])
            == int(before[nation]["specific_service_n"]) - 1
        )
        assert int(after[nation]["no_specific_service_n"]) == (
            int(before[nation]["no_specific_service_n"]) + 1
        )
    assert after["Wales"] == before["Wales"]
