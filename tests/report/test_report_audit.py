"""The ledger audit: every ledger entry listed; match, differs (by how much), not derivable (yet)."""

from __future__ import annotations

import yaml
from reco.report import audit, numbers
from report_fixture_paths import COUNTS

LEDGER = "resources/reco/sources/published_figures.yaml"
MAP = "resources/reco/ledger_map.yaml"


def _ledger(tmp_path, figures, inconsistencies=()):
    path = tmp_path / "ledger.yaml"
    path.write_text(
        yaml.safe_dump({"figures": figures, "tables": [], "inconsistencies": list(inconsistencies)})
    )
    return path


def _map(tmp_path, figures):
    path = tmp_path / "map.yaml"
    path.write_text(yaml.safe_dump({"figures": figures}))
    return path


def test_every_ledger_entry_is_audited(repo, tmp_path):
    data = numbers.collect(COUNTS, tmp_path)
    rows, summary = audit.run_audit(repo / LEDGER, repo / MAP, data, tmp_path)
    ledger = yaml.safe_load((repo / LEDGER).read_text())
    keys = [f["key"] for f in ledger["figures"]] + [t["key"] for t in ledger["tables"]]
    assert [r["key"] for r in rows] == keys
    assert summary["total"] == len(keys)
    assert sum(summary["by_status"].values()) == len(keys)
    assert all(r["status"] in audit.STATUSES for r in rows)


def test_map_names_only_ledger_keys(repo):
    ledger = {f["key"] for f in yaml.safe_load((repo / LEDGER).read_text())["figures"]}
    mapping = audit.read_map(repo / MAP)
    assert set(mapping["figures"]) == ledger  # every figure has a line: a path or a reason


def test_altered_figure_differs_by_how_much(tmp_path):
    data = numbers.collect(COUNTS, tmp_path)
    unique = data["prisma"]["dedup"]["unique"]
    ledger = _ledger(
        tmp_path,
        [
            {"key": "dedup.same", "value": unique, "stage": "dedup"},
            {"key": "dedup.altered", "value": unique + 10, "stage": "dedup"},
        ],
        [
            {
                "keys": ["dedup.altered"],
                "severity": "major",
                "description": "printed twice differently",
            }
        ],
    )
    mapping = _map(
        tmp_path, {"dedup.same": "prisma.dedup.unique", "dedup.altered": "prisma.dedup.unique"}
    )
    rows, summary = audit.run_audit(ledger, mapping, data, tmp_path)
    same, altered = rows
    assert same["status"] == "match" and same["difference"] == ""
    assert altered["status"] == "differs"
    assert altered["difference"].startswith("-10 (")
    assert altered["inconsistency"] == "[major] printed twice differently"
    assert summary["figures"]["match"] == 1 and summary["figures"]["differs"] == 1


def test_precision_names_and_not_derivable(tmp_path):
    data = {"survey": {"rate": 39.17, "names": {"Medline": 1, "Web of Science": 2}}, "prisma": {}}
    ledger = _ledger(
        tmp_path,
        [
            {"key": "a.rate", "value": 39.2},
            {"key": "a.names", "value": "Medline; Web of Science (all databases)"},
            {"key": "a.absent_stage", "value": 5},
            {"key": "a.absent_key", "value": 5},
            {"key": "a.version", "value": 12},
        ],
    )
    mapping = _map(
        tmp_path,
        {
            "a.rate": "survey.rate",
            "a.names": {"path": "survey.names", "compare": "keys"},
            "a.absent_stage": "costing.total",
            "a.absent_key": "survey.not_written",
            "a.version": {"none": "software version"},
        },
    )
    rows, _ = audit.run_audit(ledger, mapping, data, tmp_path)
    status = {r["key"]: (r["status"], r["difference"]) for r in rows}
    assert status["a.rate"] == ("match", "")  # 39.17 at the published precision is 39.2
    assert status["a.names"] == ("match", "")
    assert (
        status["a.absent_stage"][0] == "not derivable yet"
        and "costing" in status["a.absent_stage"][1]
    )
    assert status["a.absent_key"] == (
        "not derivable yet",
        "'survey.not_written' not in numbers.json",
    )
    assert status["a.version"] == ("not derivable", "software version")


def test_table_cells_compared(tmp_path):
    results = tmp_path / "results"
    (results / "survey").mkdir(parents=True)
    (results / "survey" / "t7.csv").write_text("site,users,carers\nA,6,3\nB,3,8\n")
    path = tmp_path / "ledger.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "figures": [],
                "tables": [
                    {
                        "key": "t7",
                        "columns": ["site", "users", "carers"],
                        "rows": [["A", 6, 3], ["B", 3, 9]],
                    }
                ],
            }
        )
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text(yaml.safe_dump({"tables": {"t7": {"file": "survey/t7.csv", "key": "site"}}}))
    rows, summary = audit.run_audit(path, mapping, {}, results)
    assert rows[0]["status"] == "differs"
    assert rows[0]["regenerated"] == "4 cells compared, 1 differ"
    assert rows[0]["difference"] == "B/carers: -1 (-11.1%)"


def test_audit_files_written(fixture_results):
    import json

    import polars as pl

    df = pl.read_csv(fixture_results / "report" / "audit.csv", infer_schema_length=0)
    summary = json.loads((fixture_results / "report" / "audit.json").read_text())
    assert df.columns == audit.COLUMNS
    assert df.height == summary["total"]
    assert df.filter(pl.col("status") == "match").height == summary["by_status"]["match"]


def test_table_extra_rows_and_filled_blank_cells_differ(tmp_path):
    """A regenerated row the publication lacks, or a count where it printed nothing, is shown."""
    results = tmp_path / "results"
    (results / "survey").mkdir(parents=True)
    (results / "survey" / "t2.csv").write_text(
        "org,wave1,wave2\nCCGs,177,120\nPHE,1,0\nBoards,0,31\nOther,6,0\n"
    )
    path = tmp_path / "ledger.yaml"
    table = {
        "key": "t2",
        "columns": ["org", "wave1", "wave2"],
        "rows": [["CCGs", 177, 120], ["PHE", 1, None], ["Boards", 31, None]],
    }
    path.write_text(yaml.safe_dump({"figures": [], "tables": [table]}))
    mapping = tmp_path / "map.yaml"
    mapping.write_text(yaml.safe_dump({"tables": {"t2": {"file": "survey/t2.csv", "key": "org"}}}))
    rows, _ = audit.run_audit(path, mapping, {}, results)
    assert rows[0]["status"] == "differs"
    # PHE's blank wave-2 cell regenerated as 0 agrees; Boards' does not.
    assert rows[0]["regenerated"] == "5 cells compared, 3 differ"
    assert rows[0]["difference"] == (
        "row 'Other' not in the published table; Boards/wave1: -31 (-100.0%); "
        "Boards/wave2: published blank, regenerated 31"
    )
