"""results/MANIFEST.tsv: every file with the producing rule and inputs (Snakemake metadata), rows, SHA-256."""

from __future__ import annotations

import hashlib
import json
from base64 import urlsafe_b64encode

import polars as pl
from reco.report import manifest


def _metadata(workdir, path, rule, inputs):
    meta = workdir / ".snakemake" / "metadata"
    meta.mkdir(parents=True, exist_ok=True)
    key = urlsafe_b64encode(path.encode()).decode()
    (meta / key).write_text(json.dumps({"rule": rule, "input": inputs}))


def test_manifest_rows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    results = tmp_path / "results"
    (results / "dedup").mkdir(parents=True)
    (results / "report" / "reco_files").mkdir(parents=True)
    pl.DataFrame({"a": [1, 2, 3]}).write_csv(results / "dedup" / "dedup_map.csv")
    pl.DataFrame({"a": [1, 2]}).write_parquet(results / "dedup" / "pairs.parquet")
    (results / "report" / "reco.md").write_text("# report\n")
    (results / "report" / "reco_files" / "fig.png").write_bytes(b"\x89PNG fake")
    (results / "report" / "reco.typ").write_text("= report\n")  # intermediate, not declared
    (results / "report" / ".reco.md.tmp").write_text("partial")  # temporary files are skipped
    _metadata(
        tmp_path, "results/dedup/dedup_map.csv", "dedup_records", ["results/ingest/records.parquet"]
    )
    _metadata(
        tmp_path,
        "results/report/reco.md",
        "render_reports",
        ["reports/reco.qmd", "results/report/numbers.json"],
    )
    rows = manifest.build("results", tmp_path)
    by_path = {r["path"]: r for r in rows}
    assert list(by_path) == sorted(by_path)
    assert set(by_path) == {
        "results/dedup/dedup_map.csv",
        "results/dedup/pairs.parquet",
        "results/report/reco.md",
        "results/report/reco.typ",
        "results/report/reco_files/fig.png",
    }
    csv = by_path["results/dedup/dedup_map.csv"]
    assert csv["rule"] == "dedup_records" and csv["inputs"] == "results/ingest/records.parquet"
    assert csv["rows"] == 3
    assert (
        csv["sha256"]
        == hashlib.sha256((results / "dedup" / "dedup_map.csv").read_bytes()).hexdigest()
    )
    assert by_path["results/dedup/pairs.parquet"]["rows"] == 2
    assert by_path["results/dedup/pairs.parquet"]["rule"] == "-"  # no metadata: said so
    assert (
        by_path["results/report/reco_files/fig.png"]["rule"] == "render_reports"
    )  # beside reco.md
    out = results / "MANIFEST.tsv"
    manifest.write(rows, out)
    table = pl.read_csv(out, separator="\t")
    assert table.columns == manifest.COLUMNS and table.height == 5
    before = out.read_bytes()
    manifest.write(manifest.build("results", tmp_path), out)
    assert out.read_bytes() == before  # the manifest does not list itself and is stable
