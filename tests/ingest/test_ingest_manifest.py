"""Every real sample export: record count and first/last title, author, year, DOI from MANIFEST.csv.

The permissively licensed samples are copied under tests/fixtures/ingest (always run); all rows of
../shared/benchmarks/ingest/MANIFEST.csv run when ../shared is present (skipped otherwise).
"""

from __future__ import annotations

import html
import re

import pytest
from helpers_ingest import FIXTURES, manifest, manifest_year, norm_doi
from reco.ingest import ExportSpec, ingest_files
from reco.io.decode import read_text
from reco.io.detect import detect


def check_row(folder, row) -> None:
    path = folder / row["path"]
    text = read_text(path).text
    assert detect(text, path) == row["dialect"], row["path"]
    result = ingest_files([ExportSpec(file=path)])
    df = result.records
    n = int(row["record_count"])
    assert df.height == n, (row["path"], df.height, result.rejected)
    assert result.rejected.height == 0
    c = result.counts["files"][0]
    assert c["records_in"] == c["kept"] + c["rejected"] == n
    assert df.get_column("ordinal").to_list() == list(range(1, n + 1))
    assert df.get_column("record_id").n_unique() == n
    for which, rec in (("first", df.row(0, named=True)), ("last", df.row(n - 1, named=True))):
        assert rec["title"] == row[f"{which}_title"], (row["path"], which, rec["title"])
        want_author = row[f"{which}_author"]
        got_author = rec["authors"][0] if rec["authors"] else ""
        assert got_author == want_author, (row["path"], which, got_author)
        if row["dialect"] == "embase_csv":
            continue  # year and DOI sit inside Source / the link: test_embase_csv_matches_ris
        assert rec["year"] == manifest_year(row[f"{which}_year"]), (row["path"], which)
        want_doi = row[f"{which}_doi"]
        if row["dialect"] == "ebsco_ris" and not want_doi:
            # the manifest takes DOIs from DO only; EBSCOhost writes them in L3
            want_doi = re.search(r"^L3  - (10\.\S+)$", rec["raw"], re.M).group(1)
        assert norm_doi(rec["doi"]) == norm_doi(want_doi), (row["path"], which)
        # raw is the record's own text: its title words are in it
        assert row[f"{which}_title"].split()[0] in html.unescape(rec["raw"])


FIXTURE_ROWS = manifest(FIXTURES)


@pytest.mark.parametrize("row", FIXTURE_ROWS, ids=[r["path"] for r in FIXTURE_ROWS])
def test_fixture_sample_matches_manifest(row):
    check_row(FIXTURES, row)


def test_fixtures_are_permissive_copies_of_shared(shared):
    import hashlib

    shared_rows = {r["path"]: r for r in manifest(shared / "benchmarks" / "ingest")}
    for row in FIXTURE_ROWS:
        assert row["licence"].split()[0] in ("Apache-2.0", "MIT")
        digest = hashlib.sha256((FIXTURES / row["path"]).read_bytes()).hexdigest()
        assert digest == row["sha256"] == shared_rows[row["path"]]["sha256"]


def _shared_rows():
    from reco_paths import SHARED

    folder = SHARED / "benchmarks" / "ingest"
    return manifest(folder) if (folder / "MANIFEST.csv").is_file() else []


SHARED_ROWS = _shared_rows()


@pytest.mark.shared
@pytest.mark.parametrize("row", SHARED_ROWS, ids=[r["path"] for r in SHARED_ROWS])
def test_shared_sample_matches_manifest(shared, row):
    check_row(shared / "benchmarks" / "ingest", row)


def test_embase_csv_matches_ris_export_of_same_records():
    """The Embase.com CSV has no year/DOI columns; they come from Source and the OpenURL link.

    The RIS export of the same six records writes them as fields: both must agree.
    """
    csv_df = ingest_files(
        [ExportSpec(file=FIXTURES / "embase_csv" / "asreview_embase.csv")]
    ).records
    ris_df = ingest_files(
        [ExportSpec(file=FIXTURES / "embase_ris" / "asreview_embase.ris")]
    ).records
    cols = ["title", "year", "doi", "volume", "issue", "pages", "authors"]
    assert csv_df.select(cols).to_dicts() == ris_df.select(cols).to_dicts()
    assert csv_df.get_column("year").to_list() == [2014, 2004, 2019, 2018, 2011, 2017]
