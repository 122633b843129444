"""The PRISMA diagram's boxes carry exactly the counts of numbers.json, deterministically."""

from __future__ import annotations

import re

from reco.report import numbers, prisma
from report_fixture_paths import COUNTS


def _counts_in_svg(svg):
    """Every "(n = N)" line of the SVG, as {line text without the count: N}."""
    found = {}
    for text in prisma.svg_counts(svg):
        m = re.fullmatch(r"(.*) \(n = (\S+)\)", text)
        if m:
            found.setdefault(m.group(1), []).append(m.group(2))
    return found


def test_boxes_equal_the_counts(tmp_path):
    flow = numbers.collect(COUNTS, tmp_path)["prisma"]
    svg = tmp_path / "p.svg"
    prisma.draw(flow, svg, tmp_path / "p.png")
    boxes = _counts_in_svg(svg)
    ident = flow["identification"]
    assert boxes["Records identified from databases"] == [str(ident["databases_total"])]
    assert boxes["Records identified from other methods"] == [str(ident["other_total"])]
    for name, n in {**ident["databases"], **ident["other_methods"]}.items():
        assert boxes[name] == [str(n)]
    assert boxes["Duplicate records removed"] == [str(flow["dedup"]["duplicates_removed"])]
    assert boxes["Records after duplicates removed"] == [str(flow["dedup"]["unique"])]
    stages = flow["screening"]
    assert boxes["Records screened"] == [str(s["screened"]) for s in stages]
    assert boxes["Excluded"] == [str(s["excluded"]) for s in stages]
    for s in stages:
        for reason, n in s["reasons"].items():
            assert str(n) in boxes[prisma.humanise(reason)]
    assert boxes["Included in the synthesis"] == [
        str(flow["stage"]["synthesis_extraction"]["included"])
    ]
    assert boxes["Included in the mapping"] == [str(flow["stage"]["mapping_fulltext"]["included"])]


def test_a_changed_count_changes_the_box(tmp_path):
    flow = numbers.collect(COUNTS, tmp_path)["prisma"]
    flow["dedup"]["duplicates_removed"] += 1
    prisma.draw(flow, tmp_path / "p.svg")
    boxes = _counts_in_svg(tmp_path / "p.svg")
    assert boxes["Duplicate records removed"] == [str(flow["dedup"]["duplicates_removed"])]


def test_byte_identical_rebuild(tmp_path):
    flow = numbers.collect(COUNTS, tmp_path)["prisma"]
    prisma.draw(flow, tmp_path / "a.svg", tmp_path / "a.png")
    prisma.draw(flow, tmp_path / "b.svg", tmp_path / "b.png")
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert b"<dc:date>" not in (tmp_path / "a.svg").read_bytes()


def test_absent_stages_say_so(tmp_path):
    flow = numbers.collect(tmp_path / "no_counts", tmp_path)["prisma"]
    prisma.draw(flow, tmp_path / "p.svg")
    texts = prisma.svg_counts(tmp_path / "p.svg")
    assert "Duplicate records removed (n = n/a)" in texts
    assert "dedup stage has not run" in texts
    assert "screening has not run" in texts
