"""Reconstruction part ``survey``: the survey team's trackers behind Tables 2-4, 6, 7 and the audit.

Writes under ``<out>/survey/``: ``organisations.csv`` (register), ``requests.csv`` (one row per
request: wave, channel, dates, outcome, contact details), ``response_coding.csv`` (one row per
response with information), ``audit_returns.xlsx`` (one sheet per return, 19 returns from 16
organisations; the merge is left to the pipeline) and ``recruitment_log.csv`` (one row per
participant). Every file is raw rows only (no totals) and labelled as reconstructed; names,
e-mail addresses (example.org) and telephone numbers (Ofcom drama ranges) are fictitious.

The published tables disagree with each other; the readings followed here are stated beside the
code that applies them and in resources/reco/PROVENANCE.md ("Survey, audit and recruitment").
Each reading is checked with an assertion against the published table it comes from.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

import yaml

from reco.fileio import atomic_open
from reco.reconstruct import Context
from reco.survey import codes, inputs
from reco.survey.workbook import form_rows, write_workbook

LABEL = "RECONSTRUCTED (RECO reconstruction dataset; not real data)"

#: Reading of Table 2: of the rows printed with two numbers, these two were wave 2 only (with them
#: in wave 2 and the others in wave 1, every printed column total holds: 725/230 and 568/81).
WAVE2_ONLY = ("hscp_scotland", "adp_scotland")

#: Nation of each organisation type (local authorities are split by LOCAL_AUTHORITY_NATIONS).
TYPE_NATION = {
    "nhs_mental_health_trust": "england",
    "ccg": "england",
    "health_board_wales": "wales",
    "health_board_scotland": "scotland",
    "hscp_scotland": "scotland",
    "adp_scotland": "scotland",
    "hsc_trust_ni": "northern_ireland",
    "lcg_ni": "northern_ireland",
    "phe": "england",
    "ni_department_of_health": "northern_ireland",
    "public_health_reform_scotland": "scotland",
    "samh": "scotland",
    "third_sector_provider": "uk_wide",
}
NAMED = {
    "phe": ["Public Health England"],
    "ni_department_of_health": ["Department of Health (Northern Ireland)"],
    "public_health_reform_scotland": ["Public Health Reform Scotland"],
    "samh": ["Scottish Association for Mental Health"],
}
#: The five regulators (CQC and devolved equivalents) and their nations.
REGULATORS = [
    ("Care Quality Commission", "england"),
    ("Healthcare Inspectorate Wales", "wales"),
    ("Healthcare Improvement Scotland", "scotland"),
    ("Care Inspectorate", "scotland"),
    ("Regulation and Quality Improvement Authority", "northern_ireland"),
]
#: Organisations contacted (Methods names them) but absent from Table 2: 787 + 6 = 793.
OTHER_NATIONAL = [
    ("Health Protection Scotland", "scotland"),
    ("Inspire Wellbeing", "northern_ireland"),
    ("Mind", "uk_wide"),
    ("Turning Point", "england"),
    ("National organisation A (unnamed)", "uk_wide"),
    ("National organisation B (unnamed)", "uk_wide"),
]
#: Local authorities: register, wave-1 responders, wave-2 contacted, wave-2 responders by nation.
LOCAL_AUTHORITY_NATIONS = {
    "england": (370, 66, 290, 33),
    "wales": (22, 3, 18, 1),
    "scotland": (32, 4, 21, 2),
    "northern_ireland": (11, 2, 8, 1),
}
ENGLISH_REGIONS = [
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
]
#: Requests sent to each Scottish health board in wave 1 (several service leads per board): the
#: printed 60 wave-1 responses from 14 boards are read as responses, not organisations.
REQUESTS_PER_SCOTTISH_BOARD = 5
#: Responses with information (info) and without (not held / not responsible / unable), by nation
#: and wave. Wave 1 sums to 188 + 42 = 230 (the text's breakdown read as wave 1); wave 2 to 81.
INFO_PLAN = {  # nation: (wave-1 no-info, wave-2 info); info/no-info fill the rest
    "england": (8, 30),
    "wales": (1, 2),
    "scotland": (31, 3),
    "northern_ireland": (2, 3),
    "uk_wide": (0, 0),
}
FIRST_NAMES = ["Alex", "Sam", "Jordan", "Chris", "Robin", "Jamie", "Morgan", "Taylor", "Casey"]
LAST_NAMES = ["Smith", "Jones", "Patel", "Khan", "Brown", "Evans", "Wilson", "Clarke", "Reid"]


def _published(ctx: Context) -> dict[str, Any]:
    data = yaml.safe_load((ctx.sources / "published_figures.yaml").read_text(encoding="utf-8"))
    return {
        "tables": {t["key"]: t for t in data["tables"]},
        "figures": {f["key"]: f["value"] for f in data["figures"]},
    }


def _write_csv(path: Path, header: list[str], rows: list[dict[str, Any]]) -> Path:
    with atomic_open(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row.get(k) is None else row[k]) for k in header})
    return path


def _person(rng: random.Random) -> tuple[str, str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    phone = f"0113 496 0{rng.randrange(1000):03d}"  # Ofcom drama range: never a real number
    return f"{first} {last}", f"{first}.{last}@example.org".lower(), phone


def _day(rng: random.Random, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


def build(ctx: Context) -> list[Path]:
    pub = _published(ctx)
    rng = ctx.rng("survey")
    out = ctx.out / "survey"
    register, requests = _register_and_requests(pub["tables"], rng)
    coding = _coding(pub["tables"], register, requests, rng)
    written = [
        _write_csv(out / "organisations.csv", inputs.REGISTER.columns, register),
        _write_csv(out / "requests.csv", inputs.REQUESTS.columns, requests),
        _write_csv(out / "response_coding.csv", inputs.CODING.columns, coding),
    ]
    written.append(_audit(pub["figures"], register, coding, out / "audit_returns.xlsx", rng))
    written.append(_recruitment(pub["tables"], out / "recruitment_log.csv", rng))
    readme = out / "README.md"
    with atomic_open(readme) as handle:
        handle.write(README)
    written.append(readme)
    return written


# --- register and request log -------------------------------------------------------------


def _table2_rows(tables: dict[str, Any]) -> dict[str, list[int | None]]:
    lookup = codes.label_to_code(codes.ORG_TYPES)
    rows = {}
    for label, *cells in tables["table2_organisations_contacted_by_type_and_wave"]["rows"]:
        if label == "Total":
            printed_total = cells
            continue
        type_code = lookup[label.casefold()]
        if cells[2] is None and type_code in WAVE2_ONLY:
            cells = [None, None, cells[0], cells[1]]
        rows[type_code] = cells
    sums = [sum(r[i] or 0 for r in rows.values()) for i in range(4)]
    assert sums == printed_total, (sums, printed_total)  # the reading reproduces the totals
    return rows


def _register_and_requests(
    tables: dict[str, Any], rng: random.Random
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = _table2_rows(tables)
    register: list[dict[str, Any]] = []
    plan: list[tuple[str, list[dict[str, Any]], list[int | None]]] = []
    for type_code, cells in rows.items():
        n = max(c for c in (cells[0], cells[2]) if c is not None)
        orgs = []
        for i in range(n):
            if type_code == "local_authority":
                continue
            if type_code == "regulator":
                name, nation = REGULATORS[i]
            else:
                nation = TYPE_NATION[type_code]
                names = NAMED.get(type_code)
                name = names[i] if names else f"{codes.ORG_TYPES[type_code]} {i + 1:03d}"
            orgs.append({"name": name, "org_type": type_code, "nation": nation})
        if type_code == "local_authority":
            for nation, (k, *_rest) in LOCAL_AUTHORITY_NATIONS.items():
                orgs += [
                    {"name": f"Local authority {nation[:3]}-{i + 1:03d}", "nation": nation}
                    for i in range(k)
                ]
            for org in orgs:
                org["org_type"] = type_code
            assert len(orgs) == n, (len(orgs), n)
        plan.append((type_code, orgs, cells))
    plan.append(
        (
            "other_national",
            [{"name": nm, "org_type": "other_national", "nation": na} for nm, na in OTHER_NATIONAL],
            [len(OTHER_NATIONAL), 0, None, None],
        )
    )
    for _type, orgs, _cells in plan:
        for org in orgs:
            org["org_id"] = f"ORG{len(register) + 1:04d}"
            nation = org["nation"]
            if nation == "england":
                org["region"] = ENGLISH_REGIONS[len(register) % len(ENGLISH_REGIONS)]
            else:
                org["region"] = codes.NATIONS[nation] if nation != "northern_ireland" else "NI"
            org["name"] = f"{org['name']} (reconstructed)"
            register.append(org)

    requests: list[dict[str, Any]] = []

    def request(org: dict[str, Any], wave: str, answered: bool) -> dict[str, Any]:
        name, email, phone = _person(rng)
        if wave == "1":
            sent = _day(rng, dt.date(2020, 3, 16), 5)
            back = sent + dt.timedelta(days=2 + rng.randrange(60)) if answered else None
        else:
            sent = _day(rng, dt.date(2020, 10, 5), 5)
            back = sent + dt.timedelta(days=5 + rng.randrange(35)) if answered else None
        row = {
            "org_id": org["org_id"],
            "wave": wave,
            "channel": "email" if wave == "1" else "foi",
            "date_sent": sent.isoformat(),
            "date_responded": back.isoformat() if back else None,
            "outcome": "responded" if answered else "no_response",
            "contact_name": name,
            "contact_email": email,
            "contact_phone": phone,
            "notes": "reconstructed",
            "_nation": org["nation"],
        }
        requests.append(row)
        return row

    for type_code, orgs, (c1, r1, c2, r2) in plan:
        by_nation: dict[str, list[dict[str, Any]]] = {}
        for org in orgs:
            by_nation.setdefault(org["nation"], []).append(org)
        for nation, members in by_nation.items():
            if type_code == "local_authority":
                _, k1, k2c, k2 = LOCAL_AUTHORITY_NATIONS[nation]
            else:
                k2c, k2 = (c2, r2) if len(by_nation) == 1 else (None, None)
                if len(by_nation) == 1:
                    k1 = r1 or 0
                else:  # regulators (all responded) and other national bodies (none responded)
                    assert r1 in (0, c1) and c2 is None, type_code
                    k1 = len(members) if r1 else 0
            members = members[:]
            rng.shuffle(members)
            responders: set[str] = set()
            if c1:
                if type_code == "health_board_scotland":
                    sent = [
                        request(org, "1", False)
                        for org in members
                        for _ in range(REQUESTS_PER_SCOTTISH_BOARD)
                    ]
                    for row in rng.sample(sent, k1):
                        row["outcome"] = "responded"
                        row["date_responded"] = (
                            dt.date.fromisoformat(row["date_sent"])
                            + dt.timedelta(days=2 + rng.randrange(60))
                        ).isoformat()
                        responders.add(row["org_id"])
                else:
                    for i, org in enumerate(members):
                        request(org, "1", i < k1)
                        if i < k1:
                            responders.add(org["org_id"])
            if k2c:
                order = [m for m in members if m["org_id"] not in responders]
                order += [m for m in members if m["org_id"] in responders]
                chosen = order[:k2c]
                rng.shuffle(chosen)
                for i, org in enumerate(chosen):
                    request(org, "2", i < k2)
    _assign_outcomes(requests, rng)
    requests.sort(key=lambda r: (r["wave"], r["date_sent"], r["org_id"]))
    for i, row in enumerate(requests, start=1):
        row["request_id"] = f"REQ{i:05d}"
    return register, requests


def _assign_outcomes(requests: list[dict[str, Any]], rng: random.Random) -> None:
    """Responses become info_provided or not held / not responsible / unable, per INFO_PLAN."""
    for nation, (w1_no_info, w2_info) in INFO_PLAN.items():
        for wave in codes.WAVES:
            answered = [
                r
                for r in requests
                if r["_nation"] == nation and r["wave"] == wave and r["outcome"] == "responded"
            ]
            rng.shuffle(answered)
            n_info = len(answered) - w1_no_info if wave == "1" else w2_info
            for i, row in enumerate(answered):
                if i < n_info:
                    row["outcome"] = "info_provided"
                else:
                    row["outcome"] = rng.choices(codes.NO_INFO_OUTCOMES, (45, 35, 20))[0]


# --- response coding ------------------------------------------------------------------------


def _nation_plans(tables: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Per nation: Table 3 category counts and Table 4 counts, with a UK-wide remainder row.

    Reading of Table 3: the category cells are taken as printed and the nation Ns as their sums
    (Scotland 19, NI 6, not the printed 18 and 5); the one response the nations do not account
    for (Total 'no specific' 78 vs 77 across nations) is a UK-wide organisation's.
    """
    nation_of = {
        "England": "england",
        "Wales": "wales",
        "Scotland": "scotland",
        "NI": "northern_ireland",
    }
    t3 = {r[0]: r for r in tables["table3_responses_by_nation"]["rows"]}
    t4 = {r[0]: r for r in tables["table4_integrated_services_model_categories"]["rows"]}
    plans: dict[str, dict[str, int]] = {}
    for label, nation in nation_of.items():
        plans[nation] = {
            "specific": t3[label][2],
            "none": t3[label][4],
            "unclear": t3[label][6],
            "integrated": t4[label][2],
            "integrated_unclear": t4[label][4],
            "other": t4[label][6],
            "integrated_no_specific": t4[label][8],
        }
    total = {
        "specific": t3["Total"][2],
        "none": t3["Total"][4],
        "unclear": t3["Total"][6],
        "integrated": t4["Total"][2],
        "integrated_unclear": t4["Total"][4],
        "other": t4["Total"][6],
        "integrated_no_specific": t4["Total"][8],
    }
    plans["uk_wide"] = {k: v - sum(p[k] for p in plans.values()) for k, v in total.items()}
    assert all(v >= 0 for v in plans["uk_wide"].values()), plans["uk_wide"]
    return plans


