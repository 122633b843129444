"""Match: field scores for every candidate pair and a decision by named rules.

Each pair gets rapidfuzz scores per field (title, title token set, first author, all authors) and
agreement codes for year, journal, volume, first page, DOI and PMID (1 = agree, 0 = disagree,
null = missing on a side), then one decision:

* ``same`` with the positive rule that fired (``doi_exact``, ``pmid_exact``,
  ``author_year_volume_pages``, ``title_journal_pages``, ``journal_volume_pages``,
  ``title_author_year``, ``title_author_adjacent_year``); a different PMID is not a guard (exports
  put other accession numbers in that field) but keeps the title-only rule from merging;
* ``different`` with the guard that fired (:data:`GUARDS`: a conflicting DOI, an erratum,
  comment or reply against an article, different numbered parts, years two or more apart,
  different volumes or page ranges, a conference abstract against a journal article), or
  ``author_differs`` / ``dissimilar`` (not similar enough; not a conflict inside a cluster);
* ``review`` (``review_*``) when the record looks like a duplicate but no rule is sure: these
  pairs are written to review_pairs.csv and never merged without a reviewer's decision.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from reco.progress import step

#: Rules that make a pair a duplicate, strongest first (the strength breaks transitive chains).
POSITIVE_RULES: dict[str, int] = {
    "override_same": 9,
    "doi_exact": 7,
    "pmid_exact": 7,
    "author_year_volume_pages": 6,
    "title_journal_pages": 5,
    "journal_volume_pages": 5,
    "title_author_year": 4,
    "title_author_adjacent_year": 3,
}
#: Rules that make a pair certainly different (a hard conflict when it sits inside a cluster).
GUARDS = (
    "override_different",
    "doi_conflict",
    "notice_vs_article",
    "part_conflict",
    "year_conflict",
    "volume_conflict",
    "pages_conflict",
    "abstract_vs_article",
)

#: Title similarity (rapidfuzz ratio, 0-100) below which a pair is not examined further.
MIN_TITLE = 50.0
#: Titles this similar are "the same title" for the title-led rules.
SAME_TITLE = 95.0
#: Titles this similar with the same journal and first page are one paper.
CLOSE_TITLE = 90.0
#: Title similarity for a pair that agrees on author, year, volume and first page.
BIB_TITLE = 60.0
#: Title token-set similarity for the same pair (translated titles share the key words).
BIB_TITLE_SET = 70.0
#: Title similarity for a pair (one side without authors) in the same journal, year, volume and page.
JOURNAL_TITLE = 70.0
#: Uncertain pairs at or above this title similarity go to review.
REVIEW_TITLE = 85.0

PAIR_SCORE_COLUMNS = {
    "title_score": pl.Float32,
    "title_set_score": pl.Float32,
    "author1": pl.Float32,
    "authors_score": pl.Float32,
    "year_diff": pl.Int32,
    "journal": pl.Int8,
    "volume": pl.Int8,
    "pages": pl.Int8,
    "doi": pl.Int8,
    "pmid": pl.Int8,
}


def _abbrev_token(a: str, b: str) -> bool:
    """True when one token abbreviates the other (same first letter, letters in order)."""
    if a == b:
        return True
    s, long = (a, b) if len(a) <= len(b) else (b, a)
    if not s or s[0] != long[0]:
        return False
    it = iter(long)
    return all(ch in it for ch in s)


def _abbrev_seq(x: list[str], y: list[str]) -> bool:
    if len(x) == len(y):
        return all(_abbrev_token(p, q) for p, q in zip(x, y, strict=True))
    if len(x) == 1 or len(y) == 1:
        single, multi = (x[0], y) if len(x) == 1 else (y[0], x)
        if single == "".join(t[0] for t in multi):
            return True  # BMJ = British Medical Journal
        return len(single) >= 6 and _abbrev_token(single, "".join(multi))
    return False


@lru_cache(maxsize=262144)
def journal_agree(ja: str, jb: str) -> int | None:
    """1 when two journal keys name the same journal (abbreviation-aware), 0 when not, None if missing."""
    if not ja or not jb:
        return None
    if ja == jb:
        return 1
    for x in ja.split("|"):
        xt = x.split()
        for y in jb.split("|"):
            if x == y or _abbrev_seq(xt, y.split()):
                return 1
    return 0


def author_agree(sa: str, ia: str, sb: str, ib: str) -> float | None:
    """1 same first author, 0.5 same surname but different initial, 0 different, None if missing."""
    if not sa or not sb:
        return None
    same = sa == sb
    if not same:
        short, long = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
        if len(short) >= 4 and (long.startswith(short) or long.endswith(short)):
            same = True  # double-barrelled surname shortened in one database
        elif len(short) >= 5 and Levenshtein.distance(sa, sb) <= 1:
            same = True  # one-letter typo or transliteration
    if not same:
        return 0.0
    if ia and ib and ia != ib:
        return 0.5
    return 1.0


def _eq(x: str | None, y: str | None) -> int | None:
    if not x or not y:
        return None
    return 1 if x == y else 0


def _pages_agree(x: str | None, y: str | None) -> int | None:
    if not x or not y:
        return None
    if x == y:
        return 1
    dx = "".join(c for c in x if c.isdigit())
    dy = "".join(c for c in y if c.isdigit())
    return 1 if dx and dx == dy else 0


def decide(f: dict) -> tuple[str, str]:
    """(decision, rule) for one pair's field comparison ``f`` (see :func:`compare`)."""
    t, ts = f["title_score"], f["title_set_score"]
    if not f["has_titles"]:
        if f["doi"] == 1 or f["pmid"] == 1:
            return "review", "review_identifier_without_title"
        return "different", "no_title"
    if f["doi"] == 0:
        return "different", "doi_conflict"
    if f["notice_a"] != f["notice_b"]:
        return "different", "notice_vs_article"
    if f["part_a"] and f["part_b"] and f["part_a"] != f["part_b"]:
        return "different", "part_conflict"
    yd = f["year_diff"]
    j, v, p, a1 = f["journal"], f["volume"], f["pages"], f["author1"]
    if f["abstract_a"] != f["abstract_b"] and not (
        j == 1 and yd == 0 and (p == 1 or (p is None and v == 1 and t >= SAME_TITLE))
    ):
        # a meeting abstract and a journal article are different publications; the same abstract
        # exported by two databases (one tagging it "[Abstract]") agrees on journal, year and issue
        return "different", "abstract_vs_article"
    if yd is not None and yd >= 2:
        return "different", "year_conflict"
    if f["volume"] == 0:
        return "different", "volume_conflict"
    if f["pages"] == 0:
        return "different", "pages_conflict"
    if f["doi"] == 1:
        return ("same", "doi_exact") if t >= BIB_TITLE or ts >= 80 else ("review", "review_doi")
    if f["pmid"] == 1:
        return ("same", "pmid_exact") if t >= BIB_TITLE or ts >= 80 else ("review", "review_pmid")
    bib = yd == 0 and v == 1 and p == 1
    abstracts = f["abstract_a"] or f["abstract_b"]
    if (
        bib
        and a1 is not None
        and a1 >= 0.5
        and (t >= CLOSE_TITLE or (not abstracts and (t >= BIB_TITLE or ts >= BIB_TITLE_SET)))
    ):
        # same first author, year, volume and first page: one paper even if its title was
        # translated (meeting abstracts share pages, so they need close titles)
        return "same", "author_year_volume_pages"
    nums_ok = f["nums_a"] == f["nums_b"]
    authors_ok = a1 is None or a1 > 0 or f["authors_score"] >= 70
    if (
        t >= CLOSE_TITLE
        and nums_ok
        and j == 1
        and p == 1
        and (yd is None or yd <= 1)
        and authors_ok
    ):
        return "same", "title_journal_pages"
    if bib and j == 1 and a1 is None and nums_ok and (t >= JOURNAL_TITLE or ts >= 85):
        return "same", "journal_volume_pages"
    if t >= SAME_TITLE and nums_ok and a1 == 1 and yd == 0:
        if f["pmid"] == 0:
            # PMIDs are not reliable enough to separate records (exports put other accession
            # numbers in the field), but a different one is no support for merging either
            return "review", "review_pmid_differs"
        if j != 0 or (v == 1 and p == 1):
            return "same", "title_author_year"
        return "review", "review_journal_differs"
    if t >= SAME_TITLE and nums_ok and a1 == 1 and yd == 1 and j == 1 and (v == 1 or p == 1):
        return "same", "title_author_adjacent_year"
    if a1 == 0 and (j == 0 or yd):
        # similar titles, but another first author in another journal or year: a different paper
        return "different", "author_differs"
    if t >= REVIEW_TITLE or (f["doi"] is None and ts >= 95 and t >= 70):
        return "review", "review_similar_title"
    return "different", "dissimilar"


