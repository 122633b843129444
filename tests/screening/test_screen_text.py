"""Text preparation for screening features: cleaning, number masking and title weighting."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from reco.errors import ConfigError
from reco.screening.features import (
    TextCleaner,
    featurise,
    make_features,
    normalise_rows,
    record_texts,
)
from scipy.sparse.linalg import norm


def test_cleaner_strips_markup_decodes_entities_and_masks_numbers() -> None:
    clean = TextCleaner(strip_markup=True, mask_numbers=True)
    out = clean("<p>Lansoprazole 30 mg &amp; 12.5% <i>vs</i> 2,5 ml</p>")
    assert "<" not in out and "&amp;" not in out and "&" in out
    assert "lansoprazole" in out and " vs " in out
    assert not any(d in out for d in "123456789")
    assert out.split().count("0") == 3
    # Off by default: the single extractors stay raw, as ASReview reads the text.
    assert TextCleaner()("<p>Dose 30</p>") == "<p>dose 30</p>"


def test_record_texts_repeat_the_title() -> None:
    assert record_texts(["T"], ["A"]) == ["T A"]
    assert record_texts(["T", None], ["A", "B"], title_repeats=2) == ["T T A", "B"]
    assert record_texts(["T"], [None], title_repeats=2) == ["T T"]


def test_default_views_mask_numbers_for_words_and_ignore_markup() -> None:
    # Records 0 and 1 differ only in a number and in markup; records 2 and 3 reuse both numbers
    # so that their character n-grams pass min_df = 2.
    titles = ["Omeprazole 20 mg in reflux", "Omeprazole 40 mg in reflux", "Dose 20", "Dose 40"]
    abstracts = ["<jats:p>A trial in patients.</jats:p>", "A trial in patients.", "<i>Cost</i>."]
    abstracts.append("Models.")
    X = featurise(make_features("tfidf_views"), titles, abstracts)
    word, char = (v.toarray() for v in X.views)
    np.testing.assert_allclose(word[0], word[1])  # numbers masked, markup gone
    assert not np.allclose(char[0], char[1])  # the character view keeps the numbers
    raw = featurise(
        make_features("tfidf_views", mask_numbers=False, strip_markup=False), titles, abstracts
    )
    assert not np.allclose(raw.views[0].toarray()[0], raw.views[0].toarray()[1])
    # Markup alone: the same records without their tags get the same rows in both views.
    plain_abstracts = ["A trial in patients.", "A trial in patients.", "Cost.", "Models."]
    plain = featurise(make_features("tfidf_views"), titles, plain_abstracts)
    for with_tags, without in zip(X.views, plain.views, strict=True):
        np.testing.assert_allclose(with_tags.toarray(), without.toarray())


def test_title_terms_weigh_more_than_abstract_terms() -> None:
    # Record 0 has "alpha" in its title and "beta" in its abstract; record 1 shares only alpha,
    # record 2 only beta, each in its abstract. Counting titles twice makes record 0 closer to 1.
    titles = ["alpha", "gamma", "delta", "epsilon trial", "zeta trial"]
    abstracts = ["beta", "alpha", "beta", "eta trial", "theta trial"]
    for repeats in (2, 1):
        X = featurise(make_features("tfidf_views", title_repeats=repeats), titles, abstracts)
        word = X.views[0].toarray()
        to_title_term, to_abstract_term = word[0] @ word[1], word[0] @ word[2]
        if repeats == 2:
            assert to_title_term > 1.2 * to_abstract_term > 0
        else:
            assert to_title_term == pytest.approx(to_abstract_term)


def test_title_repeats_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="title_repeats"):
        make_features("tfidf_views", title_repeats=0)


def test_default_character_view_uses_3_and_4_grams() -> None:
    # " abcdef " (char_wb pads words with spaces) has six 3-grams, five 4-grams and four 5-grams;
    # two records share it (min_df 2) and a third keeps it under max_df.
    texts = (["abcdef", "abcdef", "xy"], ["", "", ""])
    assert featurise(make_features("tfidf_views"), *texts).views[1].shape[1] == 6 + 5
    wider = make_features("tfidf_views", char_ngrams=[3, 5])
    assert featurise(wider, *texts).views[1].shape[1] == 6 + 5 + 4


def test_view_n_gram_lengths_are_settable() -> None:
    titles, abstracts = ["alpha beta", "alpha beta", "gamma"], ["", "", ""]
    unigrams = make_features("tfidf_views", word_ngrams=[1, 1], title_repeats=1)
    assert featurise(unigrams, titles, abstracts).views[0].shape[1] == 3  # no "alpha beta"
    default = make_features("tfidf_views", title_repeats=1)
    assert featurise(default, titles, abstracts).views[0].shape[1] == 4


def test_pivoted_length_normalisation_by_hand() -> None:
    # Row lengths 1 and 3 (pivot = their mean, 2), slope 0.5: divisors 1.5 and 2.5.
    matrix = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 3.0], [0.0, 0.0]]))
    out = normalise_rows(matrix, pivot_slope=0.5).toarray()
    np.testing.assert_allclose(out, [[1 / 1.5, 0.0], [0.0, 3 / 2.5], [0.0, 0.0]])
    # Without a slope (or at slope 1) every non-empty row has unit length.
    for slope in (None, 1.0):
        np.testing.assert_allclose(normalise_rows(matrix, slope).toarray()[:2], [[1, 0], [0, 1]])


def test_pivoted_views_keep_short_records_short() -> None:
    # A title-only record and records with abstracts: pivoting leaves short records' rows
    # shorter than unit length and long ones longer, in both views.
    titles = ["omeprazole reflux", "omeprazole trial", "lansoprazole trial", "cost model"]
    abstracts = [
        "",
        "A randomised trial of omeprazole in reflux oesophagitis in adults.",
        "A randomised trial of lansoprazole for ulcers in adults over ten weeks.",
        "A cost model of reflux treatment.",
    ]
    plain = featurise(make_features("tfidf_views"), titles, abstracts)
    pivoted = featurise(make_features("tfidf_views", pivot_slope=0.85), titles, abstracts)
    for before, after in zip(plain.views, pivoted.views, strict=True):
        np.testing.assert_allclose(norm(before, axis=1), 1.0)
        lengths = norm(after, axis=1)
        assert lengths.min() < 0.95 and lengths.max() > 1.0
        # The direction of every row is unchanged: only its length is.
        cosines = np.asarray(before.multiply(after).sum(axis=1)).ravel() / lengths
        np.testing.assert_allclose(cosines, 1.0)
    # In the word view the title-only record is the shortest.
    assert np.argmin(norm(pivoted.views[0], axis=1)) == 0


def test_pivot_slope_must_be_in_range() -> None:
    for bad in (0, 1.5, -0.2):
        with pytest.raises(ConfigError, match="pivot_slope"):
            make_features("tfidf_views", pivot_slope=bad)
