"""The survey stage from inputs to outputs: check every input, tabulate, write, count.

:func:`run` resolves the pseudonymisation key first (no key, no run), reads and checks all five
inputs, computes Tables 2, 3, 4, 6, 7 and the audit summary, writes them under ``out`` with the
atomic writers, scans every output for personal data, and writes the counts file
(``results/counts/survey.json``: mapping-survey numbers at the top level, ``audit`` and
``recruitment`` blocks below), whose keys the ledger audit maps to the published figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import polars as pl

from reco.fileio import write_csv, write_json
from reco.progress import step
from reco.survey import audit, codes, inputs, privacy, tables, workbook

OUTPUTS = (
    "table2_contacts.csv",
    "table3_models_by_nation.csv",
    "table4_integrated.csv",
    "audit_summary.json",
    "table6_staff.csv",
    "table7_service_users_carers.csv",
    "audit_services.csv",
    "participants.csv",
)


@dataclass(frozen=True)
class Inputs:
    organisations: Path
    requests: Path
    coding: Path
    audit_returns: Path
    recruitment: Path


@dataclass
class Loaded:
    register: dict[str, inputs.Row]
    requests: dict[str, inputs.Row]
    coding: list[inputs.Row]
    returns: list[workbook.Return]
    recruitment: list[inputs.Row]


def load(paths: Inputs) -> Loaded:
    """Read and check every input (raises a RecoError naming file, row/sheet and column)."""
    register = inputs.by_key(inputs.read_register(paths.organisations), "org_id")
    requests = inputs.by_key(inputs.read_requests(paths.requests, register), "request_id")
    coding = inputs.read_coding(paths.coding, requests)
    returns = workbook.read_returns(paths.audit_returns)
    audit.check_organisations(paths.audit_returns, returns, register)
    recruitment = inputs.read_recruitment(paths.recruitment)
    return Loaded(register, requests, coding, returns, recruitment)


def _frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(rows, infer_schema_length=None)


def run(
    paths: Inputs, out: Path, counts_path: Path, *, review: str, demo_key: str | None
) -> dict[str, Any]:
    key, key_source = privacy.resolve_key(review, demo_key)
    step(f"survey: pseudonymisation key from {key_source}")
    data = load(paths)
    out = Path(out)
    t2 = tables.table2_contacts(data.register, data.requests.values())
    t3 = tables.table3_models(data.register, data.coding)
    t4 = tables.table4_integrated(data.register, data.coding)
    services = audit.merge(data.returns, data.register)
    summary = audit.summarise(data.returns, services)
    t6 = tables.table6_staff(data.recruitment)
    t7 = tables.table7_service_users_carers(data.recruitment)
    participants = [
        {
            "pseudonym": privacy.pseudonym(key, r["participant_id"]),
            "site": r["site"],
            "participant_type": r["participant_type"],
            "staff_setting": r["staff_setting"] or None,
            "staff_role": r["staff_role"] or None,
            "mode": r["mode"],
        }
        for r in data.recruitment
    ]
    participants.sort(key=lambda r: (r["site"], r["participant_type"], r["pseudonym"]))
    write_csv(_frame(t2), out / "table2_contacts.csv")
    write_csv(_frame(t3), out / "table3_models_by_nation.csv")
    write_csv(_frame(t4), out / "table4_integrated.csv")
    write_json(out / "audit_summary.json", summary)
    write_csv(_frame(t6), out / "table6_staff.csv")
    write_csv(_frame(t7), out / "table7_service_users_carers.csv")
    write_csv(_frame(audit.services_table(services)), out / "audit_services.csv")
    write_csv(_frame(participants), out / "participants.csv")
    counts = count(data, t2, t3, t4, summary, t6, t7)
    counts["pseudonym_key_source"] = key_source.split(" ")[0]
    write_json(counts_path, counts)
    privacy.guard([out / name for name in OUTPUTS] + [Path(counts_path)])
    step(
        f"survey: {counts['organisations_contacted']} organisations, {counts['responses_total']} "
        f"responses, {counts['responses_categorised']} categorised; audit {summary['returns']} "
        f"returns -> {summary['services']} services; {len(participants)} participants"
    )
    return counts


def _pct1(n: int, d: int) -> float | None:
    if not d:
        return None
    return float((Decimal(100) * n / d).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _month(dates: list[dt.date]) -> str | None:
    return min(dates).strftime("%B %Y") if dates else None


def count(
    data: Loaded,
    t2: list[dict[str, Any]],
    t3: list[dict[str, Any]],
    t4: list[dict[str, Any]],
    summary: dict[str, Any],
    t6: list[dict[str, Any]],
    t7: list[dict[str, Any]],
) -> dict[str, Any]:
    """Every number of the stage: mapping survey at the top, ``audit`` and ``recruitment`` below.

    Key names follow what they count (all waves unless the name says a wave); where a published
    figure was read differently (e.g. the 188/42 breakdown as wave 1 only) both values are here.
    """
    reqs = list(data.requests.values())
    c: dict[str, Any] = {"stage": "survey", "rounding": codes.ROUNDING}
    c["organisations_in_register"] = len(data.register)
    c["organisations_contacted"] = len({r["org_id"] for r in reqs})
    c["requests_sent"] = len(reqs)
    answered = [r for r in reqs if r["outcome"] != "no_response"]
    c["responses_total"] = len(answered)
    c["response_rate_pct"] = _pct1(len(answered), c["organisations_contacted"])
    c["response_rate_definition"] = "responses / organisations contacted, 1 decimal, halves up"
    # Some organisations answered more than once (e.g. per service): the share of organisations.
    c["organisations_responded"] = len({r["org_id"] for r in answered})
    c["organisation_response_rate_pct"] = _pct1(
        c["organisations_responded"], c["organisations_contacted"]
    )
    info = [r for r in answered if r["outcome"] == "info_provided"]
    no_info = [r for r in answered if r["outcome"] in codes.NO_INFO_OUTCOMES]
    c["responses_with_service_info"] = len(info)
    c["responses_info_not_held"] = len(no_info)
    for wave in codes.WAVES:
        sent = [r for r in reqs if r["wave"] == wave]
        c[f"requests_wave{wave}"] = len(sent)
        c[f"organisations_contacted_wave{wave}"] = len({r["org_id"] for r in sent})
        c[f"responses_wave{wave}"] = sum(1 for r in answered if r["wave"] == wave)
        c[f"responses_with_service_info_wave{wave}"] = sum(1 for r in info if r["wave"] == wave)
        c[f"responses_info_not_held_wave{wave}"] = sum(1 for r in no_info if r["wave"] == wave)
        c[f"wave{wave}_first_sent"] = _month([dt.date.fromisoformat(r["date_sent"]) for r in sent])
    for outcome in codes.OUTCOMES:
        c[f"outcome_{outcome}"] = sum(1 for r in reqs if r["outcome"] == outcome)
    c["waves"] = len({r["wave"] for r in reqs})
    cat = tables.categorised(data.coding)
    c["responses_coded"] = len(data.coding)
    c["responses_categorised"] = len(cat)
    c["responses_not_categorised"] = len(data.coding) - len(cat)
    total3, total4 = t3[0], t4[0]
    c["specific_service_pct"] = total3["specific_service_pct"]
    c["integrated_pct"] = total4["integrated_pct"]
    c["integrated_no_specific_share_of_integrated_pct"] = codes.pct(
        total4["integrated_no_specific_commissioned_n"], total4["integrated_n"]
    )
    c["table4_integrated_unclear_other_sum"] = sum(
        total4[k] for k in ("integrated_n", "unclear_n", "other_n")
    )
    c["table3_nation_rows"] = {r["nation"]: r["total_responses"] for r in t3[1:]}
    s = summary
    c["audit"] = {
        "respondents": s["returns"],
        "services_responding": s["services"],
        "services_with_multiple_returns": s["services_with_multiple_returns"],
        "commissioned_local_authority_pct": s["commissioner"]["local_authority"]["pct"],
        "commissioned_la_via_phe_pct": s["commissioner"]["la_via_phe"]["pct"],
        "commissioned_la_total_pct": s["commissioner_local_authority_total"]["pct"],
        "commissioned_ccg_pct": s["commissioner"]["ccg"]["pct"],
        "commissioned_joint_n": s["commissioner"]["joint"]["n"],
        "provider_nhs_mental_health_pct": s["provider"]["nhs_mental_health"]["pct"],
        "provider_substance_use_pct": s["provider"]["substance_use"]["pct"],
        "provider_joint_pct": s["provider"]["joint"]["pct"],
        "provider_other_n": s["provider"]["other"]["n"],
        "model_lead_and_link_pct": s["model"]["lead_and_link"]["pct"],
        "model_types": sum(
            1 for k, v in s["model"].items() if k not in ("other", "not_answered") and v["n"]
        ),
        "delivery_one_to_one_pct": s["modes"]["one_to_one"]["pct"],
        "delivery_phone_pct": s["modes"]["phone"]["pct"],
        "services_single_intervention_single_mode": s["single_intervention_single_mode"],
    }
    staff = [r for r in data.recruitment if r["participant_type"] == "staff"]
    users = [r for r in data.recruitment if r["participant_type"] == "service_user"]
    carers = [r for r in data.recruitment if r["participant_type"] == "carer"]
    rec: dict[str, Any] = {
        "sites": len({r["site"] for r in data.recruitment}),
        "staff_total": len(staff),
        "service_users": len(users),
        "carers": len(carers),
        "participants_total": len(users) + len(carers),
    }
    for group, rows in (("service_users", users), ("carers", carers)):
        for mode in codes.MODES:
            rec[f"{group}_{mode}"] = sum(1 for r in rows if r["mode"] == mode)
    rec["carers_phone_or_face_to_face"] = rec["carers_phone"] + rec["carers_face_to_face"]
    c["recruitment"] = rec
    return c
