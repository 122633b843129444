"""Class balancing for the training set: sample weights (a registry: name -> function).

Relevant records are rare (often 1-10%), so an unweighted model learns to call everything
irrelevant. ``balanced`` gives each class the same total weight times a ratio: with n1 relevant
and n0 irrelevant records, relevant ones weigh 1 and irrelevant ones n1 / (ratio * n0), then all
weights are rescaled to sum to the number of records (ratio 1 = equal total weight; ASReview's
default model uses 9.8). ``none`` weighs every record 1.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from reco.errors import ConfigError


def no_balance(y: np.ndarray, ratio: float = 1.0) -> np.ndarray:
    return np.ones(len(y), dtype=np.float64)


def balanced(y: np.ndarray, ratio: float = 1.0) -> np.ndarray:
    y = np.asarray(y)
    n1 = int((y == 1).sum())
    n0 = int((y == 0).sum())
    if n1 == 0 or n0 == 0:
        return np.ones(len(y), dtype=np.float64)
    weights = np.where(y == 1, 1.0, n1 / (ratio * n0))
    return weights * (len(y) / weights.sum())


BALANCERS: dict[str, Callable[..., np.ndarray]] = {"balanced": balanced, "none": no_balance}


def get_balancer(name: str) -> Callable[..., np.ndarray]:
    if name not in BALANCERS:
        raise ConfigError(
            f"unknown balancing {name!r}", fix=f"choose one of {', '.join(sorted(BALANCERS))}"
        )
    return BALANCERS[name]
