"""Reconstruction part ``search``: the RECO search exports (7640 database + 368 iterative records).

Writes ``exports/`` (one file per database or iterative search, each in that database's export
dialect) and the planted answers in ``truth/`` (never read by the pipeline):

- ``truth/works.csv``: the 5099 works (relevance class, real Lancet reference numbers, traps);
- ``truth/duplicates.csv``: one row per record with its work, record_id as ingest computes it;
- ``truth/traps.csv``: pairs of records that look alike but are different works;
- ``truth/search_summary.json``: counts per export, duplicate groups, traps, DOI coverage.

Copies of a work share only their bibliographic content; native ids are drawn per record and the
only note common to records is the constant reconstruction marker.
"""

from __future__ import annotations

import csv
import html
import io
import json
import random
from collections import Counter
from itertools import combinations
from pathlib import Path

from reco.fileio import atomic_path
from reco.reconstruct import Context
from reco.reconstruct.search_works import (
    FILE_ORDER,
    FILES,
    Work,
    assign_files,
    build_works,
    fold,
)
from reco.reconstruct.writers import EXTENSIONS, Copy, render_file, strip_accents

#: Probability that a copy in this export lacks the work's DOI.
DOI_DROP = {
    "medline_ovid": 0.12,
    "embase_ovid": 0.10,
    "psycinfo_ovid": 0.12,
    "cinahl_ebsco": 0.25,
    "wos_core": 0.06,
    "cochrane_library": 0.35,
    "hmic_ovid": 0.6,
    "iterative_cluster_endnote": 0.25,
    "iterative_citations_pubmed": 0.1,
    "iterative_theory_zotero": 0.15,
}
#: Probability that a copy in this export has no abstract.
ABSTRACT_DROP = {
    "hmic_ovid": 0.3,
    "cochrane_library": 0.2,
    "wos_core": 0.04,
    "iterative_cluster_endnote": 0.1,
}
#: Exports whose records carry a native id the ingest uses (else record_id uses the ordinal).
NATIVE_ID_EXPORTS = {
    "medline_ovid",
    "embase_ovid",
    "psycinfo_ovid",
    "wos_core",
    "cochrane_library",
    "hmic_ovid",
    "iterative_cluster_endnote",
    "iterative_citations_pubmed",
}
#: Coarse relevance (column ``relevance`` of truth/works.csv, read by the screening part) of each
#: detailed class (column ``relevance_detail``).
COARSE = {
    "core_uk_service_model": "core_uk_service_model",
    "core_service_model": "related_service_model",
    "related_service": "related_service_model",
    "intervention_trial": "intervention_trial",
    "background_comorbidity": "background",
    "specialist_setting": "background",
    "pharmacology": "background",
    "lmic_setting": "background",
    "theory_framework": "background",
    "policy_grey": "background",
    "off_topic": "off_topic",
    "non_research": "off_topic",
}
PERIOD_TITLES = {
    "medline_ovid",
    "embase_ovid",
    "psycinfo_ovid",
    "cinahl_ebsco",
    "hmic_ovid",
    "iterative_citations_pubmed",
    "iterative_theory_zotero",
}


