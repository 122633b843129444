"""A supervised reference for a model setting: how well it ranks records it was not trained on.

Active learning starts from two labels. This asks what the same model (features, classifier,
balancing: the simulation's own fit, :func:`reco.screening.simulate.rank_pool`) does when it
knows almost every label: k-fold cross-validation, each fold's records scored by a model fitted
on the other folds, scores z-scored within the fold so that the folds are comparable, and every
record ranked by its held-out score. The WSS@95 of that ranking is a reference for the screening
loop: when a simulation comes close to it, the model -- what its features let it tell apart --
limits the result, not the loop (retraining schedule, query, prior records), and tuning the loop
cannot gain much more.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from reco.errors import ConfigError
from reco.screening.classifiers import make_classifier, zscore
from reco.screening.simulate import ModelSpec, rank_pool


def cross_validated_scores(
    X: Any, labels: np.ndarray, spec: ModelSpec, folds: int = 5, seed: int = 0
) -> np.ndarray:
    """Each record's held-out score (z-scored within its fold), from stratified ``folds``-fold CV."""
    from sklearn.model_selection import StratifiedKFold

    labels = np.asarray(labels, dtype=np.int64)
    fewest = int(min((labels == 1).sum(), (labels == 0).sum()))
    if folds < 2 or fewest < folds:
        raise ConfigError(
            f"{folds}-fold cross-validation needs at least {max(folds, 2)} relevant and "
            f"irrelevant records; the data have {fewest} in the smaller class",
            fix="use fewer folds (at least 2) or a larger labelled set",
        )
    scores = np.zeros(len(labels), dtype=np.float64)
    rng = np.random.default_rng(seed)
    split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in split.split(np.zeros((len(labels), 1)), labels):
        clf = make_classifier(spec.classifier, seed=seed, **spec.classifier_params)
        _, held_out = rank_pool(X, train, labels[train], test, spec, 0, rng, clf)
        scores[test] = zscore(held_out)
    return scores


def cross_validated_order(
    X: Any, labels: np.ndarray, spec: ModelSpec, folds: int = 5, seed: int = 0
) -> np.ndarray:
    """Row positions ranked by held-out score, highest first (ties by position)."""
    return np.argsort(-cross_validated_scores(X, labels, spec, folds, seed), kind="stable")
