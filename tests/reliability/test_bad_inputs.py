"""Bad-input catalogue: each case builds one damaged or unusual input in tmp_path and runs the reco
CLI on it as the Snakemake rules do.

For every case the test checks what a user would see: the exit code (2 when the run cannot
continue, 0 when it can), that the message names the file and the line/row/sheet/column, and that
it says what to do. Where the run continues, it checks that no record is lost: records in =
kept + rejected, counted from the output tables, not from the tool's own summary. The catalogue
with the observed messages is tests/reliability/README.md (keep the two in step).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import yaml
from reco.cli import main
from reco_paths import REPO

sys.path.insert(0, str(REPO / "tests" / "costing"))
from helpers_costing import REFERENCE, item, staff, workbook  # noqa: E402

FIX = "What to do:"

#: Three well-formed RIS records; the third has non-ASCII text that every encoding must keep.
RIS = """TY  - JOUR
ID  - 1
TI  - Integrated care for dual diagnosis
AU  - Smith, J
PY  - 2019
DO  - 10.1000/abc
ER  -

TY  - JOUR
ID  - 2
TI  - Assertive outreach and substance use
AU  - Jones, K
PY  - 2020
ER  -

TY  - JOUR
ID  - 3
TI  - Café staff training in Zürich
AU  - Müller, Ä
PY  - 2021
ER  -
""".replace("ER  -\n", "ER  - \n")  # RIS end tag: "ER  - " with its space
NON_ASCII_TITLE = "Café staff training in Zürich"
LOG_HEADER = "record_id,reviewer,decision,reason,timestamp,note\n"
MAP_HEADER = "record_id,country,uk,setting,provider_type,model_id,model_category,epoc,note\n"


@dataclass
class Case:
    """One bad input: ``build(tmp)`` writes it and returns the CLI arguments."""

    id: str
    build: Callable[[Path], list[str]]
    exit: int
    #: substrings the message must contain ({tmp} is replaced by the case's folder)
    says: list[str] = field(default_factory=list)
    #: for runs that continue: (records in, kept, rejected) counted from the ingest outputs
    records: tuple[int, int, int] | None = None
    #: extra check on the output folder
    check: Callable[[Path], None] | None = None


# ---------------------------------------------------------------- builders


def _write(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode(encoding)
    path.write_bytes(data)
    return path


def ingest(name: str, data: str | bytes, *extra: str, encoding: str = "utf-8"):
    def build(tmp: Path) -> list[str]:
        f = _write(tmp / name, data, encoding)
        return ["ingest", str(f), "--out", str(tmp / "out"), *extra]

    return build


def _base(tmp: Path) -> Path:
    """Ingest + dedup of the three RIS records; returns the dedup map (ids s:1, s:2, s:3)."""
    _write(tmp / "s.ris", RIS)
    assert main(["-q", "ingest", str(tmp / "s.ris"), "--out", str(tmp / "ingest")]) == 0
    assert main(["-q", "dedup", str(tmp / "ingest/records.parquet"), "--out", str(tmp / "dd")]) == 0
    return tmp / "dd" / "dedup_map.csv"


def dedup_override(rows: str, header: str = "record_a,record_b,decision,who,note\n"):
    def build(tmp: Path) -> list[str]:
        _base(tmp)
        d = _write(tmp / "dedup_decisions.csv", header + rows)
        return ["dedup", str(tmp / "ingest/records.parquet"), "--out", str(tmp / "out"),
                "--decisions", str(d)]  # fmt: skip

    return build


def _vote_rows(reviewer: str, votes: str) -> str:
    """'iee' -> s:1 include, s:2 exclude, s:3 exclude."""
    word = {"i": "include", "e": "exclude"}
    return "".join(
        f"s:{n},{reviewer},{word[v]},{'' if v == 'i' else 'Wrong population'},2020-01-0{n},\n"
        for n, v in enumerate(votes, start=1)
    )


def screening(*logs: tuple[str, str, str, str], missing: str | None = None):
    """logs: (file name, stage, kind, body after the header)."""

    def build(tmp: Path) -> list[str]:
        dmap = _base(tmp)
        spec = []
        for name, stage, kind, body in logs:
            spec.append({"file": str(_write(tmp / name, body)), "stage": stage, "kind": kind})
        if missing:
            spec.append({"file": str(tmp / missing), "stage": "title_abstract"})
        return ["screen", "tally", "--dedup-map", str(dmap), "--spec", json.dumps(spec),
                "--out", str(tmp / "out")]  # fmt: skip

    return build


TA_AGREE = [
    ("ta_A.csv", "title_abstract", "decisions", LOG_HEADER + _vote_rows("A", "iee")),
    ("ta_B.csv", "title_abstract", "decisions", LOG_HEADER + _vote_rows("B", "iee")),
]
TA_CONFLICT = [
    ("ta_A.csv", "title_abstract", "decisions", LOG_HEADER + _vote_rows("A", "iee")),
    ("ta_B.csv", "title_abstract", "decisions", LOG_HEADER + _vote_rows("B", "iie")),
]


def _survey_copy(tmp: Path) -> Path:
    d = tmp / "survey"
    shutil.copytree(REPO / "resources/reco/survey", d)
    return d


def _survey_argv(d: Path, tmp: Path) -> list[str]:
    return ["survey", "tabulate", "--organisations", str(d / "organisations.csv"),
            "--requests", str(d / "requests.csv"), "--coding", str(d / "response_coding.csv"),
            "--audit-returns", str(d / "audit_returns.xlsx"),
            "--recruitment", str(d / "recruitment_log.csv"), "--review", "reco",
            "--demo-key", "reco-reconstruction-demo-key-not-secret",
            "--out", str(tmp / "out")]  # fmt: skip


def survey_csv(name: str, edit: Callable[[list[list[str]]], None]):
    def build(tmp: Path) -> list[str]:
        d = _survey_copy(tmp)
        with open(d / name, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        edit(rows)
        with open(d / name, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
        return _survey_argv(d, tmp)

    return build


def survey_bytes(name: str, data: bytes):
    def build(tmp: Path) -> list[str]:
        d = _survey_copy(tmp)
        (d / name).write_bytes(data)
        return _survey_argv(d, tmp)

    return build


def audit_return(sheet: str, label: str, value: object, *, rename: str | None = None):
    """Set (or rename, with ``rename``) the field ``label`` of one audit return sheet."""

    def build(tmp: Path) -> list[str]:
        d = _survey_copy(tmp)
        wb = openpyxl.load_workbook(d / "audit_returns.xlsx")
        for row in wb[sheet].iter_rows():
            if row[0].value == label:
                if rename is not None:
                    row[0].value = rename
                else:
                    row[1].value = value
        wb.save(d / "audit_returns.xlsx")
        return _survey_argv(d, tmp)

    return build


def _first_responded(rows: list[list[str]]) -> None:
    for r in rows[1:]:
        if r[5]:  # date_responded
            r[5] = "2019-01-01"
            return


def costing(edit: Callable[[Path], None] | None = None, **rows):
    def build(tmp: Path) -> list[str]:
        folder = tmp / "pro formas"
        folder.mkdir()
        book = workbook(folder, **rows)
        if edit:
            edit(book)
        return ["cost", "price", "--proformas", str(folder), "--reference", str(REFERENCE),
                "--out", str(tmp / "out")]  # fmt: skip

    return build


def _drop_sheet(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    del wb["Staff"]
    wb.save(book)


def _rename_wte(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    wb["Staff"]["D1"] = "fte"
    wb.save(book)


def mapping(body: str):
    """A mapping sheet over s:1 (included at title/abstract and full text), s:2 and s:3 (not)."""

    def build(tmp: Path) -> list[str]:
        dmap = _base(tmp)
        spec = [
            {"file": str(_write(tmp / n, b)), "stage": st, "kind": k}
            for n, st, k, b in [
                *TA_AGREE,
                ("ft.csv", "mapping_fulltext", "decisions", LOG_HEADER + _vote_rows("A", "i")),
            ]
        ]
        assert main(["-q", "screen", "tally", "--dedup-map", str(dmap), "--spec",
                     json.dumps(spec), "--out", str(tmp / "scr")]) == 0  # fmt: skip
        sheet = _write(tmp / "mapping.csv", MAP_HEADER + body)
        return ["map", "build", "--sheet", str(sheet), "--dedup-map", str(dmap),
                "--status", str(tmp / "scr/status.parquet"), "--out", str(tmp / "out")]  # fmt: skip

    return build


MAP_ROW = "s:1,England,yes,community,mental_health_trust,M1,link_worker,{epoc},\n"

# --------------------------------------------------------------- extra checks


def _title_kept(out: Path) -> None:
    titles = pl.read_parquet(out / "records.parquet")["title"].to_list()
    assert NON_ASCII_TITLE in titles, titles


def _ids_unique(out: Path) -> None:
    ids = pl.read_parquet(out / "records.parquet")["record_id"].to_list()
    assert len(ids) == len(set(ids)) == 3, ids


def _rejected_names_lines(first: int) -> Callable[[Path], None]:
    def check(out: Path) -> None:
        rej = pl.read_csv(out / "rejected.csv", infer_schema=False)
        assert rej.height == 1
        assert int(rej["line_start"][0]) == first, rej.row(0, named=True)
        assert "truncated" in rej["reason"][0] or "end" in rej["reason"][0]

    return check


def _screened_all_works(out: Path) -> None:
    status = pl.read_parquet(out / "status.parquet")
    assert status.height == 3  # every work of the dedup map has a status


def _wos_cut() -> str:
    text = (REPO / "resources/reco/exports/wos_core.txt").read_text(encoding="utf-8-sig")
    return "".join(text.splitlines(keepends=True)[:60])  # record 2 runs from line 43 past line 60


def _cut(rel: str, fraction: float) -> str:
    text = (REPO / "tests/fixtures/ingest" / rel).read_text(encoding="utf-8")
    return text[: int(len(text) * fraction)]


# ------------------------------------------------------------------ catalogue

TRUNCATED = RIS[: RIS.rfind("PY  - 2021")]
NO_ER = RIS.replace("ER  - \n\nTY  - JOUR\nID  - 2", "\nTY  - JOUR\nID  - 2")

CASES = [
    # ---- ingest: damaged exports keep every record (kept or rejected with its lines)
    Case(
        "ris-truncated",
        ingest("search.ris", TRUNCATED),
        0,
        records=(3, 2, 1),
        check=_rejected_names_lines(16),
    ),
    Case("ris-without-er", ingest("search.ris", NO_ER), 0, records=(3, 2, 1)),
    Case(
        "ris-fail-on-rejected",
        ingest("search.ris", TRUNCATED, "--fail-on-rejected"),
        2,
        ["rejected.csv", "1 record(s) rejected", FIX],
    ),
    Case(
        "wos-cut-mid-record",
        ingest("wos cut.txt", _wos_cut()),
        0,
        records=(2, 1, 1),
        check=_rejected_names_lines(43),
    ),
    Case(
        "nbib-cut-mid-record",
        ingest("cut.nbib", _cut("pubmed_nbib/nbib_pmc_medlars.nbib", 2 / 3)),
        0,
        records=(4, 3, 1),
    ),
    Case(
        "endnote-xml-cut",
        ingest("cut.xml", _cut("endnote_xml/reflib_endnote-sm.xml", 0.5)),
        0,
        records=(3, 2, 1),
    ),
    Case(
        "binary-named-ris",
        ingest("search.ris", bytes(range(256)) * 20),
        2,
        ["{tmp}/search.ris", "line 1", "binary data", FIX],
    ),
    Case(
        "zero-byte-export",
        ingest("search.ris", b""),
        2,
        ["{tmp}/search.ris", "empty export (0 bytes)", FIX],
    ),
    Case(
        "whitespace-only-export",
        ingest("search.ris", "  \n\n \n"),
        2,
        ["{tmp}/search.ris", "no records", FIX],
    ),
    Case(
        "not-an-export",
        ingest("notes.txt", "hello\nthis is a note, not an export\n"),
        2,
        ["{tmp}/notes.txt", "dialect", FIX],
    ),
    Case(
        "utf16-bom-export",
        ingest("search.ris", RIS, encoding="utf-16"),
        0,
        records=(3, 3, 0),
        check=_title_kept,
    ),
    Case(
        "utf16le-no-bom-export",
        ingest("search.ris", RIS, encoding="utf-16-le"),
        0,
        records=(3, 3, 0),
        check=_title_kept,
    ),
    Case(
        "cp1252-export",
        ingest("search.ris", RIS, encoding="cp1252"),
        0,
        records=(3, 3, 0),
        check=_title_kept,
    ),
    Case(
        "utf8-bom-crlf-export",
        ingest("search.ris", "\ufeff" + RIS.replace("\n", "\r\n")),
        0,
        records=(3, 3, 0),
        check=_title_kept,
    ),
    Case(
        "invalid-utf8-after-bom",
        ingest(
            "search.ris", b"\xef\xbb\xbf" + RIS.encode().replace("Zürich".encode(), b"Z\xfcrich")
        ),
        2,
        ["{tmp}/search.ris", "line 18", "UTF-8", FIX],
    ),
    Case(
        "duplicate-ids-in-one-file",
        ingest("search.ris", RIS.replace("ID  - 2", "ID  - 1")),
        0,
        ["repeated within the file", "line 9"],
        records=(3, 3, 0),
        check=_ids_unique,
    ),
    Case(
        "export-missing",
        lambda tmp: ["ingest", str(tmp / "gone.ris"), "--out", str(tmp / "o")],
        2,
        ["{tmp}/gone.ris", "not found", FIX],
    ),
    Case(
        "unknown-dialect",
        lambda tmp: [
            "ingest",
            "--spec",
            json.dumps(
                [{"file": str(_write(tmp / "s.ris", RIS)), "database": "X", "dialect": "bogus"}]
            ),
            "--out",
            str(tmp / "o"),
        ],  # fmt: skip
        2,
        ["{tmp}/s.ris", "unknown dialect 'bogus'", FIX],
    ),
    Case(
        "wrong-dialect-forced",
        ingest("search.ris", RIS, "--dialect", "pubmed_nbib"),
        2,
        ["{tmp}/search.ris", "line 1", "pubmed_nbib", FIX],
    ),
    Case(
        "same-stem-twice",
        lambda tmp: [
            "ingest",
            str(_write(tmp / "a/s.ris", RIS)),
            str(_write(tmp / "b/s.ris", RIS)),
            "--out",
            str(tmp / "o"),
        ],  # fmt: skip
        2,
        ["{tmp}/b/s.ris", "same file stem", FIX],
    ),
    Case(
        "path-with-spaces-and-non-ascii",
        ingest("Ünïcödé dir/Café résumé.ris", RIS),
        0,
        records=(3, 3, 0),
    ),
    # ---- dedup overrides
    Case(
        "dedup-override-unknown-record",
        dedup_override("s:1,s:99,same,JH,\n"),
        2,
        ["{tmp}/dedup_decisions.csv", "line 2", "row 1", "record_b", "s:99", FIX],
    ),
    Case(
        "dedup-override-bad-decision",
        dedup_override("s:1,s:2,maybe,JH,\n"),
        2,
        ["{tmp}/dedup_decisions.csv", "row 1", "'decision'", FIX],
    ),
    Case(
        "dedup-override-contradiction",
        dedup_override("s:1,s:2,same,JH,\ns:2,s:1,different,TA,\n"),
        2,
        ["{tmp}/dedup_decisions.csv", "row 2", "contradicts row 1", FIX],
    ),
    Case(
        "dedup-override-missing-columns",
        dedup_override("s:1,s:2\n", header="a,b\n"),
        2,
        ["{tmp}/dedup_decisions.csv", "missing column", FIX],
    ),
    # ---- screening logs
    Case(
        "screening-unknown-record",
        screening(
            TA_AGREE[0],
            (
                "ta_B.csv",
                "title_abstract",
                "decisions",
                LOG_HEADER + "s:9,B,include,,2020-01-01,\n" + _vote_rows("B", "iee"),
            ),
        ),
        2,
        ["{tmp}/ta_B.csv", "line 2", "row 1", "s:9", FIX],
    ),  # fmt: skip
    Case(
        "screening-unresolved-conflict",
        screening(*TA_CONFLICT),
        2,
        ["{tmp}/ta_A.csv", "row 2", "unresolved conflict", FIX],
    ),
    Case(
        "screening-conflicting-final-decisions",
        screening(
            *TA_CONFLICT,
            (
                "res_C.csv",
                "title_abstract",
                "resolutions",
                LOG_HEADER + "s:2,C,include,,2020-02-01,\n",
            ),
            (
                "res_D.csv",
                "title_abstract",
                "resolutions",
                LOG_HEADER + "s:2,D,exclude,x,2020-02-02,\n",
            ),
        ),
        2,
        ["{tmp}/res_D.csv", "row 1", "second resolution", "res_C.csv", FIX],
    ),  # fmt: skip
    Case(
        "screening-two-votes-one-reviewer",
        screening(
            TA_AGREE[0],
            (
                "ta_B.csv",
                "title_abstract",
                "decisions",
                LOG_HEADER + _vote_rows("B", "iee") + "s:1,B,exclude,x,2020-01-09,\n",
            ),
        ),
        2,
        ["{tmp}/ta_B.csv", "row 4", "two decisions", FIX],
    ),  # fmt: skip
    Case(
        "screening-unknown-decision-word",
        screening(
            TA_AGREE[0],
            (
                "ta_B.csv",
                "title_abstract",
                "decisions",
                LOG_HEADER + _vote_rows("B", "iee").replace("include", "perhaps"),
            ),
        ),
        2,
        ["{tmp}/ta_B.csv", "row 1", "'decision'", "perhaps", FIX],
    ),  # fmt: skip
    Case(
        "screening-log-missing-columns",
        screening(
            TA_AGREE[0], ("ta_B.csv", "title_abstract", "decisions", "id,who,vote\ns:1,B,include\n")
        ),
        2,
        ["{tmp}/ta_B.csv", "missing column", "column_map", FIX],
    ),  # fmt: skip
    Case(
        "screening-log-missing",
        screening(*TA_AGREE, missing="ta_C.csv"),
        2,
        ["{tmp}/ta_C.csv", "not found", FIX],
    ),
    Case(
        "screening-later-stage-on-excluded-work",
        screening(
            *TA_AGREE,
            (
                "ft.csv",
                "mapping_fulltext",
                "decisions",
                LOG_HEADER + "s:3,A,include,,2020-02-01,\n",
            ),
        ),
        2,
        ["{tmp}/ft.csv", "row 1", "ta_excluded", FIX],
    ),  # fmt: skip
    Case(
        "screening-duplicate-cited-by-any-member",
        screening(*TA_AGREE),
        0,
        check=_screened_all_works,
    ),
    # ---- survey trackers and audit returns
    Case(
        "survey-response-before-request",
        survey_csv("requests.csv", _first_responded),
        2,
        ["requests.csv", "line 7", "date_responded", "before its request", FIX],
    ),
    Case(
        "survey-unknown-organisation",
        survey_csv("requests.csv", lambda rows: rows[1].__setitem__(1, "ORG9999")),
        2,
        ["requests.csv", "line 2", "org_id", "ORG9999", FIX],
    ),
    Case(
        "survey-request-log-missing-column",
        survey_csv("requests.csv", lambda rows: rows[0].__setitem__(4, "sent")),
        2,
        ["requests.csv", "line 1", "date_sent", FIX],
    ),
    Case(
        "survey-text-where-date-belongs",
        survey_csv("requests.csv", lambda rows: rows[1].__setitem__(4, "16/03/2020x")),
        2,
        ["requests.csv", "line 2", "date_sent", "not a date", FIX],
    ),
    Case(
        "survey-unknown-code",
        survey_csv("requests.csv", lambda rows: rows[1].__setitem__(2, "one")),
        2,
        ["requests.csv", "line 2", "'wave'", FIX],
    ),
    Case(
        "survey-empty-recruitment-log",
        survey_bytes("recruitment_log.csv", b""),
        2,
        ["recruitment_log.csv", "empty", FIX],
    ),
    Case(
        "survey-audit-text-wte",
        audit_return("Return 02", "Dedicated staff (WTE)", "about one"),
        2,
        ["audit_returns.xlsx", "sheet 'Return 02'", "row 14", "not a number", FIX],
    ),
    Case(
        "survey-audit-negative-wte",
        audit_return("Return 03", "Dedicated staff (WTE)", -1.5),
        2,
        ["audit_returns.xlsx", "sheet 'Return 03'", "row 14", "zero or more", FIX],
    ),
    Case(
        "survey-audit-missing-field",
        audit_return("Return 04", "Model of care", None, rename="Modle"),
        2,
        ["audit_returns.xlsx", "sheet 'Return 04'", "row 11", "unknown field 'Modle'", FIX],
    ),
    # ---- costing pro formas
    Case(
        "costing-negative-wte",
        costing(staff_rows=[staff(wte=-1)]),
        2,
        ["site_T.xlsx", "sheet 'Staff'", "row 2", "'wte'", FIX],
    ),
    Case(
        "costing-text-where-number-belongs",
        costing(staff_rows=[staff(wte="one")]),
        2,
        ["site_T.xlsx", "sheet 'Staff'", "row 2", "text 'one'", FIX],
    ),
    Case(
        "costing-unknown-afc-band",
        costing(staff_rows=[staff(band_or_grade="Band 12")]),
        2,
        ["site_T.xlsx", "sheet 'Staff'", "row 2", "Band 12", FIX],
    ),
    Case(
        "costing-percent-over-100",
        costing(staff_rows=[staff(pct_time_on_service=150)]),
        2,
        ["site_T.xlsx", "row 2", "pct_time_on_service", FIX],
    ),
    Case(
        "costing-negative-cost",
        costing(items=[item(unit_cost_gbp=-5)]),
        2,
        ["site_T.xlsx", "sheet 'NonStaff'", "row 2", "unit_cost_gbp", FIX],
    ),
    Case(
        "costing-unknown-staff-group",
        costing(staff_rows=[staff(staff_group="wizard")]),
        2,
        ["site_T.xlsx", "row 2", "wizard", FIX],
    ),
    Case(
        "costing-missing-sheet",
        costing(_drop_sheet),
        2,
        ["site_T.xlsx", "sheet 'Staff'", "missing sheet", FIX],
    ),
    Case(
        "costing-missing-column",
        costing(_rename_wte),
        2,
        ["site_T.xlsx", "sheet 'Staff'", "row 1", "missing column(s) wte", FIX],
    ),
    Case(
        "costing-not-a-workbook",
        costing(lambda book: book.write_bytes(b"not a workbook")),
        2,
        ["site_T.xlsx", "not an Excel workbook", FIX],
    ),
    # ---- literature mapping sheet
    Case(
        "mapping-unknown-epoc-code",
        mapping(MAP_ROW.format(epoc="ZZ9.9: unknown code")),
        2,
        ["{tmp}/mapping.csv", "row 1", "'epoc'", "ZZ9.9", FIX],
    ),
    Case(
        "mapping-unknown-record",
        mapping(MAP_ROW.format(epoc="DA1.1: x").replace("s:1", "s:7")),
        2,
        ["{tmp}/mapping.csv", "row 1", "record_id", "s:7", FIX],
    ),
    Case(
        "mapping-paper-not-included",
        mapping(
            MAP_ROW.format(epoc="DA1.1: x") + MAP_ROW.format(epoc="DA1.1: x").replace("s:1", "s:2")
        ),
        2,
        ["{tmp}/mapping.csv", "row 2", "not included", FIX],
    ),  # fmt: skip
]


def _ingest_totals(out: Path) -> tuple[int, int, int]:
    """(records in, kept, rejected): records_in from counts.json, kept and rejected from the tables."""
    counts = json.loads((out / "counts.json").read_text(encoding="utf-8"))["files"]
    kept = pl.read_parquet(out / "records.parquet").height
    rejected = pl.read_csv(out / "rejected.csv", infer_schema=False).height
    return sum(c["records_in"] for c in counts.values()), kept, rejected


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, capfd, caplog) -> None:
    argv = case.build(tmp_path)
    capfd.readouterr()
    caplog.clear()
    code = main(argv)
    text = capfd.readouterr().err + caplog.text
    assert code == case.exit, text
    for part in case.says:
        assert part.replace("{tmp}", str(tmp_path)) in text, (part, text)
    if case.records is not None:
        total, kept, rejected = _ingest_totals(tmp_path / "out")
        assert (total, kept, rejected) == case.records
        assert total == kept + rejected  # no record lost
    if case.check is not None:
        case.check(tmp_path / "out")


def test_catalogue_is_large_and_documented(repo: Path) -> None:
    readme = (repo / "tests/reliability/README.md").read_text(encoding="utf-8")
    ids = [c.id for c in CASES] + [c[0] for c in CONFIG_CASES]
    assert len(ids) >= 40 and len(set(ids)) == len(ids)
    missing = [i for i in ids if f"`{i}`" not in readme]
    assert not missing, f"cases not in tests/reliability/README.md: {missing}"


# ------------------------------------------------- config through Snakemake's validation

FIXTURE_REVIEW = "tests/fixtures/reliability/fixture_review"
CONFIG_BASE = f"""review: fixture
resources_dir: {REPO / FIXTURE_REVIEW}
exports:
  - file: exports/zotero_second_copy.ris
    database: PubMed
    dialect: {{dialect}}
