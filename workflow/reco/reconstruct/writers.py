"""Dialect writers for the reconstructed search exports.

Each writer renders one record (a :class:`Copy`: a work as one database holds it) in the export
format of that database, following real exports in ``../shared/benchmarks/ingest``: Ovid RIS
(numbered records, ``ID`` accession, ``http://dx.doi.org/`` DOIs, ``Y1 - 2019//``, ``NL`` after
``ER``), Ovid tagged text (``<n. >`` markers, ``SO`` with volume/issue/pages), EBSCOhost RIS
(accession in ``N1``, DOI in ``L3``, ``DP - EBSCOhost``), Web of Science plain text (``FN``/``VR``
header, three-space continuation lines, ``ER``/``EF``), Cochrane Library RIS (``CN-`` ids),
PubMed MEDLINE (``.nbib``: ``FAU``/``AU``, ``[doi]`` ids, six-space continuations), and RIS as
written by EndNote (alphabetical tags, untagged continuation lines) and Zotero.
"""

from __future__ import annotations

import html
import textwrap
import unicodedata
from dataclasses import dataclass, field

from reco.reconstruct.search_vocab import Journal
from reco.reconstruct.search_works import CONCEPTS, MARKER, Author, Work

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass
class Copy:
    """One record: a work as a given export holds it (after per-copy variation)."""

    work: Work
    stem: str
    native_id: str
    title: str
    doi: str
    issue: str
    abstract: str
    month: int
    accession: str = ""  # secondary accession (CINAHL AN, PMID in EndNote AN)
    journal_variant: str = "full"  # "full" or "alt" (the journal's variant title)
    provider: str = ""  # EndNote DP (database provider) of records not imported from PubMed
    variations: list[str] = field(default_factory=list)


def strip_accents(s: str) -> str:
    s = s.replace("ø", "o").replace("Ø", "O").replace("Ł", "L").replace("ł", "l")
    s = s.replace("å", "a").replace("Å", "A").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def abbreviate_pages(sp: str, ep: str) -> str:
    """MEDLINE page style: 2511-2518 -> 2511-8, 188-197 -> 188-97."""
    if not ep:
        return sp
    if len(sp) == len(ep) and sp.isdigit() and ep.isdigit():
        i = 0
        while i < len(sp) - 1 and sp[i] == ep[i]:
            i += 1
        return f"{sp}-{ep[i:]}"
    return f"{sp}-{ep}"


def _given_spaced(a: Author) -> str:
    return " ".join(a.initials) if a.initials_only else a.given


def au_full(a: Author) -> str:
    """Ovid / EBSCO / Zotero: 'Surname, Given' ('Surname, D A' when only initials are known)."""
    return f"{a.surname}, {_given_spaced(a)}" if a.given else a.surname


def au_medline(a: Author) -> str:
    return f"{a.surname} {a.initials}" if a.given else a.surname


def au_wos(a: Author) -> str:
    return f"{strip_accents(a.surname)}, {a.initials}" if a.given else strip_accents(a.surname)


def au_dotted(a: Author, comma: bool = True) -> str:
    """EndNote/Cochrane 'Surname, A. B.'; Embase tagged 'Surname A.B.'."""
    if not a.given:
        return a.surname
    if comma:
        return f"{a.surname}, " + " ".join(f"{c}." for c in a.initials)
    return f"{a.surname} " + "".join(f"{c}." for c in a.initials)


def journal_full(j: Journal, variant: str) -> str:
    return j.alt if (variant == "alt" and j.alt) else j.full


def sentence_case(name: str) -> str:
    """NLM JT style: 'Journal of dual diagnosis' (acronyms kept)."""
    words = name.split()
    out = []
    for i, w in enumerate(words):
        if i == 0 or w.isupper() or w in ("PLoS", "ONE", "BMC", "NHS", "UK"):
            out.append(w)
        elif w.rstrip(":,").istitle() and w.rstrip(":,") in (
            "American",
            "Australian",
            "British",
            "European",
            "Scottish",
            "New",
            "Zealand",
            "Cochrane",
        ):
            out.append(w)
        else:
            out.append(w.lower())
    return " ".join(out)


