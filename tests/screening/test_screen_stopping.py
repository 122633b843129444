"""Stopping rules on constructed label sequences (hand-computed where feasible)."""

from __future__ import annotations

import numpy as np
import pytest
from reco.errors import ConfigError
from reco.screening import stopping


def test_consecutive_irrelevant_stops_after_n_zeros() -> None:
    rule = stopping.ConsecutiveIrrelevant(n=3)
    # Records 4, 5, 6 are the first three irrelevant in a row -> stop after 6 records.
    assert stopping.first_stop(rule, np.array([1, 0, 1, 0, 0, 0, 1, 0]), every=1) == 6
    # Never three in a row -> never stops.
    assert stopping.first_stop(rule, np.array([1, 0, 0, 1, 0, 0, 1, 0]), every=1) is None


def test_knee_hand_computed() -> None:
    # 50 relevant at positions 1, 3, ..., 99, then only irrelevant records.
    # Knee at x = 99 (50 found): slope before = 50/99; after s records the slope after the knee
    # is (50 - 50 + 1)/(s - 99). Threshold = 156 - min(50, 150) = 106.
    # 50/99 * (s - 99) >= 106  <=>  s >= 99 + 106 * 99/50 = 308.88  ->  stop at 309.
    labels = np.array([1, 0] * 50 + [0] * 400)
    assert stopping.first_stop(stopping.Knee(), labels, every=1) == 309


def test_knee_56_hand_computed() -> None:
    # Same curve; threshold = max(6, 56 - 50) = 6: 50/99 * (s - 99) >= 6  <=>  s >= 110.88,
    # but not before min_screened = 150 -> stop at 150. The published threshold waits for 309.
    labels = np.array([1, 0] * 50 + [0] * 400)
    assert stopping.first_stop(stopping.make_rule("knee_56"), labels, every=1) == 150
    # 5 relevant at 1, 3, ..., 9: threshold 56 - 5 = 51, knee at x = 9, slope before 5/9;
    # 5/9 * (s - 9) >= 51  <=>  s >= 100.8 -> 101 once min_screened no longer decides.
    rule = stopping.make_rule("knee_56", min_screened=10)
    labels = np.array([1, 0] * 5 + [0] * 400)
    assert stopping.first_stop(rule, labels, every=1) == 101


def test_knee_waits_for_min_screened() -> None:
    # A steep start but fewer than 150 records: no stop before 150.
    labels = np.array([1] * 20 + [0] * 200)
    at = stopping.first_stop(stopping.Knee(), labels, every=1)
    assert at is not None and at >= 150


def test_buscar_p_value_hand_computed() -> None:
    # Seen [1, 1, 0, 0, 0] of N = 10; target 95%: H0 says >= floor(2/0.95) + 1 = 3 relevant.
    # Last 3 records (k = 0 relevant): population 10 - 5 + 3 = 8 holding 3 - 2 = 1 relevant;
    # P(X <= 0) = C(7,3)/C(8,3) = 35/56 = 0.625 -- the smallest over n = 1..5
    # (n=1: 5/6, n=2: 15/21, n=4: 1 - 21/126, n=5: 1 - 21/252).
    p = stopping.buscar_p_value(np.array([1, 1, 0, 0, 0]), 10, 0.95)
    assert p == pytest.approx(0.625)


def test_buscar_stops_when_relevant_dry_up_and_not_before() -> None:
    # 40 relevant in the first 80 screened of 2000, then none: recall is 100% at 80.
    labels = np.array([1, 0] * 40 + [0] * 1920)
    at = stopping.first_stop(stopping.Buscar(), labels, every=1)
    assert at is not None and 80 < at < 2000
    # While relevant records still arrive at the same rate it must not stop.
    assert stopping.first_stop(stopping.Buscar(), np.array([1, 0] * 40), 2000, every=1) is None


def test_buscar_is_safe_on_random_order() -> None:
    # On random orders (the rule's assumption) recall at the stop is >= 95% in most runs.
    reached = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        labels = rng.permutation(np.array([1] * 40 + [0] * 760))
        at = stopping.first_stop(stopping.Buscar(), labels, every=5) or len(labels)
        reached.append(labels[:at].sum() / 40 >= 0.95)
    assert np.mean(reached) >= 0.9


def test_buscar_streak_needs_both_the_test_and_the_streak() -> None:
    rule = stopping.BuscarStreak(n=50)
    # The last relevant record is the 79th: the streak holds from 129 on, the test (80%) once the
    # tail is long enough; the rule stops at the later of the two, never before 129.
    labels = np.array([1, 0] * 40 + [0] * 1920)
    at = stopping.first_stop(rule, labels, every=1)
    test_at = stopping.first_stop(stopping.Buscar(confidence=0.8), labels, every=1)
    assert at is not None and at >= max(129, test_at)
    # A dry spell of 60 in the middle of a rich stretch: the streak alone would stop there,
    # the test does not (too many relevant records are still likely to be unseen).
    spell = np.array([1, 0] * 40 + [0] * 60 + [1, 0] * 40 + [0] * 1800)
    assert stopping.first_stop(stopping.ConsecutiveIrrelevant(50), spell, every=1) == 129
    at = stopping.first_stop(rule, spell, every=1)
    assert at is not None and at > 220


def test_evaluate_reports_every_rule() -> None:
    labels = np.array([1, 0] * 30 + [0] * 500)  # < 800 records: checked after every record
    out = stopping.evaluate(labels)
    assert set(out) == set(stopping.STOPPING_RULES)
    for result in out.values():
        assert set(result) >= {"stopped_at", "recall"}
    assert out["consecutive_irrelevant"]["stopped_at"] == 59 + 100  # last relevant at 59


def test_bad_parameters() -> None:
    with pytest.raises(ConfigError):
        stopping.make_rule("buscar", recall_target=1.5)
    with pytest.raises(ConfigError):
        stopping.make_rule("nope")


def test_every_rule_describes_itself_with_its_own_settings() -> None:
    """The report quotes ``describe()``: each rule's words carry the numbers it runs with."""
    for name in stopping.STOPPING_RULES:
        assert stopping.make_rule(name).describe(), name
    assert "last 7 records" in stopping.ConsecutiveIrrelevant(n=7).describe()
    buscar = stopping.Buscar(recall_target=0.9, confidence=0.99).describe()
    assert "below 90% at 99% confidence" in buscar
    assert "max(6, 56 minus" in stopping.make_rule("knee_56").describe()
    assert "max(6, 156 minus" in stopping.make_rule("knee").describe()
    # A threshold other than the published one says so, and where it was chosen.
    assert "156 in the published method" in stopping.make_rule("knee_56").describe()
    assert "published method" not in stopping.make_rule("knee").describe()
    both = stopping.BuscarStreak(confidence=0.8, n=50).describe()
    assert "at 80% confidence" in both and "last 50 records" in both


def test_the_default_rule_is_registered() -> None:
    assert stopping.DEFAULT_RULE in stopping.STOPPING_RULES
