"""Screening logs as teams save them: other encodings and delimiters read; broken rows named."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from reco.errors import InputError
from reco.screening.logs import LogSpec, read_log

HEADER = "record_id,reviewer,decision,reason,timestamp,note"
ROWS = [
    "medline:1,JH,exclude,Wrong population,2020-06-01T10:00:00,",
    "medline:2,TA,include,,2020-06-01T10:05:00,à revoir",
]


def _log(tmp_path: Path, data: bytes) -> LogSpec:
    path = tmp_path / "log.csv"
    path.write_bytes(data)
    return LogSpec(file=path, stage="title_abstract")


def _expected(df) -> None:
    assert df["record_id"].to_list() == ["medline:1", "medline:2"]
    assert df["decision"].to_list() == ["exclude", "include"]
    assert df["reason"].to_list()[0] == "Wrong population"
    assert df["note"].to_list()[1] == "à revoir"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le"])
def test_unicode_encodings(tmp_path: Path, encoding: str) -> None:
    text = "\r\n".join([HEADER, *ROWS]) + "\r\n"
    _expected(read_log(_log(tmp_path, text.encode(encoding))))


def test_windows_1252_is_read_with_a_warning(tmp_path: Path, caplog) -> None:
    text = "\n".join([HEADER, *ROWS]) + "\n"
    with caplog.at_level(logging.WARNING):
        _expected(read_log(_log(tmp_path, text.encode("cp1252"))))
    assert "not valid UTF-8" in caplog.text and "line 3" in caplog.text


@pytest.mark.parametrize("sep", [";", "\t"])
def test_semicolon_and_tab_separated(tmp_path: Path, sep: str) -> None:
    text = "\n".join(line.replace(",", sep) for line in [HEADER, *ROWS]) + "\n"
    _expected(read_log(_log(tmp_path, text.encode())))


@pytest.mark.parametrize(
    "row, says",
    [
        ("medline:3,JH", "row has 2 cell(s), the header 6"),
        ('medline:3,JH,exclude,"Wrong population,2020-06-01,', "never closed"),
        ("medline:3,JH,exclude,a,b,c,d", "row has 7 cell(s), the header 6"),
    ],
)
def test_a_broken_row_names_its_line(tmp_path: Path, row: str, says: str) -> None:
    text = "\n".join([HEADER, *ROWS, row]) + "\n"
    with pytest.raises(InputError) as err:
        read_log(_log(tmp_path, text.encode()))
    message = str(err.value)
    assert says in message and "line 4" in message, message


def test_an_unclosed_quote_is_traced_to_the_row_that_opens_it(tmp_path: Path) -> None:
    opened = 'medline:3,JH,exclude,"Wrong population,2020-06-01,'
    text = "\n".join([HEADER, opened, *ROWS]) + "\n"
    with pytest.raises(InputError) as err:
        read_log(_log(tmp_path, text.encode()))
    assert "line 2" in str(err.value) and "never closed" in str(err.value)


def test_a_trailing_delimiter_on_data_rows_is_not_a_cell(tmp_path: Path) -> None:
    text = "\n".join([HEADER, *(r + "," for r in ROWS)]) + "\n"
    _expected(read_log(_log(tmp_path, text.encode())))
