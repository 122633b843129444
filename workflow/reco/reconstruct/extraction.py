"""Reconstruction part ``extraction``: the literature-mapping sheet, the CMO coding sheet, the theories.

Writes

* ``extraction/mapping.csv`` - one row per paper read in full text for the literature mapping (the
  414 works the screening part includes at ``mapping_fulltext``): country, UK flag and, for the 23
  UK papers meeting the mapping criteria, setting, provider type, model id, model category and
  EPOC findings. Published (HTA report ch. 2, Table 1): 23 papers, 19 models (9 mental health
  trusts, 4 substance use services - 3 community, 1 specialist ward -, 6 collaborations between
  settings), three model categories, and the text of Table 1. Reconstructed: which papers, which
  paper describes which model, the split of models over categories, and which model reports which
  Table 1 finding (each Table 1 cell is reported by at least one model of its category).
* ``extraction/cmo.csv`` - one row per (paper, PT, CMO element) for the 132 works the screening part
  includes at ``synthesis_extraction``. The rows of the Lancet Results citations
  (``sources/lancet_pt_evidence.csv``, 128 rows over 57 references) are real, with their quote,
  confidence and PDF line; their rigour rating is reconstructed and their relevance rating follows a
  stated rule (explicit -> high, inferred -> moderate). Ref 44 (SELFIE) is coded as a framework.
  The rows of the other works are reconstructed.
* ``theories/draft_pts.csv`` (15 published draft PTs + a 16th reconstructed placeholder),
  ``theories/trail.csv`` (draft -> final, reconstructed), ``theories/final_pts.csv`` (the 11 PTs of
  the Lancet Panel as context / mechanism / outcome with their SELFIE level) and
  ``theories/substantive_theories.csv`` (16 shortlisted, 4 named and selected, 12 placeholders;
  the SELFIE framework of the Lancet paper as an extra row).

Every row carries its provenance (``real``/``published`` or ``reconstructed``).
"""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from pathlib import Path

from reco.fileio import atomic_path
from reco.reconstruct import Context
from reco.synthesis import coding

MARK = "reconstructed"

# ---------------------------------------------------------------------------------------------
# Literature mapping
# ---------------------------------------------------------------------------------------------

#: The 19 models: (provider_type, setting, model_category). The provider/setting split is
#: published (9 mental health trusts, 4 substance use services (3 community, 1 specialist ward),
#: 6 collaborations); the category of each model is reconstructed (5 network, 8 link, 6 liaison).
MODELS: tuple[tuple[str, str, str], ...] = (
    ("mental_health_trust", "community", "network_group"),
    ("mental_health_trust", "community", "network_group"),
    ("mental_health_trust", "community", "link_worker"),
    ("mental_health_trust", "community", "link_worker"),
    ("mental_health_trust", "community", "link_worker"),
    ("mental_health_trust", "community", "liaison_worker"),
    ("mental_health_trust", "inpatient", "link_worker"),
    ("mental_health_trust", "inpatient", "link_worker"),
    ("mental_health_trust", "inpatient", "liaison_worker"),
    ("substance_use_service", "community", "link_worker"),
    ("substance_use_service", "community", "link_worker"),
    ("substance_use_service", "community", "liaison_worker"),
    ("substance_use_service", "specialist_ward", "link_worker"),
    ("multiple_settings", "network", "network_group"),
    ("multiple_settings", "network", "network_group"),
    ("multiple_settings", "network", "network_group"),
    ("multiple_settings", "liaison", "liaison_worker"),
    ("multiple_settings", "liaison", "liaison_worker"),
    ("multiple_settings", "liaison", "liaison_worker"),
)
#: Published: 23 papers on 19 models, so four models have two papers each (reconstructed: which).
PAPERS = 23

