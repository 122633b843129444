"""Query strategies: which unlabelled records to show next (a registry: name -> function).

Each takes the classifier's ``scores`` and ``proba`` over the pool, a batch size and a seeded
random generator, and returns pool positions in the order to screen them. Ties are broken by
pool position (stable sort), so the order is deterministic.

- ``max``: highest scores first (certainty-based; the default, best for finding relevant records);
- ``uncertainty``: probabilities closest to 0.5 first (improves the model, finds fewer records);
- ``mixed``: ``max``, but each slot is taken by ``uncertainty`` with probability ``mix``
  (default 0.05), drawn from the seeded generator.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from reco.errors import ConfigError


def query_max(
    scores: np.ndarray, proba: np.ndarray, n: int, rng: np.random.Generator, mix: float = 0.05
) -> np.ndarray:
    return np.argsort(-scores, kind="stable")[:n]


def query_uncertainty(
    scores: np.ndarray, proba: np.ndarray, n: int, rng: np.random.Generator, mix: float = 0.05
) -> np.ndarray:
    return np.argsort(np.abs(proba - 0.5), kind="stable")[:n]


def query_mixed(
    scores: np.ndarray, proba: np.ndarray, n: int, rng: np.random.Generator, mix: float = 0.05
) -> np.ndarray:
    by_max = list(np.argsort(-scores, kind="stable"))
    by_unc = list(np.argsort(np.abs(proba - 0.5), kind="stable"))
    n = min(n, len(by_max))
    chosen: list[int] = []
    taken: set[int] = set()
    i_max = i_unc = 0
    for use_unc in rng.random(n) < mix:
        source, i = (by_unc, i_unc) if use_unc else (by_max, i_max)
        while source[i] in taken:
            i += 1
        chosen.append(int(source[i]))
        taken.add(int(source[i]))
        if use_unc:
            i_unc = i + 1
        else:
            i_max = i + 1
    return np.asarray(chosen, dtype=np.int64)


QUERIES: dict[str, Callable[..., np.ndarray]] = {
    "max": query_max,
    "uncertainty": query_uncertainty,
    "mixed": query_mixed,
}


def get_query(name: str) -> Callable[..., np.ndarray]:
    if name not in QUERIES:
        raise ConfigError(
            f"unknown query strategy {name!r}", fix=f"choose one of {', '.join(sorted(QUERIES))}"
        )
    return QUERIES[name]
