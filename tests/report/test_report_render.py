"""HTML, DOCX and PDF build from fixture numbers (builtin engine), byte-identically, with absent stages."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from reco.errors import ConfigError
from reco.report import numbers, render

REPORTS = Path(__file__).resolve().parents[2] / "reports"
DATE = "2024-05-01"


@pytest.fixture(scope="module")
def built(fixture_results):
    out = fixture_results / "report"
    files = []
    for doc in ("reco.qmd", "audit.qmd"):
        files += render.render(
            REPORTS / doc,
            out,
            engine="builtin",
            date=DATE,
            numbers=out / "numbers.json",
            results=fixture_results,
        )
    return out, files


def test_all_formats_written(built):
    out, files = built
    for stem in ("reco", "audit"):
        for ext in ("md", "html", "pdf", "docx"):
            assert out / f"{stem}.{ext}" in files
            assert (out / f"{stem}.{ext}").stat().st_size > 1000


def test_html_is_self_contained_with_numbered_tables(built):
    out, _ = built
    html = (out / "reco.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']https?://""", html)  # nothing fetched when opened
    assert 'src="data:image/png;base64,' in html  # PRISMA figure embedded
    assert re.search(r"<caption>\s*<strong>Table R1</strong>", html)
    assert 'href="#fig-prisma">Figure 1</a>' in html
    md = (out / "reco.md").read_text(encoding="utf-8")
    assert "n/a" not in md.split("# Numbers not available")[0]  # every stage present in the fixture
    # a stage's CSV becomes a table with the chosen columns and headers
    assert "| Nation | Responses | Specific service n | % |" in md
    assert "| Total | 190 | 88 | 46 |" in md
    # reconstructed inputs are labelled at the top, under the agreement table and the simulation
    assert md.count("Reconstructed inputs.") == 1 and "describe the reconstruction" in md
    assert "saving describes the reconstruction" in md
    assert 'class="callout-warning"' in html
    assert "**Reconstructed inputs.**" in (out / "audit.md").read_text(encoding="utf-8")


def test_docx_has_word_tables_and_captions(built):
    out, _ = built
    with zipfile.ZipFile(out / "reco.docx") as z:
        xml = z.read("word/document.xml").decode()
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    tables = xml.count("<w:tbl>")
    assert tables >= 5  # real Word tables (stages without output files show a note instead)
    assert xml.count('w:val="TableCaption"') == tables  # each with a Word caption
    assert "Table 1" in xml and "Table R3" in xml
    assert 'w:name="tbl-search"' in xml and 'w:anchor="tbl-search"' in xml  # cross-reference link
    # numbered captions are Word caption fields keeping the HTA number (Table 1, Table 8 ...)
    assert '<w:fldSimple w:instr=" SEQ Table \\r 1 \\* ARABIC ">' in xml
    assert '<w:fldSimple w:instr=" SEQ Table \\r 8 \\* ARABIC ">' in xml
    assert '<w:fldSimple w:instr=" SEQ Figure \\r 1 \\* ARABIC ">' in xml
    assert media  # the PRISMA diagram


def test_pdf_built_and_rebuilt_byte_identical(built, tmp_path):
    out, _ = built
    first = {ext: (out / f"reco.{ext}").read_bytes() for ext in ("pdf", "docx", "html")}
    assert first["pdf"].startswith(b"%PDF")
    render.render(
        REPORTS / "reco.qmd",
        out,
        engine="builtin",
        date=DATE,
        numbers=out / "numbers.json",
        results=out.parent,
    )
    for ext, data in first.items():
        assert (out / f"reco.{ext}").read_bytes() == data, ext


def test_absent_stages_render_with_a_note(tmp_path):
    counts = tmp_path / "counts"
    counts.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "counts" / "ingest.json", counts)
    report = tmp_path / "results" / "report"
    numbers.write(report / "numbers.json", numbers.collect(counts, tmp_path / "results"))
    render.render(
        REPORTS / "reco.qmd",
        report,
        formats=["html"],
        engine="builtin",
        date=DATE,
        numbers=report / "numbers.json",
        results=tmp_path / "results",
    )
    md = (report / "reco.md").read_text(encoding="utf-8")
    assert "**Not yet available.** Deduplication has not run" in md
    assert "reconstruct" not in md.split("# Methods summary")[0]  # a review's own inputs
    assert "- `costing`" in md  # listed under "Numbers not available in this build"
    assert (report / "reco.html").is_file() and not (report / "reco.pdf").exists()


def test_engine_choice(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert render.choose_engine("auto") == "builtin"
    with pytest.raises(ConfigError, match="no quarto binary"):
        render.choose_engine("quarto")
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/quarto")
    assert render.choose_engine("auto") == "quarto"
    with pytest.raises(ConfigError):
        render.choose_engine("latex")


def test_audit_report_without_a_ledger(tmp_path):
    """A review with no ledger of published figures gets an empty audit that still renders."""
    from reco.report import audit

    report = tmp_path / "results" / "report"
    numbers.write(report / "numbers.json", numbers.collect(tmp_path / "none", tmp_path / "results"))
    rows, summary = audit.empty_audit()
    audit.write_audit(rows, summary, report / "audit.csv", report / "audit.json")
    render.render(
        REPORTS / "audit.qmd",
        report,
        formats=["html"],
        engine="builtin",
        date=DATE,
        numbers=report / "numbers.json",
        results=tmp_path / "results",
    )
    md = (report / "audit.md").read_text(encoding="utf-8")
    assert "Of 0 ledger entries" in md and "No regenerated figure differs" in md