NET, LINK, LIA = "network_group", "link_worker", "liaison_worker"
ALL = (NET, LINK, LIA)
#: Table 1 of the HTA report (CC BY 4.0), cell by cell: (code, model categories the cell spans,
#: text). Where a cell spans columns its categories are read from the table's layout.
TABLE1: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "DA1.1",
        (NET,),
        "Multidisciplinary network groups establish provider relationships and "
        "co-ordinate pathways",
    ),
    ("DA1.1", (LINK,), "Specialist COSMHAD link workers placed within existing teams"),
    ("DA1.1", (LIA,), "Specialist dual diagnosis liaison workers in a COSMHAD team"),
    (
        "DA1.2",
        ALL,
        "Incorporating COSMHAD into existing provision of combined individual and "
        "group interventions; majority draw on CBT and motivational interviewing approaches",
    ),
    ("DA1.3", (NET, LINK), "Inclusion of COSMHAD measures into existing assessments"),
    ("DA1.3", (LIA,), "Joint assessment or assessment by COSMHAD worker after referral"),
    ("DA2.1", ALL, "Within existing service environment"),
    (
        "DA2.2",
        ALL,
        "Minimal engagement with assertive outreach teams despite recognition of high "
        "dual diagnosis prevalence and benefits of proactive engagement",
    ),
    ("DA2.3", (NET,), "Site of usual provision"),
    (
        "DA2.3",
        (LINK,),
        "Mental health or substance use teams; majority placed in mental health teams",
    ),
    ("DA2.3", (LIA,), "Additional team providing separate or integrated care"),
    (
        "DA2.4",
        ALL,
        "Model coverage usually by geographical area, mostly the catchment of the NHS "
        "mental health trust",
    ),
    (
        "DA3.1",
        (NET,),
        "All staff have increased awareness of dual diagnosis and are able to "
        "co-ordinate care for these service users",
    ),
    (
        "DA3.1",
        (LINK,),
        "Staff specialising in COSMHAD lead on raising awareness and facilitating "
        "co-ordinated care for their team, in salaried roles or as part of an existing role",
    ),
    (
        "DA3.1",
        (LIA,),
        "Staff specialising in COSMHAD provide a time-limited service to raise "
        "awareness and support teams in delivering integrated care",
    ),
    (
        "DA3.2",
        (NET,),
        "Range of experience and education among membership provides new perspectives",
    ),
    (
        "DA3.2",
        (LINK, LIA),
        "Challenging to find balance between mental health and substance use "
        "expertise, and between education and experience in practice",
    ),
    (
        "DA4.1",
        ALL,
        "Establishing and formalising collaborative care pathways; stepwise approach "
        "based on the US Integrated Treatment Model",
    ),
    (
        "DA4.2",
        (NET, LINK),
        "Case management remains with the existing case manager, with "
        "time-limited specialist joint working, consultation and assessment",
    ),
    (
        "DA4.2",
        (LIA,),
        "Case management largely remains with the case manager; the specialist may "
        "take over in severe complexity or chaotic engagement",
    ),
    (
        "DA4.3",
        ALL,
        "Transparent communication built on mutual trusting relationships, formally "
        "through documentation and informally through groups and networks",
    ),
    ("DA4.4", ALL, "Discharge and continuity of care are a key part of joint care plans"),
    (
        "DA4.5",
        (NET,),
        "Shared care and decision-making between mental health and substance use "
        "teams; shared care protocols, care plans and referral letters",
    ),
    (
        "DA4.5",
        (LINK, LIA),
        "Shared care and decision-making between link/liaison worker and the "
        "case manager; link worker brokers shared care with other services",
    ),
    (
        "FA1.1",
        ALL,
        "No dedicated funding or a single source of funding (local budgets or research funding)",
    ),
    (
        "GA1.1",
        ALL,
        "Multiagency steering group at strategic level; dissemination and local "
        "decisions at organisational level; expert service users consulted",
    ),
    (
        "IS1.1",
        ALL,
        "COSMHAD is the responsibility of all staff: address staff attitudes and "
        "reluctance to collaborate through training and shared definitions",
    ),
    (
        "IS1.2",
        ALL,
        "Practitioners meet regularly for case discussion, sharing practice, peer "
        "support, local supervision and joint working",
    ),
    (
        "IS1.3",
        ALL,
        "Manuals, service directories and local practice guidelines support link "
        "workers and network members",
    ),
    (
        "IS1.4",
        ALL,
        "Two levels of training: awareness raising for all staff and specialist "
        "training for nominated individuals",
    ),
    (
        "IS1.5",
        ALL,
        "COSMHAD link workers and leads advocate within services; service or ward "
        "managers support them to enact change",
    ),
    (
        "IS1.6",
        (LINK, LIA),
        "Link/liaison workers supervise colleagues and need supervision from "
        "COSMHAD specialists to avoid isolation",
    ),
)
#: Probability that a model reports a Table 1 finding of its category (reconstructed).
P_FINDING = 0.7

