"""Stopping rules: when may the screening of a ranked list stop? (a registry: name -> factory).

A rule looks only at what a screener knows: the 0/1 labels of the records screened so far, in
order, and the number of records N. ``first_stop(labels, n_total)`` returns the number of
records screened when the rule first says stop (or None if it never does before the end).

- ``consecutive_irrelevant`` (heuristic): stop after ``n`` irrelevant records in a row
  (default 100).
- ``buscar`` (Callaghan & Müller-Hansen 2020, Systematic Reviews 9:262): treat the last n
  screened records, for every n, as a random sample from the records not screened before
  them; stop when the hypergeometric test rejects "recall < target" (default 95%) at the
  given confidence (default 95%) for some n. Conservative, because ranked records are richer
  in relevant ones than a random sample would be.
- ``knee`` (Cormack & Grossman 2016, SIGIR): find the knee of the gain curve (the point
  farthest from the chord from the origin to the current point); stop when the slope before
  the knee is at least ``156 - min(relevant, 150)`` times the slope after it and at least
  ``min_screened`` (default 150) records have been screened.

- ``buscar_streak``: ``buscar`` at 80% confidence *and* ``n`` (default 50) irrelevant records
  in a row.

- ``knee_56``: ``knee`` with ``max_ratio=56`` (the slope ratio must reach ``56 - relevant``, at
  least 6). With the default model's rankings of the benchmark sets it is the rule that reaches
  95% recall in every run while saving more than half of the oracle's work (README, "Screening
  prioritisation"; ``bench/screening.py`` measures every rule).

Every rule says in words when it stops (``describe()``), so that a report can quote the rule it
used (``reco screen simulate --stopping NAME`` chooses it; default ``knee_56``).

Rules are checked after every ``check_every`` records (default: 1, or N/400 for big sets), so a
rule may stop up to that many records late, never early.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from reco.errors import ConfigError


class StoppingRule(Protocol):
    name: str

    def should_stop(self, labels: np.ndarray, n_total: int) -> bool: ...

    def describe(self) -> str:
        """When the rule stops, as a clause that completes "stop when ..."."""
        ...


def _check_points(n_seen: int, n_total: int, start: int, every: int | None) -> range:
    step = every or max(1, n_total // 400)
    return range(max(1, start), n_seen + 1, step)


def first_stop(
    rule: StoppingRule, labels: np.ndarray, n_total: int | None = None, every: int | None = None
) -> int | None:
    """Records screened when ``rule`` first says stop on this label sequence (None: never)."""
    labels = np.asarray(labels, dtype=np.int64)
    n_total = len(labels) if n_total is None else n_total
    for k in _check_points(len(labels), n_total, getattr(rule, "min_screened", 1), every):
        if k < n_total and rule.should_stop(labels[:k], n_total):
            return k
    return None


class ConsecutiveIrrelevant:
    name = "consecutive_irrelevant"

    def __init__(self, n: int = 100) -> None:
        if n < 1:
            raise ConfigError("consecutive_irrelevant needs n >= 1", fix="pass a positive n")
        self.n = n
        self.min_screened = n

    def should_stop(self, labels: np.ndarray, n_total: int) -> bool:
        return len(labels) >= self.n and not np.any(labels[-self.n :])

    def describe(self) -> str:
        return f"the last {self.n} records screened were all irrelevant"


def buscar_p_value(
    labels: np.ndarray, n_total: int, recall_target: float = 0.95, bias: float = 1.0
) -> float:
    """Smallest p-value of H0 "recall < target" over all samples formed by the last n records.

    ``bias`` > 1 models the sample as drawn from a biased urn (Wallenius' noncentral
    hypergeometric distribution): a relevant record is ``bias`` times as likely to be screened
    as an irrelevant one, as in a ranked order. ``bias`` = 1 is the plain hypergeometric test.
    """
    from scipy.stats import hypergeom, nchypergeom_wallenius

    labels = np.asarray(labels, dtype=np.int64)
    n_seen = len(labels)
    r_seen = int(labels.sum())
    if n_seen >= n_total:
        return 0.0
    reverse = labels[::-1]
    k_vec = np.cumsum(reverse)  # relevant among the last n records
    n_vec = np.arange(1, n_seen + 1)  # sample sizes
    # For a fixed k the p-value falls as n grows (one more irrelevant record in the sample), so
    # only the largest n for each k can be the minimum: n just before the next relevant record.
    keep = np.append(reverse[1:] == 1, True)
    k_vec, n_vec = k_vec[keep], n_vec[keep]
    population = n_total - n_seen + n_vec  # unseen records + the sample
    # Under H0 at least floor(r_seen / target) + 1 relevant records exist in all; those not
    # found before the sample started are in the population.
    k_h0 = np.floor(r_seen / recall_target) + 1 - (r_seen - k_vec)
    k_h0 = np.minimum(k_h0, population)
    if bias == 1.0:
        p = hypergeom.cdf(k_vec, population, k_h0, n_vec)
    else:
        p = nchypergeom_wallenius.cdf(k_vec, population, k_h0, n_vec, bias)
    return float(np.nanmin(p))


class Buscar:
    name = "buscar"

    def __init__(
        self,
        recall_target: float = 0.95,
        confidence: float = 0.95,
        bias: float = 1.0,
        min_screened: int = 1,
    ) -> None:
        if not (0 < recall_target < 1 and 0 < confidence < 1):
            raise ConfigError(
                "buscar needs 0 < recall_target < 1 and 0 < confidence < 1",
                fix="e.g. recall_target=0.95 confidence=0.95",
            )
        self.recall_target = recall_target
        self.confidence = confidence
        self.bias = bias
        self.min_screened = min_screened

    def should_stop(self, labels: np.ndarray, n_total: int) -> bool:
        if int(np.sum(labels)) == 0:
            return False
        return (
            buscar_p_value(labels, n_total, self.recall_target, self.bias) < 1.0 - self.confidence
        )

    def describe(self) -> str:
        return (
            "the hypergeometric test of Callaghan and Müller-Hansen (2020) rejects a recall "
            f"below {self.recall_target:.0%} at {self.confidence:.0%} confidence"
        )


#: The slope-ratio constant of Cormack & Grossman (2016): the ratio must reach 156 − relevant.
PUBLISHED_KNEE_RATIO = 156.0


class Knee:
    name = "knee"

    def __init__(
        self,
        min_screened: int = 150,
        max_ratio: float = PUBLISHED_KNEE_RATIO,
        min_ratio: float = 6.0,
    ) -> None:
        self.min_screened = min_screened
        self.max_ratio = max_ratio
        self.min_ratio = min_ratio

    def slope_ratio(self, labels: np.ndarray) -> float:
        cum = np.cumsum(np.asarray(labels, dtype=np.int64))
        s = len(cum)
        r = int(cum[-1]) if s else 0
        if s < 2 or r == 0:
            return 0.0
        x = np.arange(1, s + 1, dtype=np.float64)
        # Distance (up to a constant) of each point from the chord (0, 0) -> (s, r).
        dist = (r * x - s * cum) / np.hypot(s, r)
        knee = int(np.argmin(dist))  # the curve lies above the chord: most negative = farthest
        i = knee + 1
        if i >= s:
            return 0.0
        before = cum[knee] / i
        after = (r - cum[knee] + 1) / (s - i)
        return float(before / after)

    def should_stop(self, labels: np.ndarray, n_total: int) -> bool:
        if len(labels) < self.min_screened:
            return False
        r = int(np.sum(labels))
        threshold = max(self.min_ratio, self.max_ratio - r)
        return self.slope_ratio(labels) >= threshold

    def describe(self) -> str:
        text = (
            "the knee method of Cormack and Grossman (2016) finds a bend in the curve of "
            f"relevant records found: after at least {self.min_screened} records, the rate of "
            f"relevant records before the bend is at least max({self.min_ratio:g}, "
            f"{self.max_ratio:g} minus the relevant records found) times the rate after it"
        )
        if self.max_ratio != PUBLISHED_KNEE_RATIO:
            text += (
                f" ({PUBLISHED_KNEE_RATIO:g} in the published method; "
                f"{self.max_ratio:g} was chosen on the labelled benchmark sets of bench/screening.py)"
            )
        return text


class BuscarStreak:
    """``buscar`` at a lower confidence, guarded by a streak of irrelevant records: stop only
    when the hypergeometric test rejects "recall < target" at ``confidence`` (default 80%)
    *and* the last ``n`` (default 50) records were all irrelevant.

    The test alone needs a long tail of irrelevant records when few relevant ones exist (it
    assumes the last records are a random sample, while a ranked order front-loads relevant
    ones); the streak alone stops in the middle of a dry spell on sets where relevant records
    are spread out. Each covers the other's failure.
    """

    name = "buscar_streak"

    def __init__(
        self, recall_target: float = 0.95, confidence: float = 0.8, n: int = 50, bias: float = 1.0
    ) -> None:
        self.test = Buscar(recall_target, confidence, bias)
        self.streak = ConsecutiveIrrelevant(n)
        self.min_screened = n

    def should_stop(self, labels: np.ndarray, n_total: int) -> bool:
        return self.streak.should_stop(labels, n_total) and self.test.should_stop(labels, n_total)

    def describe(self) -> str:
        return f"{self.test.describe()} and {self.streak.describe()}"


def knee_56(**params: Any) -> Knee:
    """``knee`` with ``max_ratio=56`` unless given otherwise."""
    return Knee(**({"max_ratio": 56.0} | params))


#: The rule ``reco screen simulate`` quotes unless told otherwise (see ``knee_56`` above).
DEFAULT_RULE = "knee_56"

STOPPING_RULES: dict[str, Callable[..., StoppingRule]] = {
    "consecutive_irrelevant": ConsecutiveIrrelevant,
    "buscar": Buscar,
    "buscar_streak": BuscarStreak,
    "knee": Knee,
    "knee_56": knee_56,
}


def make_rule(name: str, **params: Any) -> StoppingRule:
    if name not in STOPPING_RULES:
        raise ConfigError(
            f"unknown stopping rule {name!r}",
            fix=f"choose one of {', '.join(sorted(STOPPING_RULES))}",
        )
    return STOPPING_RULES[name](**params)


def evaluate(labels_in_order: np.ndarray, n_total: int | None = None) -> dict[str, dict[str, Any]]:
    """Apply every registered rule (default settings) to a full screening order."""
    labels = np.asarray(labels_in_order, dtype=np.int64)
    n = len(labels) if n_total is None else n_total
    n_rel = int(labels.sum())
    out: dict[str, dict[str, Any]] = {}
    for name in STOPPING_RULES:
        rule = make_rule(name)
        at = first_stop(rule, labels, n)
        screened = n if at is None else at
        out[name] = {
            "stopped_at": screened,
            "triggered": at is not None,
            "recall": round(int(labels[:screened].sum()) / n_rel, 4) if n_rel else None,
            "saving": round((n - screened) / n, 4),
            "description": rule.describe(),
        }
    return out
