"""A review's own report title (config report.titles) replaces the one written in the .qmd."""

from __future__ import annotations

import json
from pathlib import Path

from reco.report import render


def test_title_override_reaches_markdown_and_html(tmp_path: Path) -> None:
    qmd = tmp_path / "doc.qmd"
    qmd.write_text('---\ntitle: "RECO evidence review"\n---\n\nSome text.\n', encoding="utf-8")
    numbers = tmp_path / "numbers.json"
    numbers.write_text(json.dumps({}), encoding="utf-8")
    out = tmp_path / "out"
    kwargs = {"formats": ["html"], "engine": "builtin", "date": "2024-05-01", "numbers": numbers}
    render.render(qmd, out, results=tmp_path, title="My review: regenerated results", **kwargs)
    md = (out / "doc.md").read_text(encoding="utf-8")
    assert "My review: regenerated results" in md and "RECO evidence review" not in md
    assert "<title>My review: regenerated results" in (out / "doc.html").read_text(encoding="utf-8")
    render.render(qmd, out, results=tmp_path, **kwargs)  # without an override: the .qmd's own
    assert "RECO evidence review" in (out / "doc.md").read_text(encoding="utf-8")
