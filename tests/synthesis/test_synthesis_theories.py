"""Programme theories as data: SELFIE grouping, drafts 15 + 1 placeholder, trail and theory checks."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
import yaml
from reco.errors import SchemaError
from reco.synthesis import theories


def _pts(value: str) -> list[str]:
    return [p.strip() for p in value.split(",")]


@pytest.fixture()
def th(repo: Path) -> theories.Theories:
    return theories.load(repo / "resources/reco/theories")


def test_selfie_grouping_matches_the_ledger(th: theories.Theories, repo: Path) -> None:
    led = yaml.safe_load((repo / "resources/reco/sources/published_figures.yaml").read_text())
    val = {f["key"]: f["value"] for f in led["figures"]}
    grouping = theories.counts(th)["selfie_grouping"]
    assert grouping["Leadership"] == _pts(val["synthesis.selfie_leadership_pts"])
    assert grouping["Workforce"] == _pts(val["synthesis.selfie_workforce_pts"])
    assert grouping["Service delivery"] == _pts(val["synthesis.selfie_service_delivery_pts"])


def test_selfie_grouping_matches_the_manuscript(th: theories.Theories, shared: Path) -> None:
    """The Results headings and the Panel headings of the Lancet manuscript both give the grouping."""
    text = next((shared / "seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    grouping = theories.counts(th)["selfie_grouping"]
    for level, heading in (
        ("Leadership", "Leadership"),
        ("Workforce", "Workforce"),
        ("Service delivery", "Service delivery"),
    ):
        m = re.search(rf"\*{heading} theories \(PTs ([\d, ]+)\)\*", text)
        assert m, heading
        assert grouping[level] == [f"PT{n.strip()}" for n in m.group(1).split(",")]
    panel = text[text.index("**Panel: Final programme theories") :]
    blocks = re.split(r"\*\*(Leadership and governance|Workforce|Service delivery)\*\*", panel)[1:]
    in_panel = {
        blocks[i]: re.findall(r"\*PT ?(\d+):", blocks[i + 1]) for i in range(0, len(blocks), 2)
    }
    assert sorted(grouping["Leadership"]) == sorted(
        f"PT{n}" for n in in_panel["Leadership and governance"]
    )
    assert sorted(grouping["Workforce"]) == sorted(f"PT{n}" for n in in_panel["Workforce"])
    assert sorted(grouping["Service delivery"]) == sorted(
        f"PT{n}" for n in in_panel["Service delivery"]
    )


def test_drafts_published_and_placeholder(th: theories.Theories, shared: Path) -> None:
    c = theories.counts(th)
    assert (c["draft_pts"], c["draft_pts_published"], c["draft_pts_placeholder"]) == (16, 15, 1)
    hta = next((shared / "seeds").glob("001_*.txt")).read_text(encoding="utf-8")
    flat = " ".join(hta.replace("-\n", "").split())
    for row in th.drafts.iter_rows(named=True):
        if "placeholder" in row["provenance"]:
            continue
        # every published draft title is printed in the report's numbered list
        assert f"{row['number']}. {row['title']}:" in flat.replace("‘", "'").replace("’", "'")


def test_substantive_theories(th: theories.Theories) -> None:
    c = theories.counts(th)
    assert c["substantive_theories_shortlisted"] == 16
    assert c["substantive_theories_selected"] == 4
    assert c["substantive_theories_placeholders"] == 12
    table = theories.theory_table(th)
    named = table.filter(table["selected"] == "yes")
    assert (
        dict(zip(named["name"], named["pts"], strict=True))[
            "Integrated Commissioning for Better Outcomes Framework"
        ]
        == "PT10"
    )


def _copy(repo: Path, tmp: Path) -> Path:
    d = tmp / "theories"
    shutil.copytree(repo / "resources/reco/theories", d)
    return d


def _edit(path: Path, row: int, column: str, value: str) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    rows[row - 1][column] = value
    with open(path, "w", encoding="utf-8", newline="") as handle:
        wr = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        wr.writeheader()
        wr.writerows(rows)


def test_unknown_selfie_level(repo: Path, tmp_path: Path) -> None:
    d = _copy(repo, tmp_path)
    _edit(d / "final_pts.csv", 4, "selfie_level", "Financing")
    with pytest.raises(SchemaError) as exc:
        theories.load(d)
    assert (exc.value.row, exc.value.column) == (4, "selfie_level")


def test_trail_to_unknown_pt_and_unreached_pt(repo: Path, tmp_path: Path) -> None:
    d = _copy(repo, tmp_path)
    _edit(d / "trail.csv", 2, "final_pt", "PT12")
    with pytest.raises(SchemaError) as exc:
        theories.load(d)
    assert (exc.value.row, exc.value.column) == (2, "final_pt")
    d2 = _copy(repo, tmp_path / "b")
    rows = list(csv.DictReader(open(d2 / "trail.csv", encoding="utf-8")))
    i = next(n for n, r in enumerate(rows, 1) if r["final_pt"] == "PT9")
    _edit(d2 / "trail.csv", i, "final_pt", "PT1")
    with pytest.raises(SchemaError, match="PT9"):
        theories.load(d2)
