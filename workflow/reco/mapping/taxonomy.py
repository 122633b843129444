"""The EPOC taxonomy codes and the controlled vocabularies of the literature-mapping sheet.

The four domains are those of the Cochrane Effective Practice and Organisation of Care (EPOC)
taxonomy (2015): delivery, financial and governance arrangements and implementation strategies.
The categories and subcategories are the rows of Table 1 of the RECO report (HTA 2024 vol 28
no 67), in its order. The short codes (``DA1.1`` ...) are this project's, not EPOC's numbering;
a team using other subcategories passes its own taxonomy CSV (columns code, domain, category,
subcategory).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from reco.errors import InputError


@dataclass(frozen=True)
class Code:
    code: str
    domain: str
    category: str
    subcategory: str


_DA = "Delivery arrangements"
_HOW = "How and when care is delivered"
_WHERE = "Where care is provided and changes to the healthcare environment"
_WHO = "Who provides care and how the healthcare workforce is managed"
_COORD = "Co-ordination of care and management of the care process"

#: Table 1 rows: (code, domain, category, subcategory), in the table's order.
EPOC: tuple[Code, ...] = tuple(
    Code(*row)
    for row in (
        ("DA1.1", _DA, _HOW, "Co-ordination of care among different providers"),
        ("DA1.2", _DA, _HOW, "Group vs. individual interventions"),
        ("DA1.3", _DA, _HOW, "Triage"),
        ("DA2.1", _DA, _WHERE, "Environment"),
        ("DA2.2", _DA, _WHERE, "Outreach"),
        ("DA2.3", _DA, _WHERE, "Site of service delivery"),
        ("DA2.4", _DA, _WHERE, "Site of organisation"),
        ("DA3.1", _DA, _WHO, "Role expansion or task shifting"),
        ("DA3.2", _DA, _WHO, "Pre-licensure education"),
        ("DA4.1", _DA, _COORD, "Care pathways"),
        ("DA4.2", _DA, _COORD, "Case management"),
        ("DA4.3", _DA, _COORD, "Communication between providers"),
        ("DA4.4", _DA, _COORD, "Continuity of care, discharge planning and referrals"),
        ("DA4.5", _DA, _COORD, "Shared care and decision-making"),
        ("FA1.1", "Financial arrangements", "Funding", "Funding"),
        ("GA1.1", "Governance arrangements", "Governance arrangements", "Governance arrangements"),
        (
            "IS1.1",
            "Implementation strategies",
            "Implementation strategies",
            "Organisational culture",
        ),
        (
            "IS1.2",
            "Implementation strategies",
            "Implementation strategies",
            "Communities of practice",
        ),
        (
            "IS1.3",
            "Implementation strategies",
            "Implementation strategies",
            "Clinical practice guidance",
        ),
        (
            "IS1.4",
            "Implementation strategies",
            "Implementation strategies",
            "Interprofessional education",
        ),
        (
            "IS1.5",
            "Implementation strategies",
            "Implementation strategies",
            "Local opinion leaders",
        ),
        (
            "IS1.6",
            "Implementation strategies",
            "Implementation strategies",
            "Managerial and clinical supervision",
        ),
    )
)

#: Model categories (Table 1, first column) -> label.
MODEL_CATEGORIES: dict[str, str] = {
    "network_group": "Multidisciplinary network groups establish provider relationships and "
    "co-ordinate pathways",
    "link_worker": "Specialist COSMHAD link workers placed within existing teams",
    "liaison_worker": "Specialist dual diagnosis liaison workers in a COSMHAD team",
}
#: Who delivers the model.
PROVIDER_TYPES: dict[str, str] = {
    "mental_health_trust": "Mental health trust",
    "substance_use_service": "Substance use service",
    "multiple_settings": "Collaboration between service settings",
}
#: Where the model is delivered.
SETTINGS: dict[str, str] = {
    "community": "Community",
    "inpatient": "Inpatient",
    "specialist_ward": "Specialist ward",
    "network": "Network across settings",
    "liaison": "Liaison with specialist workers",
}
#: Countries counted as UK (the sheet's UK flag must agree with its country).
UK_COUNTRIES = frozenset({"UK", "England", "Scotland", "Wales", "Northern Ireland"})
YES_NO = ("yes", "no")


def load_taxonomy(path: str | Path | None = None) -> tuple[Code, ...]:
    """The built-in Table 1 taxonomy, or a team's own from a CSV (code, domain, category, subcategory)."""
    if path is None:
        return EPOC
    p = Path(path)
    try:
        with open(p, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise InputError(f"cannot read taxonomy: {exc}", file=p, fix="check the path") from exc
    need = {"code", "domain", "category", "subcategory"}
    if not rows or not need <= set(rows[0]):
        raise InputError(
            f"taxonomy needs columns {', '.join(sorted(need))}",
            file=p,
            fix="add a header row code,domain,category,subcategory and one row per code",
        )
    return tuple(Code(r["code"], r["domain"], r["category"], r["subcategory"]) for r in rows)
