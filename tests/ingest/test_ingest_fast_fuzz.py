"""Random RIS files: the vectorised reader agrees with the line-exact parser, whatever the line
ends (LF, CRLF, CR), whitespace (tabs, NBSP, ideographic space), continuation lines, blank
lines and empty values, and whatever size its blocks are cut at."""

from __future__ import annotations

from helpers_ingest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reco.io.ris_fast import parse_ris_frame
from test_ingest_fast_ris import check_same

CHARS = st.sampled_from(list("abcXYZ é.,-") + ["  ", "\t", "\xa0", "\u3000", "ü", "日"])
VALUE = st.lists(CHARS, max_size=20).map("".join)
TAG = st.sampled_from(
    "TI AU KW AB N1 PY DO T2 SP EP C3 AD U1 SN A1 N2 JO JF".split()  # read and unread tags
)
LINE = st.one_of(
    st.tuples(TAG, VALUE).map(lambda t: f"{t[0]}  - {t[1]}"),
    st.tuples(TAG, VALUE).map(lambda t: f"{t[0]}  -{t[1]}"),
    VALUE,  # a continuation line, or a blank one
    st.just("U1  - 12345 [PMID]"),
)
RECORD = st.lists(LINE, max_size=8).map(lambda ls: ["TY  - JOUR", *ls, "ER  - "])
FILE = st.tuples(
    st.lists(st.tuples(RECORD, st.integers(0, 2)), min_size=1, max_size=6),
    st.sampled_from(["\n", "\r\n", "\r"]),
).map(lambda f: f[1].join(line for rec, blanks in f[0] for line in rec + [""] * blanks))
SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(FILE)
def test_fast_equals_exact_on_random_files(text):
    check_same(text.encode("utf-8"), repr(text))


@SETTINGS
@given(FILE, st.integers(8, 120))
def test_block_size_does_not_change_rows(text, size):
    data = text.encode("utf-8")
    whole = parse_ris_frame(data, "ris")
    small = parse_ris_frame(data, "ris", block=size)
    assert (whole is None) == (small is None)
    if whole is not None:
        assert small.to_dicts() == whole.to_dicts()


def test_real_file_in_small_blocks():
    data = (FIXTURES / "zotero_ris" / "asreview_pubmed_zotero.ris").read_bytes()
    whole = parse_ris_frame(data, "ris")
    assert whole is not None and whole.height > 1
    for size in (64, 700, 4096):
        assert parse_ris_frame(data, "ris", block=size).to_dicts() == whole.to_dicts()
