"""Blocking: candidate pairs stay bounded on big blocks and still reach true duplicates."""

from __future__ import annotations

import polars as pl
from reco.dedup import deduplicate
from reco.dedup.block import KEY_WINDOW, TITLE_WINDOW, candidate_pairs
from reco.dedup.prep import prepare


def test_common_surname_year_block_is_bounded_and_finds_the_duplicate(build) -> None:
    # 400 different papers by "Wang, L." in 2019 (a block that all-pairs would make 79,800 pairs)
    rows = [
        {
            "record_id": f"wos:{k:04d}",
            "title": f"Trial {k} of integrated care model number {k * 7919 % 1000} in region {k}",
            "authors": ["Wang, L."],
            "year": 2019,
            "journal": "Addiction",
            "volume": str(k % 40),
            "pages": f"{k * 10}-{k * 10 + 8}",
        }
        for k in range(1, 401)
    ]
    # one of them again, from another database: title typo at the start, no DOI, author "Wang L"
    dup = dict(rows[200], record_id="medline:1", authors=["Wang L"])
    dup["title"] = "Trail" + dup["title"][5:]
    df = build([*rows, dup])
    pairs = candidate_pairs(prepare(df.sort("record_id")))
    assert pairs.height <= df.height * (KEY_WINDOW + TITLE_WINDOW + 4)
    res = deduplicate(df)
    same = res.dedup_map.filter(pl.col("record_id").is_in(["medline:1", "wos:0201"]))
    assert same.get_column("cluster_id").n_unique() == 1
    assert res.counts["unique_records"] == 400