def dotted_abbrev(j: Journal) -> str:
    """Embase/WoS JI style: 'Br. J. Psychiatry' (abbreviated words take a full stop)."""
    full_words = {w.lower().strip(":,&") for w in j.full.split()}
    out = []
    for tok in j.nlm.split():
        if (tok.lower() in full_words or not tok.isalpha() or tok.isupper()) and len(tok) > 1:
            out.append(tok)
        else:
            out.append(tok + ".")
    return " ".join(out)


def _concept_terms(w: Work, col: int) -> list[str]:
    return [CONCEPTS[c][col] for c in w.concepts if c in CONCEPTS and CONCEPTS[c][col]]


def _ris(tag: str, value: str) -> str:
    return f"{tag}  - {value}"


def _ttype(w: Work) -> str:
    return {"report": "RPRT", "book": "BOOK", "thesis": "THES", "conference_abstract": "CONF"}.get(
        w.pub_type, "JOUR"
    )


# -------------------------------------------------------------------------------- Ovid RIS

OVID_DB = {
    "medline_ovid": (
        "medl",
        "Ovid MEDLINE(R) and Epub Ahead of Print, In-Process & Other "
        "Non-Indexed Citations and Daily <1946 to March 12, 2020>",
    ),
    "embase_ovid": ("emexa", "Embase <1974 to 2020 March 12>"),
    "psycinfo_ovid": ("psyc6", "APA PsycInfo <1806 to March Week 1 2020>"),
}
_EMBASE_TYPE = {
    "journal_article": "Article",
    "conference_abstract": "Conference Abstract",
    "erratum": "Erratum",
    "comment": "Letter",
    "reply": "Letter",
}
_MEDLINE_TYPE = {
    "journal_article": "Journal Article",
    "erratum": "Published Erratum",
    "comment": "Comment",
    "reply": "Letter",
}


def ovid_ris(c: Copy, n: int) -> list[str]:
    w, j = c.work, c.work.journal
    code = OVID_DB[c.stem][0]
    lines = [f"{n}.", _ris("TY", _ttype(w)), _ris("ID", c.native_id)]
    if c.doi:
        lines.append(_ris("DO", f"http://dx.doi.org/{c.doi}"))
    lines.append(_ris("T1", c.title))
    lines += [_ris("A1", au_full(a)) for a in w.authors]
    lines.append(_ris("Y1", f"{w.year}//"))
    if c.abstract:
        lines.append(_ris("N2", c.abstract))
    col = {"medline_ovid": 0, "embase_ovid": 1, "psycinfo_ovid": 2}[c.stem]
    for term in _concept_terms(w, col):
        lines.append(_ris("KW", ("*" if col == 2 and term in _major(w, col) else "") + term))
    if c.stem == "embase_ovid":
        lines.append(_ris("M3", _EMBASE_TYPE.get(w.pub_type, "Article")))
    elif c.stem == "medline_ovid":
        pt = _MEDLINE_TYPE.get(w.pub_type, "Journal Article")
        if w.design == "review" and w.pub_type == "journal_article":
            pt = "Review"
        lines.append(_ris("M3", pt))
    if j:
        lines.append(_ris("JF", journal_full(j, c.journal_variant)))
        if c.stem == "medline_ovid":
            lines.append(_ris("JA", j.nlm))
        elif c.stem == "embase_ovid":
            lines.append(_ris("JA", dotted_abbrev(j)))
        if w.volume:
            lines.append(_ris("VL", w.volume))
        if c.issue:
            lines.append(_ris("IS", c.issue))
        if w.spage:
            lines.append(_ris("SP", w.spage))
            if w.epage:
                lines.append(_ris("EP", w.epage))
        elif c.stem == "psycinfo_ovid":
            lines += [_ris("SP", "No"), _ris("EP", "Specified")]
        lines.append(_ris("CY", j.city))
        lines.append(_ris("PB", j.publisher))
        lines.append(_ris("SN", j.issn))
    else:
        if w.place:
            lines.append(_ris("CY", w.place))
        if w.publisher:
            lines.append(_ris("PB", w.publisher))
    if c.doi:
        lines.append(_ris("DO", f"http://dx.doi.org/{c.doi}"))
    lines.append(_ris("N1", MARKER))
    lines.append(
        _ris(
            "L2",
            f"http://ovidsp.ovid.com/ovidweb.cgi?T=JS&PAGE=reference&D={code}"
            f"&NEWS=N&AN={c.native_id}",
        )
    )
    lines.append("ER  -")
    if c.stem == "psycinfo_ovid" and j:
        lines.append(_ris("NL", j.nlm))
    lines.append("")
    lines.append(
        "Link to the Ovid Full Text or citation: http://ovidsp.ovid.com/ovidweb.cgi?"
        f"T=JS&CSC=Y&NEWS=N&PAGE=fulltext&D={code}&AN={c.native_id}"
    )
    lines.append("")
    return lines


