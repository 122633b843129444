"""Vocabularies of the survey inputs (code -> printed label) and the percentage rounding rule.

Every coded column of every survey input must hold one of these codes; anything else is a
:class:`reco.errors.SchemaError`. Labels are what the output tables print. Order matters: tables
list their rows in the order given here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: Organisation types of the register, in the row order of the published Table 2.
ORG_TYPES: dict[str, str] = {
    "local_authority": "Local Authorities",
    "nhs_mental_health_trust": "NHS Mental Health Trusts",
    "ccg": "CCGs",
    "regulator": "Care Quality Commission and Devolved Nation Equivalents",
    "health_board_wales": "Health Boards Wales",
    "health_board_scotland": "Health Boards Scotland",
    "hscp_scotland": "Health and Social Care Partnerships Scotland",
    "adp_scotland": "Alcohol and Drug Partnerships Scotland",
    "hsc_trust_ni": "Health and Social Care Trusts Northern Ireland",
    "lcg_ni": "Local Commissioning Groups Northern Ireland",
    "phe": "PHE",
    "ni_department_of_health": "NI Department of Health",
    "public_health_reform_scotland": "Public Health Reform Scotland",
    "samh": "Scottish Association for Mental Health",
    "third_sector_provider": "Third Sector Drug and Alcohol Treatment Providers",
    "other_national": "Other national organisations",
}

#: Nations, in the row order of Tables 3 and 4 (uk_wide: organisations working across nations).
NATIONS: dict[str, str] = {
    "england": "England",
    "wales": "Wales",
    "scotland": "Scotland",
    "northern_ireland": "NI",
    "uk_wide": "UK-wide",
}

WAVES: tuple[str, ...] = ("1", "2")
CHANNELS: dict[str, str] = {"email": "e-mail", "foi": "Freedom of Information request"}

#: Request outcomes. ``no_response`` is the only outcome without a response date.
OUTCOMES: dict[str, str] = {
    "no_response": "no response",
    "info_provided": "provided information about services",
    "not_held": "information not held",
    "not_responsible": "not responsible for commissioning or providing COSMHAD care",
    "unable": "unable to deal with the request at that time",
}
#: Outcomes that are responses without service information (the published "42").
NO_INFO_OUTCOMES: tuple[str, ...] = ("not_held", "not_responsible", "unable")

#: Response coding: the Table 3 category of a response with information.
CATEGORIES: dict[str, str] = {
    "specific": "Specific COSMHAD service",
    "none": "No specific COSMHAD service",
    "unclear": "Unclear",
    "not_categorised": "Not enough information to categorise",
}
YES_NO_UNCLEAR: tuple[str, ...] = ("yes", "no", "unclear")
YES_NO: tuple[str, ...] = ("yes", "no")

#: Recruitment log.
PARTICIPANT_TYPES: dict[str, str] = {
    "staff": "Staff",
    "service_user": "Service user",
    "carer": "Carer",
}
MODES: dict[str, str] = {"online": "Online", "phone": "Phone", "face_to_face": "Face to face"}

#: Table 6, first block: the setting a staff participant works in.
STAFF_SETTINGS: dict[str, str] = {
    "mh_inpatient": "Mental Health Inpatient",
    "community_mh": "Community Mental Health",
    "community_drug_alcohol": "Community Drug and Alcohol",
    "community_drug_alcohol_nhs": "Community Drug and Alcohol (NHS)",
    "early_intervention_psychosis": "Early Intervention in Psychosis",
    "dual_diagnosis_team": "Dual Diagnosis Team",
    "assertive_outreach": "Assertive Outreach",
    "homeless_team": "Homeless Team",
    "adult_social_care": "Adult Social Care",
}

#: Table 6, second block: a staff participant's role.
STAFF_ROLES: dict[str, str] = {
    "mh_staff_nurse": "Mental Health Staff Nurse",
    "drug_alcohol_nurse": "Drug and Alcohol Nurse",
    "community_psychiatric_nurse": "Community Psychiatry Nurse",
    "psychiatry_registrar": "Psychiatry Registrar",
    "doctor_addictions": "Doctor (Addictions)",
    "consultant_psychiatrist": "Consultant Psychiatrist",
    "ward_manager_matron": "Ward Manager/Matron",
    "clinical_service_lead": "Clinical Service Lead",
    "social_worker": "Social Worker",
    "dual_diagnosis_lead": "Dual Diagnosis Lead (Nurse Consultant or equivalent)",
    "drug_alcohol_recovery_worker": "Drug and Alcohol Recovery Worker",
    "drug_alcohol_assessment_worker": "Drug and Alcohol Assessment Worker",
    "wellbeing_practitioner": "Well-Being Practitioner",
    "team_manager": "Team Manager",
    "mh_advisor": "Mental health Advisor",
    "occupational_therapist": "Occupational Therapist",
    "training_lead": "Training Lead",
}

#: Audit form answers (the label a service ticks -> code). Single choice unless noted.
COMMISSIONERS: dict[str, str] = {
    "local_authority": "Local authority",
    "la_via_phe": "Local authority through Public Health England",
    "ccg": "Clinical commissioning group (CCG)",
    "joint": "Jointly commissioned (local authority and CCG)",
}
#: Commissioner codes counted together as "local authorities ... (63% in total)".
LA_COMMISSIONERS: tuple[str, ...] = ("local_authority", "la_via_phe")
PROVIDERS: dict[str, str] = {
    "nhs_mental_health": "NHS mental health service",
    "substance_use": "Substance use service",
    "joint": "Joint mental health and substance use service",
    "other": "Other provider",
}
MODELS: dict[str, str] = {
    "lead_and_link": "Lead and link worker",
    "network": "Network",
    "consultancy": "Consultancy",
    "other": "Other / does not fit the three models",
}
#: Multiple choice.
INTERVENTIONS: dict[str, str] = {
    "assessment": "Joint or specialist assessment",
    "motivational_interviewing": "Motivational interviewing",
    "cbt": "Cognitive behavioural therapy based intervention",
    "harm_reduction": "Harm reduction advice",
    "relapse_prevention": "Relapse prevention",
    "family_support": "Family and carer support",
    "staff_training": "Training and consultation for staff",
}
#: Multiple choice.
DELIVERY_MODES: dict[str, str] = {
    "one_to_one": "One-to-one",
    "group": "Group",
    "phone": "Telephone",
    "video": "Video call",
    "outreach": "Outreach / home visit",
}

#: How percentages are rounded everywhere in this stage (stated in every output).
ROUNDING = "percent = 100 * n / denominator, rounded to a whole number, halves up (62.5 -> 63)"


def pct(n: int, denominator: int) -> int | None:
    """``100 * n / denominator`` rounded half up to an integer; ``None`` when the denominator is 0."""
    if denominator <= 0:
        return None
    value = Decimal(100) * Decimal(n) / Decimal(denominator)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def label_to_code(vocab: dict[str, str]) -> dict[str, str]:
    """Reverse a vocabulary (printed label, case-insensitive -> code); codes are accepted too."""
    out = {label.casefold(): code for code, label in vocab.items()}
    out.update({code.casefold(): code for code in vocab})
    return out
