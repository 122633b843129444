"""The audit explorer: every count links to exactly the records behind it (table build + headless Chromium)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polars as pl
import pytest
from conftest import COUNTS
from reco.report import explorer, numbers, render

REPORTS = Path(__file__).resolve().parents[2] / "reports"

ARTIFACTS = Path(
    os.environ.get(
        "RECO_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "logs" / "test-artifacts"
    )
)


def _results(tmp_path: Path) -> Path:
    """A small results/ folder: 8 records, 2 duplicate clusters, title/abstract + full-text screening."""
    r = tmp_path / "results"
    for d in ("ingest", "dedup", "screening", "counts"):
        (r / d).mkdir(parents=True)
    ids = [f"medline:{i}" for i in range(1, 5)] + [f"embase:{i}" for i in range(1, 4)] + ["cites:1"]
    pl.DataFrame(
        {
            "record_id": ids,
            "title": [f"Title {i}" for i in range(8)],
            "year": [2010 + i for i in range(8)],
            "database": ["Medline"] * 4 + ["EMBASE"] * 3 + ["Citation tracking"],
            "origin": ["database"] * 7 + ["other"],
            "source_file": ["exports/medline.ris"] * 4
            + ["exports/embase.ris"] * 3
            + ["exports/c.nbib"],
        }
    ).write_parquet(r / "ingest" / "records.parquet")
    cluster = {
        "embase:1": "embase:1",
        "medline:1": "embase:1",
        "medline:2": "embase:2",
        "embase:2": "embase:2",
    }
    kept = {"medline:1": 0, "embase:2": 0}
    pl.DataFrame(
        {
            "record_id": ids,
            "source_id": [i.split(":")[1] for i in ids],
            "cluster_id": [cluster.get(i, i) for i in ids],
            "kept": [kept.get(i, 1) for i in ids],
        }
    ).write_csv(r / "dedup" / "dedup_map.csv")
    works = sorted({cluster.get(i, i) for i in ids})
    pl.DataFrame(
        {
            "cluster_id": works,
            "kept_record_id": [
                "embase:1" if w == "embase:1" else "medline:2" if w == "embase:2" else w
                for w in works
            ],
            "rules": ["doi_exact x1" if w in ("embase:1", "embase:2") else "" for w in works],
        }
    ).write_csv(r / "dedup" / "clusters.csv")
    ta = {w: "include" for w in works}
    ta.update({"medline:3": "exclude", "medline:4": "exclude", "cites:1": "exclude"})
    reason = {
        "medline:3": "wrong population",
        "medline:4": "wrong population",
        "cites:1": "not a study",
    }
    ft = {w: ("include" if w == "embase:1" else "exclude") for w in works if ta[w] == "include"}
    decision = pl.Struct(
        {"stage": pl.String, "reviewer": pl.String, "decision": pl.String, "reason": pl.String}
    )
    pl.DataFrame(
        {
            "work_id": works,
            "title_abstract": [ta[w] for w in works],
            "title_abstract_reason": [reason.get(w) for w in works],
            "full_text": [ft.get(w) for w in works],
            "full_text_reason": ["no outcome" if ft.get(w) == "exclude" else None for w in works],
            "status": ["x"] * len(works),
            "decisions": [
                [
                    {
                        "stage": "title_abstract",
                        "reviewer": "JH",
                        "decision": ta[w],
                        "reason": reason.get(w),
                    }
                ]
                for w in works
            ],
        },
        schema_overrides={"decisions": pl.List(decision)},
    ).write_parquet(r / "screening" / "status.parquet")
    return r


def test_sets_hold_the_records_behind_each_count(tmp_path):
    results = _results(tmp_path)
    table = explorer.record_table(results)
    counts = explorer.set_counts(table)
    assert table.height == 8
    assert counts["identified_databases"] == 7 and counts["identified_other"] == 1
    assert counts["duplicates"] == 2 and counts["unique"] == 6
    assert counts["db:Citation_tracking"] == 1
    # screening counts are of works: each work once, on its kept record
    assert counts["screened:title_abstract"] == 6
    assert counts["excluded:title_abstract:wrong_population"] == 2
    assert counts["included:full_text"] == 1 and counts["excluded:full_text"] == 2
    dup = table.filter(pl.col("Sets").str.contains(r"(^| )duplicates( |$)"))
    assert sorted(dup["Record"]) == ["embase:2", "medline:1"]
    assert (
        dup.filter(pl.col("Record") == "medline:1")["Deduplication"].item()
        == "duplicate of embase:1"
    )
    assert (
        "title_abstract/JH: include"
        in table.filter(pl.col("Record") == "medline:2")["Decisions"].item()
    )


def _chromium():
    try:
        import selenium  # noqa: F401
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    for exe in ("chromium", "chromedriver"):
        if not shutil.which(exe):
            pytest.skip(f"{exe} not found (apt-get install chromium chromium-driver)")


def test_follow_counts_in_headless_chromium(tmp_path):
    _chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    results = _results(tmp_path)
    counts_dir = COUNTS  # identification/dedup are recomputed from the record tables above
    data = numbers.collect(counts_dir, results)
    numbers.write(results / "report" / "numbers.json", data)
    page = results / "report" / "explorer.html"
    explorer.write(results, page, results / "report" / "numbers.json")

    opts = Options()
    opts.binary_location = shutil.which("chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1600"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    try:
        driver.get(page.as_uri())
        status = driver.find_element(By.ID, "filter-status")
        WebDriverWait(driver, 30).until(lambda d: status.get_attribute("data-rows"))
        assert status.get_attribute("data-rows") == "8"
        # follow "Duplicate records removed" in the PRISMA diagram (an SVG link)
        driver.find_element(
            By.XPATH,
            "//*[@id='prisma']//*[local-name()='a'][@*[local-name()='href']='#set=duplicates']"
            "//*[local-name()='text']",
        ).click()
        WebDriverWait(driver, 30).until(lambda d: status.get_attribute("data-set") == "duplicates")
        rows = driver.find_elements(By.CSS_SELECTOR, "#records tbody tr")
        assert (
            int(status.get_attribute("data-rows"))
            == len(rows)
            == data["prisma"]["dedup"]["duplicates_removed"]
        )
        assert sorted(r.find_element(By.CSS_SELECTOR, "td").text for r in rows) == [
            "embase:2",
            "medline:1",
        ]
        # follow an exclusion reason from the list of counts
        link = driver.find_element(
            By.CSS_SELECTOR, 'a[data-set="excluded:title_abstract:wrong_population"]'
        )
        expected = int(link.get_attribute("data-count"))
        link.click()
        WebDriverWait(driver, 30).until(
            lambda d: status.get_attribute("data-set") == "excluded:title_abstract:wrong_population"
        )
        rows = driver.find_elements(By.CSS_SELECTOR, "#records tbody tr")
        assert int(status.get_attribute("data-rows")) == len(rows) == expected == 2
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "explorer.png"))
        assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        # from the main report: a count in Table R1 opens its records in the explorer
        render.render(
            REPORTS / "reco.qmd",
            results / "report",
            formats=["html"],
            engine="builtin",
            date="2024-05-01",
            numbers=results / "report" / "numbers.json",
            results=results,
        )
        driver.get((results / "report" / "reco.html").as_uri())
        cell = driver.find_element(By.CSS_SELECTOR, 'a[href="explorer.html#set=db:Medline"]')
        shown = int(cell.text)
        cell.click()
        status = driver.find_element(By.ID, "filter-status")
        WebDriverWait(driver, 30).until(lambda d: status.get_attribute("data-set") == "db:Medline")
        rows = driver.find_elements(By.CSS_SELECTOR, "#records tbody tr")
        assert shown == len(rows) == int(status.get_attribute("data-rows")) == 4
    finally:
        driver.quit()


def test_sets_reproduce_the_prisma_counts(tmp_path):
    """The explorer's sets equal the PRISMA flow computed from the same tables; a change shows."""
    results = _results(tmp_path)
    flow = numbers.collect(tmp_path / "no_counts", results)["prisma"]
    counts = explorer.set_counts(explorer.record_table(results))
    assert explorer.prisma_mismatches(counts, flow) == []
    flow["dedup"]["duplicates_removed"] += 1
    assert explorer.prisma_mismatches(counts, flow) == ["duplicates: PRISMA 3, records 2"]


def test_page_without_records_says_so(tmp_path):
    out = tmp_path / "explorer.html"
    assert explorer.write(tmp_path / "results", out) == {}
    assert "the ingest stage has not run" in out.read_text(encoding="utf-8")
