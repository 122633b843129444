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
    removed = str(flow["dedup"]["duplicates_removed"])
    assert (
        boxes["Duplicate records removed"] == boxes["Records removed before screening"] == [removed]
    )
    stages = flow["screening"]
    root, later = stages[0], stages[1:]
    assert root["name"] == flow["root"]
    # PRISMA 2020: the root stage screens records, the later stages assess reports
    assert boxes["Records screened"] == [str(root["screened"])]
    assert boxes["Records excluded"] == [str(root["excluded"])]
    assert boxes["Reports assessed for eligibility"] == [str(s["screened"]) for s in later]
    assert boxes["Reports excluded"] == [str(s["excluded"]) for s in later]
    # the records left after deduplication are the records screened: no box of their own
    assert flow["dedup"]["unique"] == root["screened"]
    assert "Records after duplicates removed" not in " ".join(prisma.svg_counts(svg))
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


def test_records_after_dedup_shown_when_not_all_were_screened(tmp_path):
    flow = numbers.collect(COUNTS, tmp_path)["prisma"]
    flow["dedup"]["unique"] += 3
    prisma.draw(flow, tmp_path / "p.svg")
    texts = prisma.svg_counts(tmp_path / "p.svg")
    assert f"Records after duplicates removed: {flow['dedup']['unique']}" in texts


def test_phases_and_branch_sources(tmp_path):
    flow = numbers.collect(COUNTS, tmp_path)["prisma"]
    rows = prisma.layout(flow)
    phases = [phase for phase, _, _ in rows]
    assert phases[:3] == ["Identification", "Identification", "Screening"]
    assert set(phases) == {"Identification", "Screening", "Included"}
    assert phases.count("Included") == len(flow["branches"])
    # each parallel branch says which records it starts from
    starts = [boxes[0] for _, boxes, link in rows if link == "branch"]
    assert starts and all("included at title/abstract" in " ".join(b.lines) for b in starts)


def test_reason_text_keeps_its_hyphens():
    assert prisma.humanise("No co-occurring SMI") == "No co-occurring SMI"
    assert prisma.humanise("not_about_services") == "Not about services"