def _major(w: Work, col: int) -> set[str]:
    terms = _concept_terms(w, col)
    return set(terms[1:3])


# ----------------------------------------------------------------------------- Ovid tagged


def ovid_tagged(c: Copy, n: int) -> list[str]:
    """HMIC on Ovid, 'Complete Reference' tagged text (the Embase sample's layout)."""
    w, j = c.work, c.work.journal
    lines = [
        f"<{n}. >",
        "VN  - Ovid Technologies",
        "DB  - HMIC Health Management Information Consortium",
        f"UI  - {c.native_id}",
    ]
    lines.append(f"TI  - {strip_accents(c.title)}")
    if j:
        vol = f"{w.volume} ({c.issue})" if c.issue else w.volume
        pages = (
            f"(pp {w.spage}-{w.epage})"
            if w.epage
            else (f"(pp {w.spage})" if w.spage else "(no pagination)")
        )
        lines.append(
            f"SO  - {journal_full(j, c.journal_variant)}. {vol} {pages}, {w.year}. "
            f"Date of Publication: {MONTHS[c.month - 1]} {w.year}."
        )
    else:
        lines.append(f"SO  - {w.place}: {w.publisher}, {w.year}. {w.year}.")
    for a in w.authors:
        lines.append(f"AU  - {strip_accents(au_dotted(a, comma=False))}")
    if w.country == "UK" or w.cls in ("core_uk_service_model", "policy_grey"):
        lines.append("CP  - United Kingdom")
    if w.publisher:
        lines.append(f"PB  - {w.publisher}")
    terms = _concept_terms(w, 3)
    for t in terms:
        lines.append(f"MH  - {t}")
    if c.abstract:
        lines.append(f"AB  - {c.abstract}")
    if j:
        lines.append(f"IS  - {j.issn}")
    if c.doi:
        lines.append(f"DO  - http://dx.doi.org/{c.doi}")
    lines.append("LG  - English")
    lines.append(
        "PT  - "
        + {"report": "Report", "book": "Book", "thesis": "Thesis"}.get(
            w.pub_type, "Journal Article"
        )
    )
    lines.append(f"YR  - {w.year}")
    lines.append(f"NT  - {MARKER}")
    lines.append("")
    return lines


# ------------------------------------------------------------------------------- EBSCO RIS


def ebsco_ris(c: Copy, n: int) -> list[str]:
    w, j = c.work, c.work.journal
    lines = [_ris("TY", _ttype(w))]
    lines += [_ris("AU", au_full(a)) for a in w.authors]
    lines.append(_ris("T1", c.title))
    if j:
        name = journal_full(j, c.journal_variant)
        lines += [_ris("JO", name), _ris("JF", name)]
    lines.append(_ris("Y1", f"{w.year}/{c.month:02d}//"))
    if j and w.volume:
        lines.append(_ris("VL", w.volume))
    if j and c.issue:
        lines.append(_ris("IS", c.issue))
    m3 = {
        "journal_article": "Article",
        "report": "Report",
        "book": "Book",
        "thesis": "Dissertation",
    }.get(w.pub_type, "Article")
    lines.append(_ris("M3", m3))
    if w.spage:
        lines.append(_ris("SP", w.spage))
        if w.epage:
            lines.append(_ris("EP", w.epage))
    if j:
        lines.append(_ris("PB", j.publisher))
        lines.append(_ris("SN", j.issn.replace("-", "")))
    if c.abstract:
        lines.append(_ris("AB", c.abstract))
    for t in _concept_terms(w, 3):
        head, _, rest = t.partition(" ")
        lines.append(_ris("KW", head.upper() + (" " + rest if rest else "")))
    lines.append(
        _ris(
            "N1",
            f"Accession Number: {c.accession}. Language: English. Entry Date: "
            f"{min(w.year * 10000 + c.month * 100 + 15, 20200312)}. Publication Type: {m3}.",
        )
    )
    lines.append(_ris("N1", MARKER))
    if c.doi:
        lines.append(_ris("L3", c.doi))
    lines.append(
        _ris(
            "UR",
            "https://search.ebscohost.com/login.aspx?direct=true&db=rzh&AN="
            f"{c.accession}&site=ehost-live",
        )
    )
    lines += [_ris("DP", "EBSCOhost"), _ris("DB", "rzh"), "ER  - ", ""]
    return lines


