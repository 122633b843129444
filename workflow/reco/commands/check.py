"""``reco check conservation``: fail when records are lost or invented between stages."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="checks across stages (conservation of records)")
    checks = p.add_subparsers(dest="check", metavar="CHECK", required=True)
    c = checks.add_parser(
        "conservation",
        help="records in = records out at every stage that has run",
        description="Check ingest, dedup and screening outputs for lost or invented records; exit 2 "
        "with the offending IDs if any.",
    )
    c.add_argument(
        "--results", type=Path, default=Path("results"), help="results folder (default results)"
    )
    c.add_argument(
        "--stage",
        action="append",
        choices=["ingest", "dedup", "screening"],
        help="only these stages",
    )
    c.add_argument("--out", type=Path, help="write the summary JSON here")
    c.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from reco import conservation, fileio
    from reco.progress import step

    r: Path = args.results
    stages = args.stage or ["ingest", "dedup", "screening"]
    summary = {}
    if "ingest" in stages:
        summary["ingest"] = conservation.check_ingest(r / "ingest")
    if "dedup" in stages:
        summary["dedup"] = conservation.check_dedup(r / "ingest", r / "dedup")
    if "screening" in stages:
        summary["screening"] = conservation.check_screening(r / "dedup", r / "screening")
    if args.out:
        fileio.write_json(args.out, {"checked": stages, "ok": True, "summary": summary})
    step(f"conservation holds for: {', '.join(stages)}")
    return 0
