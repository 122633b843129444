"""Each duplicate form must merge; each known false-positive trap must not.

Every case is a pair of realistic records (one paper as two databases export it, or two different
papers that look alike); the assertion is on the stage's real output (dedup_map clusters and the
rule recorded on the pair), so a rule that over- or under-merges fails here.
"""

from __future__ import annotations

import polars as pl
import pytest
from reco.dedup import deduplicate
from reco.dedup.match import journal_agree
from reco.dedup.prep import expand_pages, fold_title, journal_key, normalise_doi, parse_author


def _run(build, a: dict, b: dict):
    df = build([{"record_id": "medline:1", **a}, {"record_id": "embase:2", **b}])
    res = deduplicate(df)
    merged = res.dedup_map.get_column("cluster_id").n_unique() == 1
    pair = res.pairs.filter(
        (pl.col("record_a") == "embase:2") & (pl.col("record_b") == "medline:1")
    )
    rule = pair.get_column("rule").item() if pair.height else None
    return merged, rule, res


# --- prep -------------------------------------------------------------------------------------


def test_pages_expanded_from_abbreviation() -> None:
    assert expand_pages("2511-8") == ("2511", "2518")
    assert expand_pages("2511-2518") == ("2511", "2518")
    assert expand_pages("e123") == ("e123", None)
    assert expand_pages("233-8, 230-5, 246-51") == ("230", "235")  # lowest of several ranges
    assert expand_pages("01-Jun") == (None, None)  # a range a spreadsheet turned into a date


def test_doi_normalised() -> None:
    assert normalise_doi("https://doi.org/10.5555/JDD.2016.2511.") == "10.5555/jdd.2016.2511"
    assert normalise_doi("doi: 10.5555/ABC") == "10.5555/abc"
    assert normalise_doi("not a doi") is None


def test_title_folding() -> None:
    plain = "effects of caffeine on sleep a randomised trial"
    assert fold_title("Effects of Caffeine on Sleep: a Randomised Trial [Abstract]") == plain
    assert fold_title("[Effects of caffeine on sleep. A randomised trial]") == plain
    assert fold_title("Effects of caffeine on sleep &amp; a randomised trial.") == (
        "effects of caffeine on sleep and a randomised trial"
    )
    assert fold_title("Caf\\'{e} culture in S\\\"{u}d") == "cafe culture in sud"
    assert fold_title("Ca\u0301fe\u0301 α-blockers") == "cafe alpha blockers"
    assert (
        fold_title(
            "Effects of caffeine on sleep: a randomised trial.[Erratum appears in Sleep 2001;3(2):4]"
        )
        == plain
    )


@pytest.mark.parametrize(
    "name",
    ["Gómez-Caro, Abel", "Gomez-Caro A", "Abel Gómez-Caro", "GOMEZ-CARO, A."],
)
def test_first_author_from_any_format(name: str) -> None:
    assert parse_author(name) == ("gomezcaro", "a")


def test_ovid_surname_with_dotted_initials() -> None:
    assert parse_author("Hodges C.L.") == ("hodges", "cl")
    assert parse_author("Hodges, C. L.") == ("hodges", "cl")
    assert parse_author("Ibanez L.-R.") == ("ibanez", "lr")


def test_surname_particles() -> None:
    assert parse_author("St Peter, Shawn D.")[0] == parse_author("Peter, S. D.")[0]
    assert parse_author("van der Berg J")[0] == "berg"


@pytest.mark.parametrize(
    ("abbrev", "full"),
    [
        ("J Dual Diagn", "Journal of Dual Diagnosis"),
        ("Am J Respir Crit Care Med", "American Journal of Respiratory and Critical Care Medicine"),
        ("N Engl J Med", "The New England Journal of Medicine"),
        ("BMJ", "British Medical Journal"),
        ("PLoS ONE", "PLoS ONE [Electronic Resource]"),
        ("Chirurg", "Der Chirurg; Zeitschrift fur alle Gebiete der operativen Medizen"),
    ],
)
def test_journal_abbreviation_meets_full_name(abbrev: str, full: str) -> None:
    assert journal_agree(journal_key(abbrev), journal_key(full)) == 1


def test_different_journals_disagree() -> None:
    assert (
        journal_agree(journal_key("J Dual Diagn"), journal_key("Journal of Dental Research")) == 0
    )
    assert journal_agree(journal_key("Addiction"), journal_key("Addictive Behaviors")) == 0