screening: {{{{logs: []}}}}
survey: {{{{enabled: false}}}}
costing: {{{{enabled: false}}}}
"""

CONFIG_CASES = [
    ("config-unknown-dialect", CONFIG_BASE.format(dialect="bogus"),
     ["'bogus' is not one of", "dialect", "Error validating config file"]),
    ("config-unknown-key", CONFIG_BASE.format(dialect="auto") + "dedupe: {}\n",
     ["Additional properties are not allowed ('dedupe' was unexpected)"]),
    ("config-wrong-type", CONFIG_BASE.format(dialect="auto") + "ingest: {fail_on_rejected: maybe}\n",
     ["'maybe' is not of type 'boolean'", "fail_on_rejected"]),
    ("config-export-missing",
     CONFIG_BASE.format(dialect="auto").replace("zotero_second_copy.ris", "not_there.ris"),
     ["Missing input files", "not_there.ris"]),
]  # fmt: skip


@pytest.mark.parametrize("name,text,says", CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_bad_config(name: str, text: str, says: list[str], tmp_path: Path) -> None:
    """A bad config stops `snakemake -n` before any job runs, naming the key and the value."""
    cfg = _write(tmp_path / "bad config.yaml", text)
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--snakefile", str(REPO / "Snakefile"),
         "--directory", str(tmp_path), "--configfile", str(cfg), "--cores", "1"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out  # Snakemake exits 1 on invalid config and missing inputs
    for part in says:
        assert part in out, (part, out[-3000:])
    if "Missing input files" not in says:  # a schema error: the reason, named file, no dump
        assert str(cfg) in out and "What to do:" in out, out[-3000:]
        assert len(out.splitlines()) < 30, out[-3000:]
    assert not (tmp_path / "results").exists()


def test_audit_without_ledger_writes_an_empty_audit(tmp_path: Path) -> None:
    numbers = _write(tmp_path / "numbers.json", "{}")
    argv = ["report", "audit", "--numbers", str(numbers), "--results", str(tmp_path),
            "--csv", str(tmp_path / "audit.csv"), "--json", str(tmp_path / "audit.json")]  # fmt: skip
    assert main(argv) == 0
    assert (tmp_path / "audit.csv").is_file()


def test_dag_plans_from_another_working_directory(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--snakefile", str(REPO / "Snakefile"),
         "--directory", str(tmp_path), "--configfile", str(REPO / "config/fixture.yaml"),
         "--cores", "1"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-2000:]


def test_results_of_another_review_stop_the_run(tmp_path: Path) -> None:
    """Snakemake keeps existing outputs wherever an input is missing: a review run over another
    review's results/ would report the other's counts. The stamp a real run leaves stops it."""
    cmd = [sys.executable, "-m", "snakemake", "-n", "--snakefile", str(REPO / "Snakefile"),
           "--directory", str(tmp_path), "--configfile", str(REPO / "config/fixture.yaml"),
           "--cores", "1"]  # fmt: skip
    stamp = _write(tmp_path / "results" / ".review", "review: reco\ninputs: resources/reco\n")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "holds the outputs of another review" in out, out[-2000:]
    assert "review: reco" in out and "--directory" in out
    fixture = yaml.safe_load((REPO / "config/fixture.yaml").read_text(encoding="utf-8"))
    inputs = fixture.get("resources_dir") or f"resources/{fixture['review']}"
    stamp.write_text(f"review: {fixture['review']}\ninputs: {inputs}\n", encoding="utf-8")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-2000:]


def _rank_inputs(tmp: Path, labelled: str) -> tuple[Path, Path]:
    _base(tmp)
    labels = _write(tmp / "labels.csv", "record_id,label\n" + labelled)
    return tmp / "dd" / "unique_records.parquet", labels


def test_rank_reads_the_dedup_parquet(tmp_path: Path) -> None:
    records, labels = _rank_inputs(tmp_path, "s:1,1\ns:2,0\n")
    argv = ["-q", "screen", "rank", "--records", str(records), "--labels", str(labels),
            "--out", str(tmp_path / "rank")]  # fmt: skip
    assert main(argv) == 0


def test_rank_with_nothing_left_to_rank(tmp_path: Path) -> None:
    records, labels = _rank_inputs(tmp_path, "s:1,1\ns:2,0\ns:3,0\n")
    table = tmp_path / "records.csv"
    pl.read_parquet(records, columns=["record_id", "title", "abstract"]).write_csv(table)
    argv = ["-q", "screen", "rank", "--records", str(table), "--labels", str(labels),
            "--out", str(tmp_path / "rank")]  # fmt: skip
    assert main(argv) in (0, 2)


def test_a_failed_rule_prints_recos_message_on_the_console(tmp_path: Path) -> None:
    """The workflow profile (profiles/default) shows a failed rule's log: the reason reaches the
    user without opening logs/."""
    inputs = tmp_path / "in"
    _write(inputs / "exports" / "empty.ris", "")
    _write(inputs / "dedup_decisions.csv", "record_a,record_b,decision,who,note\n")
    cfg = _write(
        tmp_path / "c.yaml",
        f"review: failcase\nresources_dir: {inputs}\nexports:\n"
        "  - {file: exports/empty.ris, database: PubMed}\n"
        "screening: {logs: []}\nsurvey: {enabled: false}\ncosting: {enabled: false}\n",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
         "--directory", str(tmp_path), "--configfile", str(cfg), "--cores", "1"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "empty.ris: empty export (0 bytes)" in out and "What to do:" in out, out[-3000:]


def test_unreadable_or_unwritable_paths_are_clean_errors(tmp_path: Path, capsys) -> None:
    """A missing input or an output folder that cannot be made: the path and a fix, no traceback."""
    missing = tmp_path / "nope.json"
    argv = ["report", "prisma", "--numbers", str(missing), "--svg", str(tmp_path / "a.svg")]
    assert main(argv) == 2
    said = capsys.readouterr().err
    assert f"{missing}: No such file or directory" in said and "What to do:" in said
    blocker = _write(tmp_path / "a file", "not a folder")
    export = REPO / "resources" / "reco" / "exports" / "cinahl_ebsco.ris"
    assert main(["-q", "ingest", str(export), "--out", str(blocker / "out")]) == 2
    said = capsys.readouterr().err
    assert str(blocker) in said and "Traceback" not in said
