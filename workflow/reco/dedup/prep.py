"""Prep: normalised matching fields for every record (the first, inspectable step of dedup).

From a table with the :data:`reco.records.RECORDS` columns it derives, per record: the DOI without
resolver prefix, the PMID digits, the folded title (case, punctuation, diacritics, HTML/LaTeX
entities and bracketed/trailing tags such as ``[abstract]`` removed), the first author's surname
and initials from any author format, every author surname, year, a journal key that lets an
abbreviation meet its full name, volume/issue numbers, pages expanded (``2511-8`` -> 2511, 2518),
and flags for records that must not be merged with an ordinary article (conference abstract,
erratum/comment/reply/retraction notice, numbered part). The ``notes`` field is never used.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import polars as pl

#: Columns of the prepared table (one row per record, same order as the input).
PREP_COLUMNS = (
    "record_id",
    "doi_n",
    "pmid_n",
    "title_n",
    "title_nums",
    "au1",
    "au1_init",
    "authors_n",
    "year",
    "journal_n",
    "volume_n",
    "issue_n",
    "page_first",
    "page_last",
    "issn_n",
    "is_abstract",
    "notice",
    "part",
    "flag",
)

_GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ω": "omega",
    "τ": "tau",
    "θ": "theta",
}
_LATEX_ACCENT = re.compile(r"\\[`'^\"~=.uvHcdbkr]\s*\{?\s*\\?([A-Za-z])\s*\}?")
_LATEX_CMD = re.compile(r"\\(?:textit|textbf|emph|mathrm|textsuperscript|textsubscript)\s*")
_LATEX_SPECIAL = re.compile(r"\\([&%$#_])")
_TAG = re.compile(
    r"[\[(]\s*(?:abstract|abstracts|review|reviews|letter|editorial|see comments?|comment|"
    r"published erratum appears in[^\])]*|erratum in[^\])]*|corrected|meeting abstract|"
    r"conference abstract|author'?s transl|in process citation)\s*[\])]",
    re.IGNORECASE,
)
#: Database cross-reference notes appended to a title ("[Erratum appears in ...]", "[Comment in ...]"),
#: often cut off before the closing bracket: they describe other records, not this one.
_XREF_WORDS = (
    r"\s*(?:published\s+)?(?:erratum|errata|corrigendum|comments?|retraction|retracted|"
    r"update|updated|summary for patients|reprint|republished|expression of concern)\s+"
    r"(?:appears?\s+in|in|of|on|to)\b"
)
_XREF_NOTE = re.compile(
    r"\[" + _XREF_WORDS + r"[^\]]*(?:\]|$)|\(" + _XREF_WORDS + r"[^)]*(?:\)|$)", re.IGNORECASE
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
}
_WORDNUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_PART = re.compile(
    r"\b(?:part|paper|phase report|report|study|series)\s+(\d+|[ivx]{1,4}|one|two|three|four|five|six)\b"
)
_TRAILING_ROMAN = re.compile(r"\b(i{1,3}|iv|v|vi{1,3})\s*$")
#: A roman numeral standing alone between sentence marks: "Dual diagnosis. II: outcomes".
_SEGMENT_ROMAN = re.compile(r"(?:^|[.:;]\s*)(i{1,3}|iv|vi{0,3}|ix|x)\s*[.:;)]")
_NOTICE_TITLE = [
    (
        "erratum",
        re.compile(r"^(?:erratum|errata|corrigendum|corrigenda)\b|\berratum\b|\bcorrigendum\b"),
    ),
    ("erratum", re.compile(r"^(?:correction|corrections|notice of correction)\s*(?:[:.–—-]|to\b)")),
    (
        "retraction",
        re.compile(
            r"^(?:retraction|retracted|notice of retraction|withdrawn)\s*(?:[:.–—-]|of\b|note|notice)"
        ),
    ),
    ("reply", re.compile(r"^(?:reply|response|in reply|authors?'? reply)\b")),
    ("reply", re.compile(r"\b(?:authors?'? reply|reply to|in response to)\b")),
    (
        "comment",
        re.compile(r"^(?:comment|commentary|re|letter)\s*(?:[:.–—]|-\s)|\bcomment on\b"),
    ),
]
#: Cheap pre-check: a title without any of these words cannot be a notice.
_NOTICE_WORD = re.compile(
    r"errat|corrig|correction|retract|withdrawn|repl|respon|comment|\bre\b|letter", re.IGNORECASE
)
#: Pre-check for numbered parts (lower-cased title): "part 2", "study ii", "... . II:", "... III".
_PART_HINT = (
    r"\b(?:part|paper|report|study|series)\s+[0-9ivx]|\b(?:part|paper|report|study|series)\s+"
    r"(?:one|two|three|four|five|six)\b|[.:;]\s*[ivx]{1,4}\s*[.:;)]|^[ivx]{1,4}\s*[.:;)]|"
    r"\b[iv]{1,4}\s*$"
)
_NOTICE_TYPES = {
    "erratum": "erratum",
    "correction": "erratum",
    "published erratum": "erratum",
    "retraction of publication": "retraction",
    "retraction notice": "retraction",
    "comment": "comment",
    "letter": "comment",
    "reply": "reply",
}
_ABSTRACT_TYPES = {
    "abst",
    "conf",
    "cpaper",
    "conference abstract",
    "meeting abstract",
    "conference",
}
_ABSTRACT_VENUE = re.compile(
    r"\b(?:congress|conference|meeting|symposium|proceedings|annual scientific|abstracts?)\b"
)
_STOP = frozenset(
    "the of and for in on a an de la le der die des du et fur und official journal's".split()
)
_PARTICLES = frozenset(
    "van von de der den da di del della la le st saint ten ter dos du mc".split()
)
#: "AB", "A.B.", "A.-B." after a surname (Medline, Ovid/HMIC "Surname A.B.").
_INITIALS_STYLE = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")
_DOI_PREFIX = re.compile(r"^(?:https?://)?(?:dx\.)?(?:doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"10\.\d{4,9}/\S+")
_PAGE = re.compile(r"([A-Za-z]{0,4}\d+[A-Za-z]?)(?:\s*[-‐‑–—]+\s*([A-Za-z]{0,4}\d+[A-Za-z]?))?")
_DIGITS = re.compile(r"\d+")
#: Page ranges turned into dates by spreadsheets ("1-6" -> "01-Jun"): unusable, treated as missing.
_EXCEL_DATE = re.compile(
    r"^\s*\d{1,2}[-/ ](?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s*$", re.IGNORECASE
)


def fold(text: str | None) -> str:
    """Lower-case ASCII letters and digits separated by single spaces (entities and accents removed)."""
    if not text:
        return ""
    if text.isascii() and "&" not in text and "\\" not in text and "<" not in text:
        return _NON_ALNUM.sub(" ", text.lower()).strip()
    s = html.unescape(text)
    if "\\" in s:
        s = _LATEX_SPECIAL.sub(r"\1", _LATEX_CMD.sub("", _LATEX_ACCENT.sub(r"\1", s)))
    s = re.sub(r"</?[a-zA-Z][^>]{0,20}>", " ", s)  # <i>, <sup> ...
    for g, name in _GREEK.items():
        if g in s:
            s = s.replace(g, f" {name} ")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("ł", "l")
    s = s.casefold().replace("&", " and ")
    return _NON_ALNUM.sub(" ", s).strip()


def fold_title(title: str | None) -> str:
    """The folded title used for matching: tags like ``[abstract]`` and enclosing brackets removed."""
    if not title:
        return ""
    t = _XREF_NOTE.sub(" ", html.unescape(title)).strip().strip("\"'“”")
    t = _TAG.sub(" ", t)
    t = t.strip().rstrip(".").strip()
    if t.startswith("[") and "]" in t:
        # translated titles: "[Title in English]", sometimes followed by the original title
        end = t.index("]")
        t = t[1:end] if end > 20 else t[1:end] + " " + t[end + 1 :]
    return fold(t)


def _title_part(title_n: str, raw: str = "") -> str | None:
    m = _SEGMENT_ROMAN.search(raw.lower())
    if m:
        return str(_ROMAN[m.group(1)])
    m = _PART.search(title_n)
    if m:
        v = m.group(1)
        num = _ROMAN.get(v) or _WORDNUM.get(v) or (int(v) if v.isdigit() else None)
        return str(num) if num is not None else v
    m = _TRAILING_ROMAN.search(title_n)
    if m and len(title_n) > 20:
        return str(_ROMAN[m.group(1)])
    return None


def notice_kind(title: str | None, rtype: str | None) -> str | None:
    """``erratum``/``retraction``/``reply``/``comment`` for notices about another paper, else None."""
    t = (rtype or "").strip().lower()
    if t in _NOTICE_TYPES:
        return _NOTICE_TYPES[t]
    if not title or not _NOTICE_WORD.search(title):
        return None
    raw = unicodedata.normalize("NFKD", _XREF_NOTE.sub(" ", html.unescape(title))).lower()
    ft = re.sub(r"\s+", " ", raw.strip().lstrip("[\"'“ ")).replace("’", "'")
    for kind, rx in _NOTICE_TITLE:
        if rx.search(ft):
            return kind
    return None


def is_abstract(
    title: str | None, rtype: str | None, journal: str | None, pages: str | None
) -> bool:
    """Conference/meeting abstract (a different publication from the later journal article)."""
    if (rtype or "").strip().lower() in _ABSTRACT_TYPES:
        return True
    if title and re.search(
        r"[\[(]\s*(?:meeting |conference )?abstracts?\s*[\])]", title, re.IGNORECASE
    ):
        return True
    return _abstract_venue(journal)


@lru_cache(maxsize=65536)
def _abstract_venue(journal: str | None) -> bool:
    return bool(journal and _ABSTRACT_VENUE.search(fold(journal)))


def normalise_doi(doi: str | None) -> str | None:
    if not doi:
        return None
    d = _DOI_PREFIX.sub("", doi.strip()).strip().lower()
    m = _DOI_SHAPE.search(d)
    if not m:
        return None
    found = m.group(0).rstrip(".,;)]")
    # a suffix of punctuation only ("10.1000/.") is no DOI: two such records must not match on it
    return found if _DOI_SHAPE.fullmatch(found) else None


def _digits(value: str | None) -> str | None:
    if not value:
        return None
    m = _DIGITS.search(value)
    if not m:
        return None
    return m.group(0).lstrip("0") or "0"


def expand_pages(pages: str | None) -> tuple[str | None, str | None]:
    """First and last page, the last expanded from its abbreviation (``2511-8`` -> 2511, 2518)."""
    if not pages or _EXCEL_DATE.match(pages):
        return None, None
    ranges = _PAGE.findall(pages)
    if not ranges:
        return None, None
    numeric = [r for r in ranges if r[0].isdigit()]
    if len(numeric) > 1 and re.search(r"[,;+]", pages):
        # several ranges ("233-8, 230-5, 246-51"; order differs between databases): lowest first
        ranges = [min(numeric, key=lambda r: int(r[0]))]
    first, last = ranges[0][0].lower(), ranges[0][1].lower() or None
    if last and first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    first = first.lstrip("0") or first
    if last:
        last = last.lstrip("0") or last
    return first, last


@lru_cache(maxsize=1 << 18)
def parse_author(name: str) -> tuple[str, str]:
    """(surname key, initials) from "Surname, Given", "Surname AB" or "Given Surname"."""
    name = html.unescape(name).strip().strip(".;")
    if not name:
        return "", ""
    if "," in name:
        surname, given = name.split(",", 1)
    else:
        parts = name.split()
        if len(parts) > 1 and _INITIALS_STYLE.match(parts[-1]):
            surname, given = " ".join(parts[:-1]), parts[-1]
            given = " ".join(c for c in given if c.isalpha())  # "A.B." -> "A B"
        elif len(parts) > 1:
            # "Given Surname" (particles belong to the surname)
            k = len(parts) - 1
            while k > 1 and parts[k - 1].lower() in _PARTICLES:
                k -= 1
            surname, given = " ".join(parts[k:]), " ".join(parts[:k])
        else:
            surname, given = name, ""
    return surname_key(surname), _initials(given)


def surname_key(surname: str) -> str:
    """Folded surname without particles ("St Peter" -> "peter", "Van Schil" -> "schil")."""
    toks = fold(surname).split()
    while len(toks) > 1 and toks[0] in _PARTICLES:
        toks = toks[1:]
    return "".join(toks)


def _initials(given: str) -> str:
    toks = re.split(r"[\s.\-‐]+", unicodedata.normalize("NFKD", given))
    out = []
    for tok in toks:
        f = fold(tok)
        if f:
            out.append(f[0])
    return "".join(out)


@lru_cache(maxsize=65536)
def journal_key(journal: str | None) -> str:
    """Folded journal name without stop words; alternatives (``A = B``, subtitles) joined by ``|``."""
    if not journal:
        return ""
    journal = re.sub(r"\[[^\]]*\]", " ", journal)
    alts = []
    for part in re.split(r"\s=\s|\s:\s|:\s|;\s|\s\(", journal):
        toks = [t for t in fold(part).split() if t not in _STOP]
        if toks:
            alts.append(" ".join(toks))
    if not alts:
        return ""
    whole = " ".join(t for t in fold(journal).split() if t not in _STOP)
    keys = [whole] + [a for a in alts if a != whole]
    return "|".join(keys)


def prepare(records: pl.DataFrame) -> pl.DataFrame:
    """The prepared matching table (see :data:`PREP_COLUMNS`), one row per input record, same order."""
    get = records.get_column
    n = records.height

    def col(name: str) -> list:
        return get(name).to_list() if name in records.columns else [None] * n

    titles, authors, rtypes = col("title"), col("authors"), col("type")
    journals, abbrevs, pages = col("journal"), col("journal_abbrev"), col("pages")
    out: dict[str, list] = {c: [] for c in PREP_COLUMNS}
    out["record_id"] = col("record_id")
    out["year"] = col("year")
    out["doi_n"] = [normalise_doi(d) for d in col("doi")]
    out["pmid_n"] = [_digits(p) for p in col("pmid")]
    out["volume_n"] = [_digits(v) for v in col("volume")]
    out["issue_n"] = [_digits(v) for v in col("issue")]
    out["issn_n"] = [
        (re.sub(r"[^0-9x]", "", s.lower())[:8] or None) if s else None for s in col("issn")
    ]
    # cheap vectorised pre-checks: the Python checks below run only where these match
    low = pl.col("title").str.to_lowercase() if "title" in records.columns else pl.lit(None)
    rtype_low = pl.col("type").str.to_lowercase() if "type" in records.columns else pl.lit(None)
    masks = records.select(
        (low.str.contains(_NOTICE_WORD.pattern) | rtype_low.is_in(list(_NOTICE_TYPES)))
        .fill_null(False)
        .alias("notice"),
        low.str.contains(_PART_HINT).fill_null(False).alias("part"),
    )
    may_notice = masks.get_column("notice").to_list()
    may_part = masks.get_column("part").to_list()
    for i in range(n):
        title, auth, rtype = titles[i], authors[i] or [], rtypes[i]
        tn = fold_title(title)
        out["title_n"].append(tn)
        out["title_nums"].append(" ".join(sorted(set(_DIGITS.findall(tn)))))
        parsed = [parse_author(a) for a in auth if a and a.strip()]
        parsed = [p for p in parsed if p[0]]
        out["au1"].append(parsed[0][0] if parsed else "")
        out["au1_init"].append(parsed[0][1][:1] if parsed else "")
        out["authors_n"].append(" ".join(p[0] for p in parsed))
        jn = journals[i] or abbrevs[i]
        jk = journal_key(jn)
        if abbrevs[i] and journals[i] and abbrevs[i] != journals[i]:
            ak = journal_key(abbrevs[i])
            if ak and ak not in jk.split("|"):
                jk = f"{jk}|{ak}" if jk else ak
        out["journal_n"].append(jk)
        pf, pl_ = expand_pages(pages[i])
        out["page_first"].append(pf)
        out["page_last"].append(pl_)
        out["is_abstract"].append(is_abstract(title, rtype, jn, pages[i]))
        out["notice"].append(notice_kind(title, rtype) if may_notice[i] else None)
        out["part"].append(_title_part(tn, title) if tn and may_part[i] else None)
        flags = []
        if not tn:
            flags.append("no_title")
        if not parsed:
            flags.append("no_authors")
        out["flag"].append(";".join(flags) or None)
    schema = {
        "record_id": pl.String,
        "doi_n": pl.String,
        "pmid_n": pl.String,
        "title_n": pl.String,
        "title_nums": pl.String,
        "au1": pl.String,
        "au1_init": pl.String,
        "authors_n": pl.String,
        "year": pl.Int32,
        "journal_n": pl.String,
        "volume_n": pl.String,
        "issue_n": pl.String,
        "page_first": pl.String,
        "page_last": pl.String,
        "issn_n": pl.String,
        "is_abstract": pl.Boolean,
        "notice": pl.String,
        "part": pl.String,
        "flag": pl.String,
    }
    return pl.DataFrame(out, schema=schema)