# --- duplicate forms that must merge ------------------------------------------------------------


def test_author_format_abbreviated_journal_missing_doi_short_pages(build, article) -> None:
    b = dict(article)
    b.update(
        authors=["Drake RE", "Mueser KT", "O'Neill S"],
        journal=None,
        journal_abbrev="J Dual Diagn",
        doi=None,
        pages="2511-8",
        title=article["title"].upper().replace(":", " -"),
    )
    merged, rule, _ = _run(build, article, b)
    assert merged and rule == "author_year_volume_pages"


def test_doi_with_resolver_prefix_and_entities(build, article) -> None:
    b = dict(article)
    b.update(
        doi="https://doi.org/10.5555/JDD.2016.2511",
        title=article["title"].replace("and", "&amp;") + ".",
        pages=None,
        volume=None,
    )
    merged, rule, _ = _run(build, article, b)
    assert merged and rule == "doi_exact"


def test_given_name_first_no_volume_or_pages(build, article) -> None:
    b = dict(article)
    b.update(
        authors=["Robert E. Drake", "Kim T. Mueser"],
        doi=None,
        volume=None,
        pages=None,
        issue=None,
        journal="J. Dual Diagn.",
    )
    merged, rule, _ = _run(build, article, b)
    assert merged and rule == "title_author_year"


def test_translated_title_and_diacritics(build) -> None:
    a = {
        "title": "[Assertive community treatment for dual diagnosis patients in Sao Paulo]",
        "authors": ["Gonçalves, João"],
        "year": 2012,
        "journal": "Revista de Saúde Pública",
        "volume": "46",
        "pages": "101-9",
    }
    b = {
        "title": "Assertive community treatment for dual diagnosis patients in São Paulo",
        "authors": ["Goncalves J"],
        "year": 2012,
        "journal": "Rev Saude Publica",
        "volume": "46",
        "pages": "101-109",
    }
    merged, _, _ = _run(build, a, b)
    assert merged


def test_pmid_exact(build, article) -> None:
    a = dict(article, doi=None, pmid="27100001")
    b = dict(article, doi=None, pmid="27100001", title=article["title"] + " (the ITT study)")
    b.update(volume=None, pages=None, authors=[])
    merged, rule, _ = _run(build, a, b)
    assert merged and rule == "pmid_exact"


def test_epub_year_before_print_year(build, article) -> None:
    b = dict(article, year=2015, doi=None, authors=["Drake R"])
    merged, _, _ = _run(build, article, b)
    assert merged


def test_record_without_authors_same_journal_pages(build, article) -> None:
    b = dict(
        article, authors=[], doi=None, title=article["title"].replace("randomised", "randomized")
    )
    merged, rule, res = _run(build, article, b)
    assert merged and rule == "title_journal_pages"
    assert res.counts["flagged_records"] == {"no_authors": 1}


# --- traps that must not merge ------------------------------------------------------------------


def test_conference_abstract_vs_later_article(build, article) -> None:
    abstract = dict(article)
    abstract.update(
        title=article["title"] + " [abstract]",
        journal="Drug and Alcohol Dependence",
        volume="156",
        issue="Suppl",
        pages="e61",
        year=2015,
        doi=None,
        type="ABST",
    )
    merged, rule, _ = _run(build, abstract, article)
    assert not merged and rule == "abstract_vs_article"


def test_conference_abstract_same_year_without_pages(build, article) -> None:
    abstract = dict(article, doi=None, volume=None, pages=None, issue=None, type="CONF")
    abstract["journal"] = (
        "Proceedings of the 2016 Annual Meeting of the College on Problems of Drug Dependence"
    )
    merged, rule, _ = _run(build, abstract, article)
    assert not merged and rule == "abstract_vs_article"


@pytest.mark.parametrize(
    ("title", "rtype"),
    [
        ("Erratum: {t}", "JOUR"),
        ("Correction to: {t}", "JOUR"),
        ("{t}", "Erratum"),
        ("Comment on: {t}", "JOUR"),
        ("Reply to: {t}", "JOUR"),
        ("Re - {t}", "JOUR"),
        ("Retraction notice: {t}", "JOUR"),
    ],
)
def test_notice_vs_article(build, article, title: str, rtype: str) -> None:
    notice = dict(article, title=title.format(t=article["title"]), type=rtype, doi=None)
    notice.update(pages="2600", issue="4")
    merged, rule, _ = _run(build, article, notice)
    assert not merged and rule in ("notice_vs_article", "pages_conflict")
    notice["pages"] = None  # without the page guard, the notice guard alone must hold
    merged, rule, _ = _run(build, article, notice)
    assert not merged and rule == "notice_vs_article"