_UK_NATIONS = (("England", 0.72), ("Scotland", 0.14), ("Wales", 0.08), ("Northern Ireland", 0.06))
_ABROAD = (
    ("USA", 0.55),
    ("Australia", 0.12),
    ("Canada", 0.1),
    ("Netherlands", 0.05),
    ("Ireland", 0.04),
    ("New Zealand", 0.04),
    ("Germany", 0.03),
    ("Norway", 0.03),
    ("Sweden", 0.02),
    ("Denmark", 0.02),
)

# ---------------------------------------------------------------------------------------------
# Programme theories
# ---------------------------------------------------------------------------------------------

#: The draft PTs as listed in the HTA report (ch. 2, "Identification of programme theory"; CC BY
#: 4.0). The text says 16 but lists 15; D16 is a reconstructed placeholder.
DRAFT_PTS: tuple[tuple[str, str], ...] = (
    (
        "'Everyone's business'",
        "Recognising that COSMHAD is the responsibility of everyone who "
        "comes into contact with these service users will increase their access to mental health and "
        "substance use support and reduce exclusion due to crisis or intoxication.",
    ),
    (
        "Positive attitudes",
        "A shared, empathetic and non-judgemental attitude towards individuals "
        "with COSMHAD across all services can reduce stigma, improve engagement and prevent premature "
        "discharge from services.",
    ),
    (
        "Collaboration",
        "Strong and consistent management which promotes understanding of COSMHAD "
        "and the benefits of collaboration facilitates collaborative working between services to "
        "support multiple and complex needs.",
    ),
    (
        "Workforce education",
        "Continuous education (from undergraduate/pre-registration onwards) "
        "which incorporates the biopsychosocial approach to individuals with COSMHAD will assist staff "
        "to deal with the complexities faced by these service users and appropriately employ "
        "behaviour change strategies.",
    ),
    (
        "Workforce support and development",
        "Comprehensive workforce development which includes "
        "dual diagnosis training and ongoing supervision and skills development (e.g. shadowing, "
        "work-based learning and multiagency meetings) ensures that staff have the right values and "
        "skills to assess and respond to the needs of individuals with COSMHAD.",
    ),
    (
        "Leadership",
        "COSMHAD opinion leaders are needed at the practitioner, operational management "
        "and strategies management levels to ensure that the needs of people with COSMHAD are met by "
        "driving forward new/modified practices.",
    ),
    (
        "Care pathways",
        "A formalised collaborative pathway of care with 'buy-in' from all key "
        "agencies and opportunities for practitioners to meet with each other (e.g. through network) "
        "will ensure all teams, services and specialisms have good relationships to collaboratively "
        "respond to individuals' needs.",
    ),
    (
        "Strategic senior level commitment",
        "Senior managers/commissioners must believe it is right "
        "for them to be involved and accountable for COSMHAD service development by putting in place "
        "strategic frameworks to improve access to services and reduce health inequalities.",
    ),
    (
        "Sustaining practice",
        "Continuous training and supervision is needed to sustain COSMHAD "
        "service models and allow staff to stay involved in practice.",
    ),
    (
        "Networks",
        "Multiagency groups or networks for practitioners can increase their awareness of "
        "other services and improve service delivery (e.g. through improved referrals and reduced "
        "waiting times).",
    ),
    (
        "Mental health as lead agency for care",
        "Mental health service care co-ordinators should "
        "take the lead in developing a care plan and co-ordinating services which will improve people "
        "with COSMHAD's access and engagement with services, response to care, recovery and "
        "longer-term outcomes.",
    ),
    (
        "Commissioning",
        "Strategic commitment to reconcile differing funding and commissioning "
        "arrangements is needed to develop an effective, collaborative COSMHAD pathway.",
    ),
    (
        "Evaluation impact of staff training",
        "Evaluation measures need to be put in place to "
        "determine the impact of staff training on outcomes for service users.",
    ),
    (
        "Evaluation outcomes",
        "Evidence-based quality improvement measures are needed to evaluate "
        "the impact of COSMHAD services and capture learning across services.",
    ),
    (
        "Recruitment and retention",
        "Processes are needed to ensure that staff with the requisite "
        "COSMHAD skills, knowledge and values are recruited and retained in services to deliver "
        "better care.",
    ),
)
DRAFT_PLACEHOLDER = (
    "[placeholder: draft PT 16]",
    "[placeholder] The report announces 16 draft PTs but lists 15; this row stands for the "
    "unlisted one so that the count of drafts is auditable. Its content is not published.",
)

