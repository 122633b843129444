"""One-way sensitivity, tornado plots and the Monte Carlo PSA."""

from __future__ import annotations

import numpy as np
import pytest
from helpers_costing import REFERENCE, item, staff, workbook
from reco.costing import pricing, reference, sensitivity
from reco.costing.methods import PSA, Method, OneWay, settings_from_config
from reco.costing.proforma import read_proforma
from reco.errors import ConfigError


@pytest.fixture(scope="module")
def ref() -> reference.Reference:
    return reference.load(REFERENCE)


@pytest.fixture
def pf(tmp_path):
    return read_proforma(
        workbook(
            tmp_path,
            staff_rows=[
                staff(),
                staff(band_or_grade="Band 7", wte=2, pct_time_on_service=100),
                staff(band_or_grade="Band 5", actual_salary_gbp=28000, pct_time_on_service=20),
            ],
            items=[item()],
        )
    )


def test_psa_is_reproducible_with_a_seed(pf, ref):
    psa = PSA(draws=400, seed=7)
    a = sensitivity.psa_draws(pf, ref, Method(), psa)
    b = sensitivity.psa_draws(pf, ref, Method(), psa)
    c = sensitivity.psa_draws(pf, ref, Method(), PSA(draws=400, seed=8))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    s1 = sensitivity.psa_summary(pf, ref, Method(), psa)
    assert s1 == sensitivity.psa_summary(pf, ref, Method(), psa)
    assert s1["lower"] < s1["median"] < s1["upper"]


def test_psa_without_uncertainty_gives_the_base_total(pf, ref):
    base = pricing.site_total(pricing.price_proforma(pf, ref, Method()))
    still = PSA(
        draws=50,
        wte_cv=0,
        pay_point="fixed",
        on_costs_sd_pct=0,
        overhead_rate_sd_pct=0,
        non_staff_cv=0,
    )
    draws = sensitivity.psa_draws(pf, ref, Method(), still)
    assert np.allclose(draws, base, atol=0.05)  # the engine rounds each component to the penny


def test_psa_interval_widens_with_more_uncertainty(pf, ref):
    narrow = sensitivity.psa_summary(pf, ref, Method(), PSA(draws=2000, wte_cv=0.05))
    wide = sensitivity.psa_summary(pf, ref, Method(), PSA(draws=2000, wte_cv=0.3))
    assert wide["upper"] - wide["lower"] > narrow["upper"] - narrow["lower"]


def test_one_way_ranges_bracket_the_base(pf, ref):
    rows = sensitivity.one_way(pf, ref, Method(), OneWay())
    by = {r["parameter"]: r for r in rows}
    base = pricing.site_total(pricing.price_proforma(pf, ref, Method()))
    for r in rows:
        assert r["total_base"] == base
    for name in ("WTE -/+20%", "Pay point bottom/top", "Overhead rates -/+25%", "On-costs -/+25%"):
        assert by[name]["total_low"] < base < by[name]["total_high"], name
    # WTE scales every staff cost linearly: the two changes are equal and opposite
    assert by["WTE -/+20%"]["change_low"] == pytest.approx(
        -by["WTE -/+20%"]["change_high"], abs=0.05
    )
    # non-staff +/-20% of the 3,600 of course fees = 720
    assert by["Non-staff amounts -/+20%"]["change_high"] == pytest.approx(720.0)
    # the actual-salary line does not move with the pay point: bottom->top swing by hand:
    # band 6: 0.5 FTE x (39,027 - 32,306); band 7: 2 FTE x (45,839 - 40,057);
    # each x (1 + 13.8% + 20.68%) x (1 + 31.29% + 45.40%)
    swing = (0.5 * 6721 + 2 * 5782) * 1.3448 * 1.7669
    assert by["Pay point bottom/top"]["swing"] == pytest.approx(swing, abs=0.1)


def test_tornado_svg_is_deterministic_and_greyscale(pf, ref, tmp_path):
    rows = sensitivity.one_way(pf, ref, Method(), OneWay())
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    sensitivity.tornado_svg(rows, a, "Site T")
    sensitivity.tornado_svg(rows, b, "Site T")
    text = a.read_text(encoding="utf-8")
    assert a.read_bytes() == b.read_bytes()
    assert "<dc:date>" not in text and "Pay point bottom/top" in text
    colours = {c.lower() for c in __import__("re").findall(r"#[0-9a-fA-F]{6}", text)}
    assert all(c[1:3] == c[3:5] == c[5:7] for c in colours), colours  # greys only


def test_config_errors():
    with pytest.raises(ConfigError, match="salary_basis"):
        settings_from_config({"method": {"salary_basis": "median"}})
    with pytest.raises(ConfigError, match="unknown key"):
        settings_from_config({"psa": {"draw": 10}})
    assert settings_from_config(None).method == Method()
