"""Inflate costs between financial years with the NHS Cost Inflation Index (NHSCII).

``nhscii.csv`` holds the annual percentage rise on the previous year, per UCHSC edition (not
index levels). The factor from year Y0 to a later year Y1 is the product of (1 + rise) over the
years after Y0 up to and including Y1; e.g. with the 2024 edition, pay and prices, 2021/22 to
2023/24 = 1.0732 x 1.0431. Later editions revise earlier years, so the edition is a choice.
"""

from __future__ import annotations

from reco.costing.reference import Reference
from reco.errors import ConfigError


def _start(year: str) -> int:
    try:
        return int(year.split("/")[0])
    except ValueError as exc:
        raise ConfigError(
            f"price year {year!r} is not a financial year", fix="write it as 2021/22."
        ) from exc


def _label(start: int) -> str:
    return f"{start}/{str(start + 1)[-2:]}"


def factor(ref: Reference, from_year: str, to_year: str, *, edition: int, index: str) -> float:
    """The NHSCII factor from ``from_year`` to ``to_year`` (1.0 when they are equal)."""
    a, b = _start(from_year), _start(to_year)
    if b < a:
        raise ConfigError(
            f"cannot inflate back from {from_year} to {to_year}",
            fix="set costing.inflation.to_year to the price year or a later year.",
        )
    if edition not in ref.nhscii_source:
        raise ConfigError(
            f"NHSCII edition {edition} not in nhscii.csv",
            fix=f"use one of: {', '.join(str(e) for e in sorted(ref.nhscii_source))}.",
        )
    result = 1.0
    for start in range(a + 1, b + 1):
        rise = ref.nhscii.get((edition, _label(start)))
        if rise is None:
            raise ConfigError(
                f"the UCHSC {edition} NHSCII has no rise for {_label(start)}",
                fix="choose an earlier to_year or another edition (the 2024 edition ends at 2023/24).",
            )
        result *= 1 + float(rise[index])
    return result


def provisional_years(ref: Reference, from_year: str, to_year: str, *, edition: int) -> list[str]:
    """Years in the span whose rise is marked provisional in that edition."""
    a, b = _start(from_year), _start(to_year)
    return [
        _label(s)
        for s in range(a + 1, b + 1)
        if ref.nhscii.get((edition, _label(s)), {}).get("provisional")
    ]