#: Draft -> final PT (reconstructed: the refinement is not published). (draft, action, final,
#: reason); a split draft has one row per final PT.
TRAIL: tuple[tuple[int, str, str, str], ...] = (
    (
        1,
        "kept",
        "PT1",
        "narrowed to first contact and assessment as the point where "
        "'everyone's business' is enacted",
    ),
    (2, "kept", "PT2", "reframed as staff attitudes addressed by team-wide training"),
    (3, "kept", "PT3", "collaboration specified as collaborative case management"),
    (
        4,
        "kept",
        "PT4",
        "continuous education specified as supervised exposure from undergraduate level",
    ),
    (
        5,
        "merged",
        "PT5",
        "merged with draft 9 (sustaining practice) into continuous workforce development",
    ),
    (6, "kept", "PT6", "leadership specified as opinion leaders at all levels"),
    (7, "split", "PT7", "networking component of the pathway theory joined draft 10"),
    (7, "split", "PT8", "formal pathway component became coordinated care pathways"),
    (8, "merged", "PT8", "senior commitment became the context of the coordinated pathway"),
    (9, "merged", "PT5", "sustaining practice is the continuity part of workforce development"),
    (10, "merged", "PT7", "networks formalised as structured networking opportunities"),
    (11, "kept", "PT9", "mental health as lead agency became mental health led services"),
    (12, "merged", "PT11", "joint commissioning became the context of recruitment and retention"),
    (13, "merged", "PT10", "evaluation of training folded into evaluation and quality improvement"),
    (14, "kept", "PT10", "evaluation of outcomes became evaluation and quality improvement"),
    (15, "kept", "PT11", "recruitment and retention kept, with supervision and development"),
    (16, "dropped", "", "placeholder for the unlisted draft; no final PT can be traced to it"),
)

