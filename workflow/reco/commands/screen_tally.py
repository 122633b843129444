"""``reco screen tally``: statuses, PRISMA counts and agreement from the raw screening logs.

Discovered and added to the ``reco screen`` parser by :mod:`reco.commands.screen`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register_screen(screen_sub: argparse._SubParsersAction) -> None:
    p = screen_sub.add_parser(
        "tally",
        help="tally human screening decisions into statuses and counts",
        description="Resolve every decision's record_id to its work through the dedup map, apply the "
        "stages' transitions, resolve conflicts from the resolutions logs, and write "
        "DIR/status.parquet (one row per work), DIR/decisions.parquet, DIR/agreement.json.",
    )
    p.add_argument("--dedup-map", type=Path, required=True, help="dedup_map.csv from `reco dedup`")
    p.add_argument(
        "--log",
        action="append",
        default=[],
        metavar="STAGE:KIND:FORMAT:FILE",
        help="a decision log, e.g. title_abstract:decisions:generic:logs/ta_JH.csv (repeatable)",
    )
    p.add_argument(
        "--spec", help="JSON list of {file, stage, kind, format, column_map} (as in config)"
    )
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--counts", type=Path, help="stage counts JSON (default DIR/counts.json)")
    p.set_defaults(func=run_tally)


def _specs(args: argparse.Namespace) -> list:
    from reco.errors import ConfigError
    from reco.screening.logs import LogSpec

    specs = []
    for entry in json.loads(args.spec) if args.spec else []:
        specs.append(
            LogSpec(
                file=Path(entry["file"]),
                stage=entry["stage"],
                kind=entry.get("kind", "decisions"),
                format=entry.get("format", "generic"),
                column_map=entry.get("column_map"),
            )
        )
    for text in args.log:
        parts = text.split(":", 3)
        if len(parts) != 4:
            raise ConfigError(
                f"--log {text!r} is not STAGE:KIND:FORMAT:FILE",
                fix="e.g. --log title_abstract:decisions:generic:ta_JH.csv",
            )
        specs.append(LogSpec(file=Path(parts[3]), stage=parts[0], kind=parts[1], format=parts[2]))
    if not specs:
        raise ConfigError(
            "no screening logs given", fix="pass --log or --spec (config: screening.logs)."
        )
    return specs


def run_tally(args: argparse.Namespace) -> int:
    from reco import fileio, records
    from reco.progress import step
    from reco.screening.tally import tally

    dedup_map = records.read_table(args.dedup_map, records.DEDUP_MAP)
    result = tally(dedup_map, _specs(args))
    out = args.out
    fileio.write_parquet(result.status, out / "status.parquet")
    fileio.write_parquet(
        result.decisions.sort("stage", "source_file", "row"), out / "decisions.parquet"
    )
    fileio.write_json(out / "agreement.json", result.agreement)
    counts = dict(result.counts)
    counts["records_in_dedup_map"] = dedup_map.height
    fileio.write_json(args.counts or out / "counts.json", counts)
    for name in result.stages_run:
        c = result.counts["stages"][name]
        step(
            f"{name}: {c['screened']} screened, {c['included']} included, {c['excluded']} excluded, {c['conflicts']} conflicts"
        )
    return 0
