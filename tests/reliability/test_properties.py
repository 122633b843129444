"""Property tests (hypothesis) for normalisers and readers outside the ingest parsers.

Dedup matching fields (DOI, title, pages, authors, journals), the screening log reader and the
costing pay-scale normalisers: on any input they either return a value of the documented shape
or raise one of reco's typed errors, never a bare exception; normalisers are idempotent where a
second pass must change nothing. (Parser round trips are in tests/ingest/test_ingest_properties.py.)
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from reco.costing.reference import AFC_BANDS, normalise_band, normalise_grade
from reco.dedup import prep
from reco.errors import RecoError
from reco.screening.logs import DECISION_WORDS, LogSpec, read_log

#: Text as it comes out of exports: any unicode, plus the markup the folding must undo.
MARKUP = st.sampled_from(
    ["&amp;", "&lt;i&gt;", "<i>", "</sup>", "\\'e", "{\\o}", "[Abstract]", "α", "ß", "Æ", "\u0301"]
)
TEXT = st.lists(st.one_of(st.text(max_size=12), MARKUP), max_size=8).map("".join)
FAST = settings(max_examples=300, deadline=None)


@FAST
@given(TEXT)
@example("Caf\u00e9 &amp; <i>Zürich</i>")
def test_fold_is_ascii_words_and_idempotent(text: str) -> None:
    folded = prep.fold(text)
    assert re.fullmatch(r"(?:[0-9a-z]+(?: [0-9a-z]+)*)?", folded), folded
    assert prep.fold(folded) == folded


@FAST
@given(TEXT)
@example("[Integrated care for dual diagnosis]. [Erratum appears in J Dual Diagn 2020;16:1]")
def test_fold_title_never_raises_and_is_folded(text: str) -> None:
    folded = prep.fold_title(text)
    assert prep.fold(folded) == folded


@FAST
@given(
    st.one_of(
        TEXT,
        st.builds(
            lambda pre, reg, suf: f"{pre}10.{reg}/{suf}",
            st.sampled_from(["", "doi:", "DOI ", "https://doi.org/", "http://dx.doi.org/", " "]),
            st.integers(1000, 999_999_999),
            st.text(min_size=1, max_size=20).filter(lambda s: not s[0].isspace()),
        ),
    )
)
def test_normalise_doi_is_idempotent_and_doi_shaped(doi: str) -> None:
    once = prep.normalise_doi(doi)
    if once is not None:
        assert re.match(r"10\.\d{4,9}/", once), once
        assert once == once.lower()
        assert prep.normalise_doi(once) == once


def test_doi_with_punctuation_only_suffix_is_no_doi() -> None:
    assert prep.normalise_doi("10.1000/.") is None


@FAST
@given(TEXT)
def test_expand_pages_never_raises(pages: str) -> None:
    first, last = prep.expand_pages(pages)
    assert first is None or isinstance(first, str)
    assert last is None or isinstance(last, str)


@FAST
@given(st.integers(1, 99_999), st.integers(1, 120), st.integers(0, 4), st.sampled_from(["-", "–"]))
def test_abbreviated_last_page_is_expanded(first: int, span: int, drop: int, dash: str) -> None:
    """`2511-8` -> (2511, 2518): an abbreviation drops digits the last page shares with the first."""
    f, lf = str(first), str(first + span)
    assume(len(lf) == len(f))
    shared = 0
    while shared < len(f) - 1 and f[shared] == lf[shared]:
        shared += 1
    abbrev = lf[min(drop, shared) :]
    assert prep.expand_pages(f"{f}{dash}{abbrev}") == (f, lf)


@FAST
@given(TEXT)
@example("van der Berg, J.-P.")
@example("Smith AB")
def test_parse_author_gives_a_surname_key_and_initials(name: str) -> None:
    surname, initials = prep.parse_author(name)
    assert re.fullmatch(r"[0-9a-z]*", surname), surname
    assert re.fullmatch(r"[0-9a-z]*", initials), initials


@FAST
@given(TEXT)
def test_journal_key_is_folded(journal: str) -> None:
    key = prep.journal_key(journal)
    for alt in key.split("|") if key else []:
        assert prep.fold(alt) == alt


@FAST
@given(st.one_of(TEXT, st.integers(), st.floats(allow_nan=True), st.none()))
def test_pay_scale_normalisers_return_a_known_code_or_none(value: object) -> None:
    band = normalise_band(value)
    assert band is None or band in AFC_BANDS
    grade = normalise_grade(value)
    assert grade is None or normalise_grade(grade) == grade


@FAST
@given(st.sampled_from(sorted(AFC_BANDS)), st.sampled_from(["Band {}", "band {}", "AfC {}", "{}"]))
def test_every_band_spelling_reads_back(band: str, spelling: str) -> None:
    assert normalise_band(spelling.format(band.upper())) == band


CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300), st.lists(st.lists(CELL, max_size=7), max_size=6)))
def test_log_reader_raises_only_typed_errors(content: bytes | list[list[str]]) -> None:
    """Any bytes, or any CSV rows: a decision table or a RecoError, never another exception."""
    if isinstance(content, list):
        buf = io.StringIO()
        csv.writer(buf).writerows(
            [["record_id", "reviewer", "decision", "reason", "timestamp", "note"], *content]
        )
        content = buf.getvalue().encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.csv"
        path.write_bytes(content)
        try:
            df = read_log(LogSpec(file=path, stage="title_abstract"))
        except RecoError as exc:
            assert str(path) in exc.message()
            return
        assert set(df["decision"].unique()) <= {"include", "exclude", "maybe"}
        assert df["row"].to_list() == list(range(1, df.height + 1))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[a-z]{1,8}:[0-9]{1,6}", fullmatch=True),
            st.sampled_from(["A", "B"]),
            st.sampled_from(sorted(DECISION_WORDS)),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_log_reader_keeps_every_row_and_maps_every_decision_word(rows) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            w = csv.writer(handle)
            w.writerow(["record_id", "reviewer", "decision", "reason", "timestamp", "note"])
            for rid, who, word in rows:
                w.writerow([rid, who, word.upper(), "", "2020-01-01", ""])
        df = read_log(LogSpec(file=path, stage="title_abstract"))
    assert df.height == len(rows)
    assert df["decision"].to_list() == [DECISION_WORDS[w] for _, _, w in rows]