#: The Lancet Panel: (pt, title, SELFIE level, context, mechanism-resource, mechanism-reasoning,
#: outcome), split at the manuscript's own labels, verbatim.
FINAL_PTS: tuple[tuple[str, ...], ...] = (
    (
        "PT1",
        "First contact and assessment",
        "Service delivery",
        "If staff across all first-contact services for people with co-occurring mental health and "
        "substance use issue have clear awareness that people with COSMHAD are the expectation and "
        "their responsibility to assess and refer them into suitable treatment",
        "then individuals will have a more satisfying and structured first contact with services",
        "people with co-occurring disorders will have less difficulties in entering appropriate "
        "services",
        "thus leading to increased optimism, confidence and willingness to engage in treatment",
    ),
    (
        "PT2",
        "Staff attitudes",
        "Workforce",
        "Successful collaboration between mental health and substance use services to address "
        "judgemental staff attitudes towards people with COSMHAD requires desire to reconcile "
        "political, structural, and philosophical differences between services",
        "A team wide response to training is needed to address staff beliefs and attitudes supported "
        "by clear policies and procedures to shift service philosophy",
        "A team-based training approach leads to increased feelings of ownership and involvement "
        "among staff who will become less sceptical and more invested as they see people with "
        "COSMHAD responding positively to interventions",
        "This will result in enhanced staff empathy and better therapeutic relationships with people "
        "with COSMHAD",
    ),
    (
        "PT3",
        "Encouraging collaborative case management",
        "Leadership",
        "Collaborative case management between services for people with co-occurring disorders "
        "requires both formal coordination (top-down processes and network models) and informal "
        "collaboration (willingness to work together)",
        "Clear, non-conflicting care coordination protocols and referral pathways with time for "
        "collaboration built into staff schedules",
        "will help staff feel more supported in their roles and gives them permission to build "
        "trusting relationships with other service providers while taking a pre-emptive, preventative "
        "and whole person approach to people with COSMHAD",
        "This will lead to an improved organisational system for people with COSMHAD with improved "
        "consistency of care and a more individually focused approach across the continuum of care",
    ),
    (
        "PT4",
        "Continuous exposure from undergraduate level",
        "Workforce",
        "Staff are often ill-prepared to treat people with COSMHAD due to a lack of inclusion of "
        "bio-psycho-social perspectives as part of formal qualifications in substance use, and lack of "
        "supervised exposure on undergraduate/postgraduate curricula. Even where staff have been "
        "trained in particular skills (e.g. motivational interviewing), they do not always make use "
        "of these skills in practice",
        "For those professionals undertaking clinical qualifications an immersion model of training "
        "should begin at undergraduate clinical rotation and be maintained through core competencies "
        "for professional development and progression",
        "This continuous supervision of practice will align educational targets to real-time "
        "problems, foster communication between health professionals and allow staff to learn from "
        "practice and experience",
        "This emphasis on professional growth in practice improve empathy for the daily experiences "
        "of people with COSMHAD",
    ),
    (
        "PT5",
        "Continuous workforce development",
        "Leadership",
        "If service leaders appreciate the need continuous and comprehensive workforce development",
        "by combining didactic training to address knowledge and experiential training to practise "
        "skills",
        "then staff will internalize compassionate, integrated values, skills and confidence to "
        "assess and respond to the needs of people with co-occurring disorders",
        "This will lead to a better therapeutic relationship between service users and health "
        "professionals leading to improved engagement and motivation to change",
    ),
    (
        "PT6",
        "Opinion leaders",
        "Leadership",
        "Dedicated, respected leaders with the authority to implement integrated treatment are "
        "needed at all levels of the organisation (from commissioning through to team leaders) to "
        "communicate a shared vision of co-occurring disorders, prioritise implementation and make "
        "and disseminate administrative and policy changes",
        "These leaders will sustain awareness and expectations surrounding co-occurring disorders",
        "leading to an organisational climate where staff feel enthusiastic, motivated and supported "
        "to implement new practices in their work",
        "As a result, people with co-occurring disorders can engage with consistent, appropriate "
        "support for their condition",
    ),
    (
        "PT7",
        "Formalised networking opportunities",
        "Service delivery",
        "Formalised, structured and sustained opportunities for practitioners working with people "
        "with COSMHAD to meet, communicate and build relationships and take action (e.g. through a "
        "network)",
        "will lead to increased awareness of other services' collective contributions, opportunities "
        "for peer support and a multidisciplinary ethos",
        "This will increase staff motivation, confidence and commitment to work collaboratively when "
        "treating people with co-occurring disorders",
        "leading to improved and more welcoming care coordination, better provision of stage "
        "appropriate interventions including more immediate referrals, assessments and care "
        "planning",
    ),
    (
        "PT8",
        "Coordinated care pathways",
        "Leadership",
        "Committed and accountable leaders from NHS, Local Authorities and other partner "
        "organisations",
        "should support, design and consistently advance a collaborative co-ordinated care pathway "
        "which uses organisational policies, functional procedures and defined outcomes to allow "
        "mental health, substance use and other relevant service providers to support each other in "
        "providing care for people with co-occurring disorders",
        "This coordinated pathway will lead to increased collaboration between providers through "
        "shared goals and formalised relationships",
        "to deliver accessible, non-contradictory and consistent interventions, services and goal "
        "setting which will rouse and maintain people with COSMHAD's motivation to work towards their "
        "goals and remain engaged in treatment",
    ),
    (
        "PT9",
        "Mental health led services",
        "Service delivery",
        "High prevalence of people with COSMHAD within mental health services suggests their needs "
        "should be addressed in a mental health service setting with additional joint working from "
        "other services as needed",
        "Having mental health clinicians responsible for individual's care plan",
        "means clinicians will increase their skills and competencies in using empirically supported "
        "treatment with measurable outcomes for co-occurring disorders",
        "By addressing the relationship between substance use and mental health simultaneously, "
        "people with COSMHAD will experience a more consistent and flexible approach to symptom "
        "reduction with tailored, non-conflicting goals",
    ),
    (
        "PT10",
        "Evaluation and quality improvement",
        "Leadership",
        "Leadership across all involved services need to develop and establish accountability",
        "in order for meaningful evaluation and quality improvement measures to be put into place to "
        "evaluate the structure, process and outcomes of integration and training interventions on "
        "service delivery for co-occurring disorders",
        "This will ensure that commissioners, service managers and practitioners feel the work they "
        "do is valued",
        "and continue to make incremental progress in improving services by building on existing "
        "strengths and identifying priorities leading to better insights into the quality of care",
    ),
    (
        "PT11",
        "Recruiting and retaining talented staff",
        "Leadership",
        "Service commissioners from both mental health and substance use services need to work "
        "jointly",
        "to commit financial resources and organisational workforce policies [resource 1] to ensure "
        "staff with the requisite skills, knowledge and values for treating those with co-occurring "
        "disorders are recruited and retained into services through appropriate selection, "
        "supervision and professional development [resource 2]",
        "This will ensure that skilled staff feel encouraged, secure and legitimised in their posts",
        "leading to more effective, better quality and undisrupted therapeutic relationships",
    ),
)
SELFIE_LABELS = {
    "Leadership": "Leadership and governance",
    "Workforce": "Workforce",
    "Service delivery": "Service delivery",
}