class Comparer:
    """Field comparisons between records of a prepared table, by row position."""

    def __init__(self, prep: pl.DataFrame) -> None:
        self.cols = {c: prep.get_column(c).to_list() for c in prep.columns}

    def compare(self, i: int, j: int, title_score: float | None = None) -> dict:
        c = self.cols
        ta, tb = c["title_n"][i], c["title_n"][j]
        t = fuzz.ratio(ta, tb) if title_score is None else title_score
        ya, yb = c["year"][i], c["year"][j]
        return {
            "has_titles": bool(ta and tb),
            "title_score": t,
            "title_set_score": fuzz.token_set_ratio(ta, tb) if ta and tb else 0.0,
            "author1": author_agree(c["au1"][i], c["au1_init"][i], c["au1"][j], c["au1_init"][j]),
            "authors_score": fuzz.token_set_ratio(c["authors_n"][i], c["authors_n"][j])
            if c["authors_n"][i] and c["authors_n"][j]
            else 0.0,
            "year_diff": abs(ya - yb) if ya is not None and yb is not None else None,
            "journal": journal_agree(c["journal_n"][i], c["journal_n"][j]),
            "volume": _eq(c["volume_n"][i], c["volume_n"][j]),
            "pages": _pages_agree(c["page_first"][i], c["page_first"][j]),
            "doi": _eq(c["doi_n"][i], c["doi_n"][j]),
            "pmid": _eq(c["pmid_n"][i], c["pmid_n"][j]),
            "notice_a": c["notice"][i],
            "notice_b": c["notice"][j],
            "part_a": c["part"][i],
            "part_b": c["part"][j],
            "abstract_a": c["is_abstract"][i],
            "abstract_b": c["is_abstract"][j],
            "nums_a": c["title_nums"][i],
            "nums_b": c["title_nums"][j],
        }


