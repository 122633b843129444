"""Classifiers for screening prioritisation (a registry: name -> factory).

Every classifier is refitted on the records labelled so far and scores the unlabelled pool:
``scores`` (higher = more likely relevant, used for ranking) and ``proba`` (a value in (0, 1),
used by the uncertainty query). Available:

- ``logistic``: L2 logistic regression (lbfgs, warm-started from the previous fit; or
  ``solver="liblinear"``, the dual problem, several times faster on n-gram features);
- ``nb``: multinomial naive Bayes;
- ``svm``: linear support vector machine (squared hinge, liblinear);
- ``ensemble``: logistic + SVM + naive Bayes on one feature matrix, z-scored scores averaged;
- ``multiview``: the default. One base classifier (SVM, C = 1) per feature view of
  ``tfidf_views`` -- word 1-2-grams and character 3-4-grams -- with the two views' z-scored
  scores averaged. Word n-grams win where topics are named consistently, character n-grams
  where spelling varies (drug names, plurals, hyphenation); the average keeps most of the
  better view's gain on each set. ``bench/screening.py --classifiers logistic nb svm`` compares
  it with the single classifiers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from reco.errors import ConfigError


class Classifier(Protocol):
    name: str

    def fit(self, X: Any, y: np.ndarray, sample_weight: np.ndarray | None = None) -> None: ...

    def scores(self, X: Any) -> np.ndarray: ...

    def proba(self, X: Any) -> np.ndarray: ...


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


class Logistic:
    name = "logistic"

    #: Solver settings. liblinear solves the dual problem, as LinearSVC does: fast on many
    #: sparse features; lbfgs is warm-started from the previous fit.
    SOLVERS: dict[str, dict[str, Any]] = {
        "lbfgs": {"solver": "lbfgs", "max_iter": 200, "warm_start": True},
        "liblinear": {"solver": "liblinear", "dual": True, "max_iter": 2000},
    }

    def __init__(self, C: float = 1.0, solver: str = "lbfgs", seed: int = 0) -> None:
        from sklearn.linear_model import LogisticRegression

        if solver not in self.SOLVERS:
            raise ConfigError(
                f"logistic: unknown solver {solver!r}",
                fix="use solver lbfgs (the default) or liblinear (faster on many features)",
            )
        self.model = LogisticRegression(C=C, **self.SOLVERS[solver])

    def fit(self, X: Any, y: np.ndarray, sample_weight: np.ndarray | None = None) -> None:
        self.model.fit(X, y, sample_weight=sample_weight)

    def scores(self, X: Any) -> np.ndarray:
        return np.asarray(self.model.decision_function(X), dtype=np.float64)

    def proba(self, X: Any) -> np.ndarray:
        return _sigmoid(self.scores(X))


class NaiveBayes:
    name = "nb"

    def __init__(self, alpha: float = 3.822, seed: int = 0) -> None:
        from sklearn.naive_bayes import MultinomialNB

        self.model = MultinomialNB(alpha=alpha)

    def fit(self, X: Any, y: np.ndarray, sample_weight: np.ndarray | None = None) -> None:
        if not hasattr(X, "tocsr") and np.any(np.asarray(X) < 0):
            raise ConfigError(
                "naive Bayes needs non-negative features",
                fix="use it with --features tfidf or choose another classifier",
            )
        self.model.fit(X, y, sample_weight=sample_weight)

    def scores(self, X: Any) -> np.ndarray:
        log_proba = self.model.predict_log_proba(X)
        return np.asarray(log_proba[:, 1] - log_proba[:, 0], dtype=np.float64)

    def proba(self, X: Any) -> np.ndarray:
        return _sigmoid(self.scores(X))


class SVM:
    name = "svm"

    def __init__(self, C: float = 0.3, tol: float = 1e-4, seed: int = 0) -> None:
        from sklearn.svm import LinearSVC

        self.model = LinearSVC(C=C, loss="squared_hinge", tol=tol, random_state=seed, max_iter=2000)

    def fit(self, X: Any, y: np.ndarray, sample_weight: np.ndarray | None = None) -> None:
        self.model.fit(X, y, sample_weight=sample_weight)

    def scores(self, X: Any) -> np.ndarray:
        return np.asarray(self.model.decision_function(X), dtype=np.float64)

    def proba(self, X: Any) -> np.ndarray:
        return _sigmoid(2.0 * self.scores(X))


def zscore(x: np.ndarray) -> np.ndarray:
    """``x`` standardised to mean 0 and standard deviation 1 (all zeros if ``x`` is constant)."""
    sd = float(x.std())
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


class Ensemble:
    """Mean of the members' z-scored pool scores."""

    name = "ensemble"

    def __init__(
        self,
        members: tuple[str, ...] = ("logistic", "svm", "nb"),
        member_params: dict[str, dict[str, Any]] | None = None,
        seed: int = 0,
    ) -> None:
        params = member_params or {}
        self.members = [CLASSIFIERS[m](seed=seed, **params.get(m, {})) for m in members]

    def fit(self, X: Any, y: np.ndarray, sample_weight: np.ndarray | None = None) -> None:
        for member in self.members:
            member.fit(X, y, sample_weight=sample_weight)

    def scores(self, X: Any) -> np.ndarray:
        return np.mean([zscore(m.scores(X)) for m in self.members], axis=0)

    def proba(self, X: Any) -> np.ndarray:
        return np.mean([m.proba(X) for m in self.members], axis=0)


