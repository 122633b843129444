"""The reconstructed RECO search exports: determinism, counts, planted duplicates, traps, real refs.

These tests read the committed files under resources/reco/ (exports/ and truth/) and regenerate
them into a temporary folder; they do not need ../shared.
"""

from __future__ import annotations

import csv
import hashlib
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml
from reco.reconstruct import DEFAULT_SEED, Context
from reco.reconstruct import search as search_part
from reco.reconstruct.search_works import FILES, MARKER, N_WORKS

REPO = Path(__file__).resolve().parents[2]
RECO = REPO / "resources" / "reco"
SOURCES = RECO / "sources"

#: Records per export and how a record starts in that dialect.
EXPECTED = {
    "medline_ovid.ris": (1650, r"^TY  - "),
    "embase_ovid.ris": (2350, r"^TY  - "),
    "psycinfo_ovid.ris": (1400, r"^TY  - "),
    "cinahl_ebsco.ris": (900, r"^TY  - "),
    "wos_core.txt": (850, r"^PT J"),
    "cochrane_library.ris": (250, r"^TY  - "),
    "hmic_ovid.txt": (240, r"^<\d+\. >"),
    "iterative_cluster_endnote.ris": (150, r"^TY  - "),
    "iterative_citations_pubmed.nbib": (140, r"^PMID- "),
    "iterative_theory_zotero.ris": (78, r"^TY  - "),
}


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], float]:
    out = tmp_path_factory.mktemp("reco")
    t0 = time.perf_counter()
    written = search_part.build(Context(out=out, sources=SOURCES, seed=DEFAULT_SEED))
    return out, written, time.perf_counter() - t0


@pytest.fixture(scope="module")
def works() -> list[dict[str, str]]:
    return _read(RECO / "truth" / "works.csv")


@pytest.fixture(scope="module")
def dups() -> list[dict[str, str]]:
    return _read(RECO / "truth" / "duplicates.csv")


@pytest.fixture(scope="module")
def ingested():
    from reco.ingest import ingest_files

    cfg = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    specs = [{**e, "file": str(RECO / e["file"])} for e in cfg["exports"]]
    return ingest_files(specs)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_regeneration_is_byte_identical_and_fast(regenerated) -> None:
    out, written, seconds = regenerated
    assert len(written) == 14
    for path in written:
        committed = RECO / path.relative_to(out)
        assert committed.exists(), f"{committed} is not committed"
        assert _sha(path) == _sha(committed), f"{path.name} differs from the committed file"
    assert seconds < 20, f"generator took {seconds:.1f} s"


def test_another_seed_gives_other_records(tmp_path: Path) -> None:
    search_part.build(Context(out=tmp_path, sources=SOURCES, seed=DEFAULT_SEED + 1))
    assert _sha(tmp_path / "exports" / "wos_core.txt") != _sha(RECO / "exports" / "wos_core.txt")
    # the planted structure does not depend on the seed
    summary = (tmp_path / "truth" / "search_summary.json").read_text()
    assert '"records_total": 8008' in summary and '"works": 5099' in summary


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_record_count_per_export(name: str, dups) -> None:
    n, start = EXPECTED[name]
    text = (RECO / "exports" / name).read_bytes().decode("utf-8-sig")
    assert len(re.findall(start, text, flags=re.M)) == n
    assert sum(1 for d in dups if d["export"] == name) == n


def test_totals_match_the_published_search() -> None:
    database = sum(n for stem, (_, n) in FILES.items() if not stem.startswith("iterative"))
    other = sum(n for stem, (_, n) in FILES.items() if stem.startswith("iterative"))
    assert (database, other) == (7640, 368)


