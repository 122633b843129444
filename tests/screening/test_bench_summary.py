"""The screening bench's summary of paired runs, against hand-computed values."""

from __future__ import annotations

import importlib.util

import pytest
from reco_paths import REPO


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_screening", REPO / "bench/screening.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_paired_spread_hand_computed(bench) -> None:
    # Differences 1, 2, 3: mean 2, sd 1, t(0.975, 2) = 4.3027, half-width 4.3027 / sqrt(3) = 2.4841.
    assert bench.paired_spread([3.0, 1.0, 2.0]) == {
        "median_run_diff_wss_95": 2.0,
        "run_diff_wss_95_ci95": [-0.48, 4.48],
    }


def test_one_outlying_run_moves_the_mean_not_the_median(bench) -> None:
    runs = [1.0, 1.2, 0.8, 1.1, 0.9, 11.0]
    spread = bench.paired_spread(runs)
    assert spread["median_run_diff_wss_95"] == 1.05
    low, high = spread["run_diff_wss_95_ci95"]
    assert low < 1.05 < 2.67 < high  # 2.67 is the mean: the interval is wide, the median is not


def test_a_single_run_has_no_interval(bench) -> None:
    assert bench.paired_spread([1.5]) == {"median_run_diff_wss_95": 1.5}