class MultiView:
    """One base classifier per feature view (features ``tfidf_views``); z-scores averaged."""

    name = "multiview"

    def __init__(
        self,
        base: str = "svm",
        base_params: dict[str, Any] | None = None,
        view_params: list[dict[str, Any]] | None = None,
        seed: int = 0,
    ) -> None:
        self.base = base
        self.base_params = base_params or {}
        self.view_params = view_params or []
        self.seed = seed
        self.members: list[Classifier] = []
        # Fail now, not at the first fit, on an unknown base or a parameter it does not take.
        for i in range(max(1, len(self.view_params))):
            self._member(i)

    def _member(self, view: int) -> Classifier:
        """The base classifier of one view (base parameters, then the view's own)."""
        extra = self.view_params[view] if view < len(self.view_params) else {}
        return make_classifier(self.base, seed=self.seed, **(self.base_params | extra))

    def _views(self, X: Any) -> list[Any]:
        views = getattr(X, "views", None)
        if views is None:
            raise ConfigError(
                "classifier 'multiview' needs multi-view features",
                fix="use --model features=tfidf_views with it",
            )
        return views

    def fit(self, X: Any, y: np.ndarray, sample_weight: np.ndarray | None = None) -> None:
        views = self._views(X)
        if len(self.members) != len(views):
            self.members = [self._member(i) for i in range(len(views))]
        for member, view in zip(self.members, views, strict=True):
            member.fit(view, y, sample_weight=sample_weight)

    def scores(self, X: Any) -> np.ndarray:
        views = self._views(X)
        return np.mean(
            [zscore(m.scores(v)) for m, v in zip(self.members, views, strict=True)], axis=0
        )

    def proba(self, X: Any) -> np.ndarray:
        views = self._views(X)
        return np.mean([m.proba(v) for m, v in zip(self.members, views, strict=True)], axis=0)


CLASSIFIERS: dict[str, Callable[..., Classifier]] = {
    "logistic": Logistic,
    "nb": NaiveBayes,
    "svm": SVM,
    "ensemble": Ensemble,
    "multiview": MultiView,
}


def make_classifier(name: str, seed: int = 0, **params: Any) -> Classifier:
    if name not in CLASSIFIERS:
        raise ConfigError(
            f"unknown classifier {name!r}", fix=f"choose one of {', '.join(sorted(CLASSIFIERS))}"
        )
    return CLASSIFIERS[name](seed=seed, **params)
