"""Screening prioritisation benchmark: reco vs ASReview 3.0.8 (elas_u4), side by side; prints JSON.

For each labelled set (default: the five real sets in ../shared/benchmarks/screening/) and each
seed (default 0 1 2), both tools start from the same prior knowledge -- one relevant and one
irrelevant record drawn with ``reco.screening.simulate.choose_prior(labels, seed)`` -- and
screen everything. Reported per set and seed: WSS@95, WSS@100, RRF@10, records to 95% recall,
seconds; for reco also every stopping rule (stopped_at, recall, saving vs the oracle's); per set
the paired reco - ASReview WSS@95 difference of each seed (``diff_wss_95_by_seed``).

ASReview pins ``rispy~=0.9`` (reco needs a newer rispy), so it runs from its own virtual
environment, created on first use under ``$XDG_CACHE_HOME/reco-bench/asreview-3.0.8`` (default
``~/.cache``) with ``python -m venv`` + ``pip install asreview==3.0.8``, through a small driver
script that builds ASReview's own ``Simulate`` with the default model ``elas_u4`` and labels
the given prior rows first. ASReview is never a dependency of reco.

Targets (issue 5): mean WSS@95 >= ASReview's + 2 points with no set more than 1 point worse; a
stopping rule reaching >= 95% recall in >= 95% of runs while saving on average at least half
of the oracle's saving (N - n_to_95)/N; a full simulation of a ~2,000-record set < 60 s.

Usage: ``nice python bench/screening.py [DATA_DIR] [--seeds 0 1 2] [--sets NAME ...]
[--classifiers logistic nb svm] [--replica] [--no-asreview]``. ``--classifiers`` adds reco
variants that differ from the default only in the classifier (to show which one wins).
``--replica`` adds ``reco_elas_u4``: reco's own loop with ASReview's default model (word 1-2-gram
TF-IDF, linear SVM C = 0.11, balancing ratio 9.8, a refit after every record). It checks that
the comparison is like for like: with the same model, reco's screening order should be
ASReview's, so any difference between ``reco`` and ``asreview`` comes from the model.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy import stats

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow"))

from reco.screening import metrics, stopping  # noqa: E402
from reco.screening.data import read_labelled  # noqa: E402
from reco.screening.simulate import (  # noqa: E402
    ASREVIEW_ELAS_U4,
    ModelSpec,
    choose_prior,
    simulate,
)

DEFAULT_DATA = REPO.parent / "shared" / "benchmarks" / "screening"
ASREVIEW_VERSION = "3.0.8"
ASREVIEW_MODEL = "elas_u4"

#: Stopping-rule settings evaluated besides the defaults (sensitivity; not tuned per set).
STOP_VARIANTS: list[tuple[str, dict]] = [
    ("consecutive_irrelevant", {"n": 50}),
    ("consecutive_irrelevant", {"n": 150}),
    ("consecutive_irrelevant", {"n": 200}),
    ("buscar", {"confidence": 0.9}),
]

DRIVER = r'''
"""Run one ASReview simulation from given prior rows; print JSON {order, seconds}."""
import json, sys, time
import numpy as np
import pandas as pd
from asreview.learner import ActiveLearningCycle
from asreview.models.models import get_ai_config
from asreview.simulation.simulate import Simulate

path, seed, priors, model = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
prior_idx = [int(x) for x in priors.split(",")]
df = pd.read_csv(path, dtype=str, keep_default_na=False)
labels = df["label_included"].astype(int).to_numpy()
np.random.seed(seed)
start = time.perf_counter()
cycle = ActiveLearningCycle.from_meta(get_ai_config(model)["value"])
# Default stopper: stop when every relevant record is found (the rest of the order cannot
# change WSS, RRF or records-to-recall).
sim = Simulate(df[["title", "abstract"]], labels, [cycle], print_progress=False)
sim.label(prior_idx)
sim.review()
order = [int(x) for x in sim._results["record_id"].tolist()]
print(json.dumps({"order": order, "seconds": time.perf_counter() - start}))
'''


def asreview_python() -> Path:
    """The venv's python, creating the venv on first use."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "reco-bench"
    venv = cache / f"asreview-{ASREVIEW_VERSION}"
    python = venv / "bin" / "python"
    check = [str(python), "-c", "import asreview; print(asreview.__version__)"]
    # Importing asreview writes a cache file (synergy_cache.sqlite) in the working directory, so
    # every ASReview process runs in the venv's folder, never in the repository.
    if python.exists():
        done = subprocess.run(check, capture_output=True, text=True, cwd=venv)
        if done.returncode == 0 and done.stdout.strip() == ASREVIEW_VERSION:
            return python
    cache.mkdir(parents=True, exist_ok=True)
    print(f"creating {venv} (pip install asreview=={ASREVIEW_VERSION})", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", f"asreview=={ASREVIEW_VERSION}"], check=True
    )
    subprocess.run(check, check=True, capture_output=True, cwd=venv)
    return python