def compare_frame(
    prep: pl.DataFrame, a: np.ndarray, b: np.ndarray, title_score: np.ndarray | None = None
) -> pl.DataFrame:
    """:meth:`Comparer.compare` for many pairs at once (same keys, one row per pair)."""
    x = prep[a]
    y = prep[b]

    def texts(col: str) -> tuple[np.ndarray, np.ndarray]:
        return (
            np.array(x.get_column(col).to_list(), dtype=object),
            np.array(y.get_column(col).to_list(), dtype=object),
        )

    ta, tb = texts("title_n")
    if title_score is None:
        title_score = process.cpdist(ta, tb, scorer=fuzz.ratio, workers=-1) if len(a) else []
    has = (x.get_column("title_n") != "") & (y.get_column("title_n") != "")
    tset = process.cpdist(ta, tb, scorer=fuzz.token_set_ratio, workers=-1) if len(a) else []
    ua, ub = texts("authors_n")
    aset = process.cpdist(ua, ub, scorer=fuzz.token_set_ratio, workers=-1) if len(a) else []
    both_auth = (x.get_column("authors_n") != "") & (y.get_column("authors_n") != "")
    au = [
        author_agree(p, q, r, s)
        for p, q, r, s in zip(
            x.get_column("au1").to_list(),
            x.get_column("au1_init").to_list(),
            y.get_column("au1").to_list(),
            y.get_column("au1_init").to_list(),
            strict=True,
        )
    ]
    jr = [
        journal_agree(p or "", q or "")
        for p, q in zip(
            x.get_column("journal_n").to_list(), y.get_column("journal_n").to_list(), strict=True
        )
    ]

    def eq(col: str) -> pl.Series:
        p, q = x.get_column(col), y.get_column(col)
        ok = p.is_not_null() & q.is_not_null() & (p != "") & (q != "")
        return pl.select(pl.when(ok).then((p == q).cast(pl.Int8))).to_series()

    pa, pb = x.get_column("page_first"), y.get_column("page_first")
    da, db = pa.str.replace_all(r"\D", ""), pb.str.replace_all(r"\D", "")
    pages = pl.select(
        pl.when(pa.is_not_null() & pb.is_not_null()).then(
            ((pa == pb) | ((da == db) & (da != ""))).cast(pl.Int8)
        )
    ).to_series()
    ya, yb = x.get_column("year"), y.get_column("year")
    return pl.DataFrame(
        {
            "has_titles": has,
            "title_score": pl.Series(title_score, dtype=pl.Float64),
            "title_set_score": pl.Series(tset, dtype=pl.Float64).zip_with(
                has, pl.Series([0.0] * len(a))
            ),
            "author1": pl.Series(au, dtype=pl.Float64),
            "authors_score": pl.Series(aset, dtype=pl.Float64).zip_with(
                both_auth, pl.Series([0.0] * len(a))
            ),
            "year_diff": (ya.cast(pl.Int64) - yb.cast(pl.Int64)).abs(),
            "journal": pl.Series(jr, dtype=pl.Int8),
            "volume": eq("volume_n"),
            "pages": pages,
            "doi": eq("doi_n"),
            "pmid": eq("pmid_n"),
            "notice_a": x.get_column("notice"),
            "notice_b": y.get_column("notice"),
            "part_a": x.get_column("part"),
            "part_b": y.get_column("part"),
            "abstract_a": x.get_column("is_abstract"),
            "abstract_b": y.get_column("is_abstract"),
            "nums_a": x.get_column("title_nums"),
            "nums_b": y.get_column("title_nums"),
        }
    )


