"""Reconstruct the RECO screening decision logs (reviewer by reviewer, one row per decision).

Published (HTA report ch. 2; Lancet methods): two reviewers (JH, TA) screened titles and abstracts
in Covidence, conflicts resolved by a third (LJ) -> 817; full texts for the literature mapping were
screened by one researcher with 20% double-screened by LJ -> 414; the 817 were screened against the
programme theories by JH with TA and LJ each independently screening 10% -> 172 selected; data
extraction found 132 giving causal insight into a PT. The per-record decisions are not published.

This part draws, for each stage, the set of works a stage includes (the Lancet Results references
are forced into the synthesis; the rest follow a latent relevance score from the work's class in
``truth/works.csv`` plus noise), then writes each reviewer's votes with realistic error rates and
exclusion reasons, and a resolution row for every disagreement. Reviewers cite the record they saw,
which may be any member of the work's duplicate cluster. The totals are taken from the ledger in
``sources/published_figures.yaml`` and are what the *tally* must recompute; no file written here
carries a final status. Planted outcomes go to ``truth/screening.csv`` for tests only.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import defaultdict
from pathlib import Path

import yaml

from reco.fileio import atomic_open
from reco.reconstruct import Context

#: Ledger keys of the published totals this part reproduces.
TARGET_KEYS = {
    "title_abstract": "screening.stage1_title_abstract_included",
    "mapping_fulltext": "mapping.stage2_included",
    "synthesis_selection": "synthesis.selected_for_inclusion_hta",
    "synthesis_extraction": "synthesis.causal_insight_articles_hta",
    "mapping_double_pct": "mapping.fulltext_double_screened_pct",
    "synthesis_sample_pct": "synthesis.independent_screen_pct",
}

#: Latent relevance per class at each stage (higher = more likely included), before noise.
BASE = {
    "core_uk_service_model": (3.0, 3.0, 2.5),
    "related_service_model": (2.0, 1.6, 1.2),
    "intervention_trial": (1.1, 0.2, 0.4),
    "background": (0.4, -0.8, -0.5),
    "off_topic": (-1.5, -3.0, -3.0),
}
#: Probability that one reviewer's vote is wrong, by class (boundary classes are harder).
ERROR = {
    "core_uk_service_model": 0.05,
    "related_service_model": 0.12,
    "intervention_trial": 0.10,
    "background": 0.07,
    "off_topic": 0.025,
}
REASONS = {
    "title_abstract": {
        "core_uk_service_model": ["Not about service provision or delivery"],
        "related_service_model": [
            "Population-specific setting (prison, homeless, veterans)",
            "Integrated with an additional condition (e.g. HIV, violence)",
            "Under 18 years",
        ],
        "intervention_trial": [
            "Intervention trial without a service-model component",
            "Not about service provision or delivery",
        ],
        "background": [
            "Prevalence or epidemiology only",
            "Not about service provision or delivery",
        ],
        "off_topic": [
            "No co-occurring severe mental illness and substance use",
            "Not severe mental illness",
            "Wrong population",
        ],
    },
    "mapping_fulltext": [
        "Not a description of a service model",
        "Population-specific setting (prison, homeless, veterans)",
        "Integrated with an additional condition (e.g. HIV, violence)",
        "Not empirical, review or service description",
        "Conference abstract only",
    ],
    "synthesis_selection": [
        "Does not report on integration of services",
        "No features or functions of the integrated service architecture relevant to a PT",
        "No data on outcomes of integration",
    ],
    "synthesis_extraction": ["No causal insight into any IPT statement on re-reading"],
}
LOG_HEADER = ["record_id", "reviewer", "decision", "reason", "timestamp", "note"]
COVIDENCE_HEADER = [
    "Covidence #",
    "Study ID",
    "Title",
    "Reviewer",
    "Vote",
    "Exclusion reason",
    "Date",
    "Notes",
]
MARK = "reconstructed"


def _ledger(sources: Path) -> dict[str, object]:
    data = yaml.safe_load((sources / "published_figures.yaml").read_text(encoding="utf-8"))
    return {f["key"]: f["value"] for f in data["figures"]}


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _results_refs(sources: Path) -> set[str]:
    return {row["ref_no"] for row in _read_csv(sources / "lancet_pt_evidence.csv")}


def build(ctx: Context) -> list[Path]:
    rng = ctx.rng("screening")
    ledger = _ledger(ctx.sources)
    targets = {k: int(ledger[v]) for k, v in TARGET_KEYS.items()}
    works = _read_csv(ctx.out / "truth" / "works.csv")
    members: dict[str, list[str]] = defaultdict(list)
    for row in _read_csv(ctx.out / "truth" / "duplicates.csv"):
        members[row["work_id"]].append(row["record_id"])
    titles = {w["work_id"]: w.get("title", "") for w in works}
    klass = {w["work_id"]: w["relevance"] for w in works}
    refs = _results_refs(ctx.sources)
    forced = sorted(w["work_id"] for w in works if set(_ref_nos(w)) & refs)
    ids = sorted(klass)

    def choose(pool: list[str], n: int, stage_index: int, must: list[str]) -> set[str]:
        scores = {w: BASE[klass[w]][stage_index] + rng.gauss(0, 0.9) for w in pool}
        chosen = set(must)
        for w in sorted(pool, key=lambda w: (-scores[w], w)):
            if len(chosen) >= n:
                break
            chosen.add(w)
        return chosen

    ta = choose(ids, targets["title_abstract"], 0, forced)
    ta_sorted = sorted(ta)
    mapping = choose(ta_sorted, targets["mapping_fulltext"], 1, [])
    selected = choose(ta_sorted, targets["synthesis_selection"], 2, forced)
    insight = choose(sorted(selected), targets["synthesis_extraction"], 2, forced)

    out = ctx.out / "screening"
    written: list[Path] = []
    seen = _Citer(members, rng)
    clock = _Clock(rng)

    # Stage 1: JH (generic log) and TA (Covidence-style votes) on every work; LJ resolves conflicts.
    jh, tav, res = [], [], []
    for w in ids:
        target = w in ta
        v1, v2 = _pair_votes(rng, target, ERROR[klass[w]])
        r_jh = _vote_row(
            rng, "title_abstract", klass[w], seen.cite(w), "JH", v1, clock.next("JH", 0)
        )
        r_ta = _vote_row(
            rng, "title_abstract", klass[w], seen.cite(w), "TA", v2, clock.next("TA", 0)
        )
        jh.append(r_jh)
        tav.append(r_ta)
        if (v1 != "exclude") != (v2 != "exclude"):
            res.append(
                _resolution(
                    rng, "title_abstract", klass[w], seen.cite(w), "LJ", target, clock.next("LJ", 0)
                )
            )
    written.append(_write_log(out / "title_abstract_JH.csv", jh))
    written.append(_write_covidence(out / "title_abstract_TA_covidence.csv", tav, titles, members))
    written.append(_write_log(out / "title_abstract_resolutions_LJ.csv", res))

    # Later stages: (stage, eligible works, works it includes, primary reviewer, others with the
    # share they double-screen in %, who records resolutions). Mapping: TA screens the 817 full
    # texts, LJ double-screens 20%. Synthesis: JH screens the 817 against the PTs, TA and LJ 10%
    # each. Extraction: JH maps the 172 to the PTs; 132 give causal insight.
    sample = targets["synthesis_sample_pct"]
    plan = [
        ("mapping_fulltext", ta_sorted, mapping, "TA", {"LJ": targets["mapping_double_pct"]}, "JH"),
        ("synthesis_selection", ta_sorted, selected, "JH", {"TA": sample, "LJ": sample}, "JH"),
        ("synthesis_extraction", sorted(selected), insight, "JH", {}, "JH"),
    ]
    for idx, (stage, pool, included, primary, samplers, resolver) in enumerate(plan, 1):
        written += _single_stage(
            rng, out, stage, pool, included, primary, samplers, resolver, klass, seen, clock, idx
        )
    truth = ctx.out / "truth" / "screening.csv"
    with atomic_open(truth) as handle:
        wr = csv.writer(handle, lineterminator="\n")
        wr.writerow(
            [
                "work_id",
                "title_abstract",
                "mapping_fulltext",
                "synthesis_selection",
                "synthesis_extraction",
            ]
        )
        for w in ids:
            wr.writerow(
                [
                    w,
                    "include" if w in ta else "exclude",
                    "" if w not in ta else ("include" if w in mapping else "exclude"),
                    "" if w not in ta else ("include" if w in selected else "exclude"),
                    "" if w not in selected else ("include" if w in insight else "exclude"),
                ]
            )
    written.append(truth)
    return written


def _ref_nos(work: dict[str, str]) -> list[str]:
    raw = work.get("lancet_ref_no") or work.get("lancet_ref_nos") or work.get("ref_no") or ""
    return [r.strip() for r in raw.replace(";", " ").replace(",", " ").split() if r.strip()]


class _Citer:
    """Which record of a work a reviewer saw: usually the first member, sometimes another copy."""

    def __init__(self, members: dict[str, list[str]], rng: random.Random) -> None:
        self.members = {w: sorted(m) for w, m in members.items()}
        self.rng = rng

    def cite(self, work: str) -> str:
        m = self.members[work]
        if len(m) > 1 and self.rng.random() < 0.25:
            return self.rng.choice(m[1:])
        return m[0]


class _Clock:
    """Deterministic, increasing timestamps per reviewer and stage (working days, office hours)."""

    STARTS = [
        dt.datetime(2020, 4, 1, 9),
        dt.datetime(2020, 7, 6, 9),
        dt.datetime(2020, 9, 14, 9),
        dt.datetime(2021, 1, 11, 9),
    ]

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.now: dict[tuple[str, int], dt.datetime] = {}

    def next(self, reviewer: str, stage: int) -> str:
        t = self.now.get((reviewer, stage), self.STARTS[stage])
        t += dt.timedelta(seconds=self.rng.randint(20, 240 if stage == 0 else 1800))
        if t.hour >= 17:
            t = (t + dt.timedelta(days=1)).replace(hour=9, minute=0)
            while t.weekday() >= 5:
                t += dt.timedelta(days=1)
        self.now[(reviewer, stage)] = t
        return t.strftime("%Y-%m-%dT%H:%M:%S")


def _pair_votes(rng: random.Random, target: bool, p_err: float) -> tuple[str, str]:
    """Two independent votes; never both wrong (then the agreed outcome would differ from the target)."""
    right, wrong = ("include", "exclude") if target else ("exclude", "include")
    v1 = wrong if rng.random() < p_err else right
    v2 = wrong if rng.random() < p_err else right
    if v1 == v2 == wrong:
        v2 = right
    return _maybe(rng, v1), _maybe(rng, v2)


def _maybe(rng: random.Random, vote: str) -> str:
    return "maybe" if vote == "include" and rng.random() < 0.08 else vote


def _reason(rng: random.Random, stage: str, klass: str) -> str:
    bank = REASONS[stage]
    options = bank[klass] if isinstance(bank, dict) else bank
    return rng.choice(options)


def _vote_row(rng, stage, klass, record_id, reviewer, vote, when) -> dict[str, str]:
    return {
        "record_id": record_id,
        "reviewer": reviewer,
        "decision": vote,
        "reason": _reason(rng, stage, klass) if vote == "exclude" else "",
        "timestamp": when,
        "note": MARK,
    }


def _resolution(rng, stage, klass, record_id, reviewer, include, when) -> dict[str, str]:
    row = _vote_row(
        rng, stage, klass, record_id, reviewer, "include" if include else "exclude", when
    )
    row["note"] = f"{MARK}; conflict resolved by discussion"
    return row


def _single_stage(
    rng, out, stage, pool, included, primary, samplers, resolver, klass, seen, clock, idx
) -> list[Path]:
    """One reviewer screens every eligible work; others double-screen a share (pct) of them."""
    rows: dict[str, list[dict[str, str]]] = {primary: []}
    resolutions: list[dict[str, str]] = []
    remaining = list(pool)
    samples: dict[str, set[str]] = {}
    for name, pct in samplers.items():
        k = round(len(pool) * pct / 100)
        picked = set(rng.sample(sorted(remaining), k))
        samples[name] = picked
        remaining = [w for w in remaining if w not in picked]
        rows[name] = []
    for w in pool:
        target = w in included
        second = next((name for name, s in samples.items() if w in s), None)
        p = ERROR[klass[w]]
        if second is None:
            v1 = "include" if target else "exclude"
            rows[primary].append(
                _vote_row(
                    rng,
                    stage,
                    klass[w],
                    seen.cite(w),
                    primary,
                    _maybe(rng, v1),
                    clock.next(primary, idx),
                )
            )
            continue
        v1, v2 = _pair_votes(rng, target, p)
        rows[primary].append(
            _vote_row(rng, stage, klass[w], seen.cite(w), primary, v1, clock.next(primary, idx))
        )
        rows[second].append(
            _vote_row(rng, stage, klass[w], seen.cite(w), second, v2, clock.next(second, idx))
        )
        if (v1 != "exclude") != (v2 != "exclude"):
            resolutions.append(
                _resolution(
                    rng, stage, klass[w], seen.cite(w), resolver, target, clock.next(resolver, idx)
                )
            )
    written = [_write_log(out / f"{stage}_{name}.csv", r) for name, r in rows.items()]
    if samplers:
        written.append(_write_log(out / f"{stage}_resolutions.csv", resolutions))
    return written


def _write_log(path: Path, rows: list[dict[str, str]]) -> Path:
    rows = sorted(rows, key=lambda r: (r["timestamp"], r["record_id"]))
    with atomic_open(path) as handle:
        wr = csv.DictWriter(handle, fieldnames=LOG_HEADER, lineterminator="\n")
        wr.writeheader()
        wr.writerows(rows)
    return path


def _write_covidence(path: Path, rows, titles, members) -> Path:
    """Votes as assembled from Covidence's per-reviewer export: Yes/No/Maybe, with titles."""
    work_of = {r: w for w, ms in members.items() for r in ms}
    number = {w: f"#{1001 + i}" for i, w in enumerate(sorted(members))}  # Covidence's study number
    vote = {"include": "Yes", "exclude": "No", "maybe": "Maybe"}
    rows = sorted(rows, key=lambda r: (r["timestamp"], r["record_id"]))
    with atomic_open(path) as handle:
        wr = csv.writer(handle, lineterminator="\n")
        wr.writerow(COVIDENCE_HEADER)
        for r in rows:
            wr.writerow(
                [
                    number[work_of[r["record_id"]]],
                    r["record_id"],
                    titles.get(work_of[r["record_id"]], ""),
                    r["reviewer"],
                    vote[r["decision"]],
                    r["reason"],
                    r["timestamp"][:10],
                    r["note"],
                ]
            )
    return path