# ---------------------------------------------------------------------- WoS plain text


def _wos_wrap(tag: str, text: str, width: int = 70) -> list[str]:
    chunks = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    return [f"{tag} {chunks[0]}"] + [f"   {x}" for x in chunks[1:]] if chunks else []


def _wos_list(tag: str, items: list[str]) -> list[str]:
    return [f"{tag if i == 0 else '  '} {x}" for i, x in enumerate(items)]


_WOS_DT = {
    "journal_article": "Article",
    "conference_abstract": "Meeting Abstract",
    "erratum": "Correction",
    "comment": "Letter",
    "reply": "Letter",
}


def wos_plain(c: Copy, n: int) -> list[str]:
    w, j = c.work, c.work.journal
    lines = ["PT J"]
    lines += _wos_list("AU", [au_wos(a) for a in w.authors])
    lines += _wos_list("AF", [strip_accents(au_full(a)) for a in w.authors])
    lines += _wos_wrap("TI", strip_accents(c.title))
    if j:
        lines += _wos_wrap("SO", journal_full(j, c.journal_variant).upper())
    if w.conference:
        lines.append(f"CT {w.conference}")
    lines.append("LA English")
    dt = _WOS_DT.get(w.pub_type, "Article")
    if w.design == "review" and w.pub_type == "journal_article":
        dt = "Review"
    lines.append(f"DT {dt}")
    de = _concept_terms(w, 4)
    if de:
        lines += _wos_wrap("DE", "; ".join(de[:6]))
    if len(de) > 2:
        lines += _wos_wrap("ID", "; ".join(t.upper() for t in de[2:]))
    if c.abstract:
        lines.append(f"AB {c.abstract}")
    lines.append(f"NO {MARKER}")
    lines += [f"NR {30 + (int(c.native_id[-3:]) % 40)}", "TC 0", "Z9 0"]
    if j:
        lines += [
            f"PU {j.publisher.upper()}",
            f"PI {j.city.upper()}",
            f"SN {j.issn}",
            f"J9 {j.j9}",
            f"JI {dotted_abbrev(j)}",
        ]
    lines.append(f"PD {MONTHS[c.month - 1].upper()}")
    lines.append(f"PY {w.year}")
    if w.volume:
        lines.append(f"VL {w.volume}")
    if c.issue:
        lines.append(f"IS {c.issue}")
    if w.spage and w.epage:
        lines += [f"BP {w.spage}", f"EP {w.epage}"]
    elif w.spage:
        lines.append(f"AR {w.spage}")
    if c.doi:
        lines.append(f"DI {c.doi}")
    if w.spage and w.epage and w.spage.isdigit() and w.epage.isdigit():
        lines.append(f"PG {int(w.epage) - int(w.spage) + 1}")
    lines.append(f"UT {c.native_id}")
    lines += ["DA 2020-03-13", "ER", ""]
    return lines


# ---------------------------------------------------------------------- Cochrane RIS


def cochrane_ris(c: Copy, n: int) -> list[str]:
    w, j = c.work, c.work.journal
    lines = [_ris("TY", _ttype(w)), _ris("ID", c.native_id)]
    lines += [_ris("AU", au_dotted(a)) for a in w.authors]
    lines.append(_ris("TI", c.title))
    if j:
        lines.append(_ris("JO", sentence_case(journal_full(j, c.journal_variant))))
    lines.append(_ris("PY", str(w.year)))
    if w.volume:
        lines.append(_ris("VL", w.volume))
    if c.issue:
        lines.append(_ris("IS", c.issue))
    if w.spage:
        lines.append(_ris("SP", f"{w.spage}-{w.epage}" if w.epage else w.spage))
    for t in _concept_terms(w, 0):
        lines.append(_ris("KW", t))
    if c.doi:
        lines.append(_ris("DO", c.doi))
    if c.abstract:
        lines.append(_ris("AB", c.abstract))
    if w.pub_type == "conference_abstract":
        lines.append(_ris("M3", "Conference Abstract"))
    lines.append(_ris("N1", MARKER))
    lines += ["ER  - ", ""]
    return lines