def _coding(
    tables: dict[str, Any],
    register: list[dict[str, Any]],
    requests: list[dict[str, Any]],
    rng: random.Random,
) -> list[dict[str, Any]]:
    plans = _nation_plans(tables)
    rows: list[dict[str, Any]] = []
    for nation, plan in plans.items():
        info = [r for r in requests if r["_nation"] == nation and r["outcome"] == "info_provided"]
        n_cat = plan["specific"] + plan["none"] + plan["unclear"]
        assert len(info) >= n_cat, (nation, len(info), n_cat)
        rng.shuffle(info)
        cats = ["specific"] * plan["specific"] + ["none"] * plan["none"]
        cats += ["unclear"] * plan["unclear"]
        coded = [dict(request_id=r["request_id"], org_id=r["org_id"]) for r in info]
        for row, cat in zip(coded, cats + ["not_categorised"] * (len(info) - n_cat), strict=True):
            row["category"] = cat
            row["integrated"] = "no"
            row["other_models"] = "no"
            row["commissioned_specific"] = "yes" if cat == "specific" else "no"
        categorised = coded[:n_cat]
        specific = [r for r in categorised if r["category"] == "specific"]
        others = [r for r in categorised if r["category"] != "specific"]
        integrated_specific = plan["integrated"] - plan["integrated_no_specific"]
        for row in specific[:integrated_specific] + others[: plan["integrated_no_specific"]]:
            row["integrated"] = "yes"
        rest = [r for r in categorised if r["integrated"] == "no"]
        rng.shuffle(rest)
        for row in rest[: plan["integrated_unclear"]]:
            row["integrated"] = "unclear"
        for row in rng.sample(categorised, plan["other"]):
            row["other_models"] = "yes"
        for row in coded[n_cat:]:
            row["integrated"] = "unclear"
            row["commissioned_specific"] = "unclear"
        for row in coded:
            low, high = {"specific": (1, 3), "none": (0, 1), "unclear": (0, 2)}.get(
                row["category"], (0, 0)
            )
            row["services_described"] = rng.randint(low, high)
            row["coder"] = rng.choice(["C1", "C2"])
            row["notes"] = "reconstructed"
        rows += coded
    rows.sort(key=lambda r: r["request_id"])
    return rows