def test_dialect_surface_features() -> None:
    ex = RECO / "exports"
    assert sum(p.stat().st_size for p in ex.iterdir()) < 20_000_000
    wos = (ex / "wos_core.txt").read_bytes()
    assert wos.startswith(b"\xef\xbb\xbfFN Clarivate Analytics Web of Science\r\nVR 1.0\r\n")
    assert wos.endswith(b"ER\r\n\r\nEF")
    assert b"\r\n   " in wos  # three-space continuation lines
    med = (ex / "medline_ovid.ris").read_bytes()
    assert med.startswith(b"1.\r\nTY  - JOUR\r\nID  - ")
    assert b"DO  - http://dx.doi.org/10.5555/" in med
    assert b"Y1  - " in med and re.search(rb"Y1  - \d{4}//\r\n", med)
    psy = (ex / "psycinfo_ovid.ris").read_bytes()
    assert re.search(rb"ER  -\r\nNL  - [^\r]+\r\n\r\nLink to the Ovid", psy)
    cin = (ex / "cinahl_ebsco.ris").read_bytes()
    assert b"DP  - EBSCOhost\r\nDB  - rzh\r\nER  - \r\n" in cin and b"L3  - 10.5555/" in cin
    coch = (ex / "cochrane_library.ris").read_text(encoding="utf-8")
    ids = re.findall(r"^ID  - (CN-\d{8})$", coch, flags=re.M)
    assert len(ids) == 250 == len(set(ids))
    hmic = (ex / "hmic_ovid.txt").read_bytes()
    assert hmic.startswith(b"<1. >\r\nVN  - Ovid Technologies\r\nDB  - HMIC")
    nbib = (ex / "iterative_citations_pubmed.nbib").read_text(encoding="utf-8")
    assert re.search(r"^LID - 10\.5555/\S+ \[doi\]$", nbib, flags=re.M)
    assert re.search(r"^FAU - [^,\n]+, .+\nAU  - \S+ [A-Z]+$", nbib, flags=re.M)
    assert re.search(r"^      \S", nbib, flags=re.M)  # six-space continuation
    endnote = (ex / "iterative_cluster_endnote.ris").read_text(encoding="utf-8")
    assert endnote.startswith("\nTY  - ")
    assert re.search(r"^SP  - \d+-\d+$", endnote, flags=re.M)


def test_works_and_duplicates_truth(works, dups) -> None:
    assert len(works) == N_WORKS == len({w["work_id"] for w in works})
    assert len(dups) == 8008 == len({d["record_id"] for d in dups})
    per_work = Counter(d["work_id"] for d in dups)
    assert set(per_work) == {w["work_id"] for w in works}
    assert max(per_work.values()) <= 5
    singletons = sum(1 for n in per_work.values() if n == 1)
    assert 0.5 * N_WORKS < singletons < 0.8 * N_WORKS  # most works are found in one database
    # no work has two copies in one export
    assert len({(d["work_id"], d["export"]) for d in dups}) == len(dups)


def test_enough_works_for_the_screening_stages(works) -> None:
    by = Counter(w["relevance"] for w in works)
    assert by["core_uk_service_model"] >= 23  # literature map: 23 UK papers
    includable = by["core_uk_service_model"] + by["related_service_model"]
    assert includable + by["intervention_trial"] >= 900  # title/abstract: 817 included
    assert set(by) == {
        "core_uk_service_model",
        "related_service_model",
        "intervention_trial",
        "background",
        "off_topic",
    }


