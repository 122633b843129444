"""The service audit: returns merged into services, and the audit percentages.

Several returns may come from the same organisation (a second respondent, a follow-up that fills
gaps). They are merged into one service per organisation: multiple-choice answers are the union
of the returns' answers; a single-choice answer is taken from the latest return (by date returned,
then sheet order) that gives one, and disagreements are listed. Percentages are over merged
services (the denominator is stated in the output).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reco.errors import SchemaError
from reco.survey import codes
from reco.survey.inputs import Row
from reco.survey.workbook import FORM, Return

SINGLE = [f for f in FORM if f.kind == "single"]
MULTI = [f for f in FORM if f.kind == "multi"]


def check_organisations(path: Path, returns: list[Return], register: Mapping[str, Row]) -> None:
    """Every return must name an organisation of the register."""
    for ret in returns:
        org = str(ret.answers["org_id"])
        if org not in register:
            raise SchemaError(
                f"return from organisation {org!r}, which is not in the organisation register",
                file=path,
                sheet=ret.sheet,
                row=ret.rows.get("org_id"),
                column="B",
                fix="correct the organisation reference, or add the organisation to the register.",
            )


def merge(returns: list[Return], register: Mapping[str, Row]) -> list[dict[str, Any]]:
    """One merged service per organisation, in organisation order (ids S01, S02, ...)."""
    groups: dict[str, list[Return]] = {}
    for ret in returns:
        groups.setdefault(str(ret.answers["org_id"]), []).append(ret)
    services = []
    for number, org in enumerate(sorted(groups), start=1):
        group = sorted(groups[org], key=lambda r: (r.answers["date_returned"], r.sheet))
        service: dict[str, Any] = {
            "service": f"S{number:02d}",
            "org_type": register[org]["org_type"],
            "nation": register[org]["nation"],
            "returns": [r.sheet for r in group],
            "conflicts": [],
        }
        for field in SINGLE:
            given = [(r.sheet, r.answers.get(field.key)) for r in group if r.answers.get(field.key)]
            service[field.key] = given[-1][1] if given else None
            if len({v for _, v in given}) > 1:
                service["conflicts"].append(
                    f"{field.key}: " + ", ".join(f"{s}={v}" for s, v in given) + " (latest kept)"
                )
        for field in MULTI:
            ticked = {v for r in group for v in r.answers.get(field.key) or []}
            service[field.key] = [c for c in (field.vocab or {}) if c in ticked]
        wte = [r.answers["staff_wte"] for r in group if r.answers.get("staff_wte") is not None]
        service["staff_wte"] = wte[-1] if wte else None
        services.append(service)
    return services


def _shares(values: list[str | None], vocab: Mapping[str, str], n: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for code, label in vocab.items():
        k = sum(1 for v in values if v == code)
        out[code] = {"label": label, "n": k, "pct": codes.pct(k, n)}
    missing = sum(1 for v in values if v is None)
    out["not_answered"] = {"label": "not answered", "n": missing, "pct": codes.pct(missing, n)}
    return out


def summarise(returns: list[Return], services: list[dict[str, Any]]) -> dict[str, Any]:
    """The audit figures: counts and N (%) over merged services."""
    n = len(services)
    summary: dict[str, Any] = {
        "returns": len(returns),
        "services": n,
        "services_with_multiple_returns": sum(1 for s in services if len(s["returns"]) > 1),
        "returns_merged_into_another": len(returns) - n,
        "denominator": f"merged services (n = {n})",
        "rounding": codes.ROUNDING,
    }
    for field in SINGLE:
        summary[field.key] = _shares([s[field.key] for s in services], field.vocab or {}, n)
    la = sum(1 for s in services if s["commissioner"] in codes.LA_COMMISSIONERS)
    summary["commissioner_local_authority_total"] = {
        "codes": list(codes.LA_COMMISSIONERS),
        "n": la,
        "pct": codes.pct(la, n),
    }
    for field in MULTI:
        block = {}
        for code, label in (field.vocab or {}).items():
            k = sum(1 for s in services if code in s[field.key])
            block[code] = {"label": label, "n": k, "pct": codes.pct(k, n)}
        summary[field.key] = block
    single = [s for s in services if len(s["interventions"]) == 1 and len(s["modes"]) == 1]
    summary["single_intervention_single_mode"] = len(single)
    summary["services_by_nation"] = {
        code: sum(1 for s in services if s["nation"] == code) for code in codes.NATIONS
    }
    summary["services_by_org_type"] = {
        code: k
        for code in codes.ORG_TYPES
        if (k := sum(1 for s in services if s["org_type"] == code))
    }
    summary["merged"] = [
        {"service": s["service"], "returns": s["returns"], "conflicts": s["conflicts"]}
        for s in services
        if len(s["returns"]) > 1
    ]
    return summary


def services_table(services: list[dict[str, Any]]) -> list[dict[str, object]]:
    """One row per merged service for results/survey/audit_services.csv (no names, no contacts)."""
    rows = []
    for s in services:
        rows.append(
            {
                "service": s["service"],
                "org_type": s["org_type"],
                "nation": s["nation"],
                "n_returns": len(s["returns"]),
                "return_sheets": "; ".join(s["returns"]),
                "commissioner": s["commissioner"] or "",
                "provider": s["provider"] or "",
                "model": s["model"] or "",
                "interventions": "; ".join(s["interventions"]),
                "n_interventions": len(s["interventions"]),
                "modes": "; ".join(s["modes"]),
                "n_modes": len(s["modes"]),
                "staff_wte": s["staff_wte"],
            }
        )
    return rows
