"""Supervised reference for the screening models: cross-validated WSS@95 per set; prints JSON.

For each labelled set (default: the five real sets in ../shared/benchmarks/screening/) and each
model -- reco's default (``ModelSpec()``) and ASReview's ``elas_u4`` as reco reproduces it
(``ASREVIEW_ELAS_U4``) -- every record is scored by the model fitted on the other folds
(stratified k-fold, repeated with seeds 0..R-1) and the set is ranked by those held-out scores
(``reco.screening.ceiling``). Compare with the simulated WSS@95 of ``bench/screening.py``: where
a model's simulation is already close to its cross-validated ranking, its features and
classifier, not the screening loop, limit it.

Usage: ``nice python bench/screening_ceiling.py [DATA_DIR] [--folds 5] [--repeats 2]
[--sets NAME ...]``. Takes about a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow"))

from reco.screening import metrics  # noqa: E402
from reco.screening.ceiling import cross_validated_order  # noqa: E402
from reco.screening.data import read_labelled  # noqa: E402
from reco.screening.simulate import ASREVIEW_ELAS_U4, ModelSpec  # noqa: E402
from screening import DEFAULT_DATA, labelled_files  # noqa: E402  (bench/screening.py)

MODELS = {"reco": ModelSpec(), "elas_u4": ASREVIEW_ELAS_U4}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2, help="fold splits, seeds 0..R-1")
    parser.add_argument("--sets", nargs="+", help="only these set names (file stems)")
    args = parser.parse_args()

    sets: dict = {}
    files = labelled_files(args.data, args.sets)
    for path in files:
        data = read_labelled(path)
        entry: dict = {"n_records": len(data.labels), "n_relevant": int(data.labels.sum())}
        for name, spec in MODELS.items():
            start = time.perf_counter()
            X = spec.featurise(data.titles, data.abstracts)
            wss = [
                metrics.wss(data.labels[cross_validated_order(X, data.labels, spec, args.folds, s)])
                for s in range(args.repeats)
            ]
            entry[f"{name}_cv_wss_95"] = round(float(np.mean(wss)), 2)
            entry[f"{name}_seconds"] = round(time.perf_counter() - start, 1)
        print(f"{path.stem}: {json.dumps(entry)}", file=sys.stderr, flush=True)
        sets[path.stem] = entry
    summary = {
        f"{name}_mean_cv_wss_95": round(
            float(np.mean([s[f"{name}_cv_wss_95"] for s in sets.values()])), 2
        )
        for name in MODELS
    }
    result = {
        "settings": {
            "folds": args.folds,
            "repeats": args.repeats,
            "models": {name: spec.as_dict() for name, spec in MODELS.items()},
            "units": "wss in percentage points",
        },
        "sets": sets,
        "summary": summary,
    }
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
