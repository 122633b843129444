"""Dedup benchmark: accuracy on the real respiratory set and speed at 10k-100k records, vs bib-dedupe.

Prints one JSON document:

* ``respiratory``: reco and bib-dedupe on the same input (``export.ris`` read by reco's ingest),
  each with sensitivity (true duplicates removed), specificity (unique works kept), precision,
  F1, pairwise cluster precision/recall, and separately the merges of the pairs the set's README
  lists as probably missed by the labellers.
* ``reco_reconstruction``: both tools on the reconstructed RECO exports (8,008 records) against
  the planted truth, notes stripped.
* ``speed``: a generated set with realistic duplicates (author formats, journal abbreviations,
  title case/punctuation/diacritics, missing DOIs, ``2511-8`` pages, translated titles, plus
  errata, meeting abstracts and same-title different-year traps); reco's time and peak memory at
  10k/20k/50k/100k records (each size in fresh processes, median of ``--repeat`` runs: the
  machine may be shared), its accuracy on the generated truth,
  and bib-dedupe's time on the same 20k input with the speed ratio.

Usage: ``nice python bench/dedup.py [--respiratory DIR] [--sizes 10000,20000,50000,100000]``.
Needs the ``bench`` extra (bib-dedupe 0.11, psutil).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve()
DEFAULT_RESPIRATORY = HERE.parents[2] / "shared" / "benchmarks" / "dedup" / "respiratory"
#: Pairs the respiratory README lists as probably the same paper though unlabelled.
README_SUSPECTS = [("R1492", "R0162"), ("R0987", "R0910")]


# --- metrics -------------------------------------------------------------------------------------


def metrics(pred: dict[str, str], truth: dict[str, str]) -> dict[str, float | int]:
    """Record-level and pairwise metrics of predicted clusters against true work labels."""
    clusters: dict[str, list[str]] = defaultdict(list)
    for rid, cid in pred.items():
        clusters[cid].append(rid)
    groups: dict[str, list[str]] = defaultdict(list)
    for rid, g in truth.items():
        groups[g].append(rid)
    tp = fp = 0
    for members in clusters.values():
        works = len({truth[r] for r in members})
        tp += len(members) - works
        fp += works - 1
    true_dups = len(truth) - len(groups)
    sens = tp / true_dups if true_dups else 1.0
    prec = tp / (tp + fp) if tp + fp else 1.0

    def pairs(cl: dict[str, list[str]]) -> set[tuple[str, str]]:
        return {p for m in cl.values() for p in itertools.combinations(sorted(m), 2)}

    pp, tpairs = pairs(clusters), pairs(groups)
    return {
        "records": len(truth),
        "true_duplicates": true_dups,
        "removed": len(truth) - len(clusters),
        "true_removed": tp,
        "false_merges": fp,
        "missed": true_dups - tp,
        "sensitivity": round(sens, 4),
        "specificity": round((len(groups) - fp) / len(groups), 4),
        "precision": round(prec, 4),
        "f1": round(2 * prec * sens / (prec + sens), 4) if prec + sens else 0.0,
        "pair_precision": round(len(pp & tpairs) / len(pp), 4) if pp else 1.0,
        "pair_recall": round(len(pp & tpairs) / len(tpairs), 4) if tpairs else 1.0,
    }


# --- the two tools -------------------------------------------------------------------------------


#: Extra figures of the last reco run (candidate pairs, CPU time), for the speed report.
LAST_RUN: dict[str, float] = {}


def run_reco(recs: pl.DataFrame) -> tuple[dict[str, str], float]:
    from reco.dedup import deduplicate

    t, c = time.perf_counter(), time.process_time()
    res = deduplicate(recs)
    elapsed = time.perf_counter() - t
    LAST_RUN["cpu_seconds"] = round(time.process_time() - c, 2)
    LAST_RUN["candidate_pairs"] = res.counts["candidate_pairs"]
    return dict(res.dedup_map.select("record_id", "cluster_id").iter_rows()), elapsed


def to_bib_dedupe(recs: pl.DataFrame):
    """The same records as the pandas frame bib-dedupe expects (BibTeX-like field names)."""
    import pandas as pd

    def s(v: object) -> str:
        return "" if v is None else str(v)

    rows = []
    for r in recs.iter_rows(named=True):
        rows.append(
            {
                "ID": r["record_id"],
                "ENTRYTYPE": "article",
                "author": " and ".join(r["authors"] or []),
                "title": s(r["title"]),
                "year": s(r["year"]),
                "journal": s(r["journal"] or r["journal_abbrev"]),
                "volume": s(r["volume"]),
                "number": s(r["issue"]),
                "pages": s(r["pages"]),
                "doi": s(r["doi"]),
                "abstract": s(r["abstract"]),
            }
        )
    return pd.DataFrame(rows)


def run_bib_dedupe(recs: pl.DataFrame) -> tuple[dict[str, str], float]:
    import bib_dedupe.bib_dedupe as bd

    df = to_bib_dedupe(recs)
    t = time.perf_counter()
    prep = bd.prep(df, verbosity_level=0)
    pairs = bd.block(prep, verbosity_level=0)
    matched = bd.match(pairs, verbosity_level=0)
    sets = bd.cluster(matched, verbosity_level=0)
    elapsed = time.perf_counter() - t
    pred = {rid: rid for rid in df["ID"]}
    for ids in sets:
        low = min(ids)
        for rid in ids:
            pred[rid] = low
    return pred, elapsed


# --- respiratory -----------------------------------------------------------------------------------


def respiratory(base: Path) -> dict:
    from reco.ingest import ingest_files

    recs = ingest_files([{"file": str(base / "export.ris"), "database": "unknown"}]).records
    truth_df = pl.read_csv(base / "truth.csv")
    truth = {f"export:{r}": g for r, g in truth_df.select("record_id", "dup_group").iter_rows()}
    out: dict = {"input": str(base / "export.ris"), "records": recs.height}
    for name, fn in (("reco", run_reco), ("bib_dedupe", run_bib_dedupe)):
        pred, elapsed = fn(recs)
        m = metrics(pred, truth)
        m["seconds"] = round(elapsed, 2)
        m["readme_suspect_pairs_merged"] = [
            f"{a}~{b}" for a, b in README_SUSPECTS if pred[f"export:{a}"] == pred[f"export:{b}"]
        ]
        # the same counts with the README's suspect pairs treated as true duplicates
        t2 = dict(truth)
        for a, b in README_SUSPECTS:
            t2[f"export:{a}"] = t2[f"export:{b}"]
        m2 = metrics(pred, t2)
        m["if_readme_suspects_are_duplicates"] = {
            k: m2[k] for k in ("false_merges", "sensitivity", "specificity", "precision")
        }
        out[name] = m
    r, b = out["reco"], out["bib_dedupe"]
    out["targets"] = {
        "sensitivity>=bib_dedupe": r["sensitivity"] >= b["sensitivity"],
        "sensitivity>=0.97": r["sensitivity"] >= 0.97,
        "false_merges<=bib_dedupe": r["false_merges"] <= b["false_merges"],
        "specificity>=0.998": r["specificity"] >= 0.998,
    }
    return out


# --- RECO reconstruction -------------------------------------------------------------------------


def reconstruction(resources: Path, config: Path) -> dict:
    """Both tools on the reconstructed RECO exports against the planted truth (notes stripped)."""
    import yaml
    from reco.ingest import ingest_files

    cfg = yaml.safe_load(config.read_text(encoding="utf-8"))
    specs = [{**e, "file": str(resources / e["file"])} for e in cfg["exports"]]
    recs = ingest_files(specs).records.with_columns(pl.lit(None, dtype=pl.String).alias("notes"))
    truth_df = pl.read_csv(resources / "truth" / "duplicates.csv", infer_schema=False)
    truth = dict(truth_df.select("record_id", "work_id").iter_rows())
    out: dict = {"records": recs.height, "works": len(set(truth.values()))}
    for name, fn in (("reco", run_reco), ("bib_dedupe", run_bib_dedupe)):
        pred, elapsed = fn(recs)
        m = metrics(pred, truth)
        m["unique_records"] = len(set(pred.values()))
        m["seconds"] = round(elapsed, 2)
        out[name] = m
    return out


# --- synthetic set ---------------------------------------------------------------------------------

_WORDS = (
    "integrated treatment service severe mental illness substance misuse alcohol drug use "
    "dual diagnosis psychosis schizophrenia bipolar disorder depression community team "
    "assertive outreach case management housing homelessness inpatient ward crisis care "
    "recovery peer support motivational interviewing cognitive behavioural therapy "
    "randomised controlled trial cohort study qualitative evaluation systematic review "
    "outcomes costs effectiveness implementation barriers facilitators staff training "
    "adolescents young people adults older primary secondary emergency department "
    "cannabis opioid cocaine methamphetamine smoking cessation harm reduction relapse "
    "prevention engagement retention hospital admission mortality suicide violence "
    "criminal justice prison probation employment quality life wellbeing stigma family "
    "carers caregivers nurses psychiatrists general practitioners pathway model network "
    "realist synthesis mixed methods survey interview focus group pilot feasibility "
    "intervention programme service users experiences perspectives views england scotland "
    "wales australia canada united states netherlands germany sweden norway denmark"
).split()
_SURNAMES = (
    "Smith Jones Williams Brown Taylor Davies Wilson Evans Thomas Johnson Roberts Walker "
    "Wright Robinson Thompson White Hughes Edwards Green Hall Wood Harris Lewis Martin "
    "Jackson Clarke Clark Turner Hill Scott Cooper Morris Ward Moore King Watson Baker "
    "Harrison Morgan Patel Young Allen Mitchell James Anderson Phillips Lee Bell Parker "
    "Davis Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Kim Park Nguyen Müller Schmidt "
    "Schneider Fischer Weber Meyer Wagner Becker García Fernández González Rodríguez López "
    "Martínez Sánchez Pérez Rossi Russo Ferrari Esposito Bianchi Romano Colombo Dubois "
    "Lefèvre Moreau Laurent Simon Michel Andersson Johansson Karlsson Nilsson Eriksson "
    "Larsson Olsen Hansen Jensen Nielsen Pedersen Kowalski Nowak Wiśniewski O'Brien Murphy "
    "Kelly Walsh Byrne Ryan Drake Mueser Barrowclough Haddock Gilburt Hughes Harris Rees"
).split()
_JOURNALS = [
    ("Journal of Dual Diagnosis", "J Dual Diagn"),
    ("Addiction", "Addiction"),
    ("Drug and Alcohol Dependence", "Drug Alcohol Depend"),
    ("British Journal of Psychiatry", "Br J Psychiatry"),
    ("Psychiatric Services", "Psychiatr Serv"),
    ("Schizophrenia Bulletin", "Schizophr Bull"),
    ("Journal of Substance Abuse Treatment", "J Subst Abuse Treat"),
    ("Community Mental Health Journal", "Community Ment Health J"),
    ("International Journal of Mental Health Nursing", "Int J Ment Health Nurs"),
    ("Journal of Psychiatric and Mental Health Nursing", "J Psychiatr Ment Health Nurs"),
    ("Social Psychiatry and Psychiatric Epidemiology", "Soc Psychiatry Psychiatr Epidemiol"),
    ("BMC Psychiatry", "BMC Psychiatry"),
    ("American Journal of Psychiatry", "Am J Psychiatry"),
    ("Lancet Psychiatry", "Lancet Psychiatry"),
    ("Journal of Mental Health", "J Ment Health"),
    ("Alcohol and Alcoholism", "Alcohol Alcohol"),
    ("Addictive Behaviors", "Addict Behav"),
    ("Health and Social Care in the Community", "Health Soc Care Community"),
    ("BMJ Open", "BMJ Open"),
    ("Psychological Medicine", "Psychol Med"),
]


def _author(rng: random.Random) -> tuple[str, str]:
    k = min(int(rng.paretovariate(1.1)) - 1, len(_SURNAMES) - 1)  # a few very common surnames
    return _SURNAMES[k], "".join(rng.choice("ABCDEFGHJKLMNPRSTW") for _ in range(rng.randint(1, 2)))


def _fmt_author(surname: str, initials: str, style: int) -> str:
    if style == 0:
        return f"{surname}, {' '.join(c + '.' for c in initials)}"
    if style == 1:
        return f"{surname} {initials}"
    return f"{' '.join(c + '.' for c in initials)} {surname}"


def _abbrev_range(first: int, last: int) -> str:
    """``2511-2518`` written the Medline way, ``2511-8``."""
    a, b = str(first), str(last)
    k = 0
    while len(a) == len(b) and k < len(a) - 1 and a[k] == b[k]:
        k += 1
    return f"{a}-{b[k:]}"


def _strip_accents(s: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def synthetic(n: int, seed: int = 7) -> tuple[pl.DataFrame, dict[str, str]]:
    """``n`` records: works exported by 1-4 databases with realistic variation, plus traps."""
    rng = random.Random(seed)
    dbs = ["medline", "embase", "psycinfo", "cinahl", "wos"]
    rows: list[dict] = []
    truth: dict[str, str] = {}
    w = 0
    while len(rows) < n:
        w += 1
        nwords = rng.randint(7, 18)
        title = " ".join(rng.choice(_WORDS) for _ in range(nwords)).capitalize()
        if rng.random() < 0.5:
            title += ": " + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 6)))
        authors = [_author(rng) for _ in range(rng.randint(1, 7))]
        year = rng.randint(1990, 2020)
        journal = rng.choice(_JOURNALS)
        volume = str(rng.randint(1, 80))
        first = rng.randint(1, 3000)
        last = first + rng.randint(3, 20)
        doi = f"10.5555/syn.{w}" if rng.random() < 0.7 else None
        work = dict(title=title, authors=authors, year=year, journal=journal, volume=volume)
        work.update(first=first, last=last, doi=doi)
        copies = rng.choices([1, 2, 3, 4], weights=[55, 28, 12, 5])[0]
        for c, db in enumerate(rng.sample(dbs, copies)):
            style = rng.randrange(3)
            t = title
            if c and rng.random() < 0.3:
                t = t.upper() if rng.random() < 0.3 else t.lower()
            if c and rng.random() < 0.2:
                t = t.replace(":", " -").replace(",", "") + "."
            if c and rng.random() < 0.1:
                k = rng.randrange(len(t))
                t = t[:k] + t[k + 1 :]  # a dropped character
            if c and rng.random() < 0.05:
                t = f"[{t}]"
            auth = [_fmt_author(s, i, style) for s, i in authors]
            if rng.random() < 0.3:
                auth = [_strip_accents(a) for a in auth]
            use_abbrev = rng.random() < 0.5
            pages = _abbrev_range(first, last) if rng.random() < 0.4 else f"{first}-{last}"
            rid = f"{db}:{w}"
            rows.append(
                {
                    "record_id": rid,
                    "source_id": str(w),
                    "source_file": f"{db}.ris",
                    "database": db,
                    "title": t,
                    "authors": auth,
                    "year": year if rng.random() > 0.03 else year + 1,
                    "journal": None if use_abbrev else journal[0],
                    "journal_abbrev": journal[1] if use_abbrev else None,
                    "volume": volume,
                    "issue": str(rng.randint(1, 12)) if rng.random() < 0.5 else None,
                    "pages": pages if rng.random() > 0.1 else None,
                    "doi": doi if doi and rng.random() > 0.35 else None,
                    "type": "JOUR",
                }
            )
            truth[rid] = f"W{w}"
        trap = rng.random()
        if trap < 0.02:  # erratum for the work
            rid = f"medline:e{w}"
            rows.append(
                {
                    "record_id": rid,
                    "source_id": f"e{w}",
                    "source_file": "medline.ris",
                    "database": "medline",
                    "title": f"Erratum: {title}",
                    "authors": [],
                    "year": year,
                    "journal": journal[0],
                    "volume": volume,
                    "pages": str(first + 400),
                    "type": "JOUR",
                }
            )
            truth[rid] = f"E{w}"
        elif trap < 0.04:  # meeting abstract a year earlier
            rid = f"embase:a{w}"
            rows.append(
                {
                    "record_id": rid,
                    "source_id": f"a{w}",
                    "source_file": "embase.ris",
                    "database": "embase",
                    "title": title + " [abstract]",
                    "authors": [_fmt_author(*authors[0], 0)],
                    "year": year - 1,
                    "journal": "Proceedings of the Annual Meeting of the Society for the Study of Addiction",
                    "pages": f"A{rng.randint(1, 300)}",
                    "type": "CONF",
                }
            )
            truth[rid] = f"A{w}"
        elif trap < 0.05:  # same title, a later year and volume (annual report series)
            rid = f"wos:s{w}"
            rows.append(
                {
                    "record_id": rid,
                    "source_id": f"s{w}",
                    "source_file": "wos.ris",
                    "database": "wos",
                    "title": title,
                    "authors": [_fmt_author(*authors[0], 0)],
                    "year": year + 2,
                    "journal": journal[0],
                    "volume": str(int(volume) + 2),
                    "pages": f"{first}-{last}",
                    "type": "JOUR",
                }
            )
            truth[rid] = f"S{w}"
    rows = rows[:n]
    from reco import records

    df = records.conform(pl.DataFrame(rows, infer_schema_length=None), records.RECORDS)
    df = df.with_columns(
        pl.col("origin").fill_null("database"),
        pl.col("dialect").fill_null("ris"),
        pl.int_range(1, pl.len() + 1).alias("ordinal"),
    )
    truth = {r: truth[r] for r in df.get_column("record_id")}
    return df, truth


def one_size(n: int, tool: str) -> dict:
    """Run one tool on the first ``n`` generated records (called in a fresh process)."""
    df, truth = synthetic(n)
    pred, elapsed = (run_reco if tool == "reco" else run_bib_dedupe)(df)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    m = metrics(pred, truth)
    return {
        "records": n,
        "seconds": round(elapsed, 2),
        **LAST_RUN,
        "peak_rss_mb": round(peak_mb),
        **{k: m[k] for k in ("sensitivity", "specificity", "false_merges", "missed")},
    }


def _child(n: int, tool: str, timeout: float) -> dict:
    cmd = [sys.executable, str(HERE), "--one", str(n), "--tool", tool]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return {"records": n, "error": f"timed out after {timeout:.0f} s"}
    except subprocess.CalledProcessError as exc:
        return {"records": n, "error": exc.stderr.strip().splitlines()[-1:]}
    return json.loads(out.stdout)


def _repeated(n: int, repeat: int) -> dict:
    """reco at ``n`` records ``repeat`` times (fresh processes); the median time is reported."""
    runs = [_child(n, "reco", 600) for _ in range(repeat)]
    ok = [r for r in runs if "seconds" in r]
    if not ok:
        return runs[0]
    times = sorted(r["seconds"] for r in ok)
    best = dict(ok[0])
    best["seconds"] = times[len(times) // 2]
    best["seconds_all_runs"] = [r["seconds"] for r in ok]
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in ok)
    return best


def speed(sizes: list[int], bib_size: int, bib_timeout: float, repeat: int = 3) -> dict:
    reco_runs = [_repeated(n, repeat) for n in sizes]
    out: dict = {"reco": reco_runs}
    ok = [r for r in reco_runs if "seconds" in r]
    if len(ok) >= 2:
        a, b = ok[0], ok[-1]
        out["growth"] = {
            "records_ratio": round(b["records"] / a["records"], 1),
            "time_ratio": round(b["seconds"] / a["seconds"], 1),
            "seconds_per_1000_records": [round(r["seconds"] / r["records"] * 1000, 3) for r in ok],
        }
    bib = _child(bib_size, "bib_dedupe", bib_timeout)
    out["bib_dedupe"] = bib
    mine = next((r for r in ok if r["records"] == bib_size), None) or _repeated(bib_size, repeat)
    if "seconds" in bib and "seconds" in mine:
        out[f"speed_ratio_at_{bib_size}"] = round(bib["seconds"] / mine["seconds"], 1)
    big = max(ok, key=lambda r: r["records"]) if ok else None
    if big:
        out["targets"] = {
            f"{big['records']}_records_under_60s": big["seconds"] < 60,
            f"{big['records']}_records_under_4GB": big["peak_rss_mb"] < 4096,
            "10x_faster_than_bib_dedupe": out.get(f"speed_ratio_at_{bib_size}", 0) >= 10,
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--respiratory", type=Path, default=DEFAULT_RESPIRATORY)
    ap.add_argument("--sizes", default="10000,20000,50000,100000")
    ap.add_argument("--bib-size", type=int, default=20000)
    ap.add_argument("--bib-timeout", type=float, default=1800)
    ap.add_argument("--repeat", type=int, default=3, help="reco runs per size (median reported)")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--tool", default="reco", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one, args.tool)))
        return
    result: dict = {}
    if (args.respiratory / "export.ris").exists():
        result["respiratory"] = respiratory(args.respiratory)
    else:
        result["respiratory"] = {"skipped": f"{args.respiratory} not found"}
    resources = HERE.parents[1] / "resources" / "reco"
    if (resources / "truth" / "duplicates.csv").exists():
        result["reco_reconstruction"] = reconstruction(
            resources, HERE.parents[1] / "config" / "config.yaml"
        )
    if not args.skip_speed:
        sizes = [int(s) for s in args.sizes.split(",")]
        result["speed"] = speed(sizes, args.bib_size, args.bib_timeout, args.repeat)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