#: The four selected substantive theories (HTA report ch. 2; CC BY 4.0) and their use.
SELECTED_THEORIES: tuple[tuple[str, str, str, str], ...] = (
    (
        "Normalisation process theory",
        "overall framework for the final PTs (sense-making, "
        "relational, operational and appraisal domains)",
        "all",
        "meso",
    ),
    ("Health Stigma and Discrimination Framework", "refinement of a specific PT", "PT2", "micro"),
    (
        "Framework for Action on Interprofessional Education and Collaborative Practice",
        "refinement of a specific PT",
        "PT3",
        "meso",
    ),
    (
        "Integrated Commissioning for Better Outcomes Framework",
        "refinement of a specific PT",
        "PT10",
        "macro",
    ),
)
N_SHORTLISTED = 16


# ---------------------------------------------------------------------------------------------


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\n")
    wr.writerow(header)
    wr.writerows(rows)
    with atomic_path(path) as tmp:
        tmp.write_bytes(buf.getvalue().encode("utf-8"))
    return path


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    x = rng.random() * sum(w for _, w in weighted)
    for name, w in weighted:
        x -= w
        if x <= 0:
            return name
    return weighted[-1][0]


def _ref_nos(work: dict[str, str]) -> list[str]:
    return [r for r in (work.get("lancet_ref_nos") or "").replace(",", ";").split(";") if r]


def build(ctx: Context) -> list[Path]:
    rng = ctx.rng("extraction")
    truth = ctx.out / "truth"
    works = {w["work_id"]: w for w in _read(truth / "works.csv")}
    members: dict[str, list[str]] = defaultdict(list)
    for row in _read(truth / "duplicates.csv"):
        members[row["work_id"]].append(row["record_id"])
    screening = {r["work_id"]: r for r in _read(truth / "screening.csv")}

    def cite(work_id: str) -> str:
        """The record a team member read: usually the first copy, sometimes another."""
        recs = sorted(members[work_id])
        return recs[0] if len(recs) == 1 or rng.random() < 0.7 else rng.choice(recs[1:])

    written = [_mapping_sheet(ctx, rng, works, screening, cite)]
    written.append(_cmo_sheet(ctx, rng, works, screening, cite))
    written += _theories(ctx)
    return written