# --------------------------------------------------------------------- PubMed MEDLINE


def _nbib(tag: str, text: str) -> list[str]:
    chunks = textwrap.wrap(text, width=82, break_long_words=False, break_on_hyphens=False)
    if not chunks:
        return []
    return [f"{tag:<4}- {chunks[0]}"] + [f"      {x}" for x in chunks[1:]]


def pubmed_nbib(c: Copy, n: int) -> list[str]:
    w, j = c.work, c.work.journal
    assert j is not None
    mon = MONTHS[c.month - 1]
    lines = [
        f"PMID- {c.native_id}",
        "OWN - NLM",
        "STAT- MEDLINE",
        f"DCOM- {min((w.year + 1) * 10000 + c.month * 100 + 10, 20200925)}",
        f"IS  - {j.issn} (Print)",
    ]
    if w.volume:
        lines.append(f"VI  - {w.volume}")
    if c.issue:
        lines.append(f"IP  - {c.issue}")
    lines.append(f"DP  - {w.year} {mon}")
    lines += _nbib("TI", c.title)
    pg = abbreviate_pages(w.spage, w.epage)
    if pg:
        lines.append(f"PG  - {pg}")
    if c.doi:
        lines.append(f"LID - {c.doi} [doi]")
    if c.abstract:
        lines += _nbib("AB", c.abstract)
    for a in w.authors:
        if a.given:
            lines.append(f"FAU - {au_full(a)}")
            lines.append(f"AU  - {au_medline(a)}")
        else:
            lines.append(f"CN  - {a.surname}")
    lines.append("LA  - eng")
    pt = _MEDLINE_TYPE.get(w.pub_type, "Journal Article")
    lines.append(f"PT  - {pt}")
    if w.design == "review" and w.pub_type == "journal_article":
        lines.append("PT  - Review")
    if w.design == "rct":
        lines.append("PT  - Randomized Controlled Trial")
    lines.append(f"GN  - {MARKER}")
    lines += [f"TA  - {j.nlm}", f"JT  - {sentence_case(j.full)}"]
    for t in _concept_terms(w, 0):
        lines.append(f"MH  - {t}")
    lines.append(f"EDAT- {w.year}/{c.month:02d}/01 00:00")
    if c.doi:
        lines.append(f"AID - {c.doi} [doi]")
    lines.append("PST - ppublish")
    so = f"{j.nlm}. {w.year} {mon}"
    so += f";{w.volume}" if w.volume else ""
    so += f"({c.issue})" if c.issue else ""
    so += f":{pg}." if pg else "."
    if c.doi:
        so += f" doi: {c.doi}."
    lines += _nbib("SO", so)
    lines.append("")
    return lines


# ------------------------------------------------------------------------ EndNote RIS


