"""Bad input and conservation: every record in is kept or rejected, errors name file and line.

The damaged files are made from the real sample exports (cut, re-encoded, garbled) so that the
parsers meet realistic content.
"""

from __future__ import annotations

import codecs
import json

import polars as pl
import pytest
from helpers_ingest import FIXTURES
from reco.cli import main
from reco.errors import ConfigError, InputError
from reco.ingest import ExportSpec, ingest_files

ZOTERO = FIXTURES / "zotero_ris" / "asreview_pubmed_zotero.ris"
WOS_RIS = FIXTURES / "wos_ris" / "asreview_web_of_science.ris"
NBIB = FIXTURES / "pubmed_nbib" / "nbib_pmc_medlars.nbib"


def write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def conserved(result):
    for c in result.counts["files"]:
        assert c["records_in"] == c["kept"] + c["rejected"]
    assert result.counts["records_in"] == result.records.height + result.rejected.height


def test_empty_file_is_an_error_naming_it(tmp_path):
    p = write(tmp_path, "empty.ris", b"")
    with pytest.raises(InputError) as exc:
        ingest_files([ExportSpec(file=p)])
    assert "empty.ris" in str(exc.value) and "0 bytes" in str(exc.value)
    assert exc.value.fix and "re-export" in exc.value.fix


def test_blank_file_is_an_error(tmp_path):
    p = write(tmp_path, "blank.ris", b"\xef\xbb\xbf\r\n\r\n  \n")
    with pytest.raises(InputError, match="empty export"):
        ingest_files([ExportSpec(file=p)])


def test_binary_garbage_named_ris(tmp_path):
    import random

    rng = random.Random(7)
    p = write(tmp_path, "garbage.ris", bytes(rng.randrange(256) for _ in range(5000)))
    with pytest.raises(InputError) as exc:
        ingest_files([ExportSpec(file=p)])
    msg = exc.value.message()
    assert "garbage.ris" in msg and "binary" in msg and "line" in msg and "What to do" in msg


def test_a_program_with_many_nul_bytes_is_binary_not_utf16(tmp_path):
    """An ELF header's NULs look like UTF-16 without a byte-order mark; bytes that then fail
    to decode are binary data, and no byte-order mark is claimed."""
    elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x03\x00>\x00\x01\x00\x00\x00\xe0\x10"
    elf += b"\x40\x00" * 60 + b"\x01"  # not UTF-8 (0xe0 0x10); an odd length ends UTF-16 mid-unit
    p = write(tmp_path, "program.ris", elf)
    with pytest.raises(InputError) as exc:
        ingest_files([ExportSpec(file=p)])
    msg = exc.value.message()
    assert "binary data" in msg and "byte-order mark" not in msg


def test_zip_named_ris(tmp_path):
    import zipfile

    z = tmp_path / "export.ris"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(ZOTERO, "records.ris")
    with pytest.raises(InputError, match="binary"):
        ingest_files([ExportSpec(file=z)])


def test_unknown_dialect_text(tmp_path):
    p = write(tmp_path, "notes.txt", b"Dear colleague,\nhere are the results you asked for.\n")
    with pytest.raises(InputError) as exc:
        ingest_files([ExportSpec(file=p)])
    assert "unknown export format" in str(exc.value) and exc.value.line == 1
    assert "dialect" in exc.value.fix


def test_unknown_configured_dialect(tmp_path):
    with pytest.raises(ConfigError, match="unknown dialect 'bibtex'"):
        ingest_files([ExportSpec(file=ZOTERO, dialect="bibtex")])


def test_wrong_dialect_configured_finds_no_records(tmp_path):
    with pytest.raises(InputError, match="no record could be read") as exc:
        ingest_files([ExportSpec(file=ZOTERO, dialect="pubmed_nbib")])
    assert "pubmed_nbib" in exc.value.fix


def test_listed_export_that_does_not_exist(tmp_path):
    with pytest.raises(InputError) as exc:
        ingest_files([ExportSpec(file=ZOTERO), ExportSpec(file=tmp_path / "medline_2020.ris")])
    assert "medline_2020.ris" in str(exc.value) and "not found" in str(exc.value)