class _NativeIds:
    """Record ids drawn independently per record, unique across all exports."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _fresh(self, make) -> str:
        while True:
            v = make()
            if v not in self.used:
                self.used.add(v)
                return v

    def pmid(self, year: int) -> str:
        # PubMed ids grow with time: about 2.0M in 1990 to 32M in 2020
        base = int(2_000_000 + max(0, year - 1990) ** 1.55 * 150_000)
        return self._fresh(lambda: str(base + self.rng.randrange(0, 900_000)))

    def for_export(self, stem: str, year: int) -> str:
        r = self.rng
        if stem in ("medline_ovid", "iterative_citations_pubmed"):
            return self.pmid(year)
        if stem == "embase_ovid":
            return self._fresh(lambda: str(r.randrange(350_000_000, 633_000_000)))
        if stem == "psycinfo_ovid":
            return self._fresh(
                lambda: (
                    f"{min(year + r.choice([0, 0, 1]), 2020)}-"
                    f"{r.randrange(1, 99999):05d}-{r.randrange(1, 30):03d}"
                )
            )
        if stem == "wos_core":
            if r.random() < 0.15:
                return "MEDLINE:" + self.pmid(year)
            return self._fresh(lambda: f"WOS:000{r.randrange(10**11, 6 * 10**11):012d}")
        if stem == "cochrane_library":
            return self._fresh(lambda: f"CN-{r.randrange(100_000, 2_100_000):08d}")
        if stem == "hmic_ovid":
            return self._fresh(lambda: str(r.randrange(1_000_000, 9_999_999)))
        if stem == "iterative_cluster_endnote":
            return self._fresh(lambda: str(r.randrange(1, 9000)))
        if stem == "cinahl_ebsco":
            return self._fresh(lambda: str(r.randrange(104_000_000, 142_999_999)))
        return ""


def _typo(rng: random.Random, title: str) -> str:
    words = [i for i, w in enumerate(title.split(" ")) if len(w) > 5 and w.isalpha()]
    if not words:
        return title
    parts = title.split(" ")
    i = rng.choice(words)
    w = parts[i]
    j = rng.randrange(1, len(w) - 2)
    parts[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :] if rng.random() < 0.6 else w[:j] + w[j + 1 :]
    return " ".join(parts)


def _title_case(title: str) -> str:
    small = {"a", "an", "and", "the", "of", "in", "for", "to", "on", "with", "by", "at", "or"}
    out = []
    for i, w in enumerate(title.split(" ")):
        out.append(
            w if (w.lower() in small and i) or not w[:1].isalpha() else w[:1].upper() + w[1:]
        )
    return " ".join(out)


def make_copy(
    rng: random.Random, w: Work, stem: str, nth: int, month: int, ids: _NativeIds
) -> Copy:
    """The record of work ``w`` in export ``stem`` (``nth`` = 0 for its first copy)."""
    var: list[str] = []
    title = w.title
    if rng.random() < 0.04 and ":" in title:
        title = title.replace(": ", " - ", 1)
        var.append("colon_dash")
    if stem == "wos_core" and rng.random() < 0.12:
        title = title.upper() if w.year < 1998 and rng.random() < 0.4 else _title_case(title)
        var.append("title_case")
    elif stem == "cinahl_ebsco" and rng.random() < 0.06:
        title = _title_case(title)
        var.append("title_case")
    if stem == "cinahl_ebsco" and rng.random() < 0.5 and strip_accents(title) != title:
        title = strip_accents(title)
        var.append("diacritics_folded")
    if stem in ("wos_core", "hmic_ovid") and strip_accents(title) != title:
        var.append("diacritics_folded")  # these exports fold diacritics (see writers)
    if nth > 0 and w.k > 1 and rng.random() < 0.03:
        title = _typo(rng, title)
        var.append("title_typo")
    if stem in PERIOD_TITLES and not title.endswith((".", "?", "!")):
        title += "."
    if stem == "medline_ovid" and w.design == "review" and w.pub_type == "journal_article":
        title += " [Review]"
        var.append("marker_review")
    if stem == "cochrane_library" and w.pub_type == "conference_abstract":
        title += " [abstract]"
        var.append("marker_abstract")
    if stem in ("cinahl_ebsco", "iterative_theory_zotero") and rng.random() < 0.6:
        escaped = html.escape(title, quote=True)
        if escaped != title:
            title = escaped
            var.append("html_entities")
    doi = w.doi
    if doi and rng.random() < DOI_DROP[stem]:
        doi = ""
        var.append("doi_missing")
    issue = w.issue
    if issue and rng.random() < 0.06:
        issue = ""
        var.append("issue_missing")
    abstract = w.abstract
    if abstract and rng.random() < ABSTRACT_DROP.get(stem, 0.02):
        abstract = ""
        var.append("abstract_missing")
    if abstract and stem == "embase_ovid" and w.journal and rng.random() < 0.3:
        abstract += f" Copyright \u00a9 {w.year} Elsevier B.V. All rights reserved."
    variant = "alt" if (w.journal and w.journal.alt and rng.random() < 0.35) else "full"
    if variant == "alt":
        var.append("journal_variant")
    native = ids.for_export(stem, w.year)
    c = Copy(
        w,
        stem,
        native if stem in NATIVE_ID_EXPORTS else "",
        title,
        doi,
        issue,
        abstract,
        month,
        journal_variant=variant,
        variations=var,
    )
    if stem == "cinahl_ebsco":
        c.accession = native
    if (
        stem == "iterative_cluster_endnote"
        and w.journal
        and "M" in w.journal.dbs
        and rng.random() < 0.7
    ):
        c.accession = ids.pmid(w.year)
    if stem == "iterative_cluster_endnote" and not c.accession:
        c.provider = rng.choice(["Google Scholar", "Ovid Technologies"])
    return c


def _month_range(w: Work) -> tuple[int, int]:
    if w.year < 2020:
        return 1, 12
    if all(f.startswith("iterative") for f in w.files):
        return 4, 9
    return 1, 3


def _order(rng: random.Random, stem: str, copies: list[Copy]) -> list[Copy]:
    keyed = [(rng.random(), c) for c in copies]
    if stem == "iterative_cluster_endnote":  # EndNote sorts by first author
        keyed.sort(key=lambda t: (t[1].work.authors[0].surname.lower(), t[0]))
    elif stem in ("iterative_theory_zotero", "cochrane_library"):
        keyed.sort(key=lambda t: t[0])
    else:  # newest first, as database interfaces sort by default
        keyed.sort(key=lambda t: (-t[1].work.year, t[0]))
    return [c for _, c in keyed]


def _record_id(stem: str, c: Copy, ordinal: int) -> str:
    return f"{stem}:{c.native_id or ordinal}"


def _csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\n")
    wr.writerow(header)
    wr.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _write(path: Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def build(ctx: Context) -> list[Path]:
    rng = ctx.rng("search")
    works = build_works(rng, ctx.sources)
    assign_files(rng, works)
    ids = _NativeIds(rng)
    # publication month; works of 2020 in database exports appeared before the 13 March search
    # (later in 2020 for works only the iterative searches of September-November found)
    months = {w.work_id: rng.randint(*(_month_range(w))) for w in works}
    per_file: dict[str, list[Copy]] = {s: [] for s in FILE_ORDER}
    for w in works:
        for nth, stem in enumerate(w.files):
            per_file[stem].append(make_copy(rng, w, stem, nth, months[w.work_id], ids))
    written: list[Path] = []
    dup_rows: list[list[object]] = []
    recs_of: dict[str, list[str]] = {w.work_id: [] for w in works}
    for stem in FILE_ORDER:
        copies = _order(rng, stem, per_file[stem])
        path = ctx.out / "exports" / f"{stem}{EXTENSIONS.get(stem, '.ris')}"
        written.append(_write(path, render_file(stem, copies)))
        for i, c in enumerate(copies, start=1):
            rid = _record_id(stem, c, i)
            recs_of[c.work.work_id].append(rid)
            dup_rows.append(
                [
                    rid,
                    c.work.work_id,
                    path.name,
                    FILES[stem][0],
                    i,
                    c.native_id or c.accession,
                    int(bool(c.doi)),
                    int(bool(c.abstract)),
                    ";".join(c.variations),
                ]
            )
    truth = ctx.out / "truth"
    written.append(
        _write(
            truth / "duplicates.csv",
            _csv_bytes(
                [
                    "record_id",
                    "work_id",
                    "export",
                    "database",
                    "ordinal",
                    "native_id",
                    "has_doi",
                    "has_abstract",
                    "variations",
                ],
                dup_rows,
            ),
        )
    )
    work_rows = []
    for w in works:
        j = w.journal
        work_rows.append(
            [
                w.work_id,
                COARSE[w.cls],
                w.cls,
                w.pub_type,
                w.design,
                w.country,
                int(w.is_real),
                ";".join(map(str, w.real_refs)),
                w.title,
                w.authors[0].surname if w.authors else "",
                w.year,
                j.full if j else w.publisher,
                w.volume,
                w.issue,
                f"{w.spage}-{w.epage}" if w.epage else w.spage,
                w.doi,
                len(w.files),
                ";".join(w.files),
                w.trap_kind,
                w.trap_of,
            ]
        )
    written.append(
        _write(
            truth / "works.csv",
            _csv_bytes(
                [
                    "work_id",
                    "relevance",
                    "relevance_detail",
                    "pub_type",
                    "design",
                    "country",
                    "is_real",
                    "lancet_ref_nos",
                    "title",
                    "first_author",
                    "year",
                    "journal",
                    "volume",
                    "issue",
                    "pages",
                    "doi",
                    "n_records",
                    "exports",
                    "trap_kind",
                    "is_trap_of",
                ],
                work_rows,
            ),
        )
    )
    trap_rows = []
    for w in works:
        if w.trap_kind:
            for a in recs_of[w.trap_of]:
                for b in recs_of[w.work_id]:
                    trap_rows.append([a, b, w.trap_of, w.work_id, w.trap_kind])
    # other pairs of different works with the same title (short titles such as "Editorial")
    declared = {(w.trap_of, w.work_id) for w in works if w.trap_kind}
    by_title: dict[str, list[Work]] = {}
    for w in works:
        by_title.setdefault(fold(w.title), []).append(w)
    for group in by_title.values():
        for x, y in combinations(group, 2):
            if (x.work_id, y.work_id) in declared or (y.work_id, x.work_id) in declared:
                continue
            for a in recs_of[x.work_id]:
                for b in recs_of[y.work_id]:
                    trap_rows.append([a, b, x.work_id, y.work_id, "same_title_unrelated"])
    written.append(
        _write(
            truth / "traps.csv",
            _csv_bytes(["record_a", "record_b", "work_a", "work_b", "trap_kind"], trap_rows),
        )
    )
    written.append(_write(truth / "search_summary.json", _summary(works, per_file, trap_rows)))
    return written


def _summary(works: list[Work], per_file: dict[str, list[Copy]], trap_rows: list) -> bytes:
    copies_of: dict[str, list[Copy]] = {}
    for stem in FILE_ORDER:
        for c in per_file[stem]:
            copies_of.setdefault(c.work.work_id, []).append(c)
    groups = [cs for cs in copies_of.values() if len(cs) > 1]
    no_doi_any = sum(1 for cs in groups if any(not c.doi for c in cs))
    partial = sum(1 for cs in groups if any(not c.doi for c in cs) and any(c.doi for c in cs))
    variations = Counter(v for cs in groups for c in cs for v in c.variations)
    pair_overlap = Counter()
    for cs in groups:
        for a, b in combinations(sorted({c.stem for c in cs}), 2):
            pair_overlap[f"{a}|{b}"] += 1
    summary = {
        "records_per_export": {s: len(per_file[s]) for s in FILE_ORDER},
        "records_total": sum(len(v) for v in per_file.values()),
        "works": len(works),
        "works_by_copies": {
            str(k): v for k, v in sorted(Counter(len(cs) for cs in copies_of.values()).items())
        },
        "duplicate_groups": len(groups),
        "duplicate_groups_missing_doi_in_some_copy": no_doi_any,
        "duplicate_groups_doi_in_some_copies_only": partial,
        "share_groups_missing_doi": round(no_doi_any / len(groups), 4),
        "variations_in_duplicate_copies": dict(sorted(variations.items())),
        "works_by_class": dict(sorted(Counter(w.cls for w in works).items())),
        "real_works": sum(1 for w in works if w.is_real),
        "trap_works_by_kind": dict(
            sorted(Counter(w.trap_kind for w in works if w.trap_kind).items())
        ),
        "trap_record_pairs": len(trap_rows),
        "export_pair_overlap": dict(sorted(pair_overlap.items())),
    }
    return (json.dumps(summary, indent=2, sort_keys=True) + "\n").encode("utf-8")
