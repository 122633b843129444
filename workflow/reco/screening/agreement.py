"""Inter-rater agreement for double-screened stages: percent agreement, Cohen's kappa, PABAK.

Decisions are binary (include vs exclude; a reviewer's "maybe" counts as include, as screening
tools move a "maybe" forward). Cohen's kappa carries a 95% confidence interval from its large-sample
standard error (Fleiss, Cohen & Everitt 1969); PABAK is the prevalence- and bias-adjusted kappa
(Byrt, Bishop & Carlin 1993), ``2 * p_o - 1`` for two categories.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def agreement(a: Sequence[bool], b: Sequence[bool]) -> dict[str, float | int | None]:
    """Agreement statistics for two reviewers' paired decisions (True = include)."""
    if len(a) != len(b):
        raise ValueError("paired decisions must have the same length")
    n = len(a)
    if n == 0:
        return {
            "n": 0,
            "percent_agreement": None,
            "kappa": None,
            "kappa_ci_low": None,
            "kappa_ci_high": None,
            "pabak": None,
            "both_include": 0,
            "both_exclude": 0,
            "only_first_include": 0,
            "only_second_include": 0,
        }
    both_in = sum(1 for x, y in zip(a, b, strict=True) if x and y)
    both_out = sum(1 for x, y in zip(a, b, strict=True) if not x and not y)
    first_only = sum(1 for x, y in zip(a, b, strict=True) if x and not y)
    second_only = n - both_in - both_out - first_only
    po = (both_in + both_out) / n
    pa, pb = (both_in + first_only) / n, (both_in + second_only) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    kappa = None if pe == 1 else (po - pe) / (1 - pe)
    low = high = None
    if kappa is not None:
        se = _kappa_se(
            n, [[both_in / n, first_only / n], [second_only / n, both_out / n]], kappa, pe
        )
        low, high = kappa - 1.959964 * se, kappa + 1.959964 * se
    return {
        "n": n,
        "both_include": both_in,
        "both_exclude": both_out,
        "only_first_include": first_only,
        "only_second_include": second_only,
        "percent_agreement": 100 * po,
        "kappa": kappa,
        "kappa_ci_low": low,
        "kappa_ci_high": high,
        "pabak": 2 * po - 1,
    }


def _kappa_se(n: int, p: list[list[float]], kappa: float, pe: float) -> float:
    """Large-sample standard error of kappa (Fleiss, Cohen & Everitt 1969), two categories."""
    rows = [p[0][0] + p[0][1], p[1][0] + p[1][1]]
    cols = [p[0][0] + p[1][0], p[0][1] + p[1][1]]
    term1 = sum(p[i][i] * (1 - (rows[i] + cols[i]) * (1 - kappa)) ** 2 for i in range(2))
    term2 = (1 - kappa) ** 2 * sum(
        p[i][j] * (cols[i] + rows[j]) ** 2 for i in range(2) for j in range(2) if i != j
    )
    term3 = (kappa - pe * (1 - kappa)) ** 2
    var = (term1 + term2 - term3) / (n * (1 - pe) ** 2)
    return math.sqrt(max(var, 0.0))