def score_pairs(prep: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """Scores and decision for every candidate pair (columns of ``pairs`` plus scores, decision, rule).

    The title score is computed for every pair; pairs below :data:`MIN_TITLE` that share no DOI,
    PMID or year/volume/first page are ``dissimilar`` without further scores.
    """
    cmp = Comparer(prep)
    a = pairs.get_column("a").to_numpy()
    b = pairs.get_column("b").to_numpy()
    tarr = np.array(cmp.cols["title_n"], dtype=object)
    scores = process.cpdist(tarr[a], tarr[b], scorer=fuzz.ratio, workers=-1) if len(a) else []
    titles = pl.Series("title_score", scores, dtype=pl.Float32)
    ident = prep.select(
        pl.col("doi_n").alias("doi"),
        pl.col("pmid_n").alias("pmid"),
        pl.concat_str("year", "volume_n", "page_first", separator="|").alias("bib"),
    )

    def same(col: str) -> pl.Series:
        s = ident.get_column(col)
        x, y = s.gather(a), s.gather(b)
        return (x == y).fill_null(False)

    examine = (titles >= MIN_TITLE) | same("doi") | same("pmid") | same("bib")
    idx = examine.arg_true().to_list()
    step(f"dedup: {len(idx)} of {len(a)} candidate pairs examined in detail")
    ia, ib = a[idx], b[idx]
    frame = compare_frame(prep, ia, ib, titles.gather(idx).to_numpy())
    decisions, rules = [], []
    for f in frame.iter_rows(named=True):
        d, r = decide(f)
        decisions.append(d)
        rules.append(r)
    rows = {c: frame.get_column(c) for c in PAIR_SCORE_COLUMNS if c != "title_score"}
    detail = pl.DataFrame(
        {
            "k": pl.Series(idx, dtype=pl.UInt32),
            **{c: v.cast(PAIR_SCORE_COLUMNS[c]) for c, v in rows.items()},
            "decision": pl.Series(decisions, dtype=pl.String),
            "rule": pl.Series(rules, dtype=pl.String),
        }
    )
    out = (
        pairs.with_columns(titles)
        .with_row_index("k")
        .join(detail, on="k", how="left")
        .drop("k")
        .with_columns(
            pl.col("decision").fill_null("different"), pl.col("rule").fill_null("dissimilar")
        )
    )
    return out.select(*pairs.columns, *PAIR_SCORE_COLUMNS, "decision", "rule")