def _mapping_sheet(ctx, rng, works, screening, cite) -> Path:
    included = sorted(w for w, s in screening.items() if s["mapping_fulltext"] == "include")
    uk = [w for w in included if works[w].get("country") == "UK"]
    core = [w for w in uk if works[w]["relevance"] == "core_uk_service_model"]
    rest = [w for w in uk if w not in core]
    chosen = rng.sample(core, min(PAPERS, len(core)))
    if len(chosen) < PAPERS:  # not enough core works: take other UK works
        chosen += rng.sample(rest, PAPERS - len(chosen))
    chosen.sort()
    # 19 models, four of them with two papers.
    doubles = set(rng.sample(range(len(MODELS)), PAPERS - len(MODELS)))
    slots = [m for m in range(len(MODELS)) for _ in range(2 if m in doubles else 1)]
    rng.shuffle(slots)
    model_of = dict(zip(chosen, slots, strict=True))
    papers_of: dict[int, list[str]] = defaultdict(list)
    for w in chosen:
        papers_of[model_of[w]].append(w)
    # Which model reports which Table 1 finding (each cell by at least one model of its category).
    findings: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, cats, text in TABLE1:
        for cat in cats:
            ms = [m for m, (_, _, c) in enumerate(MODELS) if c == cat]
            hit = [m for m in ms if rng.random() < P_FINDING] or [rng.choice(ms)]
            for m in hit:
                ps = papers_of[m]
                for w in ps if len(ps) == 1 or rng.random() < 0.5 else [rng.choice(ps)]:
                    findings[w].append((code, text))
    rows = []
    for w in included:
        country = works[w].get("country") or ""
        if country == "UK":
            country = _pick(rng, _UK_NATIONS)
        elif country == "international":
            country = _pick(rng, _ABROAD)
        else:
            country = "Multinational"
        is_uk = country in {n for n, _ in _UK_NATIONS}
        if w in model_of:
            provider, setting, cat = MODELS[model_of[w]]
            model_id = f"M{model_of[w] + 1:02d}"
        else:
            provider = setting = cat = model_id = ""
        epoc = " | ".join(f"{c}: {t}" for c, t in findings.get(w, []))
        rows.append(
            [
                cite(w),
                country,
                "yes" if is_uk else "no",
                setting,
                provider,
                model_id,
                cat,
                epoc,
                MARK,
            ]
        )
    header = ["record_id", "country", "uk", "setting", "provider_type", "model_id"]
    header += ["model_category", "epoc", "note"]
    return _write(ctx.out / "extraction" / "mapping.csv", header, rows)


_ROLE = {"mechanism-resource": "mechanism_resource", "mechanism-reasoning": "mechanism_reasoning"}
_RATING = (("high", 0.35), ("moderate", 0.45), ("low", 0.2))
_JUDGEMENT = (("support", 0.78), ("refine", 0.15), ("refute", 0.07))
#: How often each PT is coded for a reconstructed paper (the full mapping covers all 11).
_PT_WEIGHT = (
    ("PT1", 1.0),
    ("PT2", 1.6),
    ("PT3", 1.2),
    ("PT4", 1.2),
    ("PT5", 1.2),
    ("PT6", 0.7),
    ("PT7", 1.3),
    ("PT8", 0.8),
    ("PT9", 0.6),
    ("PT10", 0.5),
    ("PT11", 0.6),
)
_ELEMENTS = ("context", "mechanism_resource", "mechanism_reasoning", "outcome")
CMO_HEADER = [*coding.COLUMNS, *coding.OPTIONAL]  # the reader's own columns


