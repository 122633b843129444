"""``reco screen``: screening subcommands (``simulate``, ``rank``; ``tally`` is added separately).

Each sub-subcommand is a function ``register(subparsers)`` in :data:`SUBCOMMANDS`. Another
module adds its own without editing this one: a module ``reco/commands/screen_<name>.py`` that
defines ``register_screen(subparsers)`` is discovered and called here (e.g. ``screen_tally.py``
for ``reco screen tally``).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path

_MODEL_HELP = (
    "model setting as KEY=VALUE (features, classifier, query, balance, balance_ratio, growth; "
    "feature_params and classifier_params take a JSON object, e.g. "
    'classifier_params=\'{"base": "svm", "base_params": {"C": 0.11}}\')'
)
_NUMBERS = ("balance_ratio", "growth")


def _add_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--model", action="extend", nargs="+", default=[], metavar="KEY=VALUE", help=_MODEL_HELP
    )


def _setting(key: str, value: str) -> object:
    """One --model value: a number, a JSON object (the ``*_params`` keys) or a name."""
    import json

    from reco.errors import ConfigError

    if key.endswith("_params"):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"--model {key} needs a JSON object, got {value!r} ({exc.msg} at column {exc.colno})",
                fix=f"quote it for the shell, e.g. --model '{key}={{\"C\": 0.11}}'",
            ) from exc
        if not isinstance(parsed, dict):
            raise ConfigError(f"--model {key} needs a JSON object, got {value!r}")
        return parsed
    if key in _NUMBERS:
        try:
            return float(value)
        except ValueError as exc:
            raise ConfigError(f"--model {key} needs a number, got {value!r}") from exc
    return value


def _spec(pairs: list[str]):  # -> ModelSpec
    from dataclasses import fields

    from reco.errors import ConfigError
    from reco.screening.simulate import ModelSpec

    kinds = [f.name for f in fields(ModelSpec)]
    values: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in kinds:
            raise ConfigError(
                f"bad --model setting {pair!r}",
                fix=f"use KEY=VALUE with KEY one of {', '.join(kinds)}",
            )
        values[key] = _setting(key, value)
    changed = values.get("classifier", ModelSpec.classifier) != ModelSpec.classifier
    if changed and "classifier_params" not in values:
        values["classifier_params"] = {}  # the default's parameters belong to its classifier
    spec = ModelSpec(**values)
    spec.check()
    return spec


def _register_simulate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "simulate",
        help="replay prioritised screening on a fully labelled CSV (retrospective)",
        description="Replay active-learning screening from 1 relevant + 1 irrelevant prior "
        "record (chosen with --seed) on a CSV with title, abstract, label_included "
        "[, record_id]; write metrics.json, order.csv and recall_curve.{svg,png}.",
    )
    p.add_argument("--data", type=Path, required=True, help="labelled CSV")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument(
        "--counts", type=Path, help="also write the metrics as the stage counts JSON (for reports)"
    )
    p.add_argument(
        "--stopping",
        metavar="RULE",
        help="the stopping rule a report quotes (every rule is applied; default knee_56)",
    )
    _add_model_options(p)
    p.set_defaults(func=_run_simulate)


def _run_simulate(args: argparse.Namespace) -> int:
    from reco.progress import step
    from reco.screening.simulate import simulate_file

    report = simulate_file(
        args.data, args.out, seed=args.seed, spec=_spec(args.model), stopping_rule=args.stopping
    )
    if args.counts:
        from reco.fileio import write_json

        write_json(args.counts, report)
    step(
        f"{args.data.name}: WSS@95 {report['wss_95']:.1f}, {report['n_to_95']} of "
        f"{report['n_records']} records to reach 95% recall; wrote {args.out}"
    )
    return 0


def _register_rank(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rank",
        help="rank the unscreened records from the labels so far (CSV + RIS)",
        description="Fit the prioritisation model on the labelled records and write "
        "ranked.csv and ranked.ris (rank in an N1 note) of the unlabelled ones, best first.",
    )
    p.add_argument("--records", type=Path, required=True, help="records (CSV or parquet)")
    p.add_argument("--labels", type=Path, required=True, help="CSV: record_id, label (0/1)")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument(
        "--dedup-map",
        type=Path,
        default=None,
        help="results/dedup/dedup_map.csv: a label on any duplicate labels its cluster, and "
        "only each cluster's kept record is ranked",
    )
    _add_model_options(p)
    p.set_defaults(func=_run_rank)


def _run_rank(args: argparse.Namespace) -> int:
    import polars as pl

    from reco.progress import step
    from reco.screening.data import fold_duplicates, read_dedup_map, read_labels, read_records
    from reco.screening.rank import rank_records, write_ranked

    spec = _spec(args.model)
    records = read_records(args.records)
    clusters, folded = None, 0
    if args.dedup_map is not None:
        clusters = read_dedup_map(args.dedup_map)
        records, folded = fold_duplicates(records, clusters)
    labels = read_labels(args.labels, records, clusters)
    ranked = rank_records(records, labels, spec, seed=args.seed)
    if clusters is not None:
        others = [";".join(clusters.duplicates(r)) for r in ranked["record_id"].to_list()]
        ranked = ranked.with_columns(pl.Series("duplicates", others, dtype=pl.String))
    write_ranked(ranked, records, args.out)
    step(
        f"ranked {ranked.height} unlabelled records ({len(labels)} labelled"
        + (f"; {folded} duplicates folded into their kept record" if clusters else "")
        + f"); wrote {args.out}"
    )
    return 0


#: Sub-subcommands of ``reco screen``, in help order. ``tally`` joins through discovery below.
SUBCOMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _register_simulate,
    _register_rank,
]


def _discovered() -> list[Callable[[argparse._SubParsersAction], None]]:
    import reco.commands

    found = []
    for info in sorted(pkgutil.iter_modules(reco.commands.__path__), key=lambda m: m.name):
        if info.name.startswith("screen_"):
            module = importlib.import_module(f"reco.commands.{info.name}")
            hook = getattr(module, "register_screen", None)
            if hook is not None:
                found.append(hook)
    return found


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "screen",
        help="title/abstract screening: prioritisation (simulate, rank) and decision tallies",
    )
    screen_sub = p.add_subparsers(dest="screen_command", metavar="SUBCOMMAND", required=True)
    for add in [*SUBCOMMANDS, *_discovered()]:
        add(screen_sub)