def run_asreview(python: Path, driver: Path, data: Path, seed: int, prior: tuple[int, int]):
    done = subprocess.run(
        [
            str(python),
            str(driver),
            str(data.resolve()),
            str(seed),
            f"{prior[0]},{prior[1]}",
            ASREVIEW_MODEL,
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=driver.parent,  # the venv's folder (see asreview_python)
    )
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return np.asarray(out["order"], dtype=np.int64), float(out["seconds"])


def scores(labels_in_order: np.ndarray, n_total: int) -> dict:
    # An order that stopped at the last relevant record is padded with irrelevant ones.
    padded = np.concatenate([labels_in_order, np.zeros(n_total - len(labels_in_order), int)])
    return {
        "wss_95": round(metrics.wss(padded, 0.95), 2),
        "wss_100": round(metrics.wss(padded, 1.0), 2),
        "rrf_10": round(metrics.rrf(padded, 10), 2),
        "n_to_95": metrics.n_to_recall(padded, 0.95),
    }


def labelled_files(folder: Path, names: list[str] | None) -> list[Path]:
    """The labelled CSV files of ``folder`` (only those named, if ``names``); exits if none."""
    files = sorted(folder.glob("*.csv"))
    if names:
        files = [f for f in files if f.stem in names]
    if not files:
        sys.exit(f"no labelled CSV files in {folder}")
    return files


def mean(values) -> float:
    return round(float(np.mean(list(values))), 2)


def paired_spread(paired: list[float]) -> dict:
    """Median and 95% t-interval of the per-run WSS@95 differences (same set, same seed).

    The runs of a set are not independent draws of every source of variation, so the interval
    says how far the mean gap could move with other prior records, not a population claim.
    """
    values = np.asarray(paired, dtype=float)
    out = {"median_run_diff_wss_95": round(float(np.median(values)), 2)}
    if len(values) > 1:
        half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
        out["run_diff_wss_95_ci95"] = [
            round(float(values.mean() - half), 2),
            round(float(values.mean() + half), 2),
        ]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--sets", nargs="+", help="only these set names (file stems)")
    parser.add_argument("--classifiers", nargs="*", default=[], help="extra reco variants")
    parser.add_argument(
        "--replica", action="store_true", help="add reco running ASReview's elas_u4 model"
    )
    parser.add_argument("--no-asreview", action="store_true", help="reco only (quick iteration)")
    parser.add_argument("--save-orders", type=Path, help="write each run's screening orders here")
    args = parser.parse_args()

    files = labelled_files(args.data, args.sets)
    spec = ModelSpec()
    # Single classifiers on word TF-IDF (the default's word view), to compare with the default.
    variants = {"reco": spec} | {
        f"reco_{name}": replace(spec, features="tfidf_word", classifier=name, classifier_params={})
        for name in args.classifiers
    }
    if args.replica:
        variants["reco_elas_u4"] = ASREVIEW_ELAS_U4
    python = driver = None
    if not args.no_asreview:
        python = asreview_python()
        driver = python.parent.parent / "reco_driver.py"
        driver.write_text(DRIVER, encoding="utf-8")

    result: dict = {
        "settings": {
            "reco_model": spec.as_dict(),
            "asreview": f"{ASREVIEW_VERSION} {ASREVIEW_MODEL}",
            "seeds": args.seeds,
            "prior": "1 relevant + 1 irrelevant, reco.screening.simulate.choose_prior(labels, seed)",
            "cpu_count": os.cpu_count(),
            "units": "wss and rrf in percentage points",
        },
        "sets": {},
    }
    runs = []  # (set, seed, N, reco labels in order) for the stopping rules
    for path in files:
        data = read_labelled(path)
        labels = data.labels
        n = len(labels)
        entry: dict = {"n_records": n, "n_relevant": int(labels.sum()), "runs": {}}
        features_by_name = {}
        for seed in args.seeds:
            prior = choose_prior(labels, seed)
            run: dict = {"prior_rows": list(prior)}
            orders = {}
            for vname, vspec in variants.items():
                start = time.perf_counter()
                key = (vspec.features, json.dumps(vspec.feature_params, sort_keys=True))
                if key not in features_by_name:
                    features_by_name[key] = vspec.featurise(data.titles, data.abstracts)
                sim = simulate(features_by_name[key], labels, prior, vspec, seed)
                seconds = time.perf_counter() - start
                ordered = labels[sim.order]
                orders[vname] = sim.order
                run[vname] = scores(ordered, n) | {"seconds": round(seconds, 1), "fits": sim.n_fits}
                if vname == "reco":
                    runs.append((path.stem, seed, n, ordered))
                if args.save_orders:
                    args.save_orders.mkdir(parents=True, exist_ok=True)
                    target = args.save_orders / f"{path.stem}_{seed}_{vname}.json"
                    target.write_text(json.dumps([int(i) for i in sim.order]))
            if python is not None:
                order, seconds = run_asreview(python, driver, path, seed, prior)
                assert list(order[:2]) == list(prior)
                run["asreview"] = scores(labels[order], n) | {"seconds": round(seconds, 1)}
                if "reco_elas_u4" in orders:  # ASReview's order ends at the last relevant record
                    same = orders["reco_elas_u4"][: len(order)] == order
                    run["reco_elas_u4"]["same_order_as_asreview"] = float(round(same.mean(), 4))
                if args.save_orders:
                    target = args.save_orders / f"{path.stem}_{seed}_asreview.json"
                    target.write_text(json.dumps([int(i) for i in order]))
            entry["runs"][str(seed)] = run
            print(f"{path.stem} seed {seed}: " + json.dumps(run), file=sys.stderr, flush=True)
        for tool in [*variants, *([] if python is None else ["asreview"])]:
            entry[f"{tool}_mean_wss_95"] = mean(r[tool]["wss_95"] for r in entry["runs"].values())
        if python is not None:
            entry["diff_wss_95"] = round(
                entry["reco_mean_wss_95"] - entry["asreview_mean_wss_95"], 2
            )
            # Paired by seed (same prior records): shows how much of the mean gap is seed noise.
            entry["diff_wss_95_by_seed"] = {
                seed: round(r["reco"]["wss_95"] - r["asreview"]["wss_95"], 2)
                for seed, r in entry["runs"].items()
            }
        result["sets"][path.stem] = entry
        features_by_name.clear()

    summary: dict = {}
    for tool in [*variants, *([] if python is None else ["asreview"])]:
        summary[f"{tool}_mean_wss_95"] = mean(
            s[f"{tool}_mean_wss_95"] for s in result["sets"].values()
        )
        summary[f"{tool}_mean_wss_100"] = mean(
            r[tool]["wss_100"] for s in result["sets"].values() for r in s["runs"].values()
        )
        summary[f"{tool}_mean_rrf_10"] = mean(
            r[tool]["rrf_10"] for s in result["sets"].values() for r in s["runs"].values()
        )
    if python is not None:
        diffs = [s["diff_wss_95"] for s in result["sets"].values()]
        summary["mean_diff_wss_95"] = round(
            summary["reco_mean_wss_95"] - summary["asreview_mean_wss_95"], 2
        )
        summary["worst_set_diff_wss_95"] = min(diffs)
        paired = [d for s in result["sets"].values() for d in s["diff_wss_95_by_seed"].values()]
        summary["runs_reco_ahead_wss_95"] = f"{sum(d > 0 for d in paired)}/{len(paired)}"
        summary |= paired_spread(paired)
        summary["target_wss"] = summary["mean_diff_wss_95"] >= 2 and min(diffs) >= -1
        if args.replica:
            summary["replica_mean_diff_wss_95"] = round(
                summary["reco_elas_u4_mean_wss_95"] - summary["asreview_mean_wss_95"], 2
            )
            summary["replica_mean_same_order"] = mean(
                r["reco_elas_u4"]["same_order_as_asreview"]
                for s in result["sets"].values()
                for r in s["runs"].values()
            )
    result["summary"] = summary

    rules: dict = {}
    candidates = {name: stopping.make_rule(name) for name in stopping.STOPPING_RULES} | {
        f"{name}({', '.join(f'{k}={v}' for k, v in params.items())})": stopping.make_rule(
            name, **params
        )
        for name, params in STOP_VARIANTS
    }
    for name, rule in candidates.items():
        reached, savings, oracle = [], [], []
        per_run = []
        for set_name, seed, n, ordered in runs:
            at = stopping.first_stop(rule, ordered, n) or n
            out = {
                "stopped_at": at,
                "recall": round(int(ordered[:at].sum()) / int(ordered.sum()), 4),
                "saving": (n - at) / n,
            }
            n95 = metrics.n_to_recall(ordered, 0.95)
            reached.append(out["recall"] >= 0.95)
            savings.append(out["saving"])
            oracle.append((n - n95) / n)
            per_run.append(
                {
                    "set": set_name,
                    "seed": seed,
                    "stopped_at": out["stopped_at"],
                    "recall": out["recall"],
                }
            )
        share = float(np.mean(reached))
        ratio = float(np.mean(savings)) / float(np.mean(oracle))
        rules[name] = {
            "runs_reaching_95_recall": round(share, 3),
            "mean_saving": round(float(np.mean(savings)), 4),
            "mean_oracle_saving": round(float(np.mean(oracle)), 4),
            "saving_vs_oracle": round(ratio, 3),
            "target": share >= 0.95 and ratio >= 0.5,
            "runs": per_run,
        }
    result["stopping"] = rules

    big = [
        r["reco"]["seconds"]
        for s in result["sets"].values()
        if s["n_records"] >= 2000
        for r in s["runs"].values()
    ]
    result["speed"] = {
        "max_seconds_reco_2000_plus_records": max(big) if big else None,
        "target": bool(big) and max(big) < 60,
        "note": "full simulation incl. feature extraction, in-process, under the machine's load",
    }
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