def test_same_stem_twice_is_an_error_naming_both(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = write(tmp_path / "a", "medline.ris", ZOTERO.read_bytes())
    two = write(tmp_path / "b", "medline.ris", ZOTERO.read_bytes())
    with pytest.raises(ConfigError) as exc:
        ingest_files([ExportSpec(file=one), ExportSpec(file=two)])
    assert str(one) in str(exc.value) and str(two) in str(exc.value)


def test_truncated_last_ris_record_is_rejected_with_lines(tmp_path):
    data = ZOTERO.read_bytes()
    cut = data[: data.rindex(b"ER  -") - 200]  # the last record loses its end
    p = write(tmp_path, "cut.ris", cut)
    result = ingest_files([ExportSpec(file=p)])
    conserved(result)
    assert result.records.height == 5 and result.rejected.height == 1
    rej = result.rejected.row(0, named=True)
    assert rej["source_file"] == str(p) and rej["ordinal"] == 6
    assert "truncated" in rej["reason"]
    lines = cut.decode().split("\n")
    assert lines[rej["line_start"] - 1].startswith("TY  - ")
    assert rej["line_end"] == len(cut.decode().rstrip().split("\n"))
    assert rej["raw"].startswith("TY  - JOUR")


def test_missing_er_in_the_middle_rejects_only_that_record(tmp_path):
    text = WOS_RIS.read_text(encoding="utf-8")
    ers = [i for i, line in enumerate(text.split("\n")) if line.startswith("ER  -")]
    lines = text.split("\n")
    del lines[ers[2]]  # record 3 loses its ER line
    p = write(tmp_path, "noer.ris", "\n".join(lines).encode())
    result = ingest_files([ExportSpec(file=p)])
    conserved(result)
    assert result.records.height == 9 and result.rejected.height == 1
    rej = result.rejected.row(0, named=True)
    assert rej["ordinal"] == 3 and "no 'ER  -' end line" in rej["reason"]
    assert result.records.get_column("ordinal").to_list() == [1, 2, 4, 5, 6, 7, 8, 9, 10]
    # the record after it is intact
    assert result.records.row(2, named=True)["source_id"] == "WOS:000630231500004"


def test_rejected_rows_reach_rejected_csv_via_cli(tmp_path):
    data = ZOTERO.read_bytes()
    p = write(tmp_path, "cut.ris", data[: data.rindex(b"ER  -")])
    out = tmp_path / "out"
    assert main(["ingest", str(p), "--out", str(out)]) == 0
    rej = pl.read_csv(out / "rejected.csv")
    assert rej.height == 1 and rej["source_file"][0] == str(p) and rej["ordinal"][0] == 6
    counts = json.loads((out / "counts.json").read_text())["files"][str(p)]
    assert counts == {
        "records_in": 6,
        "kept": 5,
        "rejected": 1,
        "dialect": "zotero_ris",
        "database": "unknown",
    }
    assert main(["ingest", str(p), "--out", str(out), "--fail-on-rejected"]) == 2


def test_record_without_title_is_kept(tmp_path):
    text = ZOTERO.read_text(encoding="utf-8")
    lines = [
        ln for ln in text.split("\n") if not (ln.startswith("TI  - ") and "cognitive flex" in ln)
    ]
    p = write(tmp_path, "notitle.ris", "\n".join(lines).encode())
    result = ingest_files([ExportSpec(file=p)])
    assert result.records.height == 6 and result.rejected.height == 0
    assert result.records.row(0, named=True)["title"] is None
    assert result.records.row(0, named=True)["authors"][0] == "Rudnik, Agata"


def test_tagged_lines_without_ty_are_rejected(tmp_path):
    text = ZOTERO.read_text(encoding="utf-8")
    lines = text.split("\n")
    tys = [i for i, ln in enumerate(lines) if ln.startswith("TY  - ")]
    del lines[tys[1]]  # record 2 loses its TY line
    p = write(tmp_path, "noty.ris", "\n".join(lines).encode())
    result = ingest_files([ExportSpec(file=p)])
    conserved(result)
    assert result.records.height == 5 and result.rejected.height == 1
    assert "no 'TY  - ' line" in result.rejected["reason"][0]
    assert result.rejected["ordinal"][0] == 2


def test_wos_plaintext_cut_mid_record(tmp_path, shared):
    src = shared / "benchmarks" / "ingest" / "wos_plaintext" / "synthesisr_WoS_txt_example.txt"
    data = src.read_bytes()
    cut = data[: data.rindex(b"\nER") - 300]
    p = write(tmp_path, "wos_cut.txt", cut)
    result = ingest_files([ExportSpec(file=p)])
    conserved(result)
    assert result.records.height == 3 and result.rejected.height == 1
    rej = result.rejected.row(0, named=True)
    assert rej["ordinal"] == 4 and "no 'ER' end line" in rej["reason"]
    assert rej["raw"].startswith("PT J")


def test_wos_plaintext_cut_mid_record_without_shared(tmp_path):
    # built from WoS tags of the RIS sample so that it runs without ../shared
    rec = "PT J\nAU Alceste, F\n   Luke, TJ\nTI Holding Yourself Captive\nPY 2018\nUT WOS:000444108200009\nER\n\n"
    text = (
        "FN Clarivate Analytics Web of Science\nVR 1.0\n" + rec + rec.replace("4441", "9999")[:60]
    )
    p = write(tmp_path, "wos.txt", text.encode())
    result = ingest_files([ExportSpec(file=p)])
    conserved(result)
    assert result.records.height == 1 and result.rejected.height == 1
    assert result.records["authors"][0].to_list() == ["Alceste, F", "Luke, TJ"]
    assert result.rejected["line_start"][0] == 11  # FN, VR, 7 lines of record 1, blank line


def test_nbib_damaged_block_and_truncated_last(tmp_path):
    text = NBIB.read_text(encoding="utf-8")
    blocks = text.strip("\n").split("\n\n")
    blocks[1] = "\n".join(ln for ln in blocks[1].split("\n") if not ln.startswith("PMID-"))
    last = blocks[-1]
    blocks[-1] = last[: last.index("\nSO  - ")][:400]
    p = write(tmp_path, "damaged.nbib", "\n\n".join(blocks).encode())
    result = ingest_files([ExportSpec(file=p)])
    conserved(result)
    assert result.records.height == 3 and result.rejected.height == 2
    reasons = result.rejected["reason"].to_list()
    assert "without a 'PMID- ' line" in reasons[0] and "truncated" in reasons[1]


def test_duplicate_native_ids_use_ordinal_and_warn(tmp_path, caplog):
    text = WOS_RIS.read_text(encoding="utf-8")
    text = text.replace("WOS:000376252000001", "WOS:000444108200009")  # record 2 repeats record 1
    p = write(tmp_path, "dups.ris", text.encode())
    with caplog.at_level("WARNING", logger="reco"):
        result = ingest_files([ExportSpec(file=p)])
    ids = result.records.get_column("record_id").to_list()
    assert ids[0] == "dups:WOS:000444108200009" and ids[1] == "dups:2"
    assert result.records.get_column("source_id")[1] == "2"
    assert result.records.height == 10 and len(set(ids)) == 10
    assert any("WOS:000444108200009 (record 2, line" in w for w in result.warnings)
    assert "repeated" in caplog.text


def test_utf16_and_cp1252_and_cr_only(tmp_path):
    text = FIXTURES.joinpath("embase_ris", "asreview_embase.ris").read_text(encoding="utf-8-sig")
    text = text.replace("Liu R.", "Liu Ré.")  # an accented name to check the decoding
    base = ingest_files([ExportSpec(file=write(tmp_path, "u8.ris", text.encode()))]).records
    variants = {
        "u16le.ris": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "u16be.ris": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "u16nobom.ris": text.encode("utf-16-le"),
        "bom8.ris": codecs.BOM_UTF8 + text.encode(),
        "cp1252.ris": text.encode("cp1252", errors="replace"),
        "cr.ris": text.replace("\n", "\r").encode(),
        "crlf.ris": text.replace("\n", "\r\n").encode("cp1252", errors="replace"),
    }
    for name, data in variants.items():
        result = ingest_files([ExportSpec(file=write(tmp_path, name, data))])
        got = result.records
        assert got.drop("record_id", "source_file").equals(base.drop("record_id", "source_file")), (
            name
        )
        assert got["authors"][0][0] == "Liu Ré.", name
        if name.startswith("cp1252") or name.startswith("crlf"):
            assert result.counts["files"][0]["encoding"] == "cp1252"
            assert any("Windows-1252" in w for w in result.warnings)


def test_bom_with_invalid_utf8_is_an_error_with_line(tmp_path):
    data = codecs.BOM_UTF8 + ZOTERO.read_bytes().replace(b"Rudnik", b"Rudn\xe9k", 1)
    p = write(tmp_path, "bad.ris", data)
    with pytest.raises(InputError) as exc:
        ingest_files([ExportSpec(file=p)])
    assert exc.value.line == 3 and "UTF-8" in str(exc.value)