def _cmo_sheet(ctx, rng, works, screening, cite) -> Path:
    included = sorted(w for w, s in screening.items() if s["synthesis_extraction"] == "include")
    work_of_ref = {r: w for w in included for r in _ref_nos(works[w])}
    real = _read(ctx.sources / "lancet_pt_evidence.csv")
    rows: list[list[object]] = []
    record_of: dict[str, str] = {}
    for e in real:
        w = work_of_ref.get(e["ref_no"])
        if w is None:  # the screening part includes every Results reference; keep it that way
            raise AssertionError(f"Lancet ref {e['ref_no']} is not among the included works")
        rec = record_of.setdefault(w, cite(w))
        note = f"{e['note']} [cmo_basis: {e['cmo_basis']}; section: {e['section']}]".strip()
        rows.append(
            [
                rec,
                e["pt"],
                _ROLE.get(e["cmo_role"], e["cmo_role"]),
                "support",
                e["quote"],
                note,
                _pick(rng, _RATING),
                "high" if e["confidence"] == "explicit" else "moderate",
                "framework" if e["ref_no"] == "44" else "primary",
                e["ref_no"],
                e["confidence"],
                e["source_line"],
                "real: Lancet Results citation (rigour rating reconstructed)",
            ]
        )
    real_works = set(record_of)
    for w in included:
        if w in real_works:
            continue
        rec = cite(w)
        n_pts = 1 + (rng.random() < 0.55) + (rng.random() < 0.25)
        pts: list[str] = []
        while len(pts) < n_pts:
            pt = _pick(rng, _PT_WEIGHT)
            if pt not in pts:
                pts.append(pt)
        for pt in sorted(pts, key=lambda p: int(p[2:])):
            k = 1 + (rng.random() < 0.5) + (rng.random() < 0.3)
            for role in sorted(rng.sample(_ELEMENTS, k), key=_ELEMENTS.index):
                rows.append(
                    [
                        rec,
                        pt,
                        role,
                        _pick(rng, _JUDGEMENT),
                        "",
                        f"{MARK}: {role.replace('_', ' ')} evidence for {pt}",
                        _pick(rng, _RATING),
                        _pick(rng, _RATING),
                        "primary",
                        "",
                        "",
                        "",
                        MARK,
                    ]
                )
    return _write(ctx.out / "extraction" / "cmo.csv", CMO_HEADER, rows)


def _theories(ctx: Context) -> list[Path]:
    out = ctx.out / "theories"
    drafts = [
        [f"D{i:02d}", i, t, s, "published: HTA report ch. 2, draft PT list"]
        for i, (t, s) in enumerate(DRAFT_PTS, start=1)
    ]
    drafts.append(["D16", 16, *DRAFT_PLACEHOLDER, "reconstructed placeholder"])
    files = [
        _write(
            out / "draft_pts.csv",
            ["draft_id", "number", "title", "statement", "provenance"],
            drafts,
        )
    ]
    files.append(
        _write(
            out / "trail.csv",
            ["draft_id", "action", "final_pt", "reason", "provenance"],
            [[f"D{d:02d}", a, pt, r, MARK] for d, a, pt, r in TRAIL],
        )
    )
    files.append(
        _write(
            out / "final_pts.csv",
            [
                "pt",
                "title",
                "selfie_level",
                "selfie_label",
                "context",
                "mechanism_resource",
                "mechanism_reasoning",
                "outcome",
                "provenance",
            ],
            [
                [pt, t, lvl, SELFIE_LABELS[lvl], c, mr, mq, o, "published: Lancet Panel"]
                for pt, t, lvl, c, mr, mq, o in FINAL_PTS
            ],
        )
    )
    rows = [
        [f"T{i:02d}", name, "yes", "yes", use, pts, level, "published: HTA report ch. 2"]
        for i, (name, use, pts, level) in enumerate(SELECTED_THEORIES, start=1)
    ]
    for i in range(len(SELECTED_THEORIES) + 1, N_SHORTLISTED + 1):
        rows.append(
            [
                f"T{i:02d}",
                f"[placeholder: shortlisted theory {i}]",
                "yes",
                "no",
                "",
                "",
                "",
                "reconstructed placeholder (not named in the report)",
            ]
        )
    rows.append(
        [
            "T17",
            "SELFIE framework (Sustainable Integrated Chronic Care Models for multimorbidity)",
            "no",
            "no",
            "grouping of the final PTs (Lancet paper)",
            "all",
            "micro; meso; macro",
            "published: Lancet methods (not in the report's shortlist)",
        ]
    )
    files.append(
        _write(
            out / "substantive_theories.csv",
            ["theory_id", "name", "shortlisted", "selected", "use", "pts", "level", "provenance"],
            rows,
        )
    )
    return files