def test_real_lancet_references_are_planted(works, dups) -> None:
    results = {r["ref_no"] for r in _read(SOURCES / "lancet_pt_evidence.csv")}
    assert len(results) == 57
    planted = defaultdict(list)
    for w in works:
        for ref in filter(None, w["lancet_ref_nos"].split(";")):
            planted[ref].append(w)
    assert results <= set(planted), sorted(results - set(planted), key=int)
    assert all(len(v) == 1 for v in planted.values())  # one work per reference
    # printed twice in the reference list, one work each
    for a, b in (("14", "18"), ("66", "100")):
        assert planted[a][0]["work_id"] == planted[b][0]["work_id"]
    # real works carry no invented DOI; their titles are in the exports
    refs = {r["ref_no"]: r for r in _read(SOURCES / "lancet_references.csv")}
    records = defaultdict(list)
    for d in dups:
        records[d["work_id"]].append(d)
    text = {  # WoS wraps titles onto continuation lines
        n: re.sub(r"\s+", " ", (RECO / "exports" / n).read_text(encoding="utf-8-sig").lower())
        for n in EXPECTED
    }
    for ref in sorted(results, key=int):
        w = planted[ref][0]
        assert w["is_real"] == "1" and w["doi"] == ""
        assert records[w["work_id"]], ref
        words = refs[ref]["title"].rstrip(".").split()[-3:]
        probe = " ".join(words)
        assert any(probe.lower() in text[d["export"]] for d in records[w["work_id"]]), ref


def test_share_of_duplicate_groups_without_doi(ingested, dups) -> None:
    recs = ingested.records.select("record_id", "doi")
    work_of = {d["record_id"]: d["work_id"] for d in dups}
    groups: dict[str, list[bool]] = defaultdict(list)
    for rid, doi in recs.iter_rows():
        groups[work_of[rid]].append(bool(doi))
    dup_groups = [g for g in groups.values() if len(g) > 1]
    lacking = sum(1 for g in dup_groups if not all(g))
    assert lacking / len(dup_groups) >= 0.30
    assert sum(1 for g in dup_groups if any(g) and not all(g)) >= 200  # DOI in some copies only


def test_synthetic_dois_only_under_the_test_prefix() -> None:
    for name in EXPECTED:
        text = (RECO / "exports" / name).read_text(encoding="utf-8-sig")
        dois = re.findall(r"\b10\.\d{4,9}/[^\s\]]+", text)
        assert dois, name
        bad = sorted({d for d in dois if not d.startswith("10.5555/")})
        assert not bad, f"{name}: {bad[:5]}"


def test_ingest_reads_every_record_with_the_truth_record_ids(ingested, dups) -> None:
    assert ingested.records.height == 8008
    assert ingested.rejected.height == 0
    assert set(ingested.records["record_id"].to_list()) == {d["record_id"] for d in dups}
    per_db = Counter(ingested.records["database"].to_list())
    assert per_db["EMBASE"] == 2350 and per_db["HMIC"] == 240
    origin = Counter(ingested.records["origin"].to_list())
    assert origin == {"database": 7640, "other": 368}


def test_copies_share_no_hidden_key(ingested, dups) -> None:
    df = ingested.records
    # native ids, accessions and PMIDs are drawn per record: no value is on two records
    owners: dict[str, set[str]] = defaultdict(set)
    cols = ("record_id", "source_id", "ordinal", "accession", "pmid")
    for rid, source_id, ordinal, accession, pmid in df.select(cols).iter_rows():
        if source_id != str(ordinal):  # exports without native ids use the ordinal
            owners[source_id].add(rid)
        for v in (accession, pmid):
            if v:
                owners[v].add(rid)
    assert len(owners) > 7000
    assert not [v for v, rs in owners.items() if len(rs) > 1]
    # notes: a whole note is on one record only unless it is the constant marker, and copies
    # of one work share no note line but the marker
    work_of = {d["record_id"]: d["work_id"] for d in dups}
    whole: dict[str, set[str]] = defaultdict(set)
    lines: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rid, note in df.select("record_id", "notes").iter_rows():
        if note:
            whole[note].add(rid)
            for part in re.split(r"\s*;\s*|\n", note.replace(MARKER, "\n")):
                if part.strip():
                    lines[(work_of[rid], part.strip())].add(rid)
    assert {n for n, rs in whole.items() if len(rs) > 1} <= {MARKER}
    assert not [k for k, rs in lines.items() if len(rs) > 1]
    # no work id of the truth files leaks into the exports
    for name in EXPECTED:
        assert not re.search(r"\bW\d{5}\b", (RECO / "exports" / name).read_text("utf-8-sig"))