def endnote_ris(c: Copy, n: int) -> list[str]:
    """RIS as EndNote writes it: tags in alphabetical order, lists on untagged lines, ID last."""
    w, j = c.work, c.work.journal
    fields: list[tuple[str, str]] = []
    if c.abstract:
        fields.append(("AB", c.abstract))
    if c.accession:
        fields.append(("AN", c.accession))
    fields += [("AU", au_dotted(a)) for a in w.authors]
    if w.place:
        fields.append(("CY", w.place))
    fields.append(("DA", MONTHS[c.month - 1]))
    if c.doi:
        fields.append(("DO", c.doi))
    if c.issue and j:
        fields.append(("IS", c.issue))
    kw = _concept_terms(w, 0)
    if kw:
        fields.append(("KW", "\n".join(kw)))
    fields.append(("LA", "eng"))
    note = [MARKER]
    if j:
        note.append(
            f"{j.nlm}. {w.year};{w.volume}"
            + (f"({c.issue})" if c.issue else "")
            + (f":{abbreviate_pages(w.spage, w.epage)}." if w.spage else ".")
        )
    fields.append(("N1", "\n".join(note)))
    if w.publisher:
        fields.append(("PB", w.publisher))
    fields.append(("DP", "NLM" if c.accession else c.provider))
    fields.append(("PY", str(w.year)))
    if j:
        fields.append(("SN", j.issn))
    if w.spage:
        fields.append(("SP", abbreviate_pages(w.spage, w.epage)))
    fields.append(("ST", c.title))
    if j:
        fields.append(("T2", j.nlm))
    fields.append(("TI", c.title))
    if w.volume and j:
        fields.append(("VL", w.volume))
    fields.sort(key=lambda kv: kv[0])
    lines = [_ris("TY", _ttype(w))]
    lines += [_ris(k, v) for k, v in fields]
    lines.append(_ris("ID", c.native_id))
    lines += ["ER  - ", ""]
    return lines


# ------------------------------------------------------------------------- Zotero RIS


def zotero_ris(c: Copy, n: int) -> list[str]:
    w, j = c.work, c.work.journal
    lines = [_ris("TY", _ttype(w)), _ris("TI", c.title)]
    lines += [_ris("AU", au_dotted(a) if a.initials_only else au_full(a)) for a in w.authors]
    if j:
        lines.append(_ris("T2", sentence_case(journal_full(j, c.journal_variant))))
    if c.abstract:
        lines.append(_ris("AB", c.abstract))
    if w.place:
        lines.append(_ris("CY", w.place))
    lines.append(_ris("DA", f"{w.year}/{c.month:02d}//"))
    lines.append(_ris("PY", str(w.year)))
    if c.doi:
        lines.append(_ris("DO", c.doi))
    if w.volume and j:
        lines.append(_ris("VL", w.volume))
    if c.issue and j:
        lines.append(_ris("IS", c.issue))
    if w.spage:
        lines.append(_ris("SP", w.spage))
        if w.epage:
            lines.append(_ris("EP", w.epage))
    if w.publisher:
        lines.append(_ris("PB", w.publisher))
    if j:
        lines.append(_ris("J2", j.nlm))
    lines.append(_ris("LA", "en"))
    if j:
        lines.append(_ris("SN", j.issn))
    for t in _concept_terms(w, 4):
        lines.append(_ris("KW", t))
    lines.append(_ris("N1", MARKER))
    lines += ["ER  -", ""]
    return lines


def html_escape_title(title: str) -> str:
    return html.escape(title, quote=False)


#: stem -> (writer, newline, BOM, preamble lines, closing lines)
DIALECTS = {
    "medline_ovid": (ovid_ris, "\r\n", False, [], []),
    "embase_ovid": (ovid_ris, "\r\n", False, [], []),
    "psycinfo_ovid": (ovid_ris, "\r\n", False, [], []),
    "cinahl_ebsco": (ebsco_ris, "\r\n", False, [], []),
    "wos_core": (
        wos_plain,
        "\r\n",
        True,
        ["FN Clarivate Analytics Web of Science", "VR 1.0"],
        ["EF"],
    ),
    "cochrane_library": (cochrane_ris, "\n", False, [], []),
    "hmic_ovid": (ovid_tagged, "\r\n", False, [], ["", ""]),
    "iterative_cluster_endnote": (endnote_ris, "\n", False, [""], []),
    "iterative_citations_pubmed": (pubmed_nbib, "\n", False, [], []),
    "iterative_theory_zotero": (zotero_ris, "\n", False, [], []),
}

EXTENSIONS = {"wos_core": ".txt", "hmic_ovid": ".txt", "iterative_citations_pubmed": ".nbib"}


def render_file(stem: str, copies: list[Copy]) -> bytes:
    writer, nl, bom, pre, post = DIALECTS[stem]
    lines: list[str] = list(pre)
    for i, c in enumerate(copies, start=1):
        lines += writer(c, i)
    lines += post
    text = nl.join(lines)
    if stem == "wos_core":
        text = text.rstrip(nl)  # the real files end with "EF" and no newline
    elif not text.endswith(nl):
        text += nl
    data = text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data
