"""Tables 2, 3, 4, 6 and 7 computed from the survey rows.

Every table has a Total row that is the sum of its other rows (tests check it), and every
percentage is ``codes.pct(n, denominator)`` with the denominator in a column of the same row.
Organisations are reported by type and nation only; names and contacts never reach a table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from reco.survey import codes
from reco.survey.inputs import Row

Table = list[dict[str, object]]


def table2_contacts(register: Mapping[str, Row], requests: Iterable[Row]) -> Table:
    """Organisations contacted, responses and organisations responding, by type and wave."""
    requests = list(requests)
    rows: Table = []
    for type_code, label in codes.ORG_TYPES.items():
        mine = [r for r in requests if register[r["org_id"]]["org_type"] == type_code]
        if not mine and not any(o["org_type"] == type_code for o in register.values()):
            continue
        row: dict[str, object] = {"organisation_type": type_code, "organisation": label}
        for wave in codes.WAVES:
            sent = [r for r in mine if r["wave"] == wave]
            answered = [r for r in sent if r["outcome"] != "no_response"]
            contacted = len({r["org_id"] for r in sent})
            responded = len({r["org_id"] for r in answered})
            row[f"wave{wave}_contacted"] = contacted
            row[f"wave{wave}_responded"] = len(answered)  # responses received (requests answered)
            row[f"wave{wave}_organisations_responded"] = responded
            row[f"wave{wave}_organisations_responded_pct"] = codes.pct(responded, contacted)
        row["contacted_any_wave"] = len({r["org_id"] for r in mine})
        row["in_register"] = sum(1 for o in register.values() if o["org_type"] == type_code)
        row["responses_total"] = sum(1 for r in mine if r["outcome"] != "no_response")
        rows.append(row)
    total: dict[str, object] = {"organisation_type": "total", "organisation": "Total"}
    for key in rows[0]:
        if key in ("organisation_type", "organisation") or key.endswith("_pct"):
            continue
        total[key] = sum(int(r[key]) for r in rows)  # type: ignore[arg-type]
    for wave in codes.WAVES:
        total[f"wave{wave}_organisations_responded_pct"] = codes.pct(
            int(total[f"wave{wave}_organisations_responded"]),  # type: ignore[arg-type]
            int(total[f"wave{wave}_contacted"]),  # type: ignore[arg-type]
        )
    return [*rows, {k: total.get(k) for k in rows[0]}]


def categorised(coding: Iterable[Row]) -> list[Row]:
    """Coded responses with enough information to be categorised (Tables 3 and 4)."""
    return [r for r in coding if r["category"] != "not_categorised"]


def _by_nation(register: Mapping[str, Row], coded: list[Row]) -> list[tuple[str, str, list[Row]]]:
    groups = [("total", "Total", coded)]
    for nation, label in codes.NATIONS.items():
        mine = [r for r in coded if register[r["org_id"]]["nation"] == nation]
        if mine or nation != "uk_wide":
            groups.append((nation, label, mine))
    return groups


def table3_models(register: Mapping[str, Row], coding: Iterable[Row]) -> Table:
    """Categorised responses by nation: specific / no specific / unclear COSMHAD service."""
    rows: Table = []
    for nation, label, mine in _by_nation(register, categorised(coding)):
        n = len(mine)
        row: dict[str, object] = {"nation": label, "nation_code": nation, "total_responses": n}
        for cat, name in (
            ("specific", "specific_service"),
            ("none", "no_specific_service"),
            ("unclear", "unclear"),
        ):
            k = sum(1 for r in mine if r["category"] == cat)
            row[f"{name}_n"] = k
            row[f"{name}_pct"] = codes.pct(k, n)
        rows.append(row)
    return rows


def table4_integrated(register: Mapping[str, Row], coding: Iterable[Row]) -> Table:
    """Integrated treatment by nation. Columns overlap: 'other' is a separate flag (multi-label)."""
    rows: Table = []
    for nation, label, mine in _by_nation(register, categorised(coding)):
        n = len(mine)
        counts = {
            "integrated": sum(1 for r in mine if r["integrated"] == "yes"),
            "unclear": sum(1 for r in mine if r["integrated"] == "unclear"),
            "not_integrated": sum(1 for r in mine if r["integrated"] == "no"),
            "other": sum(1 for r in mine if r["other_models"] == "yes"),
            "integrated_no_specific_commissioned": sum(
                1 for r in mine if r["integrated"] == "yes" and r["commissioned_specific"] == "no"
            ),
        }
        row: dict[str, object] = {"nation": label, "nation_code": nation, "responses": n}
        for key, k in counts.items():
            row[f"{key}_n"] = k
            row[f"{key}_pct"] = codes.pct(k, n)
        rows.append(row)
    return rows


def _sites(recruitment: Iterable[Row]) -> list[str]:
    return sorted({r["site"] for r in recruitment})


def table6_staff(recruitment: list[Row]) -> Table:
    """Staff by site: one block by setting, one by role; each block ends with its Total row."""
    sites = _sites(recruitment)
    staff = [r for r in recruitment if r["participant_type"] == "staff"]
    rows: Table = []
    for block, column, vocab in (
        ("setting", "staff_setting", codes.STAFF_SETTINGS),
        ("role", "staff_role", codes.STAFF_ROLES),
    ):
        for code, label in vocab.items():
            mine = [r for r in staff if r[column] == code]
            if not mine:
                continue
            row: dict[str, object] = {
                "staff_setting_or_role": f"{block}: {label}",
                "block": block,
                "category": code,
            }
            row.update({f"site_{s}": sum(1 for r in mine if r["site"] == s) for s in sites})
            row["total"] = len(mine)
            rows.append(row)
        total: dict[str, object] = {
            "staff_setting_or_role": f"Total ({block} block)",
            "block": block,
            "category": "total",
        }
        total.update({f"site_{s}": sum(1 for r in staff if r["site"] == s) for s in sites})
        total["total"] = len(staff)
        rows.append(total)
    return rows


def table7_service_users_carers(recruitment: list[Row]) -> Table:
    """Service users and carers by site, with the mode of data collection."""
    rows: Table = []
    for site in [*_sites(recruitment), None]:
        mine = [r for r in recruitment if site is None or r["site"] == site]
        row: dict[str, object] = {"case_study_site": "Total" if site is None else site}
        users = [r for r in mine if r["participant_type"] == "service_user"]
        carers = [r for r in mine if r["participant_type"] == "carer"]
        row["service_users"] = len(users)
        row["carers"] = len(carers)
        row["total"] = len(users) + len(carers)
        for name, group in (("service_users", users), ("carers", carers)):
            for mode in codes.MODES:
                row[f"{name}_{mode}"] = sum(1 for r in group if r["mode"] == mode)
        rows.append(row)
    return rows
