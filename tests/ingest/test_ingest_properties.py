"""Property tests: random records written in RIS, MEDLINE and WoS plain text parse back to the
same fields (also through the vectorised RIS reader), and arbitrary bytes raise only reco's
own errors or are ingested with every record accounted for."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reco.errors import RecoError
from reco.ingest import ExportSpec, ingest_files
from reco.io.medline import parse_nbib
from reco.io.ris import parse_ris
from reco.io.ris_fast import parse_ris_frame
from reco.io.wos import parse_plaintext

WORD = st.text(
    alphabet=st.characters(
        whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters="-'()/:.,éüøñ"
    ),
    min_size=1,
    max_size=12,
)
TITLE = st.lists(WORD, min_size=1, max_size=25).map(" ".join)
NAME = st.tuples(WORD, WORD).map(lambda t: f"{t[0]}, {t[1][:3]}")
RECORD = st.fixed_dictionaries(
    {
        "title": TITLE,
        "authors": st.lists(NAME, min_size=0, max_size=6),
        "year": st.integers(1900, 2030),
        "doi": st.from_regex(r"10\.[0-9]{4,5}/[a-z0-9.]{1,12}", fullmatch=True),
        "native": st.from_regex(r"[0-9]{5,9}", fullmatch=True),
    }
)
RECORDS = st.lists(RECORD, min_size=1, max_size=8)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def wrap(words: str, width: int = 30) -> list[str]:
    lines, cur = [], ""
    for w in words.split(" "):
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    return lines + [cur]


def to_ris(recs, crlf=False) -> str:
    out = []
    for r in recs:
        out.append("TY  - JOUR")
        out.append(f"ID  - {r['native']}")
        title = wrap(r["title"])
        out.append(f"TI  - {title[0]}")
        out += title[1:]  # continuation lines without a tag
        out += [f"AU  - {a}" for a in r["authors"]]
        out += [f"PY  - {r['year']}", f"DO  - {r['doi']}", "ER  - ", ""]
    return ("\r\n" if crlf else "\n").join(out)


def to_nbib(recs) -> str:
    blocks = []
    for r in recs:
        title = wrap(r["title"])
        lines = [f"PMID- {r['native']}", f"TI  - {title[0]}"] + ["      " + t for t in title[1:]]
        lines += [f"AU  - {a}" for a in r["authors"]]
        lines += [f"DP  - {r['year']} Mar", f"AID - {r['doi']} [doi]", "SO  - J. 2020;1:1."]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def to_wos(recs) -> str:
    out = ["FN Clarivate Analytics Web of Science", "VR 1.0"]
    for r in recs:
        out.append("PT J")
        if r["authors"]:
            out.append(f"AU {r['authors'][0]}")
            out += [f"   {a}" for a in r["authors"][1:]]
        title = wrap(r["title"])
        out.append(f"TI {title[0]}")
        out += [f"   {t}" for t in title[1:]]
        out += [f"PY {r['year']}", f"DI {r['doi']}", f"UT WOS:{r['native']}", "ER", ""]
    return "\n".join(out + ["EF"])


def check(rows, recs, native_prefix=""):
    assert len(rows) == len(recs)
    for row, r in zip(rows, recs, strict=True):
        assert row["title"] == r["title"]
        assert row["authors"] == r["authors"]
        assert row["year"] == r["year"]
        assert row["doi"] == r["doi"]
        assert row["native_id"] == native_prefix + r["native"]


@FAST
@given(RECORDS, st.booleans())
def test_ris_round_trip(recs, crlf):
    text = to_ris(recs, crlf)
    parsed = parse_ris(text.replace("\r\n", "\n"))
    assert not parsed.rejected
    check(parsed.rows, recs)
    fast = parse_ris_frame(text.encode("utf-8"), "ris")
    assert fast is not None
    check(fast.to_dicts(), recs)


@FAST
@given(RECORDS)
def test_nbib_round_trip(recs):
    parsed = parse_nbib(to_nbib(recs))
    assert not parsed.rejected
    check(parsed.rows, recs)


@FAST
@given(RECORDS)
def test_wos_round_trip(recs):
    parsed = parse_plaintext(to_wos(recs))
    assert not parsed.rejected
    check(parsed.rows, recs, native_prefix="WOS:")


@settings(max_examples=80, deadline=None)
@given(st.binary(min_size=0, max_size=400), st.sampled_from([".ris", ".txt", ".nbib", ".csv"]))
def test_arbitrary_bytes_raise_only_reco_errors(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / f"export{suffix}"
        p.write_bytes(data)
        try:
            result = ingest_files([ExportSpec(file=p)])
        except RecoError:
            return
        assert result.counts["records_in"] == result.records.height + result.rejected.height


@settings(max_examples=60, deadline=None)
@given(RECORDS, st.integers(0, 10_000))
def test_damaged_ris_conserves_records(recs, cut):
    text = to_ris(recs)
    damaged = text[: cut % (len(text) + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "cut.ris"
        p.write_text(damaged, encoding="utf-8")
        try:
            result = ingest_files([ExportSpec(file=p, dialect="ris")])
        except RecoError:
            return
        c = result.counts["files"][0]
        assert (
            c["records_in"] == c["kept"] + c["rejected"] == len(re.findall(r"(?m)^TY  -", damaged))
        )
