"""Fixtures for the dedup tests: build RECORDS tables from a few realistic records."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pytest
from reco import records

#: An ordinary journal article on the review's topic; variants of it are built per test.
ARTICLE = {
    "title": "Integrated treatment for people with severe mental illness and substance misuse: "
    "a randomised controlled trial in community mental health teams",
    "authors": ["Drake, Robert E.", "Mueser, Kim T.", "O'Neill, Siobhán"],
    "year": 2016,
    "journal": "Journal of Dual Diagnosis",
    "volume": "12",
    "issue": "3",
    "pages": "2511-2518",
    "doi": "10.5555/jdd.2016.2511",
    "type": "JOUR",
}


def make_records(rows: list[dict]) -> pl.DataFrame:
    """A RECORDS table; each row gives record_id plus the fields that differ from nothing."""
    out = []
    for k, row in enumerate(rows, 1):
        r = dict(row)
        rid = r.pop("record_id")
        stem, native = rid.split(":", 1)
        out.append(
            {
                "record_id": rid,
                "source_id": native,
                "source_file": f"{stem}.ris",
                "database": r.pop("database", stem),
                "origin": "database",
                "dialect": "ris",
                "ordinal": k,
                "line_start": 1,
                "line_end": 10,
                **r,
            }
        )
    df = pl.DataFrame(out, infer_schema_length=None)
    return records.conform(df, records.RECORDS)


@pytest.fixture
def build() -> Callable[[list[dict]], pl.DataFrame]:
    return make_records


@pytest.fixture
def article() -> dict:
    return dict(ARTICLE)
