"""The cross-validated reference ranking (reco.screening.ceiling)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from reco.errors import ConfigError
from reco.screening import metrics
from reco.screening.ceiling import cross_validated_order, cross_validated_scores
from reco.screening.data import read_labelled
from reco.screening.simulate import ModelSpec

FIXTURE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "screening" / "kitchenham_2010_subset.csv"
)


def _separable() -> tuple[list[str], list[str], np.ndarray]:
    """40 records: 10 on one topic (relevant), 30 on others, words varied by record."""
    rng = np.random.default_rng(1)
    topic = ["clozapine", "schizophrenia", "randomised", "trial", "placebo", "psychosis"]
    other = ["software", "testing", "tool", "survey", "compiler", "network", "cache", "agile"]
    titles, abstracts, labels = [], [], []
    for i in range(40):
        words = topic if i % 4 == 0 else other
        titles.append(" ".join(rng.choice(words, 3)))
        abstracts.append(" ".join(rng.choice(words, 25)))
        labels.append(int(i % 4 == 0))
    return titles, abstracts, np.asarray(labels)


def test_held_out_ranking_of_a_separable_set_is_the_oracle() -> None:
    titles, abstracts, labels = _separable()
    spec = ModelSpec()
    order = cross_validated_order(spec.featurise(titles, abstracts), labels, spec)
    assert sorted(order.tolist()) == list(range(40))
    assert labels[order[:10]].tolist() == [1] * 10
    assert metrics.wss(labels[order]) == pytest.approx(metrics.wss(np.sort(labels)[::-1]))


def test_scores_are_held_out_not_memorised() -> None:
    """With labels that carry no signal, a model scoring records it was trained on would still
    rank the 'relevant' ones first (a linear SVM memorises 200 records); held-out scores cannot."""
    data = read_labelled(FIXTURE)
    spec = ModelSpec()
    X = spec.featurise(data.titles, data.abstracts)
    noise = np.random.default_rng(0).permutation(data.labels)
    wss = [metrics.wss(noise[cross_validated_order(X, noise, spec, seed=s)]) for s in range(3)]
    assert np.mean(wss) < 10
    # The real labels carry signal: the same procedure ranks them far better than chance.
    assert metrics.wss(data.labels[cross_validated_order(X, data.labels, spec)]) > 30


def test_same_seed_same_scores_and_folds_follow_the_seed() -> None:
    data = read_labelled(FIXTURE)
    spec = ModelSpec()
    X = spec.featurise(data.titles, data.abstracts)
    first = cross_validated_scores(X, data.labels, spec, seed=0)
    assert np.array_equal(first, cross_validated_scores(X, data.labels, spec, seed=0))
    assert np.isfinite(first).all()
    assert not np.array_equal(first, cross_validated_scores(X, data.labels, spec, seed=1))


def test_too_few_relevant_records_for_the_folds() -> None:
    titles, abstracts, labels = _separable()
    labels = np.zeros(40, dtype=np.int64)
    labels[:3] = 1
    spec = ModelSpec()
    with pytest.raises(ConfigError, match="5-fold cross-validation needs at least 5"):
        cross_validated_scores(spec.featurise(titles, abstracts), labels, spec)
