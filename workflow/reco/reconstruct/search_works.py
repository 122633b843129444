"""The works of the reconstructed RECO search: real Lancet references, synthetic works and traps.

A *work* is one publication. The search part decides how many works of each relevance class exist,
writes their bibliographic content once (title, authors, journal, pages, DOI, abstract) and then
decides which exports hold a copy of each (:func:`assign_files`). Copies are rendered per database
dialect in :mod:`reco.reconstruct.writers`; nothing a copy carries identifies its work except the
bibliographic content itself.
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from reco.reconstruct import search_vocab as V

#: The export files: stem -> (database label, capacity = number of records).
FILES: dict[str, tuple[str, int]] = {
    "medline_ovid": ("Medline", 1650),
    "embase_ovid": ("EMBASE", 2350),
    "psycinfo_ovid": ("PsycInfo", 1400),
    "cinahl_ebsco": ("CINAHL", 900),
    "wos_core": ("Web of Science", 850),
    "cochrane_library": ("Cochrane Library", 250),
    "hmic_ovid": ("HMIC", 240),
    "iterative_cluster_endnote": ("CLUSTER searching", 150),
    "iterative_citations_pubmed": ("Citation tracking", 140),
    "iterative_theory_zotero": ("Theory searches", 78),
}
DB_LETTER = {
    "M": "medline_ovid",
    "E": "embase_ovid",
    "P": "psycinfo_ovid",
    "C": "cinahl_ebsco",
    "W": "wos_core",
    "H": "hmic_ovid",
}

#: Unique works in the reconstruction (HTA report and Lancet paper: 5099 after de-duplication).
N_WORKS = 5099

#: Synthetic works per relevance class (real references and trap partners come on top; the
#: off_topic class absorbs the remainder so that the total is exactly N_WORKS).
CLASS_TARGETS = {
    "core_uk_service_model": 62,
    "core_service_model": 400,
    "intervention_trial": 215,
    "related_service": 290,
    "background_comorbidity": 780,
    "specialist_setting": 420,
    "pharmacology": 240,
    "lmic_setting": 150,
    "theory_framework": 40,
    "policy_grey": 12,
}

#: Copies per work (1..5): relative weights by class (adjusted afterwards to the exact total).
K_WEIGHTS = {
    "core_uk_service_model": [20, 30, 25, 15, 10],
    "core_service_model": [25, 35, 22, 12, 6],
    "intervention_trial": [22, 33, 25, 13, 7],
    "related_service": [30, 35, 20, 10, 5],
    "background_comorbidity": [45, 33, 14, 6, 2],
    "specialist_setting": [48, 32, 13, 5, 2],
    "pharmacology": [48, 32, 13, 5, 2],
    "lmic_setting": [55, 30, 10, 4, 1],
    "off_topic": [68, 22, 7, 2, 1],
    "theory_framework": [80, 15, 5, 0, 0],
    "policy_grey": [75, 25, 0, 0, 0],
    "non_research": [60, 30, 10, 0, 0],
}

#: Affinity of each class for each export (multiplies the remaining capacity when copies are
#: placed; 0 = never there). Database exports also require the journal to be indexed there.
AFFINITY = {
    #                     medl  emb  psyc cin  wos  coch hmic clus cit  theo
    "core_uk_service_model": [1.0, 1.0, 1.2, 1.5, 1.0, 0.0, 4.0, 3.0, 2.0, 0.2],
    "core_service_model": [1.0, 1.0, 1.3, 1.2, 1.0, 0.0, 1.2, 2.5, 2.0, 0.3],
    "intervention_trial": [1.2, 1.2, 1.2, 0.8, 1.0, 3.0, 0.3, 1.0, 1.5, 0.0],
    "related_service": [1.0, 1.0, 1.3, 1.5, 1.0, 0.0, 1.5, 1.5, 1.5, 0.2],
    "background_comorbidity": [1.2, 1.3, 1.1, 0.6, 1.1, 0.0, 0.3, 0.2, 0.6, 0.0],
    "specialist_setting": [1.0, 1.1, 1.1, 1.0, 1.0, 0.5, 0.6, 0.1, 0.2, 0.0],
    "pharmacology": [1.3, 1.5, 0.8, 0.4, 1.0, 3.0, 0.0, 0.0, 0.2, 0.0],
    "lmic_setting": [1.0, 1.3, 1.0, 0.6, 1.2, 0.5, 0.0, 0.0, 0.0, 0.0],
    "off_topic": [1.0, 1.4, 1.0, 0.8, 1.0, 1.0, 0.15, 0.0, 0.0, 0.0],
    "theory_framework": [0.3, 0.3, 0.4, 0.3, 0.5, 0.0, 0.5, 0.5, 0.0, 5.0],
    "policy_grey": [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0, 1.0, 0.0, 3.0],
    "non_research": [1.0, 1.0, 0.8, 0.5, 1.0, 0.0, 0.1, 0.0, 0.0, 0.0],
}
FILE_ORDER = list(FILES)

MARKER = "Reconstructed record: RECO reconstruction dataset (synthetic export, not a real database record)"


@dataclass
class Author:
    surname: str
    given: str  # full given names ("Sarah J") or initials only ("DA") for the real references
    initials_only: bool = False

    @property
    def initials(self) -> str:
        if self.initials_only:
            return self.given.replace(" ", "").replace(".", "")
        return "".join(p[0] for p in re.split(r"[\s-]+", self.given) if p)


@dataclass
class Work:
    work_id: str
    cls: str
    pub_type: (
        str  # journal_article, conference_abstract, erratum, comment, reply, report, book, thesis
    )
    design: str
    title: str
    authors: list[Author]
    year: int
    journal: V.Journal | None = None
    volume: str = ""
    issue: str = ""
    spage: str = ""
    epage: str = ""
    doi: str = ""
    abstract: str = ""
    concepts: list[str] = field(default_factory=list)
    country: str = ""
    publisher: str = ""  # reports/books
    place: str = ""
    conference: str = ""
    real_refs: list[int] = field(default_factory=list)
    trap_kind: str = ""
    trap_of: str = ""
    k: int = 1
    eligible: dict[str, float] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    @property
    def is_real(self) -> bool:
        return bool(self.real_refs)


# --------------------------------------------------------------------------- real references

#: Lancet reference -> (relevance class, journal key or "", forced export stems or None).
#: Background references absent here are not planted (see PROVENANCE.md for the rule).
REAL_PLAN: dict[int, tuple[str, str, list[str] | None]] = {
    # background literature a database search plausibly returns (journal articles to March 2020)
    1: ("background_comorbidity", "jama", None),
    2: ("background_comorbidity", "sppe", None),
    3: ("background_comorbidity", "bjp", None),
    4: ("background_comorbidity", "aps", None),
    5: ("background_comorbidity", "plosone", None),
    6: ("background_comorbidity", "schizres", None),
    7: ("background_comorbidity", "sppe", None),
    9: ("background_comorbidity", "aps", None),
    10: ("related_service", "add", None),
    14: ("intervention_trial", "cdsr", None),  # printed again as 18: one work
    15: ("related_service", "bmj", None),
    16: ("background_comorbidity", "addbeh", None),
    17: ("related_service", "addbehrep", None),
    30: ("background_comorbidity", "ijerph", None),
    31: ("core_service_model", "ijsp", None),
    # published after the database searches (13 March 2020): found by citation tracking only
    11: ("core_service_model", "worldpsy", ["iterative_citations_pubmed"]),
    13: ("core_service_model", "jclinmed", ["iterative_citations_pubmed"]),
    # UK grey literature indexed by HMIC (Department of Health, PHE, Welsh Government, NICE)
    19: ("policy_grey", "", ["hmic_ovid", "iterative_theory_zotero"]),
    20: ("policy_grey", "", ["hmic_ovid"]),
    21: ("policy_grey", "", ["hmic_ovid"]),
    29: ("policy_grey", "", ["hmic_ovid", "iterative_cluster_endnote"]),
    12: ("policy_grey", "", ["iterative_cluster_endnote"]),
    # formal theory found by the theory searches
    44: ("theory_framework", "healthpol", ["iterative_theory_zotero"]),
    61: ("theory_framework", "jms", ["iterative_theory_zotero"]),
    104: ("theory_framework", "medhyp", ["iterative_theory_zotero"]),
    106: ("theory_framework", "bmcmed", ["iterative_theory_zotero"]),
    105: ("theory_framework", "", ["iterative_theory_zotero"]),
    # included studies cited in the Lancet Results
    45: ("core_service_model", "psychq", None),
    46: ("core_uk_service_model", "add", None),
    47: ("core_uk_service_model", "", ["hmic_ovid", "iterative_cluster_endnote"]),
    48: ("core_service_model", "add", None),
    49: ("related_service", "jemh", None),
    50: ("core_service_model", "collegian", None),
    51: ("core_service_model", "jdd", None),
    52: ("core_service_model", "jdd", None),
    53: ("core_service_model", "ajpr", None),
    54: ("core_service_model", "ajpr", None),
    55: ("related_service", "apmh", None),
    56: ("core_uk_service_model", "dar", None),
    57: ("core_service_model", "jdd", None),
    58: ("core_service_model", "jbhsr", None),
    59: ("core_service_model", "sum", None),
    60: ("core_service_model", "imhn", None),
    62: ("core_uk_service_model", "jpmhn", None),
    63: ("core_service_model", "prs", None),
    64: ("related_service", "cpr", None),
    65: ("related_service", "jdd", None),
    66: ("core_uk_service_model", "psychbull", None),  # printed again as 100: one work
    67: ("core_service_model", "jdd", None),
    68: ("core_service_model", "ahr", None),
    69: ("core_uk_service_model", "add", None),
    70: ("core_uk_service_model", "practice", None),
    71: ("core_service_model", "apn", None),
    72: ("core_service_model", "cogent", None),
    73: ("related_service", "jsat", None),
    74: ("core_service_model", "atq", None),
    75: ("core_uk_service_model", "", ["iterative_cluster_endnote"]),
    76: ("core_service_model", "arh", None),
    77: ("core_service_model", "jdd", None),
    78: ("related_service", "jswpa", None),
    79: ("related_service", "jdd", None),
    80: ("related_service", "psychserv", None),
    81: ("related_service", "swe", None),
    82: ("core_service_model", "ndmhs", None),
    83: ("core_service_model", "ajpr", None),
    84: ("core_service_model", "add", None),
    85: ("core_service_model", "affilia", None),
    86: ("related_service", "ijmha", None),
    87: ("core_service_model", "dar", None),
    88: ("core_service_model", "jdd", None),
    89: ("core_service_model", "depp", None),
    90: ("core_service_model", "jbhsr", None),
    91: ("core_uk_service_model", "add", None),
    92: ("core_uk_service_model", "add", None),
    93: ("core_service_model", "rswp", None),
    94: ("core_service_model", "ajad", None),
    95: ("core_uk_service_model", "nt", None),
    96: ("core_uk_service_model", "bjn", None),
    97: ("core_service_model", "jdd", None),
    98: ("core_service_model", "jmdh", None),
    99: ("core_uk_service_model", "add", None),
    101: ("core_uk_service_model", "jmh", None),
}
#: References printed twice in the Lancet list: the second number is the same work as the first.
REAL_ALIASES = {18: 14, 36: 34, 100: 66}

#: Results references (cited in the Lancet Results, 44-101) that are real included studies.
RESULTS_REFS = tuple(range(44, 102))


def _parse_authors(text: str) -> list[Author]:
    text = text.replace(", et al.", "").replace(" et al.", "").strip().rstrip(".")
    parts = [p.strip() for p in text.split(",") if p.strip()]
    out: list[Author] = []
    for part in parts:
        if part in ("Jr.", "Jr") and out:
            out[-1].surname += " Jr"
            continue
        if part.startswith("E. "):  # ref 92 prints "E. Anderson S"
            part = part[3:]
        tokens = part.split()
        if len(tokens) >= 2 and tokens[-1].isupper() and len(tokens[-1]) <= 3:
            surname = " ".join(tokens[:-1])
            initials = tokens[-1]
            if surname.endswith(" Jr"):
                pass
            out.append(Author(surname, initials, initials_only=True))
        else:  # corporate author
            out.append(Author(part, "", initials_only=True))
    return out


def load_real_works(sources: Path) -> list[Work]:
    """The planted real Lancet references, one work per distinct publication."""
    rows = {
        int(r["ref_no"]): r
        for r in csv.DictReader(open(sources / "lancet_references.csv", encoding="utf-8"))
    }
    works: list[Work] = []
    for ref in sorted(REAL_PLAN):
        cls, jkey, forced = REAL_PLAN[ref]
        row = rows[ref]
        if ref == 66:  # 66 and 100 are one paper; 100 prints all authors and the right year
            row = {**rows[100], "ref_type": "journal"}
        refs = [ref] + sorted(a for a, b in REAL_ALIASES.items() if b == ref)
        pages = row["pages"].strip()
        spage, epage = _split_pages(pages)
        pub_type = {
            "journal": "journal_article",
            "report": "report",
            "other": "thesis",
            "book": "book",
        }.get(row["ref_type"], "journal_article")
        title = row["title"].strip().rstrip(".")
        if ref == 47:
            title = "Co-morbid Mental Health and Substance Misuse in Scotland"
        issue = row["issue"].strip()
        volume = row["volume"].strip()
        if ref == 14:  # ref 14 prints the issue as volume; ref 18 prints it right
            volume, issue = "", "12"
        w = Work(
            work_id="",
            cls=cls,
            pub_type=pub_type,
            design="review" if "review" in title.lower() else "other",
            title=title,
            authors=_parse_authors(row["authors"]),
            year=int(row["year"]),
            journal=V.JOURNALS[jkey] if jkey else None,
            volume=volume,
            issue=issue,
            spage=spage,
            epage=epage,
            real_refs=refs,
            country="UK" if cls == "core_uk_service_model" else "",
        )
        if pub_type in ("report", "book", "thesis"):
            place_pub = row["journal_or_publisher"].strip()
            if ":" in place_pub:
                w.place, w.publisher = (s.strip() for s in place_pub.split(":", 1))
            else:
                w.publisher = place_pub
            if ref == 75:
                w.publisher, w.place = "University of Worcester", "Worcester"
            if ref == 47:
                w.publisher, w.place = "Scottish Executive", "Edinburgh"
            if ref == 105:
                w.publisher, w.place = "The King's Fund", "London"
        w.concepts = _concepts_for(cls, w.title)
        w.eligible = {f: 1.0 for f in forced} if forced else {}
        w.k = len(forced) if forced else 0
        works.append(w)
    return works


def _split_pages(pages: str) -> tuple[str, str]:
    """'2511-8' -> ('2511', '2518'); 'e55942' -> ('e55942', '')."""
    m = re.fullmatch(r"(\d+)-(\d+)", pages)
    if not m:
        return pages, ""
    a, b = m.groups()
    if len(b) < len(a):
        b = a[: len(a) - len(b)] + b
    return a, b


# ------------------------------------------------------------------------ synthetic content


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _name(rng: random.Random, year: int) -> Author:
    if rng.random() < 0.04:
        surname = rng.choice(V.DIACRITIC_SURNAMES)
    else:
        surname = rng.choice(V.SURNAMES)
    given = rng.choice(V.GIVEN_NAMES)
    if rng.random() < 0.45:
        given += " " + rng.choice("ABCDEFGHJKLMNPRSTW")
    return Author(surname, given)


def _authors(rng: random.Random, year: int, design: str) -> list[Author]:
    hi = 9 if design == "rct" else 6
    n = (
        rng.choice([1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8][: hi + 3])
        if year < 2005
        else rng.randint(1, hi)
    )
    if design == "rct":
        n = max(n, 3)
    out: list[Author] = []
    seen: set[str] = set()
    while len(out) < n:
        a = _name(rng, year)
        if a.surname in seen:
            continue
        seen.add(a.surname)
        out.append(a)
    return out


def _year(rng: random.Random, lo: int = 1990, hi: int = 2020) -> int:
    # growth of the literature: later years are more frequent; 2020 only to mid-March
    weights = [1.0 + 0.11 * (y - lo) ** 1.25 for y in range(lo, hi + 1)]
    if hi == 2020:
        weights[-1] *= 0.2
    return rng.choices(range(lo, hi + 1), weights)[0]


_DESIGN_WEIGHTS = {
    "core_uk_service_model": {
        "evaluation": 4,
        "description": 3,
        "qualitative": 3,
        "mixed": 2,
        "survey": 2,
        "case": 2,
        "review": 1,
    },
    "core_service_model": {
        "evaluation": 3,
        "description": 3,
        "qualitative": 3,
        "mixed": 2,
        "survey": 2,
        "case": 2,
        "review": 2,
        "cohort": 1,
    },
    "intervention_trial": {"rct": 7, "cohort": 1, "review": 1},
    "related_service": {"survey": 3, "qualitative": 3, "evaluation": 2, "mixed": 1, "review": 1},
    "background_comorbidity": {"crosssectional": 4, "cohort": 3, "review": 1, "survey": 1},
    "specialist_setting": {
        "crosssectional": 2,
        "qualitative": 1,
        "evaluation": 2,
        "cohort": 1,
        "rct": 1,
        "review": 1,
    },
    "pharmacology": {"rct": 5, "cohort": 1, "review": 1},
    "lmic_setting": {"crosssectional": 3, "qualitative": 1, "evaluation": 1, "review": 1},
    "off_topic": {"crosssectional": 3, "cohort": 3, "rct": 1, "review": 1, "qualitative": 1},
    "theory_framework": {"commentary": 3, "review": 1},
    "policy_grey": {"description": 1},
}


def _pick_design(rng: random.Random, cls: str) -> str:
    d = _DESIGN_WEIGHTS[cls]
    return rng.choices(list(d), list(d.values()))[0]


_STAFF = [
    "mental health nurses",
    "psychiatrists",
    "addiction counsellors",
    "social workers",
    "care coordinators",
    "community mental health staff",
    "peer support workers",
    "general practitioners",
    "inpatient nursing staff",
    "substance misuse workers",
]


def _title(rng: random.Random, cls: str, design: str) -> tuple[str, str]:
    """A title for a synthetic work of ``cls`` and the country it is set in."""
    dz = V.DESIGNS.get(design, "a study")
    pop = rng.choice(V.POPULATIONS)
    svc = rng.choice(V.SERVICES)
    setting = rng.choice(V.SETTINGS)
    aspect = rng.choice(V.ASPECTS)
    country = ""
    if cls in (
        "core_uk_service_model",
        "core_service_model",
        "related_service",
        "intervention_trial",
        "specialist_setting",
        "background_comorbidity",
    ):
        if cls == "core_uk_service_model" or (cls != "core_service_model" and rng.random() < 0.3):
            place, country = rng.choice(V.UK_PLACES), "UK"
        else:
            place = rng.choice(V.INTL_PLACES)
            if rng.random() < 0.08:
                place = rng.choice(V.DIACRITIC_PLACES)
            country = "international"
    else:
        place = rng.choice(V.INTL_PLACES + V.UK_PLACES)
        country = "other"
    if cls in ("core_uk_service_model", "core_service_model"):
        t = rng.choice(
            [
                f"{_cap(svc)} for {pop} in {place}: {dz}",
                f"Developing {svc} across {setting} in {place}",
                f"Evaluation of {svc} in {setting}: {aspect}",
                f"Implementing {svc} in {place}: {aspect}",
                f"{_cap(aspect)} in {svc}: {dz} from {place}",
                f"Dual diagnosis in {setting}: {svc} in {place}",
                f"Integrating mental health and substance use services for {pop}: {dz}",
                f"From parallel to integrated care: {svc} in {place}",
                f"Joint working between {setting} and substance misuse services in {place}: {aspect}",
                f"What makes {svc} work? {_cap(dz)} in {setting}",
            ]
        )
    elif cls == "intervention_trial":
        iv = rng.choice(V.INTERVENTIONS)
        dis, sub = rng.choice(V.DISORDERS[:6]), rng.choice(V.SUBSTANCES[:6])
        t = rng.choice(
            [
                f"{_cap(iv)} for {pop}: {dz}",
                f"Effectiveness of {iv} for {dis} and {sub} use: {dz}",
                f"Integrated {iv} versus usual care for {pop}: {dz}",
                f"A pilot randomised trial of {iv} in {setting}",
                f"{_cap(iv)} delivered in {setting} to {pop}: 12-month outcomes",
                f"Adding {iv} to {svc}: {dz}",
            ]
        )
    elif cls == "related_service":
        staff = rng.choice(_STAFF)
        t = rng.choice(
            [
                f"Attitudes of {staff} towards {pop}",
                f"Dual diagnosis training for {staff}: {dz}",
                f"Competencies for working with {pop}: {dz}",
                f"{_cap(staff)}' confidence in managing dual diagnosis in {setting}",
                f"Service users' experiences of {setting}: {pop} in {place}",
                f"Screening for substance misuse in {setting}: {dz}",
                f"Carers of {pop}: needs and experiences in {place}",
                f"Therapeutic optimism among {staff} working with {pop}",
                f"Access to treatment for {pop} in {place}: {aspect}",
            ]
        )
    elif cls == "background_comorbidity":
        dis, sub = rng.choice(V.DISORDERS[:7]), rng.choice(V.SUBSTANCES)
        t = rng.choice(
            [
                f"Prevalence of {sub} use among patients with {dis} in {place}",
                f"{_cap(sub)} use and clinical outcomes in {dis}: {dz}",
                f"Comorbid substance use in {dis}: a {rng.randint(2, 15)}-year follow-up",
                f"Violence, victimisation and {sub} use in {dis}",
                f"Mortality in {dis} with comorbid {sub} use: {dz}",
                f"Service use and costs of {pop} in {place}",
                f"Substance misuse among psychiatric inpatients in {place}: {dz}",
                f"Predictors of relapse in {dis} with co-occurring {sub} use",
                f"Trajectories of {sub} use after a first episode of {dis}",
            ]
        )
    elif cls == "specialist_setting":
        group, gset = rng.choice(V.SPECIALIST_GROUPS)
        t = rng.choice(
            [
                f"{_cap(svc)} for {group} with co-occurring disorders",
                f"Dual diagnosis among {group}: prevalence and service needs",
                f"Mental health and substance use treatment for {group} in {place}: {dz}",
                f"Integrated treatment in {gset} for {group}: {dz}",
                f"Co-occurring mental illness and substance use in {gset}: {aspect}",
            ]
        )
    elif cls == "pharmacology":
        d1, d2 = rng.sample(V.DRUGS, 2)
        dis, sub = rng.choice(V.DISORDERS[:6]), rng.choice(V.SUBSTANCES[:6])
        t = rng.choice(
            [
                f"{_cap(d1)} for {sub} use in {dis}: {dz}",
                f"{_cap(d1)} versus {d2} in patients with {dis} and comorbid {sub} use disorder",
                f"Pharmacological treatment of {sub} dependence in {dis}: {dz}",
                f"Effects of {d1} on craving and psychotic symptoms in {sub} users with {dis}",
            ]
        )
    elif cls == "lmic_setting":
        lp = rng.choice(V.LMIC_PLACES)
        dis, sub = rng.choice(V.DISORDERS[:6]), rng.choice(V.SUBSTANCES[:6])
        country = "lmic"
        t = rng.choice(
            [
                f"Dual diagnosis in {lp}: prevalence and treatment gaps",
                f"Integrating mental health and substance use care in {lp}: {dz}",
                f"{_cap(sub)} use among patients with {dis} in {lp}",
                f"Task sharing for co-occurring disorders in primary care in {lp}",
            ]
        )
    elif cls == "theory_framework":
        t = rng.choice(V.THEORY_TITLES)
        t = rng.choice(
            [
                t,
                f"{t}: implications for dual diagnosis services",
                f"{t}: lessons from {place}",
                f"{t} revisited",
            ]
        )
    else:  # off_topic
        tpl = rng.choice(V.OFF_TOPIC_TITLES)
        y1 = rng.randint(1990, 2008)
        t = tpl.format(
            substance=rng.choice(V.SUBSTANCES),
            gene=rng.choice(V.GENES),
            disorder=rng.choice(V.DISORDERS),
            place=place,
            y1=y1,
            y2=y1 + rng.randint(4, 11),
            scale=rng.choice(V.SCALES),
            design=dz,
        )
    return _cap(t), country


_BACKGROUND = {
    "service": [
        "People with severe mental illness who use alcohol or drugs have poorer outcomes and "
        "frequently fall between mental health and substance misuse services.",
        "Co-occurring severe mental illness and substance use is common, and services are often "
        "organised in parallel, leaving service users to navigate separate systems.",
        "Integrated care for people with a dual diagnosis is widely recommended in policy, but "
        "how services are organised to deliver it varies considerably.",
        "Dual diagnosis remains a challenge for mental health and addiction services, with "
        "unclear responsibilities and fragmented care pathways.",
    ],
    "trial": [
        "Substance use in people with psychosis is associated with relapse, poor adherence and "
        "hospital readmission, and effective psychosocial treatments are needed.",
        "Evidence for integrated psychosocial interventions for people with severe mental "
        "illness and substance misuse is mixed.",
    ],
    "background": [
        "Substance use is more common among people with severe mental illness than in the "
        "general population.",
        "Comorbid substance use is associated with violence, suicide, homelessness and "
        "increased service costs in people with psychotic disorders.",
    ],
    "specialist": [
        "Co-occurring mental illness and substance use are highly prevalent in specialist "
        "populations with complex needs.",
        "Specialist settings face particular difficulties in providing care for people with "
        "co-occurring disorders.",
    ],
    "pharm": [
        "Pharmacological options for people with psychosis who use substances are limited.",
        "Few medication trials have included patients with comorbid substance use disorders.",
    ],
    "off": [
        "This topic has received little attention in the literature.",
        "Population-level data on this question are scarce.",
        "Previous studies have produced inconsistent findings.",
    ],
    "theory": [
        "Theories of organisational collaboration can help explain why integration succeeds or "
        "fails.",
        "Integrated care depends on relationships, shared goals and coordination across "
        "organisational boundaries.",
    ],
}

_METHODS = {
    "qualitative": "Semi-structured interviews were conducted with {n} {who} and analysed "
    "thematically.",
    "mixed": "We combined routine service data with interviews and focus groups with {n} {who}.",
    "evaluation": "We evaluated the service using routine outcome data and interviews with {n} "
    "{who} over {m} months.",
    "survey": "A postal and online survey was sent to {n} {who}; {pct}% responded.",
    "review": "We searched electronic databases and included {n} studies.",
    "case": "We describe the development of the service over {m} months using documents, "
    "minutes and interviews with {who}.",
    "description": "This paper describes the model, its staffing and the care pathway agreed "
    "between services.",
    "cohort": "A cohort of {n} participants was followed up for {m} months.",
    "rct": "{n} participants were randomly allocated to the intervention or treatment as usual "
    "and followed up for {m} months.",
    "crosssectional": "Data were collected from {n} participants using structured interviews "
    "and standardised measures.",
    "commentary": "We draw on organisational theory and empirical examples to develop the "
    "argument.",
}

_RESULTS = {
    "core_uk_service_model": [
        "Staff valued joint working, shared protocols and access to specialist dual diagnosis "
        "workers, but reported unclear responsibilities between teams.",
        "The model improved engagement and reduced waiting times; leadership, training and "
        "commissioning arrangements were key to sustaining integration.",
        "Link workers increased the confidence of community mental health teams, although "
        "caseload pressures limited their impact.",
    ],
    "core_service_model": [
        "Integration was supported by leadership commitment, cross-training and co-location, "
        "and hindered by separate funding streams.",
        "Programme fidelity increased over time and clients showed reductions in substance use "
        "and hospital days.",
        "Clinicians described improved coordination between mental health and addiction "
        "services, but information sharing remained difficult.",
    ],
    "intervention_trial": [
        "There were no significant differences in substance use at follow-up, although the "
        "intervention group had fewer hospital admissions.",
        "Participants receiving the intervention reduced days of substance use compared with "
        "controls (effect size {es}).",
        "Retention in treatment was higher in the intervention arm; psychiatric symptoms "
        "improved in both groups.",
    ],
    "related_service": [
        "Staff reported low confidence and limited training in working with dual diagnosis, "
        "and attitudes improved after training.",
        "Service users described being passed between services and valued consistent, "
        "non-judgemental workers.",
        "Screening rates were low and few patients with positive screens were referred to "
        "specialist services.",
    ],
    "background_comorbidity": [
        "The prevalence of substance use disorder was {pct}%; substance use was associated "
        "with younger age, male gender and more admissions.",
        "Comorbid substance use predicted relapse, violence and poorer functioning at follow-up.",
    ],
    "specialist_setting": [
        "Rates of co-occurring disorders were high, and few participants had received "
        "integrated treatment.",
        "Staff identified gaps in provision and a need for specialist pathways.",
        "Contact with mental health or addiction services before and after the index episode "
        "was limited.",
    ],
    "pharmacology": [
        "Adverse events were mostly mild and did not differ between groups.",
        "The drug was well tolerated; craving scores decreased but differences from "
        "comparison were not significant.",
        "Participants on the active drug had fewer positive urine screens (odds ratio {es}).",
    ],
    "lmic_setting": [
        "Substance use was common and treatment coverage was low, particularly in rural areas.",
        "Health workers identified stigma and lack of resources as barriers to care.",
        "Few facilities offered any treatment for alcohol or drug problems.",
    ],
    "off_topic": [
        "The association remained after adjustment for confounders (odds ratio {es}).",
        "No significant differences were found between groups.",
        "Rates increased over the study period, with marked regional variation.",
    ],
    "theory_framework": [
        "We identify mechanisms of coordination, trust and shared accountability that explain "
        "variation in outcomes.",
        "The framework distinguishes micro, meso and macro levels of integration.",
    ],
    "policy_grey": ["The document sets out principles and good practice for services."],
}

_CONCLUSION = {
    "core_uk_service_model": "Integrated dual diagnosis provision in the NHS requires clear "
    "leadership, a skilled workforce and agreed care pathways between services.",
    "core_service_model": "Integrated service models for co-occurring disorders are feasible "
    "but depend on organisational commitment and workforce development.",
    "intervention_trial": "Integrated psychosocial treatment may benefit people with severe "
    "mental illness and substance misuse, but larger trials are needed.",
    "related_service": "Workforce development is needed to improve care for people with "
    "co-occurring mental health and substance use problems.",
    "background_comorbidity": "Substance use should be routinely assessed in people with "
    "severe mental illness.",
    "specialist_setting": "Services for this population need to address co-occurring disorders.",
    "pharmacology": "Further pharmacological trials in dual diagnosis populations are needed.",
    "lmic_setting": "Scaling up integrated care in low-resource settings is a priority.",
    "off_topic": "These findings have implications for prevention and future research.",
    "theory_framework": "The theory offers a lens for designing and evaluating integrated "
    "services.",
    "policy_grey": "",
}

_WHO = {
    "core_uk_service_model": "staff, service users and commissioners",
    "core_service_model": "clinicians, managers and clients",
    "intervention_trial": "participants",
    "related_service": "practitioners",
}


#: Second background sentences per background key.
_BACKGROUND2 = {
    "service": [
        "Policy in the UK and elsewhere recommends that mainstream mental health services take "
        "responsibility for people with a dual diagnosis, supported by specialist workers.",
        "Little is known about how integrated models are implemented in routine practice and "
        "what makes them sustainable.",
        "Staff often lack the skills and confidence to respond to substance use, and care "
        "pathways between services are unclear.",
    ],
    "trial": [
        "Trials of integrated treatment have reported mixed effects on substance use, relapse "
        "and engagement.",
        "Engagement and retention are major challenges in this population.",
    ],
    "background": [
        "Estimates of prevalence vary widely between settings and measures.",
        "Understanding the course of comorbid substance use can inform service planning.",
    ],
    "specialist": [
        "Specialist populations were often excluded from trials of integrated treatment.",
        "Their needs span health, housing, justice and social care.",
    ],
    "pharm": [
        "Antipsychotic and anti-craving medications may have different effects in people who "
        "continue to use substances.",
        "Adherence is often poor and side effects are common.",
    ],
    "off": [
        "Reliable estimates are needed to plan services and target prevention.",
        "Most previous work has relied on small or selected samples.",
        "The mechanisms underlying this association remain unclear.",
    ],
    "theory": [
        "Formal theory can help explain how programme resources trigger reasoning in "
        "practitioners and organisations.",
        "Such theories are rarely used explicitly in the design of services.",
    ],
}

#: Second methods sentences per design.
_METHODS2 = {
    "qualitative": "Transcripts were coded independently by two researchers.",
    "mixed": "Quantitative and qualitative findings were integrated at the analysis stage.",
    "evaluation": "Outcomes included engagement, admissions, substance use and staff confidence.",
    "survey": "The questionnaire covered service provision, training, protocols and joint working.",
    "review": "Two reviewers screened records and extracted data; findings were synthesised "
    "narratively.",
    "case": "Documents and interviews were analysed using a case study approach.",
    "description": "We report activity data for the first {m} months of operation.",
    "cohort": "Outcomes were assessed at baseline and follow-up with standardised measures.",
    "rct": "The primary outcome was the proportion of days abstinent; secondary outcomes "
    "included symptoms, functioning and hospital admissions.",
    "crosssectional": "Logistic regression was used to examine associations, adjusting for "
    "age, sex and deprivation.",
    "commentary": "We review the relevant literature and apply the theory to a worked example.",
}

#: A closing sentence on limitations or implications, by background key.
_CLOSING = {
    "service": [
        "The findings informed the development of local guidance and commissioning.",
        "Limitations include the single site and the lack of a comparison group.",
    ],
    "trial": ["The study was limited by attrition and a modest sample size."],
    "background": ["Cross-sectional data limit causal inference."],
    "specialist": ["Generalisability to mainstream services is uncertain."],
    "pharm": ["The trial was not powered to detect small differences."],
    "off": [
        "Findings should be replicated in other populations.",
        "Limitations include self-report measures and a cross-sectional design.",
    ],
    "theory": ["We discuss implications for evaluation and practice."],
}


def _abstract(rng: random.Random, cls: str, design: str, title: str) -> str:
    bkey = {
        "core_uk_service_model": "service",
        "core_service_model": "service",
        "related_service": "service",
        "intervention_trial": "trial",
        "background_comorbidity": "background",
        "specialist_setting": "specialist",
        "pharmacology": "pharm",
        "lmic_setting": "background",
        "theory_framework": "theory",
        "policy_grey": "service",
    }.get(cls, "off")
    aim = title.split(":")[0]
    first_word = aim.split(" ")[0]
    if not (len(first_word) > 1 and first_word.isupper()):
        aim = aim[:1].lower() + aim[1:]
    fill = {
        "n": rng.randint(12, 420),
        "m": rng.choice([6, 12, 18, 24, 36]),
        "who": _WHO.get(cls, "participants"),
        "pct": rng.randint(8, 74),
        "es": f"{rng.uniform(0.2, 2.6):.2f}",
    }
    background = rng.choice(_BACKGROUND[bkey])
    if rng.random() < 0.9 or bkey == "off":
        background += " " + rng.choice(_BACKGROUND2[bkey])
    methods = _METHODS.get(design, _METHODS["crosssectional"]).format(**fill)
    if rng.random() < 0.9 or bkey == "off":
        methods += " " + _METHODS2.get(design, _METHODS2["crosssectional"]).format(**fill)
    results = " ".join(rng.sample(_RESULTS[cls], min(2, len(_RESULTS[cls])))).format(**fill)
    if design not in ("review", "commentary", "description") and (
        rng.random() < 0.4 or len(f"{background} {methods} {results}".split()) < 60
    ):
        results = (
            f"Of the participants, {rng.randint(18, 72)}% were women and the mean age was "
            f"{rng.randint(24, 52)} years. " + results
        )
    conclusion = _CONCLUSION[cls]
    if rng.random() < 0.6 or bkey == "off":
        conclusion = (conclusion + " " + rng.choice(_CLOSING[bkey])).strip()
    parts = [
        background,
        f"This study examined {aim}."
        if cls != "theory_framework"
        else f"This paper sets out {aim}.",
        methods,
        results,
        conclusion,
    ]
    if rng.random() < 0.35:
        parts[0] = "Background: " + parts[0]
        parts[2] = "Methods: " + parts[2]
        parts[3] = "Results: " + parts[3]
        parts[4] = "Conclusions: " + parts[4]
    return " ".join(p for p in parts if p)


#: Topic concepts (rendered per database as MeSH, Emtree, PsycInfo, CINAHL or free keywords).
CONCEPTS: dict[str, tuple[str, str, str, str, str]] = {
    #  key: (MeSH, Emtree, PsycInfo, CINAHL, author keyword)
    "dual": (
        "Diagnosis, Dual (Psychiatry)",
        "dual diagnosis",
        "Dual Diagnosis",
        "Dual Diagnosis",
        "dual diagnosis",
    ),
    "sud": (
        "Substance-Related Disorders",
        "substance abuse",
        "Drug Abuse",
        "Substance Use Disorders",
        "substance use",
    ),
    "alcohol": ("Alcoholism", "alcoholism", "Alcoholism", "Alcohol-Related Disorders", "alcohol"),
    "smi": (
        "Mental Disorders",
        "mental disease",
        "Serious Mental Illness",
        "Mental Disorders",
        "severe mental illness",
    ),
    "schiz": ("Schizophrenia", "schizophrenia", "Schizophrenia", "Schizophrenia", "schizophrenia"),
    "integrated": (
        "Delivery of Health Care, Integrated",
        "integrated health care system",
        "Integrated Services",
        "Health Care Delivery, Integrated",
        "integrated care",
    ),
    "cmhs": (
        "Community Mental Health Services",
        "community mental health service",
        "Community Mental Health Services",
        "Community Mental Health Services",
        "community mental health",
    ),
    "workforce": (
        "Health Personnel",
        "health care personnel",
        "Mental Health Personnel",
        "Health Personnel",
        "workforce",
    ),
    "attitude": (
        "Attitude of Health Personnel",
        "health personnel attitude",
        "Health Personnel Attitudes",
        "Attitude of Health Personnel",
        "attitudes",
    ),
    "education": (
        "Inservice Training",
        "education",
        "Professional Development",
        "Staff Development",
        "training",
    ),
    "trial": (
        "Randomized Controlled Trials as Topic",
        "randomized controlled trial",
        "Treatment Effectiveness Evaluation",
        "Randomized Controlled Trials",
        "randomised controlled trial",
    ),
    "psychotherapy": (
        "Psychotherapy",
        "psychotherapy",
        "Psychotherapy",
        "Psychotherapy",
        "psychosocial intervention",
    ),
    "prevalence": ("Prevalence", "prevalence", "Epidemiology", "Prevalence", "prevalence"),
    "qualitative": (
        "Qualitative Research",
        "qualitative research",
        "Qualitative Methods",
        "Qualitative Studies",
        "qualitative",
    ),
    "uk": ("United Kingdom", "United Kingdom", "", "Great Britain", "UK"),
    "drug": (
        "Antipsychotic Agents",
        "neuroleptic agent",
        "Drug Therapy",
        "Antipsychotic Agents",
        "pharmacotherapy",
    ),
    "prison": ("Prisoners", "prisoner", "Prisoners", "Prisoners", "prison"),
    "homeless": (
        "Ill-Housed Persons",
        "homelessness",
        "Homeless",
        "Homeless Persons",
        "homelessness",
    ),
    "adolescent": (
        "Adolescent",
        "adolescent",
        "Adolescent Development",
        "Adolescence",
        "adolescents",
    ),
    "theory": (
        "Models, Organizational",
        "organizational model",
        "Organizational Behavior",
        "Models, Organizational",
        "organisational theory",
    ),
    "policy": (
        "Health Policy",
        "health care policy",
        "Government Policy Making",
        "Health Policy",
        "policy",
    ),
    "human": ("Humans", "human", "", "Human", ""),
}


def _concepts_for(cls: str, title: str) -> list[str]:
    base = {
        "core_uk_service_model": ["dual", "integrated", "cmhs", "smi", "uk"],
        "core_service_model": ["dual", "integrated", "cmhs", "sud"],
        "intervention_trial": ["dual", "trial", "psychotherapy", "sud"],
        "related_service": ["dual", "workforce", "attitude", "education"],
        "background_comorbidity": ["sud", "smi", "prevalence"],
        "specialist_setting": ["dual", "sud"],
        "pharmacology": ["drug", "trial", "sud"],
        "lmic_setting": ["sud", "smi", "prevalence"],
        "off_topic": ["prevalence"],
        "theory_framework": ["theory", "integrated"],
        "policy_grey": ["policy", "dual", "uk"],
        "non_research": [],
    }.get(cls, [])
    low = title.lower()
    extra = [
        k
        for k, w in (
            ("schiz", "schizophren"),
            ("alcohol", "alcohol"),
            ("qualitative", "qualitative"),
            ("prison", "prison"),
            ("homeless", "homeless"),
            ("adolescent", "adolescen"),
        )
        if w in low
    ]
    return ["human"] + base + extra


# ------------------------------------------------------------------------------ the pipeline


class _Ids:
    """Unique synthetic DOIs and titles."""

    def __init__(self) -> None:
        self.dois: set[str] = set()
        self.titles: set[str] = set()

    def doi(self, rng: random.Random, journal: V.Journal, year: int) -> str:
        stem = re.sub(r"[^a-z]", "", journal.nlm.lower())[:8] or "j"
        while True:
            d = f"10.5555/{stem}.{year}.{rng.randrange(1000, 99999):05d}"
            if d not in self.dois:
                self.dois.add(d)
                return d


def fold(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", title.lower()).strip()


def _bib(rng: random.Random, w: Work, ids: _Ids, jkeys: list[str]) -> None:
    """Journal, volume, issue, pages and DOI of a synthetic journal article."""
    j = V.JOURNALS[rng.choice(jkeys)]
    while j.start > w.year - 1 and j.key != "add":
        j = V.JOURNALS[rng.choice(jkeys)]
    if j.key == "add" and w.year < 2008:
        w.year = rng.randint(2008, 2020)
    w.journal = j
    w.volume = str(j.volume(w.year)) if j.per_year else ""
    w.issue = str(rng.randint(1, 12 if j.per_year >= 1 else 4))
    if j.elocator:
        w.spage = (
            str(rng.randint(1, 300))
            if j.key.startswith("bmc")
            else (
                f"e{rng.randint(10000, 99999)}" if j.key == "plosone" else str(rng.randint(1, 2000))
            )
        )
        w.epage = ""
    else:
        start = rng.randint(1, 1400)
        w.spage, w.epage = str(start), str(start + rng.randint(2, 18))
    p_doi = 0.9 if w.year >= 2005 else (0.6 if w.year >= 2000 else 0.25)
    if rng.random() < p_doi:
        w.doi = ids.doi(rng, j, w.year)


def _synthetic(rng: random.Random, cls: str, ids: _Ids) -> Work:
    while True:
        design = _pick_design(rng, cls)
        title, country = _title(rng, cls, design)
        if rng.random() < 0.12 and " and " in title:
            title = title.replace(" and ", " & ", 1)
        if fold(title) not in ids.titles:
            ids.titles.add(fold(title))
            break
    year = _year(rng)
    w = Work(
        "",
        cls,
        "journal_article",
        design,
        title,
        _authors(rng, year, design),
        year,
        country=country,
    )
    if cls == "policy_grey":
        w.pub_type = "report"
        w.publisher, w.place = rng.choice(
            [
                ("Department of Health", "London"),
                ("Public Health England", "London"),
                ("Scottish Government", "Edinburgh"),
                ("Welsh Government", "Cardiff"),
                ("Centre for Mental Health", "London"),
                ("Turning Point", "London"),
                ("Mental Health Foundation", "London"),
            ]
        )
        w.authors = [Author(w.publisher, "", initials_only=True)]
        w.year = rng.randint(2002, 2019)
    elif cls == "theory_framework" and rng.random() < 0.25:
        w.pub_type = "book"
        w.publisher, w.place = rng.choice(
            [
                ("Policy Press", "Bristol"),
                ("Open University Press", "Maidenhead"),
                ("Routledge", "London"),
                ("SAGE", "London"),
            ]
        )
    else:
        _bib(rng, w, ids, V.CLASS_JOURNALS[cls])
    w.abstract = _abstract(rng, cls, design, title)
    w.concepts = _concepts_for(cls, title)
    return w


# ---------------------------------------------------------------------------------- traps

TRAP_KINDS = {
    "conference_vs_article": 40,
    "erratum": 18,
    "comment_reply": 20,
    "same_title_different_year": 20,
    "series_part": 14,
    "same_title_journal_different_pages": 14,
}


def _trap(rng: random.Random, kind: str, base: Work, ids: _Ids) -> Work:
    """A work that looks like ``base`` but is a different publication."""
    t = Work(
        "",
        base.cls,
        base.pub_type,
        base.design,
        base.title,
        list(base.authors),
        base.year,
        journal=base.journal,
        trap_kind=kind,
        trap_of=base.work_id,
        country=base.country,
    )
    t.concepts = list(base.concepts)
    j = base.journal
    if kind == "conference_vs_article":
        cj, conf = rng.choice(V.CONFERENCE_JOURNALS)
        t.pub_type = "conference_abstract"
        t.year = base.year - rng.randint(1, 2)
        t.journal = V.JOURNALS[cj]
        t.volume = str(t.journal.volume(t.year))
        t.issue = rng.choice(["Suppl 1", "Suppl 2", "S1", "Supplement 1"])
        t.spage, t.epage = f"S{rng.randint(10, 480)}", ""
        head = base.title.split(":")[0]
        t.title = rng.choice(
            [
                f"{head}: preliminary findings",
                f"{head}: early results",
                f"{head} - interim analysis",
                f"{head}: a pilot evaluation",
            ]
        )
        t.authors = base.authors[: max(1, min(len(base.authors), rng.randint(1, 4)))]
        t.abstract = (
            " ".join(base.abstract.split(". ")[:3]).rstrip(".") + ". Preliminary "
            "data are presented; full results will follow."
        )
        t.conference = conf
        t.doi = ids.doi(rng, t.journal, t.year) if rng.random() < 0.3 else ""
    elif kind == "erratum":
        t.cls, t.pub_type, t.design = "non_research", "erratum", "other"
        t.title = rng.choice(
            [
                f"Correction to: {base.title}",
                f"Erratum: {base.title}",
                f'Corrigendum to "{base.title}"',
            ]
        )
        t.year = base.year + rng.choice([0, 0, 1])
        t.volume = str(j.volume(t.year)) if j and j.per_year else base.volume
        t.issue = str(rng.randint(1, 12))
        p = rng.randint(1, 1400)
        t.spage, t.epage = str(p), ""
        t.abstract = ""
        t.doi = ids.doi(rng, j, t.year) if (j and base.doi) else ""
    elif kind == "comment_reply":
        t.cls, t.design = "non_research", "other"
        if rng.random() < 0.5:
            t.pub_type = "comment"
            t.title = rng.choice([f"Re: {base.title}", f'Comment on "{base.title}"'])
            t.authors = [_name(rng, base.year)]
        else:
            t.pub_type = "reply"
            t.title = rng.choice(
                [f'Reply to comments on "{base.title}"', f"Response to: {base.title}"]
            )
            t.authors = base.authors[:2]
        t.year = base.year + rng.choice([0, 1])
        t.volume = str(j.volume(t.year)) if j and j.per_year else base.volume
        t.issue = str(rng.randint(1, 12))
        p = rng.randint(1, 1400)
        t.spage, t.epage = str(p), str(p + 1)
        t.abstract = ""
        t.doi = ids.doi(rng, j, t.year) if (j and base.doi) else ""
    elif kind == "same_title_different_year":
        t.year = min(2020, base.year + rng.randint(3, 8))
        if t.year - base.year < 3:
            t.year = base.year - rng.randint(3, 6)
        if rng.random() < 0.5:
            t.authors = _authors(rng, t.year, t.design)
        else:
            t.authors = [base.authors[0]] + _authors(rng, t.year, t.design)[1:]
        t.volume = str(j.volume(t.year)) if j and j.per_year else ""
        t.issue = str(rng.randint(1, 12))
        p = rng.randint(1, 1400)
        t.spage, t.epage = str(p), str(p + rng.randint(3, 12))
        t.abstract = _abstract(rng, t.cls, t.design, t.title)
        t.doi = ids.doi(rng, j, t.year) if (j and t.year >= 2005) else ""
    elif kind == "series_part":
        t.title = base.title.replace("Part 1", "Part 2")
        t.issue = str(int(base.issue) + 1) if base.issue.isdigit() else "2"
        p = int(base.epage or base.spage or "10") + rng.randint(20, 200)
        t.spage, t.epage = str(p), str(p + rng.randint(2, 6))
        t.abstract = base.abstract.replace("first part", "second part").replace(
            "This study examined", "Building on the first part, this paper examines"
        )
        t.doi = ids.doi(rng, j, t.year) if (j and base.doi) else ""
    elif kind == "same_title_journal_different_pages":
        t.authors = _authors(rng, t.year, t.design)
        t.issue = str(rng.randint(1, 12))
        p = rng.randint(1, 1400)
        t.spage, t.epage = str(p), str(p + rng.randint(1, 3))
        t.abstract = ""
        t.doi = ids.doi(rng, j, t.year) if (j and base.doi) else ""
    return t


_SERIES_TOPICS = [
    "Dual diagnosis in practice",
    "Working with co-occurring mental health and substance use",
    "Integrated care for dual diagnosis",
    "Substance misuse and psychosis",
    "Developing dual diagnosis services",
    "Managing dual diagnosis on inpatient wards",
    "Assessing substance use in mental health settings",
    "Dual diagnosis and the care programme approach",
]
_SHORT_TITLES = [
    "Dual diagnosis",
    "Editorial",
    "Co-occurring disorders: the way forward",
    "Dual diagnosis: a challenge for services",
    "Integrated care",
    "Substance misuse and mental illness",
    "News",
    "Dual diagnosis update",
    "Comorbidity",
    "Letter from the editor",
    "Policy update",
    "Book reviews",
    "Mental health and substance use",
    "Practice update",
]


def _series_base(rng: random.Random, ids: _Ids, n: int) -> Work:
    topic = rng.choice(_SERIES_TOPICS)
    form = rng.random()
    if form < 0.4:
        title = f"{topic}. Part 1"
    elif form < 0.7:
        title = f"{topic} (Part 1)"
    else:
        title = f"{topic}, Part 1: {rng.choice(['assessment', 'principles', 'the evidence'])}"
    if fold(title) in ids.titles:
        title = f"{topic} {n}. Part 1"
    ids.titles.add(fold(title))
    year = _year(rng, 1998, 2019)
    w = Work(
        "",
        "related_service",
        "journal_article",
        "description",
        title,
        _authors(rng, year, "description"),
        year,
    )
    _bib(rng, w, ids, ["nt", "mhp", "bjn", "add", "jpmhn", "mhsu"])
    w.issue = str(rng.randint(1, 6))
    w.abstract = _abstract(rng, "related_service", "description", title).replace(
        "This study examined", "In the first part of this series, this paper examined"
    )
    w.concepts = _concepts_for("related_service", title)
    return w


def _short_title_base(rng: random.Random, ids: _Ids) -> Work:
    title = rng.choice(_SHORT_TITLES)
    year = _year(rng, 1995, 2019)
    cls = (
        "non_research"
        if title in ("Editorial", "News", "Letter from the editor", "Book reviews", "Policy update")
        else "related_service"
    )
    w = Work(
        "", cls, "journal_article", "commentary", title, _authors(rng, year, "commentary"), year
    )
    _bib(rng, w, ids, ["nt", "mhp", "add", "psychbull", "jdd", "dar", "bjn"])
    w.abstract = ""
    w.concepts = _concepts_for(cls, title)
    return w


def build_works(rng: random.Random, sources: Path) -> list[Work]:
    """All 5099 works: real references, synthetic works per class, trap pairs; ids assigned."""
    ids = _Ids()
    real = load_real_works(sources)
    for w in real:
        ids.titles.add(fold(w.title))
    works: list[Work] = list(real)
    for cls, n in CLASS_TARGETS.items():
        have = sum(1 for w in real if w.cls == cls)
        works.extend(_synthetic(rng, cls, ids) for _ in range(max(0, n - have)))
    # trap pairs
    n_traps = sum(TRAP_KINDS.values())
    trap_works: list[Work] = []
    pool = [w for w in works if not w.is_real and w.journal is not None]
    for i, w in enumerate(works):
        w.work_id = f"W{i + 1:05d}"
    next_id = len(works) + 1

    def new_id() -> str:
        nonlocal next_id
        wid = f"W{next_id:05d}"
        next_id += 1
        return wid

    extra_bases: list[Work] = []
    for kind, n in TRAP_KINDS.items():
        for _ in range(n):
            if kind == "series_part":
                base = _series_base(rng, ids, len(extra_bases))
                base.work_id = new_id()
                extra_bases.append(base)
            elif kind == "same_title_journal_different_pages":
                base = _short_title_base(rng, ids)
                base.work_id = new_id()
                extra_bases.append(base)
            else:
                cands = [
                    w
                    for w in pool
                    if not w.trap_kind
                    and w.pub_type == "journal_article"
                    and (kind != "conference_vs_article" or w.year >= 2002)
                    and (
                        kind != "same_title_different_year"
                        or w.design in ("survey", "evaluation", "crosssectional")
                    )
                    and w.cls
                    in (
                        "core_uk_service_model",
                        "core_service_model",
                        "intervention_trial",
                        "related_service",
                        "background_comorbidity",
                        "specialist_setting",
                        "pharmacology",
                    )
                ]
                base = rng.choice(cands)
                pool.remove(base)
            t = _trap(rng, kind, base, ids)
            t.work_id = new_id()
            trap_works.append(t)
    works.extend(extra_bases)
    works.extend(trap_works)
    # the off_topic class fills the remainder to exactly N_WORKS
    n_off = N_WORKS - len(works)
    if n_off < 0:
        raise ValueError(f"class targets exceed {N_WORKS} works by {-n_off}")
    for _ in range(n_off):
        w = _synthetic(rng, "off_topic", ids)
        w.work_id = new_id()
        works.append(w)
    assert len(works) == N_WORKS == len({w.work_id for w in works}) and n_traps
    return works


# ------------------------------------------------------------------------ placing the copies


def _eligibility(w: Work) -> dict[str, float]:
    if w.eligible:  # forced (real grey literature, post-search references)
        return w.eligible
    aff = dict(zip(FILE_ORDER, AFFINITY[w.cls], strict=True))
    out: dict[str, float] = {}
    dbs = w.journal.dbs if w.journal else ""
    for letter, stem in DB_LETTER.items():
        if letter in dbs and aff[stem] > 0:
            out[stem] = aff[stem]
    if w.pub_type == "conference_abstract":
        out = {s: v for s, v in out.items() if s in ("embase_ovid", "wos_core")}
        out["embase_ovid"] = 3.0
        if w.design == "rct":
            out["cochrane_library"] = 2.0
    if w.pub_type in ("erratum", "comment", "reply"):
        out.pop("hmic_ovid", None)
        out.pop("cinahl_ebsco", None)
    if (w.design == "rct" or (w.journal and w.journal.key == "cdsr")) and w.year <= 2020:
        out["cochrane_library"] = max(aff["cochrane_library"], 1.0)
    if w.pub_type == "journal_article" and not w.trap_kind:
        for stem in ("iterative_cluster_endnote", "iterative_theory_zotero"):
            if aff[stem] > 0:
                out[stem] = aff[stem]
        if "M" in dbs and aff["iterative_citations_pubmed"] > 0:
            out["iterative_citations_pubmed"] = aff["iterative_citations_pubmed"]
    if w.pub_type in ("report", "book", "thesis"):
        out = {s: v for s, v in out.items() if s.startswith("iterative") or s == "hmic_ovid"}
        if w.cls == "theory_framework":
            out["iterative_theory_zotero"] = 5.0
        if w.cls == "policy_grey":
            out.update({"hmic_ovid": 3.0, "iterative_theory_zotero": 2.0})
    if not out:  # journals indexed nowhere searched: Web of Science covers them
        out["wos_core"] = 1.0
    return out


def assign_files(rng: random.Random, works: list[Work]) -> None:
    """Choose the exports holding each work's copies so every export has exactly its count."""
    cap = {stem: n for stem, (_, n) in FILES.items()}
    total = sum(cap.values())
    for w in works:
        w.eligible = _eligibility(w)
        if not w.k:
            weights = K_WEIGHTS[w.cls]
            kmax = min(5, len(w.eligible))
            w.k = rng.choices(range(1, kmax + 1), weights[:kmax])[0]
        w.k = min(w.k, len(w.eligible))
    # adjust the multiplicities to the exact number of records
    free = [w for w in works if not w.is_real]
    diff = total - sum(w.k for w in works)
    while diff != 0:
        w = rng.choice(free)
        if diff > 0 and w.k < min(5, len(w.eligible)) and (w.k > 1 or rng.random() < 0.25):
            w.k += 1
            diff -= 1
        elif diff < 0 and w.k > 1:
            w.k -= 1
            diff += 1
    order = sorted(works, key=lambda w: (not w.is_real, len(w.eligible), -w.k, rng.random()))
    for w in order:
        w.files = []
        for _ in range(w.k):
            options = [s for s in w.eligible if cap[s] > 0 and s not in w.files]
            if not options:
                break
            weights = [cap[s] * w.eligible[s] for s in options]
            s = rng.choices(options, weights)[0]
            w.files.append(s)
            cap[s] -= 1
    # repair: works left without a copy take a slot from a work with several copies
    for w in works:
        while not w.files:
            s = rng.choice(sorted(w.eligible))
            donors = [d for d in works if s in d.files and len(d.files) > 1 and not d.is_real]
            d = rng.choice(donors)
            d.files.remove(s)
            w.files.append(s)
    # repair: capacity left over goes to works eligible there (a singleton becomes a duplicate)
    for s in FILE_ORDER:
        while cap[s] > 0:
            cands = [
                w
                for w in works
                if s in w.eligible and s not in w.files and len(w.files) < 5 and not w.is_real
            ]
            if not cands:
                cands = [
                    w
                    for w in works
                    if s not in w.files
                    and len(w.files) < 5
                    and not w.is_real
                    and w.pub_type == "journal_article"
                ]
            w = rng.choice(cands)
            w.files.append(s)
            cap[s] -= 1
    for w in works:
        w.files.sort(key=FILE_ORDER.index)
        w.k = len(w.files)
    counts = {s: 0 for s in FILE_ORDER}
    for w in works:
        for s in w.files:
            counts[s] += 1
    assert counts == {s: n for s, (_, n) in FILES.items()}, counts