def test_same_title_different_year_and_volume(build) -> None:
    a = {
        "title": "Drug misuse in England: annual statistics report",
        "authors": ["NHS Digital"],
        "year": 2018,
        "journal": "Statistical Bulletin",
        "volume": "7",
    }
    b = dict(a, year=2019, volume="8")
    merged, rule, _ = _run(build, a, b)
    assert not merged and rule == "volume_conflict"
    c = dict(a, year=2020, volume=None)
    merged, rule, _ = _run(build, a, c)
    assert not merged and rule == "year_conflict"


def test_numbered_parts(build, article) -> None:
    p1 = dict(article, title="Dual diagnosis services in England. Part 1: mapping provision")
    p1.update(pages=None, doi=None)
    p2 = dict(p1, title="Dual diagnosis services in England. Part 2: mapping provision")
    merged, rule, _ = _run(build, p1, p2)
    assert not merged and rule == "part_conflict"
    p3 = dict(p1, title="Dual diagnosis services in England. II: mapping provision")
    p4 = dict(p1, title="Dual diagnosis services in England. III: mapping provision")
    merged, _, _ = _run(build, p3, p4)
    assert not merged


def test_different_page_ranges(build, article) -> None:
    b = dict(article, pages="2520-2528", doi=None)
    merged, rule, _ = _run(build, article, b)
    assert not merged and rule == "pages_conflict"


def test_different_dois(build, article) -> None:
    b = dict(article, doi="10.5555/jdd.2016.2599")
    merged, rule, _ = _run(build, article, b)
    assert not merged and rule == "doi_conflict"


def test_meeting_abstracts_on_one_page_are_different(build) -> None:
    a = {
        "title": "Outcomes of integrated care in a dual diagnosis service",
        "authors": ["Smith, A."],
        "year": 2011,
        "journal": "European Psychiatry",
        "volume": "26",
        "pages": "S12",
        "type": "ABST",
    }
    b = dict(a, title="Staff attitudes to substance misuse on acute psychiatric wards")
    merged, _, _ = _run(build, a, b)
    assert not merged


def test_records_without_title_are_flagged_not_merged(build) -> None:
    a = {"title": None, "authors": ["Smith, A."], "year": 2011, "journal": "Addiction"}
    b = dict(a)
    df = build([{"record_id": "x:1", **a}, {"record_id": "x:2", **b}])
    res = deduplicate(df)
    assert res.dedup_map.get_column("kept").to_list() == [1, 1]
    assert res.counts["flagged_records"] == {"no_title": 2}
    assert res.counts["unique_records"] == 2


def test_same_title_alone_goes_to_review_not_merged(build, article) -> None:
    a = {"title": article["title"], "authors": []}
    b = {"title": article["title"], "authors": []}
    merged, rule, res = _run(build, a, b)
    assert not merged
    assert rule == "review_similar_title"
    assert res.review_pairs.height == 1
    assert res.review_pairs.get_column("title_a").item() == article["title"]


def test_bulk_comparison_equals_single_pair_comparison(build, article) -> None:
    """The vectorised comparison used for all pairs matches the per-pair one used in clusters."""
    import numpy as np
    from reco.dedup.match import Comparer, compare_frame
    from reco.dedup.prep import prepare

    variants = [
        dict(article),
        dict(article, doi=None, pages="2511-8", journal="J Dual Diagn", authors=["Drake RE"]),
        dict(article, title="Erratum: " + article["title"], pages="2600"),
        dict(article, authors=[], title=None, year=None),
        dict(article, pages="e2511", volume=None, doi="10.5555/other"),
    ]
    df = build([{"record_id": f"x:{k}", **v} for k, v in enumerate(variants)])
    prep = prepare(df)
    pairs = [(i, j) for i in range(len(variants)) for j in range(i + 1, len(variants))]
    bulk = compare_frame(prep, np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs]))
    cmp = Comparer(prep)
    for row, (i, j) in zip(bulk.iter_rows(named=True), pairs, strict=True):
        single = cmp.compare(i, j)
        assert row.keys() == single.keys()
        for key, value in single.items():
            assert (
                row[key] == pytest.approx(value) if isinstance(value, float) else row[key] == value
            ), (i, j, key)
