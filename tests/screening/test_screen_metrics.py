"""Screening metrics against hand-computed examples (the arithmetic is written out)."""

from __future__ import annotations

import numpy as np
import pytest
from reco.screening import metrics

# N = 10 records, R = 3 relevant, found at positions 1, 3 and 6.
ORDER = [1, 0, 1, 0, 0, 1, 0, 0, 0, 0]


def test_n_to_recall_hand_example() -> None:
    # 95% of 3 = 2.85 -> 3 relevant needed -> the third one is at position 6.
    assert metrics.n_to_recall(ORDER, 0.95) == 6
    # 50% of 3 = 1.5 -> 2 needed -> position 3.
    assert metrics.n_to_recall(ORDER, 0.5) == 3


def test_wss_hand_example() -> None:
    # WSS@95 = (N - k)/N - (1 - 0.95) = (10 - 6)/10 - 0.05 = 0.35 -> 35 points.
    assert metrics.wss(ORDER, 0.95) == pytest.approx(35.0)
    # WSS@100 = (10 - 6)/10 - 0 = 0.40 -> 40 points.
    assert metrics.wss(ORDER, 1.0) == pytest.approx(40.0)
    # An order cut after the last relevant record (as some tools write it) with n_total given.
    assert metrics.wss(ORDER[:6], 0.95, n_total=10) == pytest.approx(35.0)


def test_rrf_hand_example() -> None:
    # RRF@10: first ceil(10% of 10) = 1 record holds 1 of 3 relevant -> 33.33%.
    assert metrics.rrf(ORDER, 10) == pytest.approx(100 / 3)
    # RRF@30: first 3 records hold 2 of 3 -> 66.67%.
    assert metrics.rrf(ORDER, 30) == pytest.approx(200 / 3)


def test_recall_curve_hand_example() -> None:
    expected = np.array([1, 1, 2, 2, 2, 3, 3, 3, 3, 3]) / 3
    np.testing.assert_allclose(metrics.recall_curve(ORDER), expected)


def test_ceil_is_robust_to_float_error() -> None:
    # 0.95 * 60 = 57.00000000000001 in floating point; the target is exactly 57 relevant.
    order = [1] * 57 + [0] * 10 + [1] * 3
    assert metrics.n_to_recall(order, 0.95) == 57
    # WSS@95 = (70 - 57)/70 - 0.05 = 0.135714... -> 13.5714 points.
    assert metrics.wss(order, 0.95) == pytest.approx(100 * (13 / 70 - 0.05))


def test_perfect_and_worst_orders() -> None:
    # Perfect: 2 relevant first of 20 -> WSS@100 = (20 - 2)/20 = 90 points.
    assert metrics.wss([1, 1] + [0] * 18, 1.0) == pytest.approx(90.0)
    # Worst: relevant last -> WSS@100 = 0 and WSS@95 = -5 points.
    assert metrics.wss([0] * 18 + [1, 1], 1.0) == pytest.approx(0.0)
    assert metrics.wss([0] * 18 + [1, 1], 0.95) == pytest.approx(-5.0)


def test_summary_keys_and_values() -> None:
    s = metrics.summary(ORDER)
    assert s["wss_95"] == 35.0 and s["wss_100"] == 40.0 and s["n_to_95"] == 6
    assert s["rrf_10"] == pytest.approx(33.3333)


def test_undefined_without_relevant() -> None:
    with pytest.raises(ValueError):
        metrics.wss([0, 0, 0])
    with pytest.raises(ValueError):
        metrics.rrf([0, 2, 1])
