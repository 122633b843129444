"""Replay active-learning screening on a fully labelled data set.

Start from prior knowledge (one relevant + one irrelevant record chosen with the seed), then
repeat: fit the classifier on the labelled records, score the pool, screen the next batch
chosen by the query strategy, reveal its labels. The order in which records were screened is
the result; metrics and stopping rules are computed from it.

Retraining schedule (why a 2,000-record set takes seconds, not minutes): the model is refitted
after every record while fewer than ``1 / growth`` records are labelled, then after batches of
``floor(growth * n_labelled)`` records (batches grow geometrically with the labelled set). The
number of refits is about 1/growth + ln(growth * N) / ln(1 + growth) -- logarithmic in N -- so
scoring the pool costs O(N log N) in all and training O(N / growth), instead of O(N^2) for a
refit after every record. Logistic regression is warm-started from the previous fit; the
linear SVMs (liblinear) refit from scratch, which this schedule keeps cheap. ``growth = 0``
refits after every record, as ASReview does (``bench/screening.py --replica`` uses it).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from reco.errors import ConfigError
from reco.screening.balance import get_balancer
from reco.screening.classifiers import make_classifier
from reco.screening.query import get_query


@dataclass(frozen=True)
class ModelSpec:
    """One complete model setting (the same for every data set: no per-set tuning)."""

    features: str = "tfidf_views"
    classifier: str = "multiview"
    query: str = "max"
    balance: str = "balanced"
    balance_ratio: float = 9.8
    growth: float = 0.02
    feature_params: dict[str, Any] = field(default_factory=dict)
    classifier_params: dict[str, Any] = field(
        default_factory=lambda: {"base": "svm", "base_params": {"C": 1.0}}
    )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def extractor(self) -> Any:
        """The feature extractor this setting names, with its parameters."""
        from reco.screening.features import make_features

        return make_features(self.features, **self.feature_params)

    def featurise(self, titles: Sequence[str | None], abstracts: Sequence[str | None]) -> Any:
        """The feature matrix of these records (fitted on all of them, no labels)."""
        from reco.screening.features import featurise

        return featurise(self.extractor(), titles, abstracts)

    def check(self) -> None:
        """Raise ConfigError, before any work, on a part or parameter that cannot run."""
        try:
            extractor = self.extractor()
        except TypeError as exc:  # a parameter the extractor does not take
            raise _unfit("feature_params", self.features, exc) from exc
        try:
            make_classifier(self.classifier, **self.classifier_params)
        except TypeError as exc:
            raise _unfit("classifier_params", self.classifier, exc) from exc
        if getattr(extractor, "multiview", False) != (self.classifier == "multiview"):
            raise ConfigError(
                f"classifier {self.classifier!r} does not take the features {self.features!r}",
                fix="use classifier=multiview with features=tfidf_views, and a single classifier "
                "(svm, logistic, nb, ensemble) with features=tfidf_word, tfidf or embeddings",
            )
        get_query(self.query)
        get_balancer(self.balance)


def _unfit(kind: str, name: str, exc: TypeError) -> ConfigError:
    return ConfigError(
        f"--model {kind} does not fit {name!r}: {exc}",
        fix="see its parameters in reco/screening/features.py or classifiers.py",
    )


#: ASReview 3.0.8's default model ``elas_u4`` as a reco model: word 1-2-gram TF-IDF (sublinear,
#: max_df 0.95), linear SVM C = 0.11, balancing ratio 9.8, max query, a refit after every record.
#: With it reco reproduces ASReview's screening order (``bench/screening.py --replica``; a test
#: checks it against orders ASReview wrote for the test fixture).
ASREVIEW_ELAS_U4 = ModelSpec(
    features="tfidf_word",
    classifier="svm",
    classifier_params={"C": 0.11},
    query="max",
    balance="balanced",
    balance_ratio=9.8,
    growth=0.0,
)


@dataclass
class SimResult:
    order: np.ndarray  # row positions in screening order, priors first
    prior: tuple[int, int]
    n_fits: int
    seconds: float


def choose_prior(labels: np.ndarray, seed: int) -> tuple[int, int]:
    """One relevant and one irrelevant row position, drawn with ``seed`` (numpy default_rng)."""
    rng = np.random.default_rng(seed)
    relevant = np.flatnonzero(labels == 1)
    irrelevant = np.flatnonzero(labels == 0)
    return int(rng.choice(relevant)), int(rng.choice(irrelevant))


def batch_size(n_labelled: int, growth: float) -> int:
    """Records screened before the next refit."""
    return max(1, int(growth * n_labelled))


def rank_pool(
    X: Any,
    labelled: np.ndarray,
    y: np.ndarray,
    pool: np.ndarray,
    spec: ModelSpec,
    n: int,
    rng: np.random.Generator,
    classifier: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Fit on the labelled rows and return (the next ``n`` pool positions, scores of the pool)."""
    clf = classifier or make_classifier(spec.classifier, **spec.classifier_params)
    weights = get_balancer(spec.balance)(y, spec.balance_ratio)
    clf.fit(X[labelled], y, sample_weight=weights)
    Xp = X[pool]
    scores = clf.scores(Xp)
    proba = clf.proba(Xp)
    return get_query(spec.query)(scores, proba, n, rng), scores


