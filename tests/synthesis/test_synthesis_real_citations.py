"""The real-data check: the citations of the Lancet Results alone, computed from the file."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path


def _from_file(path: Path) -> dict[str, set[str]]:
    refs: dict[str, set[str]] = defaultdict(set)
    with open(path, encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            refs[r["pt"]].add(r["ref_no"])
    return refs


def test_distinct_refs_per_pt_from_the_real_file(synth_built: dict, repo: Path) -> None:
    cited = synth_built["counts"]["cited_in_results"]
    want = _from_file(repo / "resources/reco/sources/lancet_pt_evidence.csv")
    pts = [f"PT{i}" for i in range(1, 12)]
    assert cited["distinct_refs_per_pt"] == {pt: len(want.get(pt, ())) for pt in pts}
    assert cited["pts_without_cited_reference"] == ["PT6", "PT8", "PT10"]
    assert cited["refs_mapped"] == len(set().union(*want.values()))
    assert (
        cited["rows"]
        == sum(1 for _ in open(repo / "resources/reco/sources/lancet_pt_evidence.csv")) - 1
    )


def test_matches_the_published_readme(synth_built: dict, shared: Path) -> None:
    """The README of the real tables states the per-PT counts; ours are computed from rows."""
    text = (shared / "reco" / "README.md").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("- Distinct refs per PT"))
    stated = {f"PT{n}": int(k) for n, k in re.findall(r"PT(\d+) (\d+)", line)}
    explicit = {f"PT{n}": int(k) for n, k in re.findall(r"PT(\d+) \d+ \((\d+)\)", line)}
    cited = synth_built["counts"]["cited_in_results"]
    assert cited["distinct_refs_per_pt"] == stated
    assert {k: v for k, v in cited["explicit_refs_per_pt"].items() if v} == explicit