# --- audit returns --------------------------------------------------------------------------


def _implied(pct: int, n: int) -> int:
    """The count of ``n`` that rounds (halves up) to ``pct``; there must be exactly one."""
    found = [k for k in range(n + 1) if codes.pct(k, n) == pct]
    assert len(found) == 1, (pct, n, found)
    return found[0]


def _audit(
    figures: dict[str, Any],
    register: list[dict[str, Any]],
    coding: list[dict[str, Any]],
    path: Path,
    rng: random.Random,
) -> Path:
    n = figures["audit.services_responding"]
    n_returns = figures["audit.respondents"]
    commissioners = {
        "local_authority": _implied(figures["audit.commissioned_local_authority_pct"], n),
        "la_via_phe": _implied(figures["audit.commissioned_la_via_phe_pct"], n),
        "ccg": _implied(figures["audit.commissioned_ccg_pct"], n),
    }
    commissioners["joint"] = n - sum(commissioners.values())  # "even fewer" jointly commissioned
    providers = {
        "nhs_mental_health": _implied(figures["audit.provider_nhs_mental_health_pct"], n),
        "substance_use": _implied(figures["audit.provider_substance_use_pct"], n),
        "joint": _implied(figures["audit.provider_joint_pct"], n),
    }
    providers["other"] = n - sum(providers.values())  # the service the text leaves out
    lead = _implied(figures["audit.model_lead_and_link_pct"], n)
    models = {"lead_and_link": lead, "network": lead - 1, "consultancy": lead - 2}
    models["other"] = n - sum(models.values())
    one_to_one = _implied(figures["audit.delivery_one_to_one_pct"], n)
    phone = _implied(figures["audit.delivery_phone_pct"], n)
    single = figures["audit.services_single_intervention_single_mode"]

    def spread(plan: dict[str, int]) -> list[str]:
        values = [code for code, k in plan.items() for _ in range(k)]
        rng.shuffle(values)
        return values

    commissioner, provider, model = spread(commissioners), spread(providers), spread(models)
    # Services 0..single-1 deliver one intervention in one mode (one-to-one or telephone).
    modes: list[set[str]] = []
    extra = [m for m in codes.DELIVERY_MODES if m not in ("one_to_one", "phone")]
    for i in range(n):
        if i < single:
            modes.append({"one_to_one"} if i % 2 == 0 else {"phone"})
        else:
            modes.append(set())
    need_121 = one_to_one - sum("one_to_one" in m for m in modes)
    need_phone = phone - sum("phone" in m for m in modes)
    others = list(range(single, n))
    for i in rng.sample(others, need_121):
        modes[i].add("one_to_one")
    for i in rng.sample(others, need_phone):
        modes[i].add("phone")
    for i in others:
        while len(modes[i]) < 2:
            modes[i].add(rng.choice(extra))
    interventions = []
    for i in range(n):
        k = 1 if i < single else rng.randint(2, 6)
        interventions.append(set(rng.sample(list(codes.INTERVENTIONS), k)))

    specific_orgs = sorted({r["org_id"] for r in coding if r["category"] == "specific"})
    by_id = {o["org_id"]: o for o in register}
    wanted = {"england": n - 3, "wales": 1, "scotland": 1, "northern_ireland": 1}
    orgs: list[str] = []
    for nation, k in wanted.items():
        pool = [o for o in specific_orgs if by_id[o]["nation"] == nation]
        orgs += rng.sample(pool, k)
    rng.shuffle(orgs)

    def answers(i: int, org: str) -> dict[str, Any]:
        name, email, phone_no = _person(rng)
        return {
            "org_id": org,
            "org_name": by_id[org]["name"],
            "service_name": f"Dual diagnosis service {i + 1:02d} (reconstructed)",
            "respondent_name": name,
            "respondent_email": email,
            "respondent_phone": phone_no,
            "date_returned": _day(rng, dt.date(2020, 12, 1), 60),
            "commissioner": commissioner[i],
            "provider": provider[i],
            "model": model[i],
            "interventions": [c for c in codes.INTERVENTIONS if c in interventions[i]],
            "modes": [c for c in codes.DELIVERY_MODES if c in modes[i]],
            "staff_wte": round(0.5 + rng.random() * 5.5, 1),
            "note": LABEL,
        }

    returns = [answers(i, org) for i, org in enumerate(orgs)]
    # Multiple returns from one organisation: a first, partial return and a later one that
    # completes it (multiple-choice answers split between them; one model answer disagrees).
    twice = rng.sample(range(single, n), n_returns - n)
    for j, i in enumerate(twice):
        full = returns[i]
        first = dict(full)
        later = answers(i, full["org_id"])
        later.update(
            {k: full[k] for k in ("org_name", "service_name", "commissioner", "provider", "model")}
        )
        later["date_returned"] = full["date_returned"] + dt.timedelta(days=7 + j)
        for key in ("interventions", "modes"):
            items = full[key]
            cut = max(1, len(items) // 2)
            first[key], later[key] = items[:cut], items[cut - 1 :]
        first["staff_wte"] = None
        if j == 0:
            first["model"] = "other"  # superseded by the later return
        else:
            first["provider"] = None
        returns[i] = first
        returns.append(later)
    rng.shuffle(returns)
    sheets = {f"Return {k:02d}": form_rows(a) for k, a in enumerate(returns, start=1)}
    write_workbook(
        sheets,
        path,
        title="RECO service audit returns - " + LABEL,
        description="One sheet per return as returned by a service. " + LABEL,
    )
    return path


# --- recruitment log ------------------------------------------------------------------------


def _place(rows: list[list[int]], totals: list[int]) -> list[list[int]]:
    """Put each row's printed non-blank cells (left to right) in site columns so columns sum up."""
    from itertools import combinations

    order = sorted(range(len(rows)), key=lambda i: -len(rows[i]))
    result: list[list[int] | None] = [None] * len(rows)
    left = totals[:]

    def search(k: int) -> bool:
        if k == len(order):
            return not any(left)
        i = order[k]
        for cols in combinations(range(len(totals)), len(rows[i])):
            if all(left[c] >= v for c, v in zip(cols, rows[i], strict=True)):
                for c, v in zip(cols, rows[i], strict=True):
                    left[c] -= v
                full = [0] * len(totals)
                for c, v in zip(cols, rows[i], strict=True):
                    full[c] = v
                result[i] = full
                if search(k + 1):
                    return True
                for c, v in zip(cols, rows[i], strict=True):
                    left[c] += v
        return False

    assert search(0), "no placement of Table 6 cells fits the site totals"
    return [r for r in result if r is not None]


def _recruitment(tables: dict[str, Any], path: Path, rng: random.Random) -> Path:
    t6 = tables["table6_staff_recruitment"]["rows"]
    sites = ["A", "B", "C", "D", "E", "F"]
    totals = next(r[1] for r in t6 if r[0].startswith("Total"))
    blocks: dict[str, list[str]] = {"setting": [], "role": []}
    cells: dict[str, list[list[int]]] = {"setting": [], "role": []}
    for label, values, _total in t6:
        if label.startswith("Total"):
            continue
        block, name = label.split(": ", 1)
        vocab = codes.STAFF_SETTINGS if block == "setting" else codes.STAFF_ROLES
        blocks[block].append(codes.label_to_code(vocab)[name.casefold()])
        cells[block].append(values)
    placed = {b: _place(cells[b], totals) for b in blocks}
    people: list[dict[str, Any]] = []
    for s, site in enumerate(sites):
        settings = [
            c
            for c, row in zip(blocks["setting"], placed["setting"], strict=True)
            for _ in range(row[s])
        ]
        roles = [
            c for c, row in zip(blocks["role"], placed["role"], strict=True) for _ in range(row[s])
        ]
        rng.shuffle(roles)
        for k, (setting, role) in enumerate(zip(settings, roles, strict=True), start=1):
            people.append(
                {
                    "participant_id": f"{site}-SP{k:02d}",
                    "site": site,
                    "participant_type": "staff",
                    "staff_setting": setting,
                    "staff_role": role,
                    "mode": "phone" if rng.random() < 0.05 else "online",
                    "date_recruited": _day(rng, dt.date(2021, 9, 1), 270).isoformat(),
                }
            )
    # Table 7 by site; modes from the text: 6 service users online (none at site E), carers 2
    # online, the site B carer focus group face to face, the rest by phone.
    online_users = {"A": 2, "C": 4}
    online_carers = {"A": 2}
    face_to_face_carers = {"B": 6}
    for site, users, carers, _total in tables["table7_service_users_and_carers"]["rows"]:
        if site == "Total":
            continue
        for kind, k, online, f2f in (
            ("service_user", users, online_users.get(site, 0), 0),
            ("carer", carers, online_carers.get(site, 0), face_to_face_carers.get(site, 0)),
        ):
            for j in range(k):
                mode = "online" if j < online else "face_to_face" if j < online + f2f else "phone"
                prefix = "P" if kind == "service_user" else "C"
                people.append(
                    {
                        "participant_id": f"{site}-{prefix}{j + 1:02d}",
                        "site": site,
                        "participant_type": kind,
                        "staff_setting": None,
                        "staff_role": None,
                        "mode": mode,
                        "date_recruited": _day(rng, dt.date(2022, 1, 10), 200).isoformat(),
                    }
                )
    for person in people:
        person["contact_name"], person["contact_email"], person["contact_phone"] = _person(rng)
        person["notes"] = "reconstructed"
    people.sort(key=lambda p: (p["date_recruited"], p["participant_id"]))
    return _write_csv(path, inputs.RECRUITMENT.columns, people)


README = f"""# Survey, audit and recruitment inputs — {LABEL}

These files are the survey team's trackers of the RECO national mapping (WP2a), service audit
(WP2b) and case-study recruitment (WP3), **reconstructed** by `reco reconstruct --part survey`
from the published tables (Hughes et al. 2024, NIHR HTA 28(67), chapter 3). The real trackers are
not public. Names, e-mail addresses (example.org) and telephone numbers (Ofcom drama ranges) are
fictitious; they are here so the pipeline's privacy guard is exercised.

| file | one row per | columns |
|---|---|---|
| `organisations.csv` | organisation in the register | org_id, name, org_type, nation, region |
| `requests.csv` | request sent | request_id, org_id, wave, channel (email/foi), date_sent, date_responded, outcome, contact_name, contact_email, contact_phone, notes |
| `response_coding.csv` | response with information | request_id, org_id, services_described, category, integrated, other_models, commissioned_specific, coder, notes |
| `audit_returns.xlsx` | audit return (one sheet each) | Field / Response form rows |
| `recruitment_log.csv` | participant | participant_id, site, participant_type, staff_setting, staff_role, mode, date_recruited, contact details, notes |

No file holds a total: every count is computed by `reco survey tabulate`. The codes allowed in
each column are in `workflow/reco/survey/codes.py`; the readings of the published tables that the
reconstruction follows are in `resources/reco/PROVENANCE.md` ("Survey, audit and recruitment").
"""