def simulate(
    X: Any,
    labels: np.ndarray,
    prior: tuple[int, int],
    spec: ModelSpec,
    seed: int = 0,
) -> SimResult:
    """Screen every record in the order the active learner chooses; return that order."""
    start = time.perf_counter()
    labels = np.asarray(labels, dtype=np.int64)
    n = len(labels)
    rng = np.random.default_rng(seed)
    clf = make_classifier(spec.classifier, seed=seed, **spec.classifier_params)
    screened = np.zeros(n, dtype=bool)
    order: list[int] = list(prior)
    screened[list(prior)] = True
    n_fits = 0
    while len(order) < n:
        labelled = np.asarray(order, dtype=np.int64)
        pool = np.flatnonzero(~screened)
        size = min(batch_size(len(order), spec.growth), len(pool))
        picks, _ = rank_pool(X, labelled, labels[labelled], pool, spec, size, rng, clf)
        n_fits += 1
        chosen = pool[picks]
        order.extend(int(i) for i in chosen)
        screened[chosen] = True
    return SimResult(
        order=np.asarray(order, dtype=np.int64),
        prior=prior,
        n_fits=n_fits,
        seconds=time.perf_counter() - start,
    )


def simulate_file(
    data_path: Path,
    out_dir: Path,
    seed: int = 0,
    spec: ModelSpec | None = None,
    stopping_rule: str | None = None,
) -> dict[str, Any]:
    """``reco screen simulate``: read, replay, write metrics.json, order.csv and the plot.

    Every stopping rule is applied to the order; ``stopping_rule`` (default
    :data:`~reco.screening.stopping.DEFAULT_RULE`) names the one a report quotes.
    """
    import polars as pl

    from reco.fileio import write_csv, write_json
    from reco.screening import metrics, stopping
    from reco.screening.data import read_labelled
    from reco.screening.plot import recall_plot

    spec = spec or ModelSpec()
    quoted = stopping_rule or stopping.DEFAULT_RULE
    stopping.make_rule(quoted)  # an unknown name fails here, before the simulation
    data = read_labelled(data_path)
    X = spec.featurise(data.titles, data.abstracts)
    prior = choose_prior(data.labels, seed)
    result = simulate(X, data.labels, prior, spec, seed)
    ordered = data.labels[result.order]
    n = len(ordered)
    rules = stopping.evaluate(ordered, n)
    summary = metrics.summary(ordered)
    random_order = np.concatenate(
        [list(prior), np.random.default_rng(seed).permutation(np.setdiff1d(np.arange(n), prior))]
    )
    random_labels = data.labels[random_order]
    report: dict[str, Any] = {
        **summary,
        "stopping": rules,
        "stopping_rule": {"name": quoted, **rules[quoted]},  # the rule a report quotes
        "random_order": {
            "wss_95": round(metrics.wss(random_labels, 0.95), 4),
            "n_to_95": metrics.n_to_recall(random_labels, 0.95),
        },
        "oracle_saving_95": round((n - summary["n_to_95"]) / n, 4),
        "recall_target_pct": 95,  # the recall level of n_to_95 and wss_95
        "seed": seed,
        "prior_record_ids": [data.record_ids[i] for i in prior],
        "model": spec.as_dict(),
        "n_fits": result.n_fits,
        "data": data_path.name,
        "note": "retrospective simulation on fully labelled data; wss and rrf in percent",
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "metrics.json", report)
    order_df = pl.DataFrame(
        {
            "position": np.arange(1, n + 1, dtype=np.int64),
            "record_id": [data.record_ids[i] for i in result.order],
            "label_included": ordered,
            "prior": [i < 2 for i in range(n)],
        }
    )
    write_csv(order_df, out_dir / "order.csv")
    recall_plot(
        ordered,
        out_dir / "recall_curve",
        title=f"{data_path.name}: WSS@95 {summary['wss_95']:.1f}, seed {seed}",
        stops={k: v["stopped_at"] for k, v in rules.items() if v["triggered"]},
        random_labels=random_labels,
    )
    return report