def test_every_record_is_marked_reconstructed() -> None:
    for name, (n, _) in EXPECTED.items():
        text = (RECO / "exports" / name).read_text(encoding="utf-8-sig")
        assert text.count(MARKER) == n, name


def test_traps_are_different_works_that_look_alike(works, dups) -> None:
    traps = _read(RECO / "truth" / "traps.csv")
    work_of = {d["record_id"]: d["work_id"] for d in dups}
    kinds = Counter()
    for t in traps:
        assert work_of[t["record_a"]] == t["work_a"] != t["work_b"] == work_of[t["record_b"]]
        kinds[t["trap_kind"]] += 1
    assert set(kinds) == {
        "conference_vs_article",
        "erratum",
        "comment_reply",
        "same_title_different_year",
        "series_part",
        "same_title_journal_different_pages",
        "same_title_unrelated",
    }
    by_id = {w["work_id"]: w for w in works}
    for w in works:
        if not w["trap_kind"]:
            continue
        base = by_id[w["is_trap_of"]]
        if w["trap_kind"] == "same_title_different_year":
            assert w["title"] == base["title"] and w["year"] != base["year"]
        if w["trap_kind"] == "series_part":
            assert "Part 2" in w["title"] and "Part 1" in base["title"]
        if w["trap_kind"] == "conference_vs_article":
            assert w["pub_type"] == "conference_abstract" and w["year"] < base["year"]


def test_planted_duplicate_forms_are_present(dups) -> None:
    forms = Counter(v for d in dups for v in d["variations"].split(";") if v)
    for form in (
        "doi_missing",
        "issue_missing",
        "title_typo",
        "title_case",
        "marker_review",
        "journal_variant",
        "colon_dash",
        "html_entities",
        "diacritics_folded",
    ):
        assert forms[form] >= 5, form


def test_page_forms_differ_between_copies(ingested, dups) -> None:
    """One work: 2511-2518 in Ovid RIS/WoS/EBSCO, 2511-8 in PubMed and EndNote."""
    work_of = {d["record_id"]: d["work_id"] for d in dups}
    forms: dict[str, set[str]] = defaultdict(set)
    for rid, pages in ingested.records.select("record_id", "pages").iter_rows():
        if pages and re.fullmatch(r"\d+-\d+", pages):
            forms[work_of[rid]].add(pages)
    abbreviated = [f for f in forms.values() if len(f) > 1]
    assert len(abbreviated) >= 100
    for f in abbreviated[:50]:
        full = max(f, key=len)
        a, b = full.split("-")
        for other in f - {full}:
            x, y = other.split("-")
            assert x == a and b.endswith(y)


def test_synthetic_abstracts_are_topic_text_of_realistic_length(ingested, works, dups) -> None:
    real = {w["work_id"] for w in works if w["is_real"] == "1"}
    relevance = {w["work_id"]: w["relevance"] for w in works}
    work_of = {d["record_id"]: d["work_id"] for d in dups}
    lengths, core_hits, off_hits = [], [], []
    for rid, ab in ingested.records.select("record_id", "abstract").iter_rows():
        wid = work_of[rid]
        if wid in real:
            assert not ab, f"{rid}: a real reference got an invented abstract"
            continue
        if not ab:
            continue
        lengths.append(len(ab.split()))
        topical = bool(re.search(r"dual diagnosis|co-occurring|integrated", ab, flags=re.I))
        if relevance[wid] == "core_uk_service_model":
            core_hits.append(topical)
        elif relevance[wid] == "off_topic":
            off_hits.append(topical)
    lengths.sort()
    assert lengths[len(lengths) // 2] >= 90
    assert sum(1 for n in lengths if n >= 80) >= 0.95 * len(lengths)
    assert max(lengths) <= 220
    # relevance is learnable from the text: service-model abstracts speak of integration
    assert sum(core_hits) / len(core_hits) > 0.9 > 0.2 > sum(off_hits) / len(off_hits)
